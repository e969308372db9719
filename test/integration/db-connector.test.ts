// The DB connector against a real PostgreSQL receiver table (demo "ERP" database): the returned row is the
// answer, and every failure lands in the error kind that says whether the row can have been written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Pool } from 'pg';
import type { DbConnection } from '../../src/config/types';
import { createDbReceiver } from '../../src/connectors/db';
import type { Receiver } from '../../src/connectors/types';
import { createErpReceiverTable } from '../../src/dev/demo-receivers-seed';
import { freePort } from '../../src/dev/free-port';
import { ConfigError, RecordError, TransportError, UnknownOutcome } from '../../src/errors';
import { testServices } from '../helpers/services';

const customer = (over: Record<string, unknown> = {}) => ({
  nome: 'ACME Indústria Ltda',
  documento: '11222333000181',
  cidade: 'Blumenau',
  uf: 'SC',
  id_externo: 42,
  ...over,
});

describe('DB connector', () => {
  let url: string;
  let erp: Pool;
  let db: Receiver;
  const connection = (over: Partial<DbConnection> = {}): DbConnection => ({
    type: 'DB',
    url,
    timeoutMs: 3000,
    maxAnswerBytes: 1024 * 1024,
    concurrency: 2,
    safeToResend: false,
    ...over,
  });
  const rows = async () => (await erp.query('SELECT codigo, nome, documento, id_externo FROM erp_clientes ORDER BY codigo')).rows;

  before(async () => {
    url = await (await testServices()).newDatabase('erp');
    erp = new Pool({ connectionString: url, max: 2 });
    await createErpReceiverTable(erp);
    db = createDbReceiver('erp_db', connection());
  });
  after(async () => {
    await db?.close?.();
    await erp?.end();
  });

  test('inserts the mapped columns and answers with the RETURNING row', async () => {
    const { answer, sent } = await db.send({ link: 'erp_clientes', body: customer(), returning: ['codigo'] });
    assert.deepEqual(answer, { codigo: 7001 });
    assert.deepEqual(await rows(), [{ codigo: 7001, nome: 'ACME Indústria Ltda', documento: '11222333000181', id_externo: 42 }]);
    assert.match(
      sent!,
      /^INSERT INTO "erp_clientes" \("nome", "documento", "cidade", "uf", "id_externo"\) VALUES \(\$1, \$2, \$3, \$4, \$5\) RETURNING "codigo" AS "codigo"/,
    );
  });

  test('takes a value that looks like SQL as data', async () => {
    const nome = "x'); DROP TABLE erp_clientes; --";
    await db.send({ link: 'public.erp_clientes', body: customer({ nome, documento: '11444777000161' }), returning: ['codigo'] });
    assert.equal((await rows()).at(-1)!.nome, nome);
  });

  test('a constraint violation raised by the receiver is a record error with its message', async () => {
    await assert.rejects(db.send({ link: 'erp_clientes', body: customer({ documento: '11222333000182' }), returning: ['codigo'] }), (err: unknown) => {
      assert.ok(err instanceof RecordError, String(err));
      assert.match(err.message, /CNPJ\/CPF inválido: 11222333000182/);
      return true;
    });
    await assert.rejects(
      db.send({ link: 'erp_clientes', body: customer(), returning: ['codigo'] }),
      (err: unknown) => err instanceof RecordError && /duplicate key.*\(documento\)=\(11222333000181\)/s.test(err.message),
    );
  });

  test('a data error (value too long for the column) is a record error', async () => {
    await assert.rejects(
      db.send({ link: 'erp_clientes', body: customer({ documento: '52998224725', uf: 'SCX' }), returning: ['codigo'] }),
      (err: unknown) => err instanceof RecordError && /too long/.test(err.message),
    );
  });

  test('an unknown table or column is a config error naming integracao.link or the campo', async () => {
    await assert.rejects(db.send({ link: 'erp_nada', body: customer(), returning: [] }), (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(err.issues[0]!.column, 'link');
      assert.match(err.message, /erp_nada/);
      return true;
    });
    await assert.rejects(
      db.send({ link: 'erp_clientes', body: customer({ telefone: '1' }), returning: [] }),
      (err: unknown) => err instanceof ConfigError && err.issues[0]!.column === 'campo_integracao telefone',
    );
    await assert.rejects(
      db.send({ link: 'erp_clientes', body: customer({ documento: '39053344705' }), returning: ['cod'] }),
      (err: unknown) => err instanceof ConfigError && err.issues[0]!.column === 'indice_valor_retorno',
    );
  });

  test('a statement past timeoutMs is cancelled and rolled back: retryable, nothing written', async () => {
    const slow = createDbReceiver('erp_db', connection({ timeoutMs: 300 }));
    await erp.query('UPDATE erp_controle SET atraso_ms = 2000');
    try {
      const before = (await rows()).length;
      await assert.rejects(slow.send({ link: 'erp_clientes', body: customer({ documento: '71428793860' }), returning: ['codigo'] }), (err: unknown) => {
        assert.ok(err instanceof TransportError && err.retryable, String(err));
        assert.match(err.message, /timed out after 300 ms and was rolled back/);
        return true;
      });
      assert.equal((await rows()).length, before);
    } finally {
      await erp.query('UPDATE erp_controle SET atraso_ms = 0');
      await slow.close?.();
    }
  });

  test('a connection lost while the statement runs is an unknown outcome', async () => {
    const lost = createDbReceiver('erp_db', connection());
    await erp.query('UPDATE erp_controle SET atraso_ms = 3000');
    try {
      const sending = lost.send({ link: 'erp_clientes', body: customer({ documento: '86288366757' }), returning: ['codigo'] });
      const outcome = assert.rejects(sending, (err: unknown) => err instanceof UnknownOutcome && /connection lost/.test(err.message));
      // wait until the INSERT runs, then kill its session from the receiver side
      for (let i = 0; i < 50; i++) {
        const killed = await erp.query(
          "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'integrador' AND query LIKE 'INSERT INTO%' AND state = 'active'",
        );
        if (killed.rowCount) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await outcome;
    } finally {
      await erp.query('UPDATE erp_controle SET atraso_ms = 0');
      await lost.close?.();
    }
  });

  test('a connection refused is retryable, and the receiver URL never shows', async () => {
    const port = await freePort();
    const refusedUrl = `postgres://erp_user:pw-s3cret@127.0.0.1:${port}/erp`;
    const refused = createDbReceiver('erp_db', connection({ url: refusedUrl }));
    try {
      await assert.rejects(refused.send({ link: 'erp_clientes', body: customer(), returning: [] }), (err: unknown) => {
        assert.ok(err instanceof TransportError && err.retryable, String(err));
        assert.match(err.message, /ECONNREFUSED.*nothing was sent/);
        assert.doesNotMatch(err.message, /pw-s3cret|127\.0\.0\.1/);
        return true;
      });
    } finally {
      await refused.close?.();
    }
  });

  test('wrong credentials are a config error on the connection file', async () => {
    const u = new URL(url);
    u.password = 'wrong-password';
    u.username = 'nobody_here';
    const wrong = createDbReceiver('erp_db', connection({ url: u.toString() }));
    try {
      await assert.rejects(wrong.send({ link: 'erp_clientes', body: customer(), returning: [] }), (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.doesNotMatch(err.message, /wrong-password/);
        return true;
      });
    } finally {
      await wrong.close?.();
    }
  });
});
