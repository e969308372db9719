// The console's list of runs: Temporal's visibility list (the search attributes every run carries: base,
// company, integration; StartTime), one page at a time with Temporal's own page token, and the ledger's
// counts for the runs of that page. Filters travel in the URL, so a filtered page can be shared.
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { Pool } from 'pg';
import { countsOfExecutions } from '../delivery/run-reads';
import type { IntegradorClient } from '../temporal/client';
import { SET_RUN_WORKFLOW } from '../temporal/constants';

export const OUTCOMES = ['ok', 'erro', 'incerto', 'vazio', 'em_andamento', 'falhou'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface RunFilter {
  empresa?: number;
  integracao?: number;
  outcome?: Outcome;
  /** yyyy-mm-dd, UTC, inclusive. */
  from?: string;
  to?: string;
}

export interface RunRow {
  workflowId: string;
  runId: string;
  execucaoId: string;
  empresa: number | null;
  integracao: number | null;
  temporalStatus: string;
  outcome: Outcome;
  startedAt: Date;
  closedAt: Date | null;
  counts: Record<string, number>;
  total: number;
}

export interface RunPage {
  rows: RunRow[];
  /** Temporal's token for the next page, base64url; absent on the last page. */
  next?: string;
  /** How many runs were read to fill this page (more than rows when an outcome filter drops some). */
  scanned: number;
}

// WorkflowExecutionStatus numbers of the Temporal API
const STATUS_NAMES: Record<number, string> = {
  1: 'RUNNING',
  2: 'COMPLETED',
  3: 'FAILED',
  4: 'CANCELED',
  5: 'TERMINATED',
  6: 'CONTINUED_AS_NEW',
  7: 'TIMED_OUT',
};
const CLOSED_BADLY = ['Failed', 'Canceled', 'Terminated', 'TimedOut'];
/** Temporal pages read at most per console page when an outcome filter leaves rows out. */
const MAX_SCAN_PAGES = 10;

const day = /^\d{4}-\d{2}-\d{2}$/;
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();

/**
 * The visibility query. `allowed` is the token's `empresas` (absent: every company). Every value is a
 * checked integer, a yyyy-mm-dd date or a base name (letters, digits, _ and -, by the config schema).
 */
export function visibilityQuery(scope: { base: string; taskQueue: string }, filter: RunFilter, allowed?: readonly number[]): string {
  // the task queue is the deployment: another integrador on the same namespace has its own runs
  const parts = [
    `WorkflowType = '${SET_RUN_WORKFLOW}'`,
    `TaskQueue = '${scope.taskQueue.replace(/'/g, "''")}'`,
    `IntegradorBase = '${scope.base}'`,
    `ExecutionStatus != 'ContinuedAsNew'`,
  ];
  if (filter.empresa !== undefined) parts.push(`IntegradorEmpresa = ${filter.empresa}`);
  if (allowed) parts.push(allowed.length ? `IntegradorEmpresa IN (${allowed.join(', ')})` : 'IntegradorEmpresa = -1');
  if (filter.integracao !== undefined) parts.push(`IntegradorIntegracao = ${filter.integracao}`);
  if (filter.from && day.test(filter.from)) parts.push(`StartTime >= '${filter.from}T00:00:00Z'`);
  if (filter.to && day.test(filter.to)) parts.push(`StartTime < '${nextDay(filter.to)}'`);
  if (filter.outcome === 'em_andamento') parts.push(`ExecutionStatus = 'Running'`);
  if (filter.outcome === 'falhou') parts.push(`ExecutionStatus IN (${CLOSED_BADLY.map((s) => `'${s}'`).join(', ')})`);
  if (filter.outcome && ['ok', 'erro', 'incerto', 'vazio'].includes(filter.outcome)) parts.push(`ExecutionStatus = 'Completed'`);
  return parts.join(' AND ');
}

/** A run's outcome: Temporal's status while running or when it ended badly, else what its records say. */
export function outcomeOf(temporalStatus: string, counts: Record<string, number>): Outcome {
  if (temporalStatus === 'RUNNING') return 'em_andamento';
  if (temporalStatus !== 'COMPLETED') return 'falhou';
  if (counts.incerto) return 'incerto';
  if (counts.erro) return 'erro';
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return total ? 'ok' : 'vazio';
}

interface Timestamp {
  seconds?: { toString(): string } | number | null;
  nanos?: number | null;
}
const dateOf = (ts: Timestamp | null | undefined): Date | null =>
  ts?.seconds === undefined || ts.seconds === null ? null : new Date(Number(ts.seconds.toString()) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6));

function attribute(fields: Record<string, Payload> | null | undefined, name: string): unknown {
  const payload = fields?.[name];
  if (!payload) return undefined;
  const value = defaultPayloadConverter.fromPayload<unknown>(payload);
  return Array.isArray(value) ? value[0] : value;
}

const intOrNull = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) ? value : null);

export async function listRuns(
  client: IntegradorClient,
  pool: Pool,
  opts: { namespace: string; taskQueue: string; base: string; filter: RunFilter; allowed?: readonly number[]; pageSize: number; pageToken?: string },
): Promise<RunPage> {
  const query = visibilityQuery(opts, opts.filter, opts.allowed);
  const postFilter = opts.filter.outcome && ['ok', 'erro', 'incerto', 'vazio'].includes(opts.filter.outcome) ? opts.filter.outcome : undefined;
  const rows: RunRow[] = [];
  let token: Uint8Array | undefined = opts.pageToken ? Buffer.from(opts.pageToken, 'base64url') : undefined;
  let scanned = 0;
  for (let page = 0; page < MAX_SCAN_PAGES; page++) {
    const res = await client.temporal.workflowService.listWorkflowExecutions({
      namespace: opts.namespace,
      query,
      pageSize: opts.pageSize,
      ...(token?.length ? { nextPageToken: token } : {}),
    });
    const executions = res.executions ?? [];
    scanned += executions.length;
    const found = executions.map((e) => {
      const fields = e.searchAttributes?.indexedFields as Record<string, Payload> | undefined;
      const runId = e.execution?.runId ?? '';
      return {
        workflowId: e.execution?.workflowId ?? '',
        runId,
        execucaoId: e.firstRunId || runId,
        empresa: intOrNull(attribute(fields, 'IntegradorEmpresa')),
        integracao: intOrNull(attribute(fields, 'IntegradorIntegracao')),
        temporalStatus: STATUS_NAMES[Number(e.status)] ?? String(e.status),
        startedAt: dateOf(e.startTime as Timestamp) ?? new Date(0),
        closedAt: dateOf(e.closeTime as Timestamp),
      };
    });
    const counts = await countsOfExecutions(
      pool,
      found.map((f) => f.execucaoId),
    );
    for (const f of found) {
      const own = (counts.get(f.execucaoId) ?? {}) as Record<string, number>;
      const outcome = outcomeOf(f.temporalStatus, own);
      if (postFilter && outcome !== postFilter) continue;
      rows.push({ ...f, outcome, counts: own, total: Object.values(own).reduce((a, b) => a + b, 0) });
    }
    token = res.nextPageToken?.length ? res.nextPageToken : undefined;
    // an outcome the ledger decides drops rows after the fact: read on until the page has some
    if (!token || !postFilter || rows.length >= opts.pageSize) break;
  }
  rows.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  return { rows, scanned, ...(token ? { next: Buffer.from(token).toString('base64url') } : {}) };
}
