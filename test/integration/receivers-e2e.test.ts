// One account integration end to end (API → Temporal → CRM query → send → answer → write-back) against
// each kind of receiver: the G5-like SOAP receiver (19 SET-WS-CONTAS), the demo REST receiver (30
// SET-API-CONTAS) and a PostgreSQL receiver table (31 SET-DB-CONTAS). Same scenarios for each: success,
// business error, connection refused, slow receiver, and the receiver asking to slow down.
import assert from 'node:assert/strict';
import { createServer as createTcpServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { Pool } from 'pg';
import { createReceiverRegistry, type SendEvent } from '../../src/connectors/registry';
import { cnpjWithCheckDigits } from '../../src/dev/demo-seed';
import { API_CONEXAO_ID, DB_CONEXAO_ID, createErpReceiverTable, seedReceiverIntegrations } from '../../src/dev/demo-receivers-seed';
import { freePort } from '../../src/dev/free-port';
import { startRestReceiver, type RestReceiver } from '../../src/dev/rest-receiver';
import { workflowBundle } from '../../src/worker';
import { testServices } from '../helpers/services';
import { G5_PASSWORD, integrar, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const REST_TOKEN = 'rest-token-e2e-5ecret';
const TIMEOUT_MS = 1000;

interface Kind {
  label: 'WS' | 'API' | 'DB';
  integracao: number;
  conexaoId: number;
  connection: string;
  proxyConnection: string;
  valueKey: string;
  /** How many times the receiver processed this account. */
  processed(contaId: number): Promise<number>;
  slowDown(on: boolean): Promise<void>;
}

/** A TCP forwarder that is closed (connection refused) until `open()`. */
async function tcpProxy(targetPort: () => number) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  return {
    port,
    open() {
      server = createTcpServer((client) => {
        const upstream = connect(targetPort(), '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => (client.destroy(), upstream.destroy(), sockets.delete(s)));
        }
        client.pipe(upstream).pipe(client);
      });
      return new Promise<void>((resolve, reject) => server!.once('error', reject).listen(port, '127.0.0.1', resolve));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    },
  };
}

const ask = (integracao: number, contaId: number, extra: Record<string, string | number> = {}) => ({
  base_crm: 'demo',
  empresa_id: 1,
  integracao_servico_id: integracao,
  contaId,
  ...extra,
});

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the account integration on WS, API and DB receivers', () => {
  let env: SetEnv;
  let rest: RestReceiver;
  let erp: Pool;
  let erpUrl: string;
  const proxies: Array<Awaited<ReturnType<typeof tcpProxy>>> = [];
  const events: Array<SendEvent & { at: number }> = [];
  const extraAccounts: number[] = [];
  let kinds: Kind[];

  before(async () => {
    rest = await startRestReceiver({ bearer: REST_TOKEN });
    erpUrl = await (await testServices()).newDatabase('erp');
    erp = new Pool({ connectionString: erpUrl, max: 2 });
    await createErpReceiverTable(erp);
    const erpPort = Number(new URL(erpUrl).port || 5432);
    // the G5 receiver is started by startSetEnv: its port is known only when the proxy opens
    const [g5Proxy, restProxy, dbProxy] = await Promise.all([
      tcpProxy(() => Number(new URL(env.receiver.baseUrl).port)),
      tcpProxy(() => Number(new URL(rest.baseUrl).port)),
      tcpProxy(() => erpPort),
    ]);
    proxies.push(g5Proxy, restProxy, dbProxy);
    const viaProxy = (url: string, port: number) =>
      Object.assign(new URL(url), { port: String(port) })
        .toString()
        .replace(/\/$/, '');
    const apiConn = (url: string) => ({ type: 'API', url, auth: { bearer: '${TEST_REST_TOKEN}' }, timeoutMs: TIMEOUT_MS });
    const dbConn = (url: string) => ({ type: 'DB', url, timeoutMs: TIMEOUT_MS, ratePerSecond: 2 });
    env = await startSetEnv({
      connection: { timeoutMs: TIMEOUT_MS },
      env: { TEST_REST_TOKEN: REST_TOKEN },
      connections: {
        g5_proxy: {
          type: 'WS',
          url: `http://127.0.0.1:${g5Proxy.port}`,
          args: { user: 'integrador', password: '${TEST_G5_PASSWORD}', encryption: 0 },
          timeoutMs: TIMEOUT_MS,
        },
        rest: apiConn(rest.baseUrl),
        rest_proxy: apiConn(`http://127.0.0.1:${restProxy.port}`),
        erp_db: dbConn(erpUrl),
        erp_db_proxy: dbConn(viaProxy(erpUrl, dbProxy.port)),
      },
      seed: async (crm) => {
        await seedReceiverIntegrations(crm, { api: 'rest', db: 'erp_db' });
        for (const base of ['556677880001', '667788990001', '778899000001']) {
          const { rows } = await crm.query(
            `INSERT INTO contas (nome, fantasia, tipo_pessoa, cnpj, cidade, uf, cep, email) VALUES ($1, $1, 'J', $2, 'Lages', 'SC', '88501-000', 'x@y.com.br') RETURNING id`,
            [`Cliente Extra ${base}`, cnpjWithCheckDigits(base)],
          );
          extraAccounts.push(rows[0].id);
        }
      },
      receivers: (config) =>
        createReceiverRegistry(config, {}, { onSend: (e) => events.push({ ...e, at: Date.now() }), retryAfter: { maxWaitMs: 5000, maxWaits: 1 } }),
    });
    const g5 = env.receiver;
    kinds = [
      {
        label: 'WS',
        integracao: 19,
        conexaoId: 3,
        connection: 'g5',
        proxyConnection: 'g5_proxy',
        valueKey: 'codCli',
        processed: async (id) => g5.countsByIdeExt().get(String(id)) ?? 0,
        slowDown: async (on) => g5.setBehaviour({ delayMs: on ? 2 * TIMEOUT_MS : 0 }),
      },
      {
        label: 'API',
        integracao: 30,
        conexaoId: API_CONEXAO_ID,
        connection: 'rest',
        proxyConnection: 'rest_proxy',
        valueKey: 'id',
        processed: async (id) => rest.countsByExternalId().get(String(id)) ?? 0,
        slowDown: async (on) => rest.setBehaviour({ delayMs: on ? 2 * TIMEOUT_MS : 0 }),
      },
      {
        label: 'DB',
        integracao: 31,
        conexaoId: DB_CONEXAO_ID,
        connection: 'erp_db',
        proxyConnection: 'erp_db_proxy',
        valueKey: 'codigo',
        processed: async (id) => (await erp.query('SELECT count(*)::int AS n FROM erp_clientes WHERE id_externo = $1', [id])).rows[0].n,
        slowDown: async (on) => void (await erp.query('UPDATE erp_controle SET atraso_ms = $1', [on ? 2 * TIMEOUT_MS : 0])),
      },
    ];
  });

  after(async () => {
    await env?.close();
    for (const p of proxies) await p.close();
    await erp?.end();
    await rest?.close();
  });

  async function idErp(id: number): Promise<string | null> {
    return (await env.crm.query('SELECT id_erp FROM contas WHERE id = $1', [id])).rows[0].id_erp;
  }

  async function replays(workflowId: string) {
    const history = await env.client.handle(workflowId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
  }

  const kind = (label: Kind['label']) => kinds.find((k) => k.label === label)!;

  for (const label of ['WS', 'API', 'DB'] as const) {
    describe(`${label} receiver`, () => {
      test('sends the account and writes the receiver code back into contas.id_erp', async () => {
        const k = kind(label);
        await env.crm.query('UPDATE contas SET id_erp = NULL WHERE id = 1');
        const res = await integrar(env, ask(k.integracao, 1));
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        assert.equal(body.success, true);
        const [record] = body.integrations[0].records;
        assert.equal(record.status, 'gravado');
        const code = record.values[k.valueKey];
        assert.ok(Number(code) > 0, `${k.valueKey} ${code}`);
        assert.equal(await idErp(1), String(code));
        assert.equal(await k.processed(1), 1);
        const history = JSON.stringify(await env.client.handle(body.workflowId).fetchHistory());
        const ledger = JSON.stringify((await env.crm.query('SELECT requisicao, resposta, erro FROM integrador.envio')).rows);
        for (const secret of [G5_PASSWORD, REST_TOKEN, erpUrl]) {
          assert.ok(!history.includes(secret) && !ledger.includes(secret), 'a secret reached the history or the ledger');
        }
        await replays(body.workflowId);
      });

      test('a business error returns the receiver message and writes nothing back', async () => {
        const k = kind(label);
        const res = await integrar(env, ask(k.integracao, 6));
        assert.equal(res.statusCode, 502, res.body);
        const body = res.json();
        assert.equal(body.success, false);
        assert.match(body.message, /CNPJ\/CPF inválido/);
        assert.equal(body.integrations[0].records[0].status, 'erro');
        assert.equal(await idErp(6), null);
      });

      test('a connection refused is retried, reported as running, and delivered once when the receiver is back', async () => {
        const k = kind(label);
        const proxy = proxies[kinds.indexOf(k)]!;
        await env.crm.query('UPDATE integrador.conexao_integracao SET nome_conexao = $1 WHERE id = $2', [k.proxyConnection, k.conexaoId]);
        try {
          const started = await integrar(env, ask(k.integracao, 2, { aguardar: 'false' }));
          assert.equal(started.statusCode, 202, started.body);
          const { workflowId } = started.json();
          const refused = () => events.filter((e) => e.connection === k.proxyConnection && e.outcome === 'retryable').length;
          await until('two refused attempts', () => refused() >= 2);
          const status = await env.app.inject({ method: 'GET', url: `/execucoes/${workflowId}?base_crm=demo`, headers: { TOKEN_CRM: TOKEN } });
          assert.equal(status.json().status, 'running', status.body);
          assert.equal(await k.processed(2), 0);
          await proxy.open();
          const result = await env.client.handle(workflowId).result();
          assert.equal(result.success, true, result.message);
          assert.equal(await k.processed(2), 1);
          assert.ok(await idErp(2));
        } finally {
          await env.crm.query('UPDATE integrador.conexao_integracao SET nome_conexao = $1 WHERE id = $2', [k.connection, k.conexaoId]);
        }
      });

      if (label === 'DB') {
        test('a statement past timeoutMs is rolled back and retried: written exactly once', async () => {
          const k = kind(label);
          await k.slowDown(true);
          try {
            const started = await integrar(env, ask(k.integracao, 3, { aguardar: 'false' }));
            const { workflowId } = started.json();
            await until('a timed-out statement', () => events.some((e) => e.connection === 'erp_db' && e.outcome === 'retryable'));
            assert.equal(await k.processed(3), 0, 'rolled back');
            await k.slowDown(false);
            const result = await env.client.handle(workflowId).result();
            assert.equal(result.success, true, result.message);
            assert.equal(await k.processed(3), 1);
          } finally {
            await k.slowDown(false);
          }
        });

        test('ratePerSecond bounds the inserts of concurrent runs', async () => {
          const k = kind(label);
          const answers = await Promise.all(extraAccounts.map((id) => integrar(env, ask(k.integracao, id))));
          for (const a of answers) assert.equal(a.statusCode, 200, a.body);
          const { rows } = await erp.query('SELECT criado_em FROM erp_clientes WHERE id_externo = ANY($1) ORDER BY criado_em', [extraAccounts]);
          assert.equal(rows.length, 3);
          const spread = rows[2].criado_em.getTime() - rows[0].criado_em.getTime();
          assert.ok(spread >= 900, `3 inserts at 2/s take ≥ ~1 s, took ${spread} ms`);
        });
      } else {
        test('a receiver slower than timeoutMs leaves the record incerto, processed once', async () => {
          const k = kind(label);
          await k.slowDown(true);
          try {
            const res = await integrar(env, ask(k.integracao, 3));
            const body = res.json();
            assert.equal(body.success, false, res.body);
            assert.equal(body.integrations[0].records[0].status, 'incerto');
            assert.match(body.message, /no answer within 1000 ms/);
            assert.equal(await k.processed(3), 1, 'the receiver got it once; it was not sent again');
          } finally {
            await k.slowDown(false);
          }
        });

        test('a 503/429 with Retry-After is honoured in the same attempt and the record succeeds', async () => {
          const k = kind(label);
          if (label === 'WS') env.receiver.setBehaviour({ failWith: 503, failTimes: 1, retryAfterSeconds: 1 });
          else rest.setBehaviour({ failWith: 429, failTimes: 1, retryAfterSeconds: 1 });
          const from = events.length;
          const res = await integrar(env, ask(k.integracao, 4));
          assert.equal(res.statusCode, 200, res.body);
          const [record] = res.json().integrations[0].records;
          assert.equal(record.status, 'gravado');
          assert.equal(record.attempts, 1, 'no Temporal retry was spent');
          const mine = events.slice(from).filter((e) => e.connection === k.connection);
          const busy = mine.findIndex((e) => e.outcome === 'retryable');
          assert.ok(busy >= 0, JSON.stringify(mine));
          const ok = mine.slice(busy).find((e) => e.outcome === 'ok')!;
          const gap = ok.at - ok.ms - mine[busy]!.at;
          assert.ok(gap >= 950, `sent again ${gap} ms after the 1 s Retry-After`);
          assert.equal(await k.processed(4), 1);
        });
      }
    });
  }

  test('API: a receiver that keeps answering 503 + Retry-After is reported after the retry budget, never sent twice', async () => {
    rest.setBehaviour({ failWith: 503, retryAfterSeconds: 1 });
    try {
      const res = await integrar(env, ask(30, 5));
      const body = res.json();
      assert.equal(body.success, false, res.body);
      assert.match(body.message, /HTTP 503, retry after 1000 ms/);
      assert.equal(await kind('API').processed(5), 0);
      assert.equal(await idErp(5), null);
      const ledger = await env.crm.query('SELECT status FROM integrador.envio WHERE workflow_id = $1', [body.workflowId]);
      assert.deepEqual(
        ledger.rows.map((r) => r.status),
        ['pendente'],
        'not processed: never erro nor incerto',
      );
    } finally {
      rest.setBehaviour({ failWith: undefined });
    }
  });
});
