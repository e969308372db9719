// What the Temporal UI shows about a run without opening it: its outcome as a search attribute, and the
// one-line summaries of its activities. Pure (workflow code imports it).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { RunResult, SetStep } from '../src/plan/types';

/** `ok`, `erro`, `incerto` or `vazio`, upserted when the run ends: `IntegradorResultado = 'erro'` finds failed runs. */
export const RESULTADO_KEY = defineSearchAttributeKey('IntegradorResultado', SearchAttributeType.KEYWORD);
/** Patch id of the outcome upsert: runs recorded before it replay without it. */
export const RESULTADO_PATCH = 'set-run-resultado';

export type RunOutcome = 'ok' | 'erro' | 'incerto' | 'vazio';

/**
 * `incerto` when any record's fate is unknown (a person must look it up in the ERP before anything is sent
 * again; it wins over `erro`, which only needs the data or the configuration fixed), `erro` for any other
 * failure (a refused record, a configuration or request error), `vazio` when every query returned no rows,
 * `ok` otherwise.
 */
export function runOutcome(result: Pick<RunResult, 'success' | 'integrations'>): RunOutcome {
  if (!result.success) return result.integrations.some((i) => (i.counts.incerto ?? 0) > 0) ? 'incerto' : 'erro';
  return result.integrations.length > 0 && result.integrations.every((i) => i.status === 'vazio') ? 'vazio' : 'ok';
}

/** The activity summaries (single-line, shown in the run's timeline and event history). */
export const activitySummary = {
  loadPlan: (integracaoId: number) => `plan of integracao ${integracaoId}`,
  queryRecords: (step: Pick<SetStep, 'id' | 'nome'>) => `${step.id} ${step.nome}: query`,
  /** `lote` counts from 0 in the activity input; people count from 1. */
  sendRecords: (step: Pick<SetStep, 'id' | 'nome'>, lote: number, lotes: number) => `${step.id} ${step.nome}, lote ${lote + 1} of ${lotes}`,
};

/**
 * The run's "current details" once it ended (Temporal markdown; served by a worker through the built-in
 * metadata query, so not a command): the outcome and the result's message.
 */
export function endDetails(result: Pick<RunResult, 'success' | 'message' | 'integrations'>): string {
  const lines = [`**${runOutcome(result)}**: ${result.message}`];
  for (const i of result.integrations) lines.push(`${i.id} ${i.name}: ${i.status}${i.total ? ` (${i.total} record(s))` : ''}`);
  return lines.join('\n\n');
}
