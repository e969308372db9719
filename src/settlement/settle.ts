// Settling one ledger record (SPEC §8, §9): what `POST /execucoes/{workflowId}/integracoes/{id}/registros/{key}`
// and `integrador settle` share. Checks the request (the record exists, its state allows the action, the
// values fit the integration), then starts the settlement workflow and waits for it. The record's version
// read here is compare-and-set by the workflow's activity, so a settlement racing another one (or a run's
// retried chunk) is refused with 409, never applied twice.
import { createHash } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type WorkflowExecutionDescription,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';

/** The part of the Integrador client a settlement needs: the Temporal client itself. */
type TemporalClient = { temporal: Client };
import { defaultPayloadConverter } from '@temporalio/common';
import type { Pool } from 'pg';
import type { AppConfig } from '../config/types';
import { SETTLEABLE } from '../delivery/states';
import { currentStep } from '../plan/build-plan';
import type { Plan, SetStep } from '../plan/types';
import { DEFAULT_TASK_QUEUE } from '../config/schema';
import type { ScopeLayers } from '../templating';
import { hasIntegration, recordByKey } from './settle-pg';
import { SETTLE_ACTIONS, SETTLE_WORKFLOW, SettlementRefused, type SettleAction, type SettleInput, type SettleOutcome } from './types';

/** What a person asks: the body of the POST (or the CLI's options), not yet checked. */
export interface SettleRequest {
  acao?: unknown;
  valores?: unknown;
  motivo?: unknown;
  [other: string]: unknown;
}

export interface CheckedRequest {
  acao: SettleAction;
  valores?: Record<string, string | number>;
  motivo?: string;
}

const MAX_VALUE_CHARS = 1000;
const MAX_REASON_CHARS = 2000;

const bad = (message: string, parameter: string) => new SettlementRefused(400, message, parameter);

/** The body's shape, before anything is looked up: 400 naming the field at fault. */
export function checkBody(body: unknown): CheckedRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw bad('the body must be a JSON object such as {"acao": "descartar", "motivo": "..."}', 'body');
  const b = body as SettleRequest;
  if (b.acao === undefined) throw bad(`missing acao: one of ${SETTLE_ACTIONS.join(', ')}`, 'acao');
  if (typeof b.acao !== 'string' || !(SETTLE_ACTIONS as readonly string[]).includes(b.acao)) {
    throw bad(`unknown acao ${JSON.stringify(b.acao).slice(0, 60)}: one of ${SETTLE_ACTIONS.join(', ')}`, 'acao');
  }
  const acao = b.acao as SettleAction;
  const allowed: Record<SettleAction, string[]> = { confirmar: ['acao', 'valores'], reenviar: ['acao'], descartar: ['acao', 'motivo'] };
  for (const key of Object.keys(b)) {
    if (!allowed[acao].includes(key))
      throw bad(`unexpected field ${JSON.stringify(key).slice(0, 60)} for acao ${acao} (it takes ${allowed[acao].join(', ')})`, key);
  }
  if (acao === 'descartar') {
    if (typeof b.motivo !== 'string' || !b.motivo.trim()) throw bad('descartar needs a motivo: why the record is discarded', 'motivo');
    if (b.motivo.length > MAX_REASON_CHARS) throw bad(`motivo is longer than ${MAX_REASON_CHARS} characters`, 'motivo');
    return { acao, motivo: b.motivo.trim() };
  }
  if (acao === 'confirmar') {
    if (b.valores === null || typeof b.valores !== 'object' || Array.isArray(b.valores)) {
      throw bad('confirmar needs valores: an object with the values the receiver gave (every indice_valor_retorno key)', 'valores');
    }
    const valores: Record<string, string | number> = {};
    for (const [key, value] of Object.entries(b.valores as Record<string, unknown>)) {
      const ok = (typeof value === 'string' && value.length <= MAX_VALUE_CHARS) || (typeof value === 'number' && Number.isFinite(value));
      if (!ok) throw bad(`valores.${key} must be text (up to ${MAX_VALUE_CHARS} characters) or a number`, `valores.${key}`);
      valores[key] = value as string | number;
    }
    return { acao, valores };
  }
  return { acao };
}

/** The workflow id of a record's n-th settlement: the run's id in it links them. */
export function settleWorkflowId(runWorkflowId: string, integracaoId: number, chave: string, numero: number): string {
  const key = /^[A-Za-z0-9._-]{1,64}$/.test(chave) ? chave : `h${createHash('sha256').update(chave, 'utf8').digest('hex').slice(0, 32)}`;
  return `settle-${runWorkflowId}-${integracaoId}-${key}-${numero}`;
}

/** The ledger's execution id of a run (the first run id of its continue-as-new chain). */
export function executionIdOf(description: WorkflowExecutionDescription): string | undefined {
  return description.raw.workflowExecutionInfo?.firstRunId ?? undefined;
}

/**
 * The integration and the variables the run used for it: the input of its queryRecords or sendRecords
 * activity, searched from the newest execution of the run's continue-as-new chain back to the first.
 * The plan's first step sent in one chunk is a local activity (set-run-local-send), whose input is not in
 * the history: its step is the plan's first (the run's input, or its loadPlan result) and its variables
 * the plan's parameters and builtins, nothing captured yet, as the workflow passed them.
 */
export async function runStepOf(client: TemporalClient, workflowId: string, integracaoId: number): Promise<{ step: SetStep; layers: ScopeLayers } | undefined> {
  let runId: string | undefined;
  for (let hops = 0; hops < 1000; hops++) {
    const history = await client.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    let previous: string | undefined;
    for (const event of history.events ?? []) {
      const started = event.workflowExecutionStartedEventAttributes;
      if (started) previous = started.continuedExecutionRunId ?? undefined;
      const s = event.activityTaskScheduledEventAttributes;
      const name = s?.activityType?.name;
      if ((name === 'queryRecords' || name === 'sendRecords') && s?.input?.payloads?.[0]) {
        const input = defaultPayloadConverter.fromPayload<{ run: { integracaoId: number }; step: SetStep; layers: ScopeLayers }>(s.input.payloads[0]);
        if (input.run?.integracaoId === integracaoId) return { step: input.step, layers: input.layers };
      }
    }
    const first = firstStepOf(history.events ?? []);
    if (first && first.step.id === integracaoId) return first;
    if (!previous) return undefined;
    runId = previous;
  }
  return undefined;
}

type HistoryEvents = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>;

/** The plan's first step and its variables in an execution that started the plan (not a continued one). */
function firstStepOf(events: HistoryEvents): { step: SetStep; layers: ScopeLayers } | undefined {
  let plan: Plan | undefined;
  const loadPlans = new Set<string>();
  for (const event of events) {
    const given = event.workflowExecutionStartedEventAttributes?.input?.payloads?.[1];
    if (given) {
      const options = defaultPayloadConverter.fromPayload<{ plan?: Plan; resume?: unknown }>(given);
      if (options?.resume) return undefined; // a continued execution resumes a step of several chunks
      plan = options?.plan;
    }
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'loadPlan') loadPlans.add(String(event.eventId));
    const done = event.activityTaskCompletedEventAttributes;
    const payload = done?.result?.payloads?.[0];
    if (!plan && done && payload && loadPlans.has(String(done.scheduledEventId))) plan = defaultPayloadConverter.fromPayload<Plan>(payload);
  }
  const step = plan?.steps[0];
  if (!plan || !step || step.kind !== 'set') return undefined;
  return { step, layers: { captured: {}, params: plan.request.params, builtins: plan.builtins } };
}

export interface SettleTarget {
  base: string;
  workflowId: string;
  integracaoId: number;
  chave: string;
  /** The run, already found in the base (the API checked the token and the company). */
  handle: WorkflowHandle;
  description: WorkflowExecutionDescription;
}

export interface SettleDeps {
  config: Pick<AppConfig, 'temporal'>;
  client: TemporalClient;
  pool: Pool;
}

/** Checks, starts the settlement workflow, waits up to `waitMs`. Throws SettlementRefused (400/404/409/422/504). */
export async function settleRecord(
  deps: SettleDeps,
  target: SettleTarget,
  request: CheckedRequest,
  por: string,
  waitMs: number,
): Promise<SettleOutcome & { settlementWorkflowId: string }> {
  const { base, workflowId, integracaoId, chave } = target;
  const execucaoId = executionIdOf(target.description);
  const noRun = () => new SettlementRefused(404, `no run ${workflowId} in base ${base}`, 'workflowId');
  if (!execucaoId) throw noRun();
  const record = await recordByKey(deps.pool, execucaoId, integracaoId, chave);
  if (!record) {
    if (!(await hasIntegration(deps.pool, execucaoId, integracaoId))) {
      throw new SettlementRefused(404, `run ${workflowId} has no record of integracao ${integracaoId}`, 'integracaoId');
    }
    throw new SettlementRefused(404, `run ${workflowId} has no record ${chave} in integracao ${integracaoId}`, 'key');
  }
  const from = SETTLEABLE[request.acao] as readonly string[];
  if (!from.includes(record.status)) {
    throw new SettlementRefused(
      409,
      `record ${chave} is ${record.status}: ${request.acao} settles only a record that is ${from.join(' or ')}`,
      'acao',
      record.status,
    );
  }
  const found = await runStepOf(deps.client, workflowId, integracaoId);
  if (!found) throw new SettlementRefused(409, `run ${workflowId} has not started integracao ${integracaoId}`, 'integracaoId', record.status);
  const step = currentStep(found.step);
  if (request.acao === 'confirmar') {
    const keys = step.answer.valueKeys;
    const given = request.valores ?? {};
    const missing = keys.find((k) => !Object.hasOwn(given, k));
    if (missing)
      throw new SettlementRefused(
        400,
        `valores.${missing} is missing: confirmar needs every indice_valor_retorno key (${keys.join(', ')})`,
        `valores.${missing}`,
      );
    const extra = Object.keys(given).find((k) => !keys.includes(k));
    if (extra !== undefined) {
      throw new SettlementRefused(
        400,
        `valores.${extra} is not an indice_valor_retorno key of integracao ${integracaoId} (${keys.join(', ') || 'none'})`,
        `valores.${extra}`,
      );
    }
  }
  const numero = record.liquidacoes + 1;
  const input: SettleInput = {
    base,
    run: { workflowId, execucaoId, integracaoId },
    chave,
    seen: { id: String(record.id), status: record.status, tentativas: record.tentativas, liquidacoes: record.liquidacoes },
    numero,
    acao: request.acao,
    ...(request.valores ? { valores: request.valores } : {}),
    ...(request.motivo ? { motivo: request.motivo } : {}),
    por,
    step: found.step,
    layers: found.layers,
  };
  const settlementWorkflowId = settleWorkflowId(workflowId, integracaoId, chave, numero);
  let handle: WorkflowHandle;
  try {
    handle = await deps.client.temporal.workflow.start(SETTLE_WORKFLOW, {
      args: [input],
      taskQueue: deps.config.temporal.taskQueue ?? DEFAULT_TASK_QUEUE,
      workflowId: settlementWorkflowId,
      // a second start of the n-th settlement while it runs is refused here; once it has ended the id may be
      // used again (a refused settlement leaves the counter as it was), and the activity's compare-and-set
      // refuses whatever started from a version that is gone
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      // no Integrador* search attributes: lists of runs filter on them and would show settlements as runs;
      // `WorkflowId STARTS_WITH "settle-<run id>"` finds a run's settlements, the memo names the run
      memo: {
        resumo: `settle ${request.acao} run=${workflowId} integracao=${integracaoId} key=${chave} by=${por}`,
        execucao: workflowId,
        acao: request.acao,
        por,
      },
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new SettlementRefused(
        409,
        `record ${chave} is being settled by someone else (settlement ${numero}); look at it again`,
        'key',
        record.status,
        settlementWorkflowId,
      );
    }
    throw err;
  }
  // a failure after the wait ended must not become an unhandled rejection: it is caught into a value
  const outcome = await Promise.race([
    (handle.result() as Promise<SettleOutcome>).catch((err: unknown) => ({ failed: err })),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), waitMs).unref()),
  ]);
  if (outcome && 'failed' in outcome) {
    // WorkflowFailedError → ActivityFailure → the activity's own error: the innermost message says why
    let cause = outcome.failed as { message?: string; cause?: unknown };
    while (cause.cause && typeof cause.cause === 'object') cause = cause.cause as typeof cause;
    throw new SettlementRefused(
      502,
      `settlement ${settlementWorkflowId} failed: ${cause.message ?? String(outcome.failed)}; look at the record (a resend may have left it pendente)`,
      undefined,
      undefined,
      settlementWorkflowId,
    );
  }
  if (!outcome) {
    throw new SettlementRefused(
      504,
      `settlement ${settlementWorkflowId} still running after ${waitMs} ms; it goes on`,
      undefined,
      undefined,
      settlementWorkflowId,
    );
  }
  if (!outcome.ok) throw new SettlementRefused(outcome.code, outcome.message, 'key', outcome.status, settlementWorkflowId);
  return { ...outcome, settlementWorkflowId };
}
