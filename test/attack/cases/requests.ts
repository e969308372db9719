// What callers and attackers send to /integrar: no token, someone else's token, someone else's company,
// missing or malformed parameters, SQL, huge values, broken UTF-8, arrays and objects. Each one is refused
// with the status of SPEC §9 and a message naming the parameter; nothing reaches a receiver or the CRM.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OTHER_BASE, SECRETS, type AttackEnv } from '../helpers/attack-env';
import { copyOf19 } from '../helpers/broken-rows';
import {
  ask,
  assertNothingSent,
  assertNothingWritten,
  integrar,
  integrarPost,
  integrarRaw,
  refused,
  snapshot,
  type Expected,
  type Tally,
} from '../helpers/probe';

const AREA = 'requests';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const BASE_QS = 'base_crm=demo&empresa_id=1&integracao_servico_id=19';
/** An integration whose query takes a text parameter: `WHERE c.nome = #nome#`. */
const BY_NAME = 540;

const bad = (parameter: string, message: RegExp): Expected => ({ status: 400, message, parameter });

export function requestCases(ctx: { env: () => AttackEnv; tally: Tally }) {
  const { tally } = ctx;
  const refuses = (name: string, send: (env: AttackEnv) => ReturnType<typeof integrar>, expected: Expected): void =>
    void test(name, async () => {
      const env = ctx.env();
      await refused(env, tally, AREA, () => send(env), expected);
    });

  // tokens and companies
  refuses('no TOKEN_CRM header is 401', (env) => integrar(env, ask(), {}), { status: 401, message: /missing TOKEN_CRM header/, parameter: 'TOKEN_CRM' });
  refuses('an empty TOKEN_CRM header is 401', (env) => integrar(env, ask(), { TOKEN_CRM: '' }), { status: 401, message: /TOKEN_CRM/, parameter: 'TOKEN_CRM' });
  refuses('a wrong TOKEN_CRM is 401', (env) => integrar(env, ask(), { TOKEN_CRM: 'tok-demo-000000000000' }), {
    status: 401,
    message: /wrong TOKEN_CRM for this base/,
    parameter: 'TOKEN_CRM',
  });
  refuses('the token of another base is 401 on this base', (env) => integrar(env, ask(), { TOKEN_CRM: SECRETS.tokenOutra }), {
    status: 401,
    message: /wrong TOKEN_CRM for this base/,
    parameter: 'TOKEN_CRM',
  });
  refuses("this base's token is 401 on another base", (env) => integrar(env, ask({ base_crm: OTHER_BASE })), {
    status: 401,
    message: /wrong TOKEN_CRM for this base/,
    parameter: 'TOKEN_CRM',
  });
  refuses('a token limited to empresa 1 is 403 for empresa 2', (env) => integrar(env, ask({ empresa_id: 2 }), { TOKEN_CRM: SECRETS.tokenEmpresa1 }), {
    status: 403,
    message: /may not run empresa 2/,
    parameter: 'empresa_id',
  });
  refuses(
    'a token limited to empresa 1 is 403 for a branch without empresa',
    (env) => integrar(env, { base_crm: 'demo', empresa_filial_id: 1, integracao_servico_id: 19, contaId: 1 }, { TOKEN_CRM: SECRETS.tokenEmpresa1 }),
    { status: 403, message: /may not run empresa \(none\)/, parameter: 'empresa_id' },
  );
  refuses('an integration of empresa 1 asked for by empresa 2 is 403', (env) => integrar(env, ask({ empresa_id: 2 })), {
    status: 403,
    message: /integracao 19 .*(empresa|company)/,
  });

  // missing and unknown parameters
  refuses(
    'a missing required parameter is 400 naming it',
    (env) => integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19 }),
    bad('contaId', /missing required parameter contaId \(integracao 19\)/),
  );
  refuses('an empty required parameter is 400 naming it', (env) => integrar(env, ask({ contaId: '' })), bad('contaId', /missing required parameter contaId/));
  refuses(
    'a required parameter sent as JSON null is 400 naming it',
    (env) => integrarPost(env, JSON.stringify({ ...ask(), contaId: null }), JSON_TYPE),
    bad('contaId', /missing required parameter contaId/),
  );
  refuses(
    'no base_crm is 400',
    (env) => integrar(env, { empresa_id: 1, integracao_servico_id: 19, contaId: 1 }),
    bad('base_crm', /missing parameter base_crm/),
  );
  refuses(
    'no integracao_servico_id is 400',
    (env) => integrar(env, { base_crm: 'demo', empresa_id: 1, contaId: 1 }),
    bad('integracao_servico_id', /missing parameter integracao_servico_id/),
  );
  refuses(
    'neither empresa_id nor empresa_filial_id is 400',
    (env) => integrar(env, { base_crm: 'demo', integracao_servico_id: 19, contaId: 1 }),
    bad('empresa_id', /missing parameter empresa_id or empresa_filial_id/),
  );
  refuses('an unknown base_crm is 404', (env) => integrar(env, ask({ base_crm: 'nao_existe' })), {
    status: 404,
    message: /unknown base_crm nao_existe/,
    parameter: 'base_crm',
  });
  refuses('a path in base_crm is just an unknown base (404)', (env) => integrar(env, ask({ base_crm: '../../etc/passwd' })), {
    status: 404,
    message: /unknown base_crm/,
    parameter: 'base_crm',
  });
  refuses('an unknown integration is 404', (env) => integrar(env, ask({ integracao_servico_id: 999 })), {
    status: 404,
    message: /999/,
    parameter: 'integracao_servico_id',
  });
  refuses(
    'a component asked for directly is 400',
    (env) => integrar(env, ask({ integracao_servico_id: 20 })),
    bad('integracao_servico_id', /integracao 20 is a component/),
  );

  // ids that are not integers
  for (const [parameter, value] of [
    ['integracao_servico_id', 'abc'],
    ['integracao_servico_id', '19.5'],
    ['integracao_servico_id', '1e3'],
    ['integracao_servico_id', '0x13'],
    ['integracao_servico_id', '19 OR 1=1'],
    ['integracao_servico_id', '9999999999999999'],
    ['empresa_id', '1; DROP TABLE contas'],
    ['empresa_filial_id', "' OR ''='"],
  ] as const) {
    refuses(
      `${parameter}=${JSON.stringify(value)} is 400`,
      (env) => integrar(env, ask({ [parameter]: value })),
      bad(parameter, new RegExp(`parameter ${parameter} must be an integer`)),
    );
  }

  // SQL in parameters is data
  for (const value of ['1 OR 1=1', '1; DROP TABLE contas', "' OR ''='"]) {
    // The value reaches the query as a bound parameter and PostgreSQL refuses to read it as an integer:
    // a 400 naming contaId, found while the plan is checked, before any workflow exists.
    refuses(
      `contaId=${JSON.stringify(value)} is bound, never run: refused, contas intact`,
      (env) => integrar(env, ask({ contaId: value })),
      bad('contaId', /parameter contaId: invalid input syntax for type integer/),
    );
  }
  test('SQL in a text parameter matches no row: nothing sent, nothing written, contas still there', async () => {
    const env = ctx.env();
    await copyOf19(env.crm, BY_NAME, {
      consulta: JSON.stringify({ consulta: 'SELECT c.id, c.nome, c.fantasia, c.tipo_pessoa, c.cnpj, c.cep FROM contas c WHERE c.nome = #nome#' }),
      parametros_obrigatorios: 'nome',
      sql_update: 'UPDATE contas SET id_erp = #codCli# WHERE nome = #nome#',
    });
    for (const nome of ['1 OR 1=1', "x'; DROP TABLE contas; --", "' OR ''='", "Padaria Pão Dourado Ltda' OR 'a'='a"]) {
      const before = await snapshot(env);
      tally.input(AREA);
      const res = await integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: BY_NAME, nome });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().integrations[0].status, 'vazio', res.body);
      await assertNothingSent(env, before);
      tally.nothingSent(AREA);
      await assertNothingWritten(env, before);
      tally.nothingWritten(AREA);
    }
  });
  refuses('SQL in base_crm is an unknown base', (env) => integrar(env, ask({ base_crm: "demo' OR '1'='1" })), {
    status: 404,
    message: /unknown base_crm/,
    parameter: 'base_crm',
  });

  // sizes
  refuses('a 5000-character value is 400', (env) => integrar(env, ask({ contaId: '1'.repeat(5000) })), bad('contaId', /longer than 4096 characters/));
  refuses('a 5000-character parameter name is 400', (env) => integrar(env, ask({ ['x'.repeat(5000)]: 1 })), {
    status: 400,
    message: /parameter name is longer than 128 characters/,
  });
  refuses('a 5000-character base_crm is 400', (env) => integrar(env, ask({ base_crm: 'd'.repeat(5000) })), bad('base_crm', /longer than 4096 characters/));
  refuses('150 parameters are 400', (env) => integrar(env, ask(Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, i])))), {
    status: 400,
    message: /more than 100 parameters/,
  });
  refuses('a body over 1 MB is 413', (env) => integrarPost(env, `${BASE_QS}&contaId=1&x=${'a'.repeat(1100 * 1024)}`, FORM), { status: 413, message: /body/i });

  // bytes that are not UTF-8
  for (const encoded of ['%FF%FE', '%C3%28', 'Jos%E9', '%ED%A0%80']) {
    refuses(
      `contaId=${encoded} in the query string is 400 (not UTF-8)`,
      (env) => integrarRaw(env, `${BASE_QS}&contaId=${encoded}`),
      bad('contaId', /parameter contaId is not valid UTF-8 text/),
    );
  }
  refuses(
    'percent-encoded invalid UTF-8 in a form body is 400',
    (env) => integrarPost(env, `${BASE_QS}&contaId=%FF%FE`, FORM),
    bad('contaId', /not valid UTF-8/),
  );
  refuses(
    'raw invalid UTF-8 bytes in a form body are 400',
    (env) => integrarPost(env, Buffer.concat([Buffer.from(`${BASE_QS}&contaId=`), Buffer.from([0xff, 0xfe, 0x31])]), FORM),
    bad('contaId', /not valid UTF-8/),
  );
  refuses(
    'raw invalid UTF-8 bytes in a JSON body are 400',
    (env) =>
      integrarPost(
        env,
        Buffer.concat([Buffer.from('{"base_crm":"demo","empresa_id":1,"integracao_servico_id":19,"contaId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
        JSON_TYPE,
      ),
    bad('contaId', /not valid UTF-8/),
  );
  refuses('a NUL character is 400', (env) => integrar(env, ask({ contaId: '1\u00002' })), bad('contaId', /not valid UTF-8/));

  // arrays and objects
  refuses(
    'contaId=1&contaId=2 is 400',
    (env) => integrarRaw(env, `${BASE_QS}&contaId=1&contaId=2`),
    bad('contaId', /parameter contaId must be a single value/),
  );
  refuses(
    'integracao_servico_id given twice is 400',
    (env) => integrarRaw(env, `base_crm=demo&empresa_id=1&integracao_servico_id=19&integracao_servico_id=20&contaId=1`),
    bad('integracao_servico_id', /must be a single value/),
  );
  refuses(
    'base_crm given twice is 400',
    (env) => integrarRaw(env, `base_crm=demo&base_crm=${OTHER_BASE}&empresa_id=1&integracao_servico_id=19&contaId=1`),
    bad('base_crm', /must be a single value/),
  );
  refuses(
    'empresa_id given twice in a form body is 400',
    (env) => integrarPost(env, 'base_crm=demo&empresa_id=1&empresa_id=2&integracao_servico_id=19&contaId=1', FORM),
    bad('empresa_id', /must be a single value/),
  );
  refuses(
    'a JSON object as contaId is 400',
    (env) => integrarPost(env, JSON.stringify({ ...ask(), contaId: { $gt: 0 } }), JSON_TYPE),
    bad('contaId', /must be a single value/),
  );
  refuses(
    'a JSON array as contaId is 400',
    (env) => integrarPost(env, JSON.stringify({ ...ask(), contaId: [1, 2] }), JSON_TYPE),
    bad('contaId', /must be a single value/),
  );
  refuses(
    'a JSON object as base_crm is 400',
    (env) => integrarPost(env, JSON.stringify({ ...ask(), base_crm: { name: 'demo' } }), JSON_TYPE),
    bad('base_crm', /must be a single value/),
  );
  refuses(
    'a JSON object as integracao_servico_id is 400',
    (env) => integrarPost(env, JSON.stringify({ ...ask(), integracao_servico_id: { id: 19 } }), JSON_TYPE),
    bad('integracao_servico_id', /must be a single value/),
  );
  refuses(
    'a JSON body with __proto__ is 400',
    (env) => integrarPost(env, `{"base_crm":"demo","empresa_id":1,"integracao_servico_id":19,"contaId":1,"__proto__":{"contaId":2}}`, JSON_TYPE),
    { status: 400, message: /JSON/ },
  );
  refuses(
    '__proto__ as a query parameter is 400',
    (env) => integrarRaw(env, `${BASE_QS}&contaId=1&__proto__=1`),
    bad('__proto__', /cannot be a parameter name/),
  );
  refuses('a malformed JSON body is 400', (env) => integrarPost(env, '{"base_crm": "demo", ', JSON_TYPE), { status: 400, message: /JSON/ });
  // fastify reads a text/plain body as a string; spread into the parameters it would give "0", "1", ...
  refuses('a text/plain body is 400', (env) => integrarPost(env, `${BASE_QS}&contaId=1`, 'text/plain'), bad('0', /parameter names start with a letter/));
  refuses(
    'a JSON array body is 400',
    (env) =>
      env.app.inject({
        method: 'POST',
        url: `/integrar?${BASE_QS}&contaId=1`,
        payload: '[1,2]',
        headers: { TOKEN_CRM: SECRETS.token, 'content-type': JSON_TYPE },
      }),
    bad('0', /parameter names start with a letter/),
  );

  // the token belongs in a header
  // a decoy value: fastify's request log writes URLs whole (known-defects.ts), and the secrets check reads it
  refuses(
    'TOKEN_CRM in the query string is 400, and the run is not started',
    (env) => integrar(env, ask({ TOKEN_CRM: 'tok-decoy-in-url' })),
    bad('TOKEN_CRM', /TOKEN_CRM goes in the TOKEN_CRM header/),
  );
  refuses('token_crm in a form body is 400', (env) => integrarPost(env, `${BASE_QS}&contaId=1&token_crm=${SECRETS.token}`, FORM), bad('token_crm', /header/));

  // following a run
  refuses('/execucoes without a token is 401', (env) => env.app.inject({ method: 'GET', url: '/execucoes/set-demo-1-19-0000000000000000?base_crm=demo' }), {
    status: 401,
    message: /TOKEN_CRM/,
  });
  refuses(
    '/execucoes of a run that does not exist is 404',
    (env) => env.app.inject({ method: 'GET', url: '/execucoes/set-demo-1-19-0000000000000000?base_crm=demo', headers: { TOKEN_CRM: SECRETS.token } }),
    { status: 404, message: /no run set-demo-1-19-0000000000000000/ },
  );
  refuses(
    '/execucoes of a workflow id of another base is 404',
    (env) => env.app.inject({ method: 'GET', url: `/execucoes/set-outra-1-19-0000000000000000?base_crm=demo`, headers: { TOKEN_CRM: SECRETS.token } }),
    { status: 404, message: /no run/ },
  );
}
