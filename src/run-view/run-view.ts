// The state of one run, for GET /execucoes/{workflowId} and `integrador status`: Temporal's status and the
// ledger's records, in the /integrar answer's shape plus `status` (running | completed | failed).
// While a run is going, its integrations come from the plan recorded in history (its input or loadPlan's result) and
// their status from the ledger so far.
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Pool } from 'pg';
import { recordsOfExecution, recordsOfWorkflow, type RecordView } from '../delivery/ledger-pg';
import type { Plan, RunResult } from '../plan/types';
import { runAnswer, type RecordAnswer } from './run-answer';

export type RunStatus = 'running' | 'completed' | 'failed';

export interface IntegrationView {
  id: number;
  name: string;
  /** Finished runs: the result's (ok, vazio, erro, nao_executada). Otherwise from the ledger: pendente, executando, ok, erro. */
  status: string;
  total: number;
  counts: Record<string, number>;
  message: string;
  errorCode?: string;
  records: RecordAnswer[];
}

export interface RunView {
  status: RunStatus;
  /** Temporal's own status: RUNNING, COMPLETED, FAILED, TERMINATED, CANCELLED, TIMED_OUT, ... */
  temporalStatus: string;
  success: boolean;
  message: string;
  workflowId: string;
  startedAt: string;
  closedAt: string | null;
  summary?: unknown;
  issues?: RunResult['issues'];
  integrations: IntegrationView[];
}

const FINAL_OK = new Set(['gravado', 'enviado']);

/**
 * The steps of the plan, from the run's input (the plan /integrar handed it) or the completed loadPlan
 * activity in the run's history; [] before it completes.
 */
export async function planStepsOf(handle: WorkflowHandle): Promise<Array<{ id: number; name: string }>> {
  const history = await handle.fetchHistory();
  const scheduled = new Set<string>();
  for (const event of history.events ?? []) {
    const given = event.workflowExecutionStartedEventAttributes?.input?.payloads?.[1];
    if (given) {
      const options = defaultPayloadConverter.fromPayload<{ plan?: Plan }>(given);
      if (options?.plan) return options.plan.steps.map((step) => ({ id: step.id, name: step.nome }));
    }
    const s = event.activityTaskScheduledEventAttributes;
    if (s?.activityType?.name === 'loadPlan') scheduled.add(String(event.eventId));
    const done = event.activityTaskCompletedEventAttributes;
    if (done && scheduled.has(String(done.scheduledEventId))) {
      const payload = done.result?.payloads?.[0];
      if (!payload) return [];
      const plan = defaultPayloadConverter.fromPayload<Plan>(payload);
      return plan.steps.map((step) => ({ id: step.id, name: step.nome }));
    }
  }
  return [];
}

function countsOf(records: RecordView[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

function liveStatus(records: RecordView[], running: boolean): string {
  if (!records.length) return running ? 'pendente' : 'nao_executada';
  if (records.some((r) => r.status === 'pendente' || r.status === 'enviando')) return running ? 'executando' : 'interrompida';
  if (records.some((r) => r.status === 'erro' || r.status === 'incerto')) return 'erro';
  return 'ok';
}

/** Why a run ended without a result (terminated, timed out, a workflow bug): the failure's message. */
async function failureOf(handle: WorkflowHandle, temporalStatus: string): Promise<string> {
  try {
    await handle.result();
    return `run ${temporalStatus.toLowerCase()}`;
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    return `run ${temporalStatus.toLowerCase()}: ${cause?.message ?? (err as Error).message}`;
  }
}

/** Throws WorkflowNotFoundError when there is no such run. */
export async function runView(handle: WorkflowHandle, pool: Pool): Promise<RunView> {
  const description = await handle.describe();
  const temporalStatus = description.status.name;
  // the first run id is the ledger's execution id: an earlier run with the same workflow id never shows
  const firstRunId = description.raw.workflowExecutionInfo?.firstRunId;
  const records = firstRunId ? await recordsOfExecution(pool, firstRunId) : await recordsOfWorkflow(pool, handle.workflowId);
  const common = {
    temporalStatus,
    workflowId: handle.workflowId,
    startedAt: description.startTime.toISOString(),
    closedAt: description.closeTime?.toISOString() ?? null,
    ...(description.memo?.resumo !== undefined ? { summary: description.memo } : {}),
  };
  if (temporalStatus === 'COMPLETED') {
    const result = (await handle.result()) as RunResult;
    const answer = runAnswer(result, records);
    return { status: result.success ? 'completed' : 'failed', ...common, ...answer, integrations: answer.integrations as IntegrationView[] };
  }
  const running = temporalStatus === 'RUNNING' || temporalStatus === 'CONTINUED_AS_NEW';
  const steps = await planStepsOf(handle);
  const byId = new Map<number, RecordView[]>();
  for (const r of records) byId.set(r.integracao_id, [...(byId.get(r.integracao_id) ?? []), r]);
  for (const id of byId.keys()) if (!steps.some((s) => s.id === id)) steps.push({ id, name: String(id) });
  const integrations = steps.map(({ id, name }): IntegrationView => {
    const own = byId.get(id) ?? [];
    const answer = runAnswer(
      {
        success: false,
        message: '',
        workflowId: handle.workflowId,
        execucaoId: '',
        integrations: [{ id, name, status: 'ok', total: own.length, counts: {}, message: '' }],
      },
      own,
    ).integrations[0]!;
    const status = liveStatus(own, running);
    const done = own.filter((r) => FINAL_OK.has(r.status)).length;
    return { id, name, status, total: own.length, counts: countsOf(own), message: `${done}/${own.length} record(s) done`, records: answer.records };
  });
  const message = running ? 'running' : await failureOf(handle, temporalStatus);
  return { status: running ? 'running' : 'failed', ...common, success: false, message, integrations };
}
