// Worker side of the run logs: one access line per activity of a run and one error line per failed one,
// each with the workflow id, in the base's and company's files. An activity interceptor, so the activities
// themselves stay free of logging code.
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { LogScope, RunLogs } from './run-logs';

interface ActivityArg {
  base?: string;
  request?: { base?: string; empresaId?: number | null; empresaFilialId?: number | null; integracaoId?: number };
  step?: { id?: number };
  chunk?: number;
  /** The chunk's old name, in activities scheduled before the rename. */
  lote?: number;
  layers?: { builtins?: Record<string, unknown> };
}

const asNumber = (value: unknown): number | null =>
  typeof value === 'number' ? value : typeof value === 'string' && value !== '' && !Number.isNaN(Number(value)) ? Number(value) : null;

/** Base and company from an activity's input: loadPlan has the request, the others the base and built-ins. */
export function scopeOfActivityInput(arg: unknown): LogScope & { integracao?: number | null; chunk?: number } {
  const input = (arg ?? {}) as ActivityArg;
  const chunk = input.chunk ?? input.lote;
  if (input.request) {
    return {
      base: input.request.base,
      empresaId: input.request.empresaId ?? null,
      empresaFilialId: input.request.empresaFilialId ?? null,
      integracao: input.request.integracaoId ?? null,
    };
  }
  const builtins = input.layers?.builtins ?? {};
  return {
    base: input.base ?? (typeof builtins.base_crm === 'string' ? builtins.base_crm : null),
    empresaId: asNumber(builtins.empresa_id),
    empresaFilialId: asNumber(builtins.empresa_filial_id),
    integracao: input.step?.id ?? null,
    ...(chunk !== undefined ? { chunk } : {}),
  };
}

/** Summary of an activity's output worth a log line (counts, totals), never row data. */
function summary(result: unknown): Record<string, unknown> {
  if (!result || typeof result !== 'object') return {};
  const r = result as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (r.counts) out.counts = r.counts;
  if (typeof r.total === 'number') out.total = r.total;
  if (Array.isArray(r.steps)) out.steps = (r.steps as Array<{ id: number }>).map((s) => s.id);
  return out;
}

export function activityLogging(logs: RunLogs): ActivityInterceptorsFactory {
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const info = ctx.info;
        const { integracao, chunk, ...scope } = scopeOfActivityInput(input.args[0]);
        const fields = {
          workflowId: info.workflowExecution?.workflowId,
          runId: info.workflowExecution?.runId,
          activity: info.activityType,
          attempt: info.attempt,
          ...(integracao ? { integracao } : {}),
          ...(chunk !== undefined ? { chunk } : {}),
        };
        const started = Date.now();
        try {
          const result = await next(input);
          logs.access(scope).info({ ...fields, outcome: 'ok', ms: Date.now() - started, ...summary(result) }, `${info.activityType} ok`);
          return result;
        } catch (err) {
          const ms = Date.now() - started;
          logs.access(scope).info({ ...fields, outcome: 'failed', ms }, `${info.activityType} failed`);
          logs.error(scope).error({ ...fields, ms, err }, `${info.activityType} failed: ${(err as Error)?.message ?? String(err)}`);
          throw err;
        }
      },
    },
  });
}
