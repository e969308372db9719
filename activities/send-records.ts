// Activity: deliver one chunk of an integration's records (SPEC §5, §7, §8). The chunk is read from the
// ledger and each record goes through deliverRecord (src/delivery/deliver.ts), which owns every decision
// about it; this activity only runs them within the connection's limits, heartbeats and sums up. With
// lote_envio > 1 the chunk's records go out in calls of up to lote_envio records (prepareBatch, deliverCall).
import { CancelledFailure, Context } from '@temporalio/activity';
import { TransportError } from '../src/errors';
import { deliverCall, deliverRecord, prepareBatch, type DeliveryStep, type RecordOutcome } from '../src/delivery/deliver';
import type { RunKey } from '../src/delivery/ledger';
import type { FinalStatus } from '../src/delivery/states';
import { currentStep } from '../src/plan/build-plan';
import type { SetStep } from '../src/plan/types';
import type { ScopeLayers } from '../src/templating';
import type { ActivityDeps } from './deps';
import { deliveryPorts } from './delivery-ports';
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

/**
 * Records (or batch calls) of a chunk in progress at once, per slot of the connection. A record spends part of
 * its time outside the connection's slot (its lookups before, its write-back after), so a chunk keeps more
 * records going than the connection takes calls; the limiter still lets only `concurrency` calls through.
 */
export const LANES_PER_SLOT = 2;

/** How often a running chunk tells Temporal it is alive, whatever its sends are doing. */
const HEARTBEAT_EVERY_MS = 1_000;

export function createSendRecords(deps: Pick<ActivityDeps, 'crm' | 'receivers' | 'config' | 'ledgers' | 'bulk'>) {
  return async function sendRecords(input: SendRecordsInput): Promise<SendRecordsOutput> {
    const chunk = input.chunk ?? input.lote!;
    const step = currentStep(input.step);
    const ledger = deps.ledgers.get(input.base);
    const { ports, target } = deliveryPorts(deps, input.base, step.connection.name);

    const ctx = Context.current();
    const lanes = target.config.concurrency * LANES_PER_SLOT;
    const records = await ledger.chunkRecords(input.run, chunk);
    let finished = 0;
    // a local activity (a step's single chunk) cannot heartbeat: the workflow task keeps it alive instead
    const beat = ctx.info.isLocal ? undefined : setInterval(() => ctx.heartbeat({ chunk, finished }), HEARTBEAT_EVERY_MS);
    let outcomes: RecordOutcome[];
    try {
      const delivery: DeliveryStep = { step, layers: input.layers };
      if (step.onlyChanged) {
        const fresh = records.filter((r) => r.status === 'pendente').map((r) => r.chave);
        delivery.previous = await ledger.lastDigests(step.id, fresh);
      }
      if (step.batch) {
        const { done, calls } = await prepareBatch(records, delivery, ports);
        finished = done.length;
        const perCall = await runAll(calls, lanes, ctx.cancellationSignal, async (call) => {
          const outcome = await deliverCall(call, delivery, ports);
          finished += outcome.length;
          return outcome;
        });
        outcomes = [...done, ...perCall.flat()];
      } else {
        outcomes = await runAll(records, lanes, ctx.cancellationSignal, async (record) => {
          const outcome = await deliverRecord(record, delivery, ports);
          finished++;
          return outcome;
        });
      }
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
