// The Postman collection, run by newman against the demo on a real port: every request's test script
// must pass. (postman/integrador.postman_collection.json with postman/demo.postman_environment.json.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import newman, { type NewmanRunSummary } from 'newman';
import { seedDemoChain } from '../../src/dev/demo-seed';
import { startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const POSTMAN = join(__dirname, '..', '..', 'postman');

function runCollection(baseUrl: string): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection: JSON.parse(readFileSync(join(POSTMAN, 'integrador.postman_collection.json'), 'utf8')),
        environment: JSON.parse(readFileSync(join(POSTMAN, 'demo.postman_environment.json'), 'utf8')),
        // the demo environment as shipped, with this test's address and token
        envVar: [
          { key: 'baseUrl', value: baseUrl },
          { key: 'token', value: TOKEN },
        ],
        reporters: [],
        timeoutRequest: 60_000,
      },
      (err, summary) => (err ? reject(err) : resolve(summary)),
    );
  });
}

describe('Postman collection', () => {
  let env: SetEnv;
  let baseUrl: string;
  before(async () => {
    env = await startSetEnv({ seed: seedDemoChain }); // the chain 19 → 21 → 22, as `integrador dev` seeds it
    baseUrl = await env.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await env?.close();
  });

  test('every request of the collection passes its tests against the demo', async () => {
    const summary = await runCollection(baseUrl);
    const failures = summary.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.message}`);
    assert.deepEqual(failures, []);
    assert.equal(summary.run.stats.requests.total, 12);
    assert.equal(summary.run.stats.assertions.total, 12);
    assert.equal(summary.run.stats.assertions.failed, 0);
    // the form POST did not wait for its run: give it time to send
    const deadline = Date.now() + 15_000;
    while (env.receiver.received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(env.receiver.received.length, 2, 'the GET and the form POST each sent one account; the previews and the refused settlements sent nothing');
  });
});
