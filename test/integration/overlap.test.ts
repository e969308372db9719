// Overlapping runs (SPEC §8) on real parts: two runs that select the same account at the same time send it
// once; a run whose request differs sends after the other is done; a worker SIGKILLed while its run holds
// the record does not block the other run for ever. Witnesses: the receiver's own count of requests, the
// ledger, and a counter the write-back increments on the CRM row.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunResult } from '../../src/plan/types';
import { resultOf, spawnWorker, startFaultEnv, waitFor, type FaultEnv, type WorkerProcess } from '../faults/helpers/fault-env';
import { integrar, startSetEnv, type SetEnv } from './helpers/set-env';

const ask = (contaId: number, extra: Record<string, string> = {}) => ({ base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId, ...extra });

/** Counts the write-backs (contas.id_erp set) per account: "written back once" as a number. */
async function countWriteBacks(env: SetEnv): Promise<void> {
  await env.crm.query(`
    ALTER TABLE contas ADD COLUMN IF NOT EXISTS gravacoes integer NOT NULL DEFAULT 0;
    CREATE FUNCTION conta_gravacoes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.gravacoes := OLD.gravacoes + 1; RETURN NEW; END $$;
    CREATE TRIGGER conta_gravacoes BEFORE UPDATE OF id_erp ON contas FOR EACH ROW EXECUTE FUNCTION conta_gravacoes();`);
}

async function writeBacks(env: SetEnv, id: number): Promise<number> {
  return (await env.crm.query('SELECT gravacoes FROM contas WHERE id = $1', [id])).rows[0].gravacoes;
}

function recordOf(body: any) {
  assert.equal(body.integrations.length, 1, JSON.stringify(body));
  return body.integrations[0].records[0];
}

describe('overlapping runs through /integrar (a receiver taking 2 s)', () => {
  let env: SetEnv;
  before(async () => {
    env = await startSetEnv();
    await countWriteBacks(env);
  });
  after(async () => {
    env.receiver.setBehaviour({ delayMs: 0 });
    await env?.close();
  });

  test('two runs selecting the same account at the same time: sent once, both gravado, one says which run sent it', async () => {
    env.receiver.setBehaviour({ delayMs: 2000 });
    const before = env.receiver.received.length;
    const [first, second] = await Promise.all([integrar(env, ask(1)), integrar(env, ask(1, { origem: 'botao' }))]);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(second.statusCode, 200, second.body);
    const a = first.json();
    const b = second.json();
    assert.notEqual(a.workflowId, b.workflowId, 'two workflows');
    const ra = recordOf(a);
    const rb = recordOf(b);
    assert.equal(ra.status, 'gravado');
    assert.equal(rb.status, 'gravado');
    assert.equal(ra.values.codCli, rb.values.codCli);
    assert.equal(env.receiver.received.length - before, 1, 'the receiver got the customer once');
    assert.equal(await writeBacks(env, 1), 1, 'written back once');
    // exactly one of them took the other's outcome, and says so
    const [taker, sender] = ra.sentBy ? [ra, b] : [rb, a];
    assert.equal(taker.sentBy, sender.workflowId);
    assert.match(taker.message, new RegExp(`sent by run ${sender.workflowId}`));
    assert.equal([ra, rb].filter((r) => r.sentBy).length, 1);
    const ledger = await env.crm.query(`SELECT workflow_id, status, enviado_por FROM integrador.envio WHERE integracao_id = 19 AND chave = '1'`);
    assert.deepEqual(ledger.rows.map((r) => r.status).sort(), ['gravado', 'gravado']);
  });

  test('a different request (the CRM row changed between runs) is sent after the first run is done', async () => {
    env.receiver.setBehaviour({ delayMs: 2000 });
    const before = env.receiver.received.length;
    const first = integrar(env, ask(2));
    await waitFor('the first run to reach the receiver', () => env.receiver.received.length > before, 30_000);
    await env.crm.query(`UPDATE contas SET fantasia = 'Nome novo' WHERE id = 2`);
    const second = await integrar(env, ask(2, { origem: 'botao' }));
    const a = (await first).json();
    const b = second.json();
    assert.equal(recordOf(a).status, 'gravado', JSON.stringify(a));
    assert.equal(recordOf(b).status, 'gravado', JSON.stringify(b));
    assert.equal(recordOf(b).sentBy, undefined, 'sent by itself');
    const got = env.receiver.received.slice(before);
    assert.equal(got.length, 2);
    // the second request was sent only once the first one's answer had come (2 s after it arrived)
    assert.ok(got[1]!.at - got[0]!.at >= 1900, `second sent ${got[1]!.at - got[0]!.at} ms after the first`);
    const customer = (r: (typeof got)[number]) => [(r.args as any).parameters.dadosGeraisCliente].flat()[0];
    assert.equal(customer(got[1]!).apeCli, 'Nome novo');
    assert.equal(await writeBacks(env, 2), 2);
  });
});

describe('overlapping runs: the worker holding the record is SIGKILLed', () => {
  let env: FaultEnv;
  const workers: WorkerProcess[] = [];
  before(async () => {
    // a call timeout longer than the test: run A's send ends only by the kill
    env = await startFaultEnv({ records: 1, connection: { timeoutMs: 300_000 } });
  });
  after(async () => {
    for (const w of workers) await w.stop();
    await env?.close();
  });

  test('the dead run ends incerto by its own retried attempt; the waiting run then sends, once', { timeout: 180_000 }, async () => {
    env.receiver.setBehaviour({ delayMs: 60_000 }); // the first send never answers before the kill
    const doomed = await spawnWorker(env.configFile);
    const a = await env.startRun();
    await waitFor('run A to reach the receiver', () => env.receiver.received.length === 1, 60_000);
    env.receiver.setBehaviour({ delayMs: 0 });
    const survivor = await spawnWorker(env.configFile);
    workers.push(survivor);
    const b = await env.startRun();
    // run B meets the key in flight and waits (its record stays pendente)
    await waitFor(
      'run B to store its record',
      async () => (await env.crm.query(`SELECT 1 FROM integrador.envio WHERE workflow_id = $1`, [b.workflowId])).rowCount === 1,
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(env.receiver.received.length, 1, 'run B did not send while run A held the record');
    await doomed.kill();
    const [ra, rb] = (await Promise.all([resultOf(a, 120_000), resultOf(b, 120_000)])) as RunResult[];
    const rows = await env.crm.query(
      `SELECT workflow_id, status, erro, enviado_por, atualizado_em FROM integrador.envio WHERE execucao_id = ANY($1) ORDER BY id`,
      [[ra!.execucaoId, rb!.execucaoId]],
    );
    console.log(`overlap-kill ledger=${JSON.stringify(rows.rows.map((r) => [r.status, r.enviado_por]))} received=${env.receiver.received.length}`);
    const [rowA, rowB] = rows.rows;
    assert.equal(rowA.workflow_id, a.workflowId);
    assert.equal(rowA.status, 'incerto', 'the dead run: found enviando by its retried attempt, not safeToResend');
    assert.equal(rowB.status, 'gravado');
    assert.equal(rowB.enviado_por, null, 'run B sent it itself: the other ended incerto, not gravado');
    assert.equal(env.receiver.received.length, 2, 'run B sent once, after run A was settled');
    assert.ok(env.receiver.received[1]!.at >= new Date(rowA.atualizado_em).getTime() - 50, 'run B sent after run A became incerto');
    const gravacoes = (await env.crm.query('SELECT gravacoes FROM contas WHERE id = $1', [env.accounts.first])).rows[0].gravacoes;
    assert.equal(gravacoes, 1, 'written back once, by run B');
  });
});
