// Activity: deliver one chunk of an integration's records (SPEC §5, §7, §8). The chunk is read from the
// ledger and each record goes through deliverRecord (src/delivery/deliver.ts), which owns every decision
// about it; this activity only runs them within the connection's limits, heartbeats and sums up.
import { CancelledFailure, Context } from '@temporalio/activity';
import { maskSecrets } from '../src/connectors/mask';
import { TransportError } from '../src/errors';
import { deliverRecord, type DeliveryPorts, type RecordOutcome } from '../src/delivery/deliver';
import type { RunKey } from '../src/delivery/ledger';
import { OVERLAP_DEFAULTS } from '../src/delivery/overlap';
import type { FinalStatus } from '../src/delivery/states';
import { currentStep } from '../src/plan/build-plan';
import type { SetStep } from '../src/plan/types';
import type { ScopeLayers } from '../src/templating';
import type { ActivityDeps } from './deps';
import { runAll } from './run-all';

export interface SendRecordsInput {
  run: RunKey;
  base: string;
  step: SetStep;
  layers: ScopeLayers;
  chunk: number;
  /** The chunk's old name, in activities scheduled by workers before the rename. */
  lote?: number;
}

export interface SendRecordsOutput {
  counts: Partial<Record<FinalStatus, number>>;
  /** Values captured by the chunk's last successful record (by query order): variables for later steps. */
  captured: Record<string, unknown> | null;
  /** The first record error of the chunk, for the run's message. */
  firstError: string | null;
}

/** How often a running chunk tells Temporal it is alive, whatever its sends are doing. */
const HEARTBEAT_EVERY_MS = 1_000;

export function createSendRecords(deps: Pick<ActivityDeps, 'crm' | 'receivers' | 'config' | 'ledgers'>) {
  return async function sendRecords(input: SendRecordsInput): Promise<SendRecordsOutput> {
    const chunk = input.chunk ?? input.lote!;
    const step = currentStep(input.step);
    const ledger = deps.ledgers.get(input.base);
    const target = deps.receivers.get(input.base, step.connection.name);
    const crm = deps.crm.pool(input.base);
    const ports: DeliveryPorts = {
      ledger,
      receiver: target.receiver,
      limiter: target.limiter,
      safeToResend: target.config.safeToResend,
      lookups: { query: async (sql) => (await crm.query({ text: sql.text, values: sql.values })).rows },
      mask: (text) => maskSecrets(text, deps.config.secrets),
      // overlapping runs: a holder enviando longer than any live send (timeout + heartbeat timeout + margin) is abandoned
      overlap: { ...OVERLAP_DEFAULTS, abandonedAfterMs: target.config.timeoutMs + 70_000 },
    };

    const ctx = Context.current();
    const records = await ledger.chunkRecords(input.run, chunk);
    let finished = 0;
    const beat = setInterval(() => ctx.heartbeat({ chunk, finished }), HEARTBEAT_EVERY_MS);
    let outcomes: RecordOutcome[];
    try {
      outcomes = await runAll(records, target.config.concurrency, ctx.cancellationSignal, async (record) => {
        const outcome = await deliverRecord(record, { step, layers: input.layers }, ports);
        finished++;
        return outcome;
      });
    } finally {
      clearInterval(beat);
    }
    if (ctx.cancellationSignal.aborted) throw new CancelledFailure(`chunk ${chunk} cancelled after ${finished} of ${records.length} records`);
    return summarize(outcomes);
  };
}

/** Counts per status; throws a retryable error when some records are left for the retried attempt. */
function summarize(outcomes: RecordOutcome[]): SendRecordsOutput {
  const counts: SendRecordsOutput['counts'] = {};
  let captured: Record<string, unknown> | null = null;
  let firstError: string | null = null;
  const retries: Array<Extract<RecordOutcome, { status: 'retry' }>> = [];
  for (const o of [...outcomes].sort((a, b) => a.seq - b.seq)) {
    if (o.status === 'retry') {
      retries.push(o);
      continue;
    }
    counts[o.status] = (counts[o.status] ?? 0) + 1;
    if ((o.status === 'gravado' || o.status === 'enviado') && o.values && Object.keys(o.values).length) captured = o.values;
    if (o.error && firstError === null) firstError = o.error;
  }
  if (retries.length) {
    const delays = retries.map((r) => r.retryAfterMs).filter((ms): ms is number => ms !== undefined);
    throw new TransportError(
      `${retries.length} record(s) not sent yet, retried later: ${retries[0]!.error}`,
      true,
      delays.length ? Math.max(...delays) : undefined,
    );
  }
  return { counts, captured, firstError };
}
