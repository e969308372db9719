// What callers and attackers send to the settlement endpoint, POST /execucoes/{workflowId}/integracoes/
// {integracaoId}/registros/{key}: no token or another base's token, another base's run, unknown run,
// integration or key, SQL in the key, malformed and oversized bodies, values that are not text or numbers.
// Each is refused with a clear error; the receivers see nothing, the CRM and the ledger do not change, and
// the `incerto` record the cases aim at stays `incerto` with no settlement.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { OTHER_BASE, SECRETS, type AttackEnv } from '../helpers/attack-env';
import { ask, assertNothingSent, assertNothingWritten, integrar, refused, snapshot, type Expected, type Tally } from '../helpers/probe';

const AREA = 'settlement';
/** The demo's person (tipo_pessoa F): no other case runs it. */
const CONTA = 7;

const bad = (parameter: string, message: RegExp): Expected => ({ status: 400, message, parameter });

export function settlementCases(ctx: { env: () => AttackEnv; tally: Tally }) {
  const { tally } = ctx;
  let workflowId = '';
  const post = (
    env: AttackEnv,
    opts: { run?: string; integracao?: string; key?: string; query?: string; token?: string | null; body?: unknown; raw?: string; type?: string },
  ) =>
    env.app.inject({
      method: 'POST',
      url: `/execucoes/${encodeURIComponent(opts.run ?? workflowId)}/integracoes/${encodeURIComponent(opts.integracao ?? '19')}/registros/${encodeURIComponent(opts.key ?? String(CONTA))}?${opts.query ?? 'base_crm=demo'}`,
      headers: { ...(opts.token === null ? {} : { TOKEN_CRM: opts.token ?? SECRETS.token }), 'content-type': opts.type ?? 'application/json' },
      payload: opts.raw ?? JSON.stringify(opts.body ?? { acao: 'descartar', motivo: 'teste' }),
    });
  const refuses = (name: string, opts: Parameters<typeof post>[1], expected: Expected): void =>
    void test(name, async () => {
      const env = ctx.env();
      await refused(env, tally, AREA, () => post(env, opts), expected);
    });

  before(async () => {
    // an incerto made the way it happens: the receiver processes the request, then drops the connection
    const env = ctx.env();
    env.receiver.setBehaviour({ failWith: 'dropConnection', failTimes: 1 });
    const res = await integrar(env, ask({ contaId: CONTA }));
    assert.equal(res.statusCode, 502, res.body);
    workflowId = res.json().workflowId;
  });

  // tokens, bases, runs
  refuses('no TOKEN_CRM is 401', { token: null }, { status: 401, message: /missing TOKEN_CRM header/, parameter: 'TOKEN_CRM' });
  refuses('a wrong TOKEN_CRM is 401', { token: 'tok-demo-000000000000' }, { status: 401, message: /wrong TOKEN_CRM for this base/, parameter: 'TOKEN_CRM' });
  refuses("another base's token is 401", { token: SECRETS.tokenOutra }, { status: 401, message: /wrong TOKEN_CRM for this base/, parameter: 'TOKEN_CRM' });
  refuses(
    "this run asked for from another base (with that base's token) is 404, as unknown",
    { query: `base_crm=${OTHER_BASE}`, token: SECRETS.tokenOutra },
    {
      status: 404,
      message: /no run set-demo-.* in base demo-x/,
      parameter: 'workflowId',
    },
  );
  refuses(
    'an unknown run is 404',
    { run: 'set-demo-1-19-0000000000000000' },
    { status: 404, message: /no run set-demo-1-19-0000000000000000 in base demo/, parameter: 'workflowId' },
  );
  refuses(
    'a run id with path tricks is 404',
    { run: '../../saude' },
    { status: 404, message: /no run \.\.\/\.\.\/saude in base demo/, parameter: 'workflowId' },
  );
  refuses('an unknown integration is 404', { integracao: '21' }, { status: 404, message: /has no record of integracao 21/, parameter: 'integracaoId' });
  refuses('an unknown key is 404', { key: '70' }, { status: 404, message: /has no record 70 in integracao 19/, parameter: 'key' });
  refuses(
    'SQL in the key is 404 (bound, matches nothing)',
    { key: "7' OR '1'='1" },
    { status: 404, message: /has no record 7' OR '1'='1 in integracao 19/, parameter: 'key' },
  );
  refuses('a 100-character key is 404', { key: 'k'.repeat(100) }, { status: 404, message: /has no record k{100} in integracao 19/, parameter: 'key' });
  test('a 500-character key is 414 (refused by the router: path parameters are at most 100 characters)', async () => {
    const env = ctx.env();
    const before = await snapshot(env);
    tally.input(AREA);
    const res = await post(env, { key: 'k'.repeat(500) });
    assert.equal(res.statusCode, 414, res.body);
    assert.match(res.json().message, /exceeding the max param length/);
    tally.clearError(AREA);
    await assertNothingSent(env, before);
    tally.nothingSent(AREA);
    await assertNothingWritten(env, before);
    tally.nothingWritten(AREA);
  });
  refuses('a non-integer integration is 400', { integracao: '19 OR 1=1' }, bad('integracaoId', /integracaoId must be an integer/));

  // bodies
  refuses('no acao is 400', { body: { motivo: 'x' } }, bad('acao', /missing acao: one of confirmar, reenviar, descartar/));
  refuses('an unknown acao is 400', { body: { acao: 'apagar' } }, bad('acao', /unknown acao "apagar"/));
  refuses('acao as an array is 400', { body: { acao: ['descartar'] } }, bad('acao', /unknown acao \["descartar"\]/));
  refuses('confirmar without valores is 400', { body: { acao: 'confirmar' } }, bad('valores', /confirmar needs valores/));
  refuses(
    'confirmar without codCli is 400 naming it',
    { body: { acao: 'confirmar', valores: { outro: 1 } } },
    bad('valores.codCli', /valores\.codCli is missing/),
  );
  refuses(
    'a value that is an object is 400',
    { body: { acao: 'confirmar', valores: { codCli: { $gt: 1 } } } },
    bad('valores.codCli', /must be text .* or a number/),
  );
  refuses('a value that is null is 400', { body: { acao: 'confirmar', valores: { codCli: null } } }, bad('valores.codCli', /must be text .* or a number/));
  refuses('a value that is a boolean is 400', { body: { acao: 'confirmar', valores: { codCli: true } } }, bad('valores.codCli', /must be text .* or a number/));
  refuses(
    'a value of 5000 characters is 400',
    { body: { acao: 'confirmar', valores: { codCli: 'x'.repeat(5000) } } },
    bad('valores.codCli', /up to 1000 characters/),
  );
  refuses(
    '__proto__ in valores is 400',
    { raw: '{"acao":"confirmar","valores":{"__proto__":{"codCli":1}}}' },
    {
      status: 400,
      message: /not valid JSON/, // fastify refuses prototype poisoning before the route sees it
    },
  );
  refuses('descartar without motivo is 400', { body: { acao: 'descartar' } }, bad('motivo', /descartar needs a motivo/));
  refuses('descartar with a blank motivo is 400', { body: { acao: 'descartar', motivo: '   ' } }, bad('motivo', /descartar needs a motivo/));
  refuses('a motivo of 5000 characters is 400', { body: { acao: 'descartar', motivo: 'x'.repeat(5000) } }, bad('motivo', /longer than 2000 characters/));
  refuses(
    'a field the action does not take is 400',
    { body: { acao: 'reenviar', valores: { codCli: 1 } } },
    bad('valores', /unexpected field "valores" for acao reenviar/),
  );
  refuses('a JSON array body is 400', { body: [{ acao: 'reenviar' }] }, bad('body', /the body must be a JSON object/));
  refuses('malformed JSON is 400', { raw: '{"acao": "descartar", ' }, { status: 400, message: /not valid JSON/ });
  refuses('a body over 16 KiB is 413', { raw: JSON.stringify({ acao: 'descartar', motivo: 'x'.repeat(17_000) }) }, { status: 413, message: /too large/ });
  refuses('a text/plain body is 400', { raw: 'acao=descartar', type: 'text/plain' }, bad('body', /the body must be a JSON object/));

  test('the record the cases aimed at is still incerto, with no settlement', async () => {
    const env = ctx.env();
    const { rows } = await env.crm.query(`SELECT status, liquidacoes FROM integrador.envio WHERE workflow_id = $1 AND chave = $2`, [workflowId, String(CONTA)]);
    assert.deepEqual(rows, [{ status: 'incerto', liquidacoes: 0 }]);
    assert.equal((await env.crm.query('SELECT count(*)::int AS n FROM integrador.liquidacao')).rows[0].n, 0);
  });
}
