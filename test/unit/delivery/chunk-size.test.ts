// How many records a chunk holds: run.chunkSize, or for a batch integration enough for one call per slot
// of its connection (concurrency × lote_envio).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkSizeOf } from '../../../activities/query-records';
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
