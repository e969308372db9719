// After every other case: the secrets of the connection file (the G5 password, an unused API bearer token)
// and every TOKEN_CRM appear in no workflow history, no ledger row (all columns, both bases) and no log line.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { History } from '@temporalio/common/lib/proto-utils';
import { SECRETS, type AttackEnv } from '../helpers/attack-env';
import type { Tally } from '../helpers/probe';
import { historyText } from '../../integration/helpers/history-text';

const AREA = 'secrets';

/**
 * Every string in a history, with payload bytes decoded as UTF-8. `JSON.stringify(history)` alone is not
 * enough: payload data is a Uint8Array, which it writes as {"0":123,"1":34,...}, so a secret inside an
 * activity input or result would never be found.
 */

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function histories(env: AttackEnv): Promise<Map<string, History>> {
  const ids = new Set(env.workflowIds);
  try {
    for await (const wf of env.client.temporal.workflow.list({ query: `TaskQueue = '${env.taskQueue}'` })) ids.add(wf.workflowId);
  } catch {
    // visibility queries unavailable: the ids the answers named are enough
  }
  const out = new Map<string, History>();
  for (const id of ids) out.set(id, await env.client.handle(id).fetchHistory());
  return out;
}

export function secretCases(ctx: { env: () => AttackEnv; tally: Tally }) {
  const { tally } = ctx;
  const secrets = Object.entries(SECRETS);

  const assertClean = (source: string, text: string) => {
    for (const [name, value] of secrets) {
      tally.input(AREA);
      assert.ok(!text.includes(value), `${name} found in ${source}`);
      tally.nothingWritten(AREA);
    }
  };

  test('no secret in any workflow history of the suite (payloads decoded)', async () => {
    const env = ctx.env();
    const all = await histories(env);
    // most bad inputs are refused before a workflow exists; the runs that did start (answers, receivers) are checked
    assert.ok(all.size >= 10, `only ${all.size} workflows`);
    const text = [...all.values()].map((h) => historyText(h).join('\n')).join('\n');
    // the decoding works: the plan (an activity result) is readable, while a plain JSON.stringify misses it
    assert.match(text, /SET-WS-CONTAS-DEFINICOES/);
    assert.doesNotMatch(JSON.stringify([...all.values()]), /SET-WS-CONTAS-DEFINICOES/);
    assertClean('workflow histories', text);
  });

  test('no secret in any column of integrador.envio, in both bases', async () => {
    const env = ctx.env();
    const rows = [...(await env.crm.query('SELECT * FROM integrador.envio')).rows, ...(await env.otherCrm.query('SELECT * FROM integrador.envio')).rows];
    assert.ok(rows.length >= 10, `only ${rows.length} ledger rows`);
    const text = JSON.stringify(rows);
    assert.match(text, /soap:Envelope|GravarClientes/, 'the ledger keeps what was sent');
    assertClean('integrador.envio', text);
  });

  test('no secret in the API log or the access and error logs', async () => {
    const env = ctx.env();
    const files = filesUnder(env.logDir);
    const fileText = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    const text = `${env.logs.join('\n')}\n${fileText}`;
    assert.ok(env.logs.length > 0, 'fastify logged nothing');
    assertClean('logs', text);
  });
}
