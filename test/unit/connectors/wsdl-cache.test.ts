// The per-worker WSDL cache: one load per URL, revalidated after maxAgeMs, forgotten on failure or on demand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as soap from 'soap';
import { createWsdlCache } from '../../../src/connectors/ws';

const wsdl = (name: string) => ({ name }) as unknown as soap.WSDL;

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

test('loads once while fresh, then revalidates with the cached WSDL in hand', async () => {
  const c = clock();
  const cache = createWsdlCache({ maxAgeMs: 60_000, now: c.now });
  const v1 = wsdl('v1');
  const seen: Array<soap.WSDL | undefined> = [];
  const load = async (previous?: soap.WSDL) => (seen.push(previous), previous ?? v1);
  assert.equal(await cache.get('u', load), v1);
  c.advance(59_000);
  assert.equal(await cache.get('u', load), v1);
  assert.deepEqual(seen, [undefined], 'fresh: no second load');
  c.advance(2_000);
  assert.equal(await cache.get('u', load), v1, 'unchanged: the same parsed WSDL');
  assert.deepEqual(seen, [undefined, v1]);
  c.advance(1_000);
  await cache.get('u', load);
  assert.equal(seen.length, 2, 'revalidated just now: fresh again');
});

test('hands out the new WSDL when the revalidation finds a changed one', async () => {
  const c = clock();
  const cache = createWsdlCache({ maxAgeMs: 1000, now: c.now });
  const [v1, v2] = [wsdl('v1'), wsdl('v2')];
  assert.equal(await cache.get('u', async () => v1), v1);
  c.advance(1000);
  assert.equal(await cache.get('u', async () => v2), v2);
  assert.equal(await cache.get('u', async () => wsdl('v3')), v2);
});

test('keeps serving the cached WSDL when a revalidation fails, and tries again after maxAgeMs', async () => {
  const c = clock();
  const cache = createWsdlCache({ maxAgeMs: 1000, now: c.now });
  const v1 = wsdl('v1');
  await cache.get('u', async () => v1);
  c.advance(1000);
  assert.equal(await cache.get('u', async () => Promise.reject(new Error('down'))), v1);
  let loads = 0;
  assert.equal(await cache.get('u', async () => (loads++, v1)), v1);
  assert.equal(loads, 0, 'the failed revalidation counts as a check');
  c.advance(1000);
  await cache.get('u', async () => (loads++, v1));
  assert.equal(loads, 1);
});

test('shares one load between concurrent callers and forgets a failed first load', async () => {
  const cache = createWsdlCache();
  let loads = 0;
  const slow = () => new Promise<soap.WSDL>((resolve) => setTimeout(() => (loads++, resolve(wsdl('v1'))), 10));
  const [a, b] = await Promise.all([cache.get('u', slow), cache.get('u', slow)]);
  assert.equal(a, b);
  assert.equal(loads, 1);
  await assert.rejects(cache.get('v', async () => Promise.reject(new Error('down'))));
  assert.equal(cache.size, 1);
});

test('invalidate drops the entry so the next get loads it again', async () => {
  const cache = createWsdlCache();
  const [v1, v2] = [wsdl('v1'), wsdl('v2')];
  await cache.get('u', async () => v1);
  cache.invalidate('u');
  assert.equal(await cache.get('u', async () => v2), v2);
});
