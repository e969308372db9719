// The SET run: load the plan, then walk its steps in order (the dsl-interpreter sample, typed).
// Deterministic: no I/O here; every decision is made on the plan and on activity results.
import { ActivityFailure, ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import type { SendRecordsOutput } from '../activities/send-records';
import { ErrorCodes } from '../src/errors';
import type { IntegrationResult, Plan, RunRequest, RunResult, SetStep, Step } from '../src/plan/types';
import { crm, send } from './options';

type Captured = Record<string, unknown>;

interface FailureInfo {
  code: string;
  message: string;
  issues?: RunResult['issues'];
}

function describeFailure(err: unknown): FailureInfo {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const issues = cause.type === ErrorCodes.config ? (cause.details?.[0] as RunResult['issues']) : undefined;
    return { code: cause.type ?? 'INT_UNEXPECTED', message: cause.message, issues };
  }
  return { code: 'INT_UNEXPECTED', message: err instanceof Error ? err.message : String(err) };
}

async function runSetStep(step: SetStep, plan: Plan, captured: Captured, run: { workflowId: string; execucaoId: string }) {
  const runKey = { ...run, integracaoId: step.id };
  const layers = { captured, params: plan.request.params, builtins: plan.builtins };
  const { total, lotes } = await crm.queryRecords({ run: runKey, base: plan.request.base, step, layers, chunkSize: plan.settings.chunkSize });
  const outputs: SendRecordsOutput[] = new Array(lotes.length);
  let next = 0;
  const lane = async () => {
    while (next < lotes.length) {
      const i = next++;
      outputs[i] = await send.sendRecords({ run: runKey, base: plan.request.base, step, layers, lote: lotes[i]! });
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.settings.maxChunksInFlight, lotes.length) }, lane));
  const counts: IntegrationResult['counts'] = {};
  let stepCaptured: Captured = {};
  let firstError: string | null = null;
  for (const out of outputs) {
    for (const [status, n] of Object.entries(out.counts) as Array<[keyof IntegrationResult['counts'], number]>) {
      counts[status] = (counts[status] ?? 0) + n;
    }
    if (out.captured) stepCaptured = out.captured; // the most recent record's values win
    firstError ??= out.firstError;
  }
  return { total, counts, captured: stepCaptured, firstError };
}

async function runStep(step: Step, plan: Plan, captured: Captured, run: { workflowId: string; execucaoId: string }): Promise<{ result: IntegrationResult; captured: Captured }> {
  switch (step.kind) {
    case 'set': {
      const base = { id: step.id, name: step.nome };
      try {
        const out = await runSetStep(step, plan, captured, run);
        const failed = (out.counts.erro ?? 0) + (out.counts.incerto ?? 0);
        if (out.total === 0) return { result: { ...base, status: 'vazio', total: 0, counts: {}, message: 'nothing to send: the query returned no rows' }, captured: {} };
        if (failed) {
          return { result: { ...base, status: 'erro', total: out.total, counts: out.counts, message: out.firstError ?? 'records failed', errorCode: ErrorCodes.record }, captured: out.captured };
        }
        return { result: { ...base, status: 'ok', total: out.total, counts: out.counts, message: `${out.total} record(s) sent` }, captured: out.captured };
      } catch (err) {
        const failure = describeFailure(err);
        return { result: { ...base, status: 'erro', total: 0, counts: {}, message: failure.message, errorCode: failure.code }, captured: {} };
      }
    }
    default: {
      const unhandled: never = step.kind;
      throw new Error(`unhandled step kind ${String(unhandled)}`);
    }
  }
}

export async function setRun(request: RunRequest): Promise<RunResult> {
  const info = workflowInfo();
  const run = { workflowId: info.workflowId, execucaoId: info.firstExecutionRunId };
  let plan: Plan;
  try {
    plan = await crm.loadPlan({ request });
  } catch (err) {
    const failure = describeFailure(err);
    return { success: false, message: failure.message, ...run, errorCode: failure.code, issues: failure.issues, integrations: [] };
  }
  let captured: Captured = {};
  const integrations: IntegrationResult[] = [];
  let failed: IntegrationResult | undefined;
  for (const step of plan.steps) {
    if (failed) {
      integrations.push({ id: step.id, name: step.nome, status: 'nao_executada', total: 0, counts: {}, message: `not run: integracao ${failed.id} failed` });
      continue;
    }
    const { result, captured: stepCaptured } = await runStep(step, plan, captured, run);
    integrations.push(result);
    captured = { ...captured, ...stepCaptured };
    if (result.status === 'erro') failed = result;
  }
  if (failed) {
    return { success: false, message: `integracao ${failed.id} (${failed.name}) failed: ${failed.message}`, ...run, errorCode: failed.errorCode, integrations };
  }
  const sent = integrations.reduce((n, r) => n + (r.counts.gravado ?? 0) + (r.counts.enviado ?? 0), 0);
  return { success: true, message: sent ? `${sent} record(s) sent` : 'nothing to send', ...run, integrations };
}
