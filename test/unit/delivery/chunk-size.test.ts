// How many records a chunk holds: run.chunkSize, or for a batch integration enough for one call per slot
// of its connection (concurrency × lote_envio); and after the first run.maxChunksInFlight chunks, larger ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkLayout, chunkOf, chunkSizeOf } from '../../../activities/query-records';
import { g5Step } from './fakes';

test('a chunk of single sends holds run.chunkSize records, whatever the concurrency', () => {
  assert.equal(chunkSizeOf(g5Step(), 100, 8), 100);
  assert.equal(chunkSizeOf(g5Step(), 25, 1), 25);
});

test("a batch integration's chunk holds at least concurrency × lote_envio records", () => {
  const step = g5Step({ batch: { size: 50, path: 'parameters.dadosGeraisCliente', key: 'ideExt' } });
  assert.equal(chunkSizeOf(step, 100, 8), 400);
  assert.equal(chunkSizeOf(step, 1000, 8), 1000, 'a larger run.chunkSize is kept');
  assert.equal(chunkSizeOf(step, 100), 100, 'concurrency unknown: one call per chunk at least (50 < 100)');
  assert.equal(chunkSizeOf({ ...step, batch: { ...step.batch!, size: 500 } }, 100), 500);
});

test('the first run.maxChunksInFlight chunks hold chunkSize records, the later ones laterChunkSize', () => {
  const layout = chunkLayout(g5Step(), 100, 8, 8, 500);
  assert.deepEqual(layout, { first: 100, spread: 8, later: 500 });
  const chunks = (n: number) => Array.from({ length: n }, (_, seq) => chunkOf(seq, layout));
  // a run of 600 records is still 6 chunks of 100, spread over the workers as before
  assert.equal(new Set(chunks(600)).size, 6);
  const tenThousand = chunks(10_000);
  assert.equal(tenThousand[799], 7);
  assert.equal(tenThousand[800], 8, 'the first record after the eight first chunks starts a larger one');
  assert.equal(tenThousand[1299], 8);
  assert.equal(tenThousand[1300], 9);
  assert.equal(new Set(tenThousand).size, 8 + Math.ceil(9200 / 500));
  // chunk numbers never go back and never skip one
  for (let seq = 1; seq < tenThousand.length; seq++) {
    const step = tenThousand[seq]! - tenThousand[seq - 1]!;
    assert.ok(step === 0 || step === 1, `record ${seq}: chunk ${tenThousand[seq - 1]} then ${tenThousand[seq]}`);
  }
});

test('a batch chunk larger than laterChunkSize keeps its size; activities scheduled before these settings get even chunks', () => {
  const step = g5Step({ batch: { size: 50, path: 'parameters.dadosGeraisCliente', key: 'ideExt' } });
  assert.deepEqual(chunkLayout(step, 100, 8, 8, 500), { first: 400, spread: 8, later: 500 });
  assert.deepEqual(chunkLayout({ ...step, batch: { ...step.batch!, size: 100 } }, 100, 8, 8, 500), { first: 800, spread: 8, later: 800 });
  for (const uniform of [chunkLayout(g5Step(), 100, 8), chunkLayout(g5Step(), 100, 8, 8)]) {
    assert.equal(chunkOf(99, uniform), 0);
    assert.equal(chunkOf(12_345, uniform), 123);
  }
});
