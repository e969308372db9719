// Asks the CRM about a plan's SQL before anything is sent: each consulta is described with the request's
// own values bound (LIMIT 0, read only, rolled back), and each sql_update is only prepared. So a syntax
// error in a write-back, or a parameter the database cannot read as its column's type, stops the run
// before the first send instead of after it.
import type { Pool, PoolClient } from 'pg';
import { ConfigError, RequestError, type ConfigIssue } from '../errors';
import type { BaseConfig } from '../config/types';
import { buildPlan, type PlanSettings } from '../plan/build-plan';
import type { Plan, RunRequest } from '../plan/types';
import { readConfigRows } from './config-repository';
import { bindSql, Scope, variablesIn } from '../templating';

const TIMEOUT_MS = 15_000;

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.length === 5 ? code : undefined;
}

/** Runs `fn` in a transaction that is always rolled back; returns the SQL error, rethrows anything else. */
async function rolledBack(client: PoolClient, fn: () => Promise<unknown>): Promise<(Error & { code: string }) | undefined> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(`SET LOCAL statement_timeout = ${TIMEOUT_MS}`);
    await fn();
    return undefined;
  } catch (err) {
    if (!sqlState(err)) throw err;
    return err as Error & { code: string };
  } finally {
    await client.query('ROLLBACK');
  }
}

/** A data error (SQLSTATE class 22) quoting a request parameter's value is the caller's mistake: 400. */
function parameterAt(err: Error & { code: string }, params: Record<string, string>): string | undefined {
  if (!err.code.startsWith('22')) return undefined;
  return Object.keys(params).find((name) => params[name] !== '' && err.message.includes(`"${params[name]}"`));
}

export async function checkPlanSql(pool: Pool, plan: Plan): Promise<void> {
  const issues: ConfigIssue[] = [];
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // values captured by earlier integrations are not known yet: NULL stands for them
    const captured: Record<string, null> = {};
    for (const step of plan.steps) {
      const scope = new Scope({ captured, params: plan.request.params, builtins: plan.builtins });
      const consulta = bindSql(step.consulta.replace(/[\s;]+$/, ''), scope, { table: 'integracao', row: step.id, column: 'consulta' });
      const described = await rolledBack(client, () =>
        // newlines, so a trailing `-- comment` in the consulta cannot swallow the wrapper
        client.query({ text: `SELECT * FROM (\n${consulta.text}\n) AS q LIMIT 0`, values: consulta.values }),
      );
      if (described) {
        const parameter = parameterAt(described, plan.request.params);
        if (parameter) throw new RequestError('bad_request', `parameter ${parameter}: ${described.message}`, parameter);
        issues.push({ table: 'integracao', row: step.id, column: 'consulta', message: `SQL error ${described.code}: ${described.message}` });
      }
      if (step.sqlUpdate) {
        const names = Object.fromEntries(variablesIn(step.sqlUpdate).map((name) => [name, null]));
        const update = bindSql(step.sqlUpdate.replace(/[\s;]+$/, ''), new Scope({ params: names }));
        const name = `integrador_check_${step.id}`;
        const prepared = await rolledBack(client, async () => {
          await client.query(`PREPARE ${name} AS\n${update.text}\n`);
          await client.query(`DEALLOCATE ${name}`);
        });
        if (prepared) issues.push({ table: 'integracao', row: step.id, column: 'sql_update', message: `SQL error ${prepared.code}: ${prepared.message}` });
      }
      for (const key of step.answer.valueKeys?.split(',') ?? []) if (key.trim()) captured[key.trim()] = null;
    }
  } catch (err) {
    if (!(err instanceof RequestError)) broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
  if (issues.length) throw new ConfigError(issues);
}

/**
 * The plan of a request, read from the base's tables and checked against its CRM: what the loadPlan
 * activity records, and what the API and the CLI check before a workflow exists (same messages).
 */
export async function planFromCrm(pool: Pool, base: BaseConfig, request: RunRequest, settings: PlanSettings): Promise<Plan> {
  const plan = buildPlan(await readConfigRows(pool), request, base, settings);
  await checkPlanSql(pool, plan);
  return plan;
}
