// What callers and attackers send to the record operations: GET|POST /previa (a dry run with the
// parameters of /integrar) and GET /pendencias. Each bad input is refused with the status of SPEC §9 and a
// message naming the parameter; nothing reaches a receiver and nothing is written. A preview that is
// accepted (stand-ins carrying SQL included) also sends and writes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { OTHER_BASE, SECRETS, type AttackEnv } from '../helpers/attack-env';
import { ask, assertNothingSent, assertNothingWritten, refused, snapshot, type Expected, type Tally } from '../helpers/probe';

const AREA = 'records';
const JSON_TYPE = 'application/json';

type Send = (env: AttackEnv) => Promise<LightMyRequestResponse>;

const previa = (query: Record<string, string | number>, headers: Record<string, string> = { TOKEN_CRM: SECRETS.token }): Send => {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return (env) => env.app.inject({ method: 'GET', url: `/previa?${qs}`, headers });
};
const previaPost =
  (payload: string, headers: Record<string, string> = { TOKEN_CRM: SECRETS.token }): Send =>
  (env) =>
    env.app.inject({ method: 'POST', url: '/previa', payload, headers: { ...headers, 'content-type': JSON_TYPE } });
const withValores = (valores: unknown) => previaPost(JSON.stringify({ ...ask(), valores }));
const pendencias =
  (query: string, headers: Record<string, string> = { TOKEN_CRM: SECRETS.token }): Send =>
  (env) =>
    env.app.inject({ method: 'GET', url: `/pendencias?${query}`, headers });

const bad = (parameter: string, message: RegExp): Expected => ({ status: 400, message, parameter });
const unauthorized: Expected = { status: 401, message: /TOKEN_CRM/, parameter: 'TOKEN_CRM' };

export function recordCases(ctx: { env: () => AttackEnv; tally: Tally }) {
  const { tally } = ctx;
  const refuses = (name: string, send: Send, expected: Expected): void =>
    void test(name, async () => {
      const env = ctx.env();
      await refused(env, tally, AREA, () => send(env), expected);
    });
  /** Accepted, not an error: still nothing sent and nothing written. */
  const harmless = (name: string, send: Send, check: (body: Record<string, any>) => void): void =>
    void test(name, async () => {
      const env = ctx.env();
      const before = await snapshot(env);
      tally.input(AREA);
      const res = await send(env);
      assert.equal(res.statusCode, 200, res.body);
      check(res.json());
      await assertNothingSent(env, before);
      tally.nothingSent(AREA);
      await assertNothingWritten(env, before);
      tally.nothingWritten(AREA);
    });

  // /previa: the checks of /integrar
  refuses('/previa without TOKEN_CRM is 401', previa(ask(), {}), { ...unauthorized, message: /missing TOKEN_CRM header/ });
  refuses('/previa with a wrong TOKEN_CRM is 401', previa(ask(), { TOKEN_CRM: 'tok-demo-000000000000' }), unauthorized);
  refuses("/previa with another base's token is 401", previa(ask(), { TOKEN_CRM: SECRETS.tokenOutra }), unauthorized);
  refuses('/previa with a token limited to empresa 1 is 403 for empresa 2', previa(ask({ empresa_id: 2 }), { TOKEN_CRM: SECRETS.tokenEmpresa1 }), {
    status: 403,
    message: /may not run empresa 2/,
    parameter: 'empresa_id',
  });
  refuses('/previa of an unknown base is 404', previa(ask({ base_crm: 'nenhuma' })), {
    status: 404,
    message: /unknown base_crm nenhuma/,
    parameter: 'base_crm',
  });
  refuses('/previa of an unknown integration is 404', previa(ask({ integracao_servico_id: 9999 })), {
    status: 404,
    message: /9999/,
    parameter: 'integracao_servico_id',
  });
  refuses('/previa without a required parameter is 400', previa({ base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19 }), bad('contaId', /contaId/));
  refuses('/previa with TOKEN_CRM in the query is 400', previa(ask({ TOKEN_CRM: SECRETS.token })), bad('TOKEN_CRM', /goes in the TOKEN_CRM header/));
  refuses('/previa with a non-integer integration id is 400', previa(ask({ integracao_servico_id: '19 OR 1=1' })), bad('integracao_servico_id', /integer/));
  // /previa: its own inputs
  refuses('/previa with malformed JSON is 400', previaPost('{"base_crm": "demo", "valores": {'), { status: 400, message: /not valid JSON/ });
  refuses('/previa with an object as a value is 400', withValores({ codCli: { $gt: 1 } }), bad('valores.codCli', /must be text or a number, not object/));
  refuses('/previa with an array as a value is 400', withValores({ codCli: [1, 2] }), bad('valores.codCli', /not an array/));
  refuses('/previa with a boolean as a value is 400', withValores({ codCli: true }), bad('valores.codCli', /not boolean/));
  refuses('/previa with null as a value is 400', withValores({ codCli: null }), bad('valores.codCli', /not null/));
  refuses('/previa with valores that are an array is 400', withValores([1001]), bad('valores', /valores must be a JSON object/));
  refuses('/previa with valores that are not JSON is 400', previa(ask({ valores: "{codCli: '1'}" })), bad('valores', /valores must be a JSON object/));
  refuses('/previa with __proto__ in valores (query string) is 400', previa(ask({ valores: '{"__proto__": {"codCli": 1}}' })), {
    status: 400,
    message: /__proto__ cannot be a value name/,
    parameter: 'valores.__proto__',
  });
  // in a JSON body, fastify's own parser refuses a __proto__ key first
  refuses(
    '/previa with __proto__ in a JSON body is 400',
    previaPost('{"base_crm":"demo","empresa_id":1,"integracao_servico_id":19,"contaId":1,"valores":{"__proto__":1}}'),
    {
      status: 400,
      message: /not valid JSON/,
    },
  );
  refuses('/previa with a value name that is not a variable is 400', withValores({ 'cod-cli': 1 }), bad('valores.cod-cli', /is not a variable name/));
  refuses('/previa with a 5000-character value is 400', withValores({ codCli: 'x'.repeat(5000) }), bad('valores.codCli', /longer than 4096/));
  refuses('/previa with previa_limite 0 is 400', previa(ask({ previa_limite: 0 })), bad('previa_limite', /from 1 to 500/));
  refuses('/previa with a body over 64 KB is 413', withValores({ a: 'x'.repeat(4000), b: 'y'.repeat(70_000) }), { status: 413, message: /too large/ });
  harmless('/previa of a real request sends and writes nothing', previa(ask()), (body) => {
    assert.equal(body.dryRun, true);
    assert.equal(body.integrations[0].records[0].key, '1');
    assert.match(body.integrations[0].records[0].wire.envelope, /<soap:Envelope /);
    assert.ok(!JSON.stringify(body).includes(SECRETS.g5Password), 'the G5 password is masked');
  });
  harmless(
    '/previa with SQL in a stand-in that no earlier integration captures leaves it unused',
    withValores({ codCli: "1; DROP TABLE contas; --' OR ''='" }),
    (body) => {
      // integration 19 captures codCli itself and has no earlier step: the stand-in is reported, never used
      assert.deepEqual(body.valuesIgnored, ['codCli']);
      assert.equal(body.integrations[0].records[0].status, 'previa');
    },
  );

  // /pendencias
  refuses('/pendencias without TOKEN_CRM is 401', pendencias('base_crm=demo', {}), { ...unauthorized, message: /missing TOKEN_CRM header/ });
  refuses('/pendencias with a wrong TOKEN_CRM is 401', pendencias('base_crm=demo', { TOKEN_CRM: 'tok-demo-000000000000' }), unauthorized);
  refuses("/pendencias with another base's token is 401", pendencias('base_crm=demo', { TOKEN_CRM: SECRETS.tokenOutra }), unauthorized);
  refuses("/pendencias with this base's token on another base is 401", pendencias(`base_crm=${OTHER_BASE}`), unauthorized);
  refuses('/pendencias without base_crm is 400', pendencias(''), bad('base_crm', /missing parameter base_crm/));
  refuses('/pendencias of an unknown base is 404', pendencias('base_crm=..%2F..%2Fetc%2Fpasswd'), {
    status: 404,
    message: /unknown base_crm/,
    parameter: 'base_crm',
  });
  refuses('/pendencias with a non-integer empresa_id is 400', pendencias('base_crm=demo&empresa_id=1%20OR%201%3D1'), bad('empresa_id', /integer/));
  refuses(
    '/pendencias with a token limited to empresa 1 is 403 for empresa 2',
    pendencias('base_crm=demo&empresa_id=2', { TOKEN_CRM: SECRETS.tokenEmpresa1 }),
    {
      status: 403,
      message: /may not run empresa 2/,
      parameter: 'empresa_id',
    },
  );
}
