// Asks the CRM about a plan's SQL before anything is sent: each consulta is described with the request's
// own values bound (LIMIT 0, read only, rolled back), and each sql_update is only prepared. So a syntax
// error in a write-back, or a parameter the database cannot read as its column's type, stops the run
// before the first send instead of after it. The same SqlChecker serves the consultant's validator.
import type { Pool } from 'pg';
import type { BaseConfig } from '../config/types';
import { readConfigRows } from '../crm/config-repository';
import { ConfigError, RequestError, type ConfigIssue } from '../errors';
import { buildPlan } from '../plan/build-plan';
import type { Plan, PlanSettings, RunRequest } from '../plan/types';
import { SqlClass, type SqlFailure } from '../sqlstate';
import { Scope } from '../templating';
import { createSqlChecker } from './sql-checker';

/** A data error (SQLSTATE class 22) quoting a request parameter's value is the caller's mistake: 400. */
function parameterAt(failure: SqlFailure, params: Record<string, string>): string | undefined {
  if (failure.sqlClass !== SqlClass.dataException) return undefined;
  return Object.keys(params).find((name) => params[name] !== '' && failure.message.includes(`"${params[name]}"`));
}

export async function checkPlanSql(pool: Pool, plan: Plan): Promise<void> {
  const issues: ConfigIssue[] = [];
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const sql = createSqlChecker(client);
    // values captured by earlier integrations are not known yet: NULL stands for them
    const captured: Record<string, null> = {};
    for (const step of plan.steps) {
      const described = await sql.columns(step.consulta, new Scope({ captured: { ...captured }, params: plan.request.params, builtins: plan.builtins }));
      if (!described.ok) {
        const parameter = parameterAt(described.failure, plan.request.params);
        if (parameter) throw new RequestError('bad_request', `parameter ${parameter}: ${described.failure.message}`, parameter);
        issues.push({ table: 'integracao', row: step.id, column: 'consulta', message: described.message });
      }
      const prepared = step.sqlUpdate ? await sql.prepare(step.sqlUpdate) : undefined;
      if (prepared) issues.push({ table: 'integracao', row: step.id, column: 'sql_update', message: prepared });
      for (const key of step.answer.valueKeys) captured[key] = null;
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
