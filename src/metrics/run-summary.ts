// What a finished run tells the metrics. Pure: the workflow interceptor builds it inside the sandbox.
import type { RunResult } from '../plan/types';

export interface RunSummary {
  base: string;
  integracao: number;
  outcome: 'success' | 'failed' | 'error';
  /** Per integration id, the count of records by final status. */
  records: Array<{ integracao: number; status: string; count: number }>;
}

export function summarizeRun(base: string, integracao: number, result: RunResult | undefined): RunSummary {
  if (!result) return { base, integracao, outcome: 'error', records: [] };
  const records = result.integrations.flatMap((i) => Object.entries(i.counts).map(([status, count]) => ({ integracao: i.id, status, count: count ?? 0 })));
  return { base, integracao, outcome: result.success ? 'success' : 'failed', records };
}
