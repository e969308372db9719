// What every attack case needs: send a request, snapshot what the receivers saw and what the CRMs hold,
// prove nothing moved, and count it.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Pool } from 'pg';
import { SECRETS, type AttackEnv } from './attack-env';

export const ask = (extra: Record<string, string | number> = {}) => ({ base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId: 1, ...extra });

function remember(env: AttackEnv, res: LightMyRequestResponse): LightMyRequestResponse {
  try {
    const id = (res.json() as { workflowId?: unknown }).workflowId;
    if (typeof id === 'string') env.workflowIds.add(id);
  } catch {
    // not JSON: the assertions of the case say so
  }
  return res;
}

/** GET /integrar with the query built from `query` (values URL-encoded). */
export async function integrar(env: AttackEnv, query: Record<string, string | number>, headers: Record<string, string> = { TOKEN_CRM: SECRETS.token }) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return remember(env, await env.app.inject({ method: 'GET', url: `/integrar?${qs}`, headers }));
}

/** GET with a query string written by hand (raw percent-encodings, repeated names). */
export async function integrarRaw(env: AttackEnv, rawQuery: string, headers: Record<string, string> = { TOKEN_CRM: SECRETS.token }) {
  return remember(env, await env.app.inject({ method: 'GET', url: `/integrar?${rawQuery}`, headers }));
}

export async function integrarPost(
  env: AttackEnv,
  payload: string | Buffer,
  contentType: string,
  headers: Record<string, string> = { TOKEN_CRM: SECRETS.token },
) {
  return remember(env, await env.app.inject({ method: 'POST', url: '/integrar', payload, headers: { ...headers, 'content-type': contentType } }));
}

async function digest(pool: Pool, table: string): Promise<string> {
  const res = await pool.query(`SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t.id)), '') AS h FROM ${table} AS t`);
  return `${res.rows[0].n}:${res.rows[0].h}`;
}

export interface Snapshot {
  sent: number;
  contas: string;
  contasEmpresas: string;
  envio: number;
  otherContas: string;
  otherEnvio: number;
}

export async function snapshot(env: AttackEnv): Promise<Snapshot> {
  const count = async (pool: Pool) => (await pool.query('SELECT count(*)::int AS n FROM integrador.envio')).rows[0].n as number;
  return {
    sent: env.receiver.received.length + env.raw.received.length,
    contas: await digest(env.crm, 'contas'),
    contasEmpresas: await digest(env.crm, 'contas_empresas'),
    envio: await count(env.crm),
    otherContas: await digest(env.otherCrm, 'contas'),
    otherEnvio: await count(env.otherCrm),
  };
}

export type Area = 'configuration' | 'requests' | 'answers' | 'secrets' | 'records' | 'settlement';

/** The suite's counters; a check is counted only after its assertion passed. */
export class Tally {
  private readonly rows = new Map<Area, { inputs: number; clearErrors: number; nothingSent: number; nothingWritten: number }>();

  private row(area: Area) {
    let row = this.rows.get(area);
    if (!row) this.rows.set(area, (row = { inputs: 0, clearErrors: 0, nothingSent: 0, nothingWritten: 0 }));
    return row;
  }

  input(area: Area) {
    this.row(area).inputs++;
  }
  clearError(area: Area) {
    this.row(area).clearErrors++;
  }
  nothingSent(area: Area) {
    this.row(area).nothingSent++;
  }
  nothingWritten(area: Area) {
    this.row(area).nothingWritten++;
  }

  lines(): string[] {
    const total = { inputs: 0, clearErrors: 0, nothingSent: 0, nothingWritten: 0 };
    const line = (name: string, r: typeof total) =>
      `attack-suite: ${name} inputs=${r.inputs} clear_errors=${r.clearErrors} nothing_sent=${r.nothingSent} nothing_written=${r.nothingWritten}`;
    const out: string[] = [];
    for (const [area, r] of this.rows) {
      out.push(line(`area=${area}`, r));
      for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += r[key];
    }
    out.push(line('total', total));
    return out;
  }
}

export interface Expected {
  status: number;
  /** The message must match: it names the row, column or parameter at fault. */
  message: RegExp;
  /** For 400-404: the `parameter` field of the answer. */
  parameter?: string;
  /** For 422: at least one issue with these fields. */
  issue?: { table?: string; row?: number; column?: string; message?: RegExp };
}

/** Asserts a clear error: the status, the message shape, and the located issue or parameter. */
export function assertClearError(res: LightMyRequestResponse, expected: Expected): Record<string, any> {
  assert.equal(res.statusCode, expected.status, res.body);
  const body = res.json();
  assert.equal(body.success, false, res.body);
  assert.equal(typeof body.message, 'string');
  assert.match(body.message, expected.message);
  if (expected.parameter !== undefined) assert.equal(body.parameter, expected.parameter, res.body);
  if (expected.issue) {
    const want = expected.issue;
    const issues: Array<Record<string, unknown>> = body.issues ?? [];
    const hit = issues.find(
      (i) =>
        (want.table === undefined || i.table === want.table) &&
        (want.row === undefined || Number(i.row) === want.row) &&
        (want.column === undefined || i.column === want.column) &&
        (want.message === undefined || want.message.test(String(i.message))),
    );
    assert.ok(hit, `no issue like ${JSON.stringify({ ...want, message: want.message?.source })} in ${JSON.stringify(issues)}`);
  }
  return body;
}

/** The receivers saw nothing new since `before`. */
export async function assertNothingSent(env: AttackEnv, before: Snapshot): Promise<void> {
  const now = await snapshot(env);
  assert.equal(now.sent, before.sent, 'a receiver got a request');
}

/** The CRM tables and the ledgers of both bases are as they were. */
export async function assertNothingWritten(env: AttackEnv, before: Snapshot, opts: { ledger?: boolean } = {}): Promise<void> {
  const now = await snapshot(env);
  assert.equal(now.contas, before.contas, 'contas changed');
  assert.equal(now.contasEmpresas, before.contasEmpresas, 'contas_empresas changed');
  assert.equal(now.otherContas, before.otherContas, `contas of ${'demo-x'} changed`);
  if (opts.ledger !== false) {
    assert.equal(now.envio, before.envio, 'integrador.envio got rows');
    assert.equal(now.otherEnvio, before.otherEnvio, 'integrador.envio of demo-x got rows');
  }
}

/** One case, counted: the request is refused with a clear error, nothing is sent and nothing is written. */
export async function refused(env: AttackEnv, tally: Tally, area: Area, send: () => Promise<LightMyRequestResponse>, expected: Expected) {
  const before = await snapshot(env);
  tally.input(area);
  const res = await send();
  const body = assertClearError(res, expected);
  tally.clearError(area);
  await assertNothingSent(env, before);
  tally.nothingSent(area);
  await assertNothingWritten(env, before);
  tally.nothingWritten(area);
  return body;
}
