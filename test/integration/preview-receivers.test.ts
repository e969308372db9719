// /previa for the other connection types, on real receivers: an API connection shows the method, URL (link
// variables rendered) and JSON body a run would send; a DB connection shows the INSERT it would execute.
// Neither receiver is called: the REST receiver counts no attempt and the ERP table is unchanged.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Pool } from 'pg';
import { createErpReceiverTable, seedReceiverIntegrations } from '../../src/dev/demo-receivers-seed';
import { startRestReceiver, type RestReceiver } from '../../src/dev/rest-receiver';
import { testServices } from '../helpers/services';
import { startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const REST_TOKEN = 'rest-bearer-preview-1234';

describe('/previa of API and DB integrations', () => {
  let env: SetEnv;
  let rest: RestReceiver;
  let erp: Pool;
  const previa = (integracao: number) =>
    env.app.inject({
      method: 'GET',
      url: `/previa?base_crm=demo&empresa_id=1&integracao_servico_id=${integracao}&contaId=1`,
      headers: { TOKEN_CRM: TOKEN },
    });
  const erpDigest = async () =>
    (await erp.query("SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS h FROM erp_clientes AS t")).rows[0];

  before(async () => {
    rest = await startRestReceiver({ bearer: REST_TOKEN });
    const erpUrl = await (await testServices()).newDatabase('erp');
    erp = new Pool({ connectionString: erpUrl, max: 2 });
    await createErpReceiverTable(erp);
    env = await startSetEnv({
      env: { TEST_REST_TOKEN: REST_TOKEN },
      connections: {
        rest: { type: 'API', url: rest.baseUrl, auth: { bearer: '${TEST_REST_TOKEN}' } },
        erp_db: { type: 'DB', url: erpUrl },
      },
      seed: async (crm) => {
        await seedReceiverIntegrations(crm, { api: 'rest', db: 'erp_db' });
        await crm.query("UPDATE contas SET id_erp = '77' WHERE id = 1"); // so 32 (PUT /clientes/#id_erp#) has a row
      },
    });
  });
  after(async () => {
    await env?.close();
    await erp?.end();
    await rest?.close();
  });

  test('an API integration: method, URL with the link rendered, and the JSON body; nothing sent', async () => {
    const post = (await previa(30)).json();
    const [record] = post.integrations[0].records;
    assert.match(record.key, /^[0-9a-f]{32}$/, 'the query has no id column: the key is the row digest, as in a run');
    assert.equal(record.wire.operation, 'POST');
    assert.equal(record.wire.url, `${rest.baseUrl}/clientes`);
    assert.deepEqual(JSON.parse(record.wire.body), record.request);
    const put = (await previa(32)).json().integrations[0].records[0];
    assert.equal(put.wire.operation, 'PUT');
    assert.equal(put.wire.url, `${rest.baseUrl}/clientes/77`);
    assert.ok(!JSON.stringify(post).includes(REST_TOKEN));
    assert.equal(rest.attempts.length, 0, 'the REST receiver got no request');
  });

  test('a DB integration: the INSERT a run would execute, with its values; the ERP table is unchanged', async () => {
    const before = await erpDigest();
    const answer = (await previa(31)).json();
    const [record] = answer.integrations[0].records;
    assert.equal(record.key, '1');
    assert.match(record.sql.text, /^INSERT INTO "erp_clientes" \(.+\) VALUES \(\$1, .+\) RETURNING "codigo" AS "codigo"$/);
    assert.ok(record.sql.values.includes('Padaria Pão Dourado Ltda'), JSON.stringify(record.sql.values));
    assert.equal(record.wire, undefined);
    assert.deepEqual(await erpDigest(), before);
  });
});
