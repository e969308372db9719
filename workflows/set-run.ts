// The SET run: load the plan, then walk its steps in order (the dsl-interpreter sample, typed).
// Deterministic: no I/O here; every decision is made on the plan and on activity results.
// Large runs: a step's records are sent chunk by chunk, and after CHUNKS_PER_EXECUTION chunks the run
// continues as new, carrying its progress, so its history stays bounded however many rows there are.
import { ActivityFailure, ApplicationFailure, continueAsNew, patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { QueryRecordsOutput } from '../activities/query-records';
import type { SendRecordsOutput } from '../activities/send-records';
import { ErrorCodes, readFailureDetails } from '../src/errors';
import type { IntegrationResult, Plan, RunRequest, RunResult, SetStep, Step } from '../src/plan/types';
import { crm, localQuery, localSend, query, send, sendSpread } from './options';
import { activitySummary, endDetails, RESULTADO_KEY, RESULTADO_PATCH, runOutcome } from './outcome';
import { chunkTaskQueue } from './task-queues';

type Captured = Record<string, unknown>;
type RunIds = { workflowId: string; execucaoId: string };

/** Chunks one execution sends before continuing as new (each costs about six history events). */
export const CHUNKS_PER_EXECUTION = 200;
/** Patch id of the query as a local activity: runs started before it replay the regular activity. */
export const LOCAL_QUERY_PATCH = 'set-run-local-query';
/** Patch id of a step's single chunk sent as a local activity: runs started before it replay the regular one. */
export const LOCAL_SEND_PATCH = 'set-run-local-send';
/** Patch id of continue-as-new: runs started before it replay without it. */
export const CONTINUE_AS_NEW_PATCH = 'set-run-continue-as-new';
/** Patch id of the chunk queue: runs started before it send their bulk chunks on the workflow's own queue. */
export const CHUNK_QUEUE_PATCH = 'set-run-chunk-queue';

/** Where a step's sending stands; carried across continue-as-new. */
export interface StepProgress {
  total: number;
  chunks: number;
  /** The first chunk not sent yet. */
  nextChunk: number;
  counts: IntegrationResult['counts'];
  /** The latest (by query order) values captured by this step so far. */
  captured: Captured;
  firstError: string | null;
}

/** A run's state at a continue-as-new: the plan, the step it was in, and what the earlier steps gave. */
export interface RunProgress {
  plan: Plan;
  stepIndex: number;
  captured: Captured;
  integrations: IntegrationResult[];
  step: StepProgress | null;
}

export interface SetRunOptions {
  /** Overrides CHUNKS_PER_EXECUTION (tests and history fixtures use a small number). */
  chunksPerExecution?: number;
  /** Set by the run itself when it continues as new. */
  resume?: RunProgress;
  /**
   * The plan the caller (/integrar) has just built and checked from the same configuration tables: the run
   * uses it instead of loading it again (one activity and one plan check less on a button's path).
   */
  plan?: Plan;
}

interface FailureInfo {
  code: string;
  message: string;
  issues?: RunResult['issues'];
  parameter?: string;
  requestError?: RunResult['requestError'];
}

function describeFailure(err: unknown): FailureInfo {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const code = cause.type ?? 'INT_UNEXPECTED';
    const details = readFailureDetails(cause.details);
    if (code === ErrorCodes.config) return { code, message: cause.message, issues: details.issues };
    if (code === ErrorCodes.request) return { code, message: cause.message, parameter: details.parameter, requestError: details.requestError };
    return { code, message: cause.message };
  }
  return { code: 'INT_UNEXPECTED', message: err instanceof Error ? err.message : String(err) };
}

/** The chunks budget of one execution, shared by its steps. */
interface Budget {
  chunksLeft: number;
}

type StepOutcome = { done: StepProgress } | { paused: StepProgress };

/** Queries a step's records into the ledger (first time only), then sends chunks until done or out of budget. */
async function sendStep(step: SetStep, plan: Plan, captured: Captured, run: RunIds, resumed: StepProgress | null, budget: Budget): Promise<StepOutcome> {
  const runKey = { ...run, integracaoId: step.id };
  const layers = { captured, params: plan.request.params, builtins: plan.builtins };
  let progress = resumed;
  if (!progress) {
    // a summary is user metadata, not part of the command replay compares: no patch needed
    const { chunkSize, maxChunksInFlight: spreadChunks, laterChunkSize } = plan.settings;
    const input = { run: runKey, base: plan.request.base, step, layers, chunkSize, spreadChunks, laterChunkSize };
    const queried: QueryRecordsOutput & { lotes?: number[] } = patched(LOCAL_QUERY_PATCH)
      ? await localQuery.queryRecords.executeWithOptions({ summary: activitySummary.queryRecords(step) }, [input])
      : await query.queryRecords.executeWithOptions({ summary: activitySummary.queryRecords(step) }, [input]);
    const chunks = queried.chunks ?? queried.lotes?.length ?? 0; // histories before chunk counts carry the list of lotes
    progress = { total: queried.total, chunks, nextChunk: 0, counts: {}, captured: {}, firstError: null };
  }
  const remaining = progress.chunks - progress.nextChunk;
  // patched() only where the two versions differ: runs started before this change send every chunk in one go
  const window = remaining <= budget.chunksLeft || !patched(CONTINUE_AS_NEW_PATCH) ? remaining : budget.chunksLeft;
  if (window === 0 && remaining > 0) return { paused: progress };

  const from = progress.nextChunk;
  const lotes = progress.chunks;
  // several chunks: spread over the workers (eager dispatch off is not a command attribute replay compares),
  // through the chunk queue, where a process busy with its chunks takes no other; the plan's first step in
  // one chunk (a button): a local activity in this workflow task, or, in runs started before that patch, a
  // regular activity dispatched eagerly to this worker. Later steps keep the regular activity: its input in
  // the history is how a settlement finds the variables the step used, and the first step's are known
  // without it (the plan, nothing captured yet: settlement/settle.ts).
  const sender = lotes > 1 ? sendSpread : plan.steps[0] === step && patched(LOCAL_SEND_PATCH) ? localSend : send;
  const queue = lotes > 1 && patched(CHUNK_QUEUE_PATCH) ? { taskQueue: chunkTaskQueue(workflowInfo().taskQueue) } : {};
  const outputs: SendRecordsOutput[] = new Array(window);
  let next = 0;
  const lane = async () => {
    while (next < window) {
      const i = next++;
      const summary = activitySummary.sendRecords(step, from + i, lotes);
      outputs[i] = await sender.sendRecords.executeWithOptions({ summary, ...queue }, [
        { run: runKey, base: plan.request.base, step, layers, chunk: from + i },
      ]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.settings.maxChunksInFlight, window) }, lane));
  budget.chunksLeft -= window;

  progress = outputs.reduce(addChunk, { ...progress, nextChunk: from + window });
  return progress.nextChunk < progress.chunks ? { paused: progress } : { done: progress };
}

/** Folds one chunk's output into the step's progress, in chunk order: the last values captured win. */
function addChunk(progress: StepProgress, out: SendRecordsOutput): StepProgress {
  const counts = { ...progress.counts };
  for (const [status, n] of Object.entries(out.counts) as Array<[keyof IntegrationResult['counts'], number]>) {
    counts[status] = (counts[status] ?? 0) + n;
  }
  return { ...progress, counts, captured: out.captured ?? progress.captured, firstError: progress.firstError ?? out.firstError };
}

function stepResult(step: SetStep, progress: StepProgress): IntegrationResult {
  const base = { id: step.id, name: step.nome };
  if (progress.total === 0) return { ...base, status: 'vazio', total: 0, counts: {}, message: 'nothing to send: the query returned no rows' };
  const failed = (progress.counts.erro ?? 0) + (progress.counts.incerto ?? 0);
  if (failed) {
    return {
      ...base,
      status: 'erro',
      total: progress.total,
      counts: progress.counts,
      message: progress.firstError ?? 'records failed',
      errorCode: ErrorCodes.record,
    };
  }
  // somente_alterados: records not sent because nothing changed are said apart (old runs have none)
  const unchanged = progress.counts.inalterado ?? 0;
  const message = unchanged ? `${progress.total - unchanged} record(s) sent, ${unchanged} inalterado` : `${progress.total} record(s) sent`;
  return { ...base, status: 'ok', total: progress.total, counts: progress.counts, message };
}

type Walked = { result: IntegrationResult; captured: Captured } | { paused: StepProgress };

async function runStep(step: Step, plan: Plan, captured: Captured, run: RunIds, resumed: StepProgress | null, budget: Budget): Promise<Walked> {
  switch (step.kind) {
    case 'set': {
      try {
        const outcome = await sendStep(step, plan, captured, run, resumed, budget);
        if ('paused' in outcome) return outcome;
        const result = stepResult(step, outcome.done);
        return { result, captured: result.status === 'vazio' ? {} : outcome.done.captured };
      } catch (err) {
        const failure = describeFailure(err);
        const result: IntegrationResult = {
          id: step.id,
          name: step.nome,
          status: 'erro',
          total: 0,
          counts: {},
          message: failure.message,
          errorCode: failure.code,
        };
        if (failure.issues) result.issues = failure.issues;
        return { result, captured: {} };
      }
    }
    default: {
      const unhandled: never = step.kind;
      throw new Error(`unhandled step kind ${String(unhandled)}`);
    }
  }
}

export async function setRun(request: RunRequest, options: SetRunOptions = {}): Promise<RunResult> {
  const info = workflowInfo();
  // the first run's id stays the same across continue-as-new: the ledger's execution id
  const run: RunIds = { workflowId: info.workflowId, execucaoId: info.firstExecutionRunId };
  const resume = options.resume;
  let plan: Plan;
  if (resume) {
    plan = resume.plan;
  } else if (options.plan) {
    plan = options.plan;
  } else {
    try {
      plan = await crm.loadPlan.executeWithOptions({ summary: activitySummary.loadPlan(request.integracaoId) }, [{ request }]);
    } catch (err) {
      const failure = describeFailure(err);
      const { code, ...rest } = failure;
      return finish({ success: false, ...run, ...rest, errorCode: code, integrations: [] });
    }
  }
  const budget: Budget = { chunksLeft: Math.max(1, options.chunksPerExecution ?? CHUNKS_PER_EXECUTION) };
  let captured: Captured = resume?.captured ?? {};
  const integrations: IntegrationResult[] = [...(resume?.integrations ?? [])];
  let failed = integrations.find((r) => r.status === 'erro');
  for (let index = resume?.stepIndex ?? 0; index < plan.steps.length; index++) {
    const step = plan.steps[index]!;
    if (failed) {
      integrations.push({ id: step.id, name: step.nome, status: 'nao_executada', total: 0, counts: {}, message: `not run: integracao ${failed.id} failed` });
      continue;
    }
    const resumed = resume && index === resume.stepIndex ? resume.step : null;
    const walked = await runStep(step, plan, captured, run, resumed, budget);
    if ('paused' in walked) {
      const progress: RunProgress = { plan, stepIndex: index, captured, integrations, step: walked.paused };
      const { plan: _given, ...carried } = options; // the plan travels in `resume`
      return continueAsNew<typeof setRun>(request, { ...carried, resume: progress });
    }
    integrations.push(walked.result);
    captured = { ...captured, ...walked.captured };
    if (walked.result.status === 'erro') failed = walked.result;
  }
  if (failed) {
    const located = failed.issues ? { issues: failed.issues } : {};
    return finish({
      success: false,
      message: `integracao ${failed.id} (${failed.name}) failed: ${failed.message}`,
      ...run,
      errorCode: failed.errorCode,
      ...located,
      integrations,
    });
  }
  const sent = integrations.reduce((n, r) => n + (r.counts.gravado ?? 0) + (r.counts.enviado ?? 0), 0);
  return finish({ success: true, message: sent ? `${sent} record(s) sent` : 'nothing to send', ...run, integrations });
}

/**
 * A run ends COMPLETED whatever its records did (its result is the answer /integrar and /execucoes give);
 * its outcome goes into IntegradorResultado, so the UI and `temporal workflow list` find failed runs.
 * Behind a patch: histories recorded before it have no upsert to replay.
 */
function finish(result: RunResult): RunResult {
  if (patched(RESULTADO_PATCH)) upsertSearchAttributes([{ key: RESULTADO_KEY, value: runOutcome(result) }]);
  setCurrentDetails(endDetails(result)); // not a command: answered by the metadata query, no patch needed
  return result;
}
