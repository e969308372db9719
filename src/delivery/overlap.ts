// Overlapping runs (SPEC §8): a record key is in flight in at most one run. When the claim finds another
// run's record of the key `enviando`, this run waits (outside the connection's slot; the chunk's activity
// heartbeats meanwhile) for that record to leave `enviando`, then decides: the same request ended
// `gravado` (or `enviado`, when the integration has no sql_update) is taken without sending; anything else
// (another request, erro, incerto, back to pendente) is sent once the other is done. The wait is bounded:
// at the limit the record is left to the chunk's retried attempt, which waits again. A holder whose worker
// died stays `enviando` only until its own retried attempt marks it `incerto` (or resends it).
import type { HolderView, Ledger, LedgerRecord } from './ledger';

export interface OverlapOptions {
  /** How long one attempt waits for the other run before leaving the record to the retried attempt. */
  waitLimitMs: number;
  pollMs: number;
  /**
   * A holder `enviando` for longer than this is abandoned (its run was terminated, or no worker retries
   * it): no live send lasts that long (the connection's timeout plus the heartbeat timeout and a margin).
   */
  abandonedAfterMs: number;
}

export const OVERLAP_DEFAULTS: OverlapOptions = { waitLimitMs: 120_000, pollMs: 200, abandonedAfterMs: 30_000 + 70_000 };

/** What a waiting run does once the other run's record is no longer in flight. */
export type OverlapDecision = { take: 'gravado' | 'enviado' } | 'send';

/**
 * Waits until the holder's record leaves `enviando` (and, when this integration writes back, until an
 * `enviado` one with the same request is written back by its own run: writing it back here too would
 * apply the sql_update twice). Null when the wait limit came first.
 */
export async function awaitHolder(
  ledger: Pick<Ledger, 'holder'>,
  holderId: string,
  settled: (h: HolderView) => boolean,
  options: OverlapOptions = OVERLAP_DEFAULTS,
): Promise<HolderView | null> {
  const deadline = Date.now() + options.waitLimitMs;
  for (;;) {
    const holder = await ledger.holder(holderId);
    if (settled(holder)) return holder;
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, options.pollMs));
  }
}

/** Whether the holder is done as far as this run is concerned. */
export function holderSettled(h: HolderView, requisicao: string, writesBack: boolean): boolean {
  if (h.status === 'enviando') return false;
  return !(h.status === 'enviado' && writesBack && h.requisicao === requisicao);
}

export function decide(h: HolderView, requisicao: string, writesBack: boolean): OverlapDecision {
  if (h.requisicao !== requisicao) return 'send';
  if (h.status === 'gravado') return { take: 'gravado' };
  if (h.status === 'enviado' && !writesBack) return { take: 'enviado' };
  return 'send';
}

/** The waiting run's end: the other run's outcome taken, `send` (claim again), or left to the retried attempt. */
export type OverlapResult = { taken: 'gravado' | 'enviado'; values: Record<string, unknown> } | { retry: string } | 'send';

/** The waiting run's side: waits for the holder, then takes its outcome or says to send. */
export async function awaitOverlap(
  ports: { ledger: Pick<Ledger, 'holder' | 'takeOver' | 'abandon'>; overlap?: OverlapOptions },
  record: LedgerRecord,
  heldBy: string,
  requisicao: string,
  writesBack: boolean,
): Promise<OverlapResult> {
  const options = ports.overlap ?? OVERLAP_DEFAULTS;
  const abandoned = (h: HolderView) => h.status === 'enviando' && h.idleMs > options.abandonedAfterMs;
  const holder = await awaitHolder(ports.ledger, heldBy, (h) => abandoned(h) || holderSettled(h, requisicao, writesBack), options);
  if (holder && abandoned(holder)) {
    // its own run will never settle it: mark it incerto (as its retried attempt would), then send
    const erro = `unknown outcome: its run stopped while sending (enviando for ${Math.round(holder.idleMs / 1000)} s); record key ${record.chave} sent again by another run`;
    await ports.ledger.abandon(holder, erro);
    return 'send';
  }
  if (!holder) return { retry: `record key ${record.chave} still in flight in another run (ledger record ${heldBy}); waiting again` };
  const decision = decide(holder, requisicao, writesBack);
  if (decision === 'send') return 'send';
  if (!(await ports.ledger.takeOver(record, holder, decision.take, requisicao))) {
    return { retry: `ledger record ${record.id} was changed by another attempt` };
  }
  return { taken: decision.take, values: holder.valores ?? {} };
}
