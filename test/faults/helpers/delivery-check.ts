// What a fault test asserts about a finished run, computed from three independent witnesses: the ledger
// (integrador.envio), the receiver (requests counted by ideExt = the account id) and the CRM (how many
// times each account's write-back ran, contas.gravacoes).
import assert from 'node:assert/strict';
import type { Pool } from 'pg';
import type { G5Receiver } from '../../../src/dev/g5-receiver';

export interface DeliveryCounts {
  records: number;
  /** Records the receiver got exactly once. */
  sentOnce: number;
  /** Records the receiver got more than once. */
  duplicates: number;
  /** Records the receiver never got. */
  neverSent: number;
  /** Accounts whose write-back ran (at least once), and how many ran more than once. */
  writtenBack: number;
  writtenBackTwice: number;
  byStatus: Record<string, number>;
}

export interface RecordFacts {
  id: number;
  status: string;
  received: number;
  gravacoes: number;
}

export async function recordFacts(crm: Pool, receiver: G5Receiver, execucaoId: string): Promise<RecordFacts[]> {
  const res = await crm.query(
    `SELECT e.chave::int AS id, e.status, c.gravacoes FROM integrador.envio e JOIN contas c ON c.id = e.chave::int
      WHERE e.execucao_id = $1 ORDER BY e.chave::int`,
    [execucaoId],
  );
  const received = receiver.countsByIdeExt();
  return res.rows.map((r) => ({ id: r.id, status: r.status, gravacoes: r.gravacoes, received: received.get(String(r.id)) ?? 0 }));
}

export function countDelivery(facts: RecordFacts[]): DeliveryCounts {
  const byStatus: Record<string, number> = {};
  for (const f of facts) byStatus[f.status] = (byStatus[f.status] ?? 0) + 1;
  return {
    records: facts.length,
    sentOnce: facts.filter((f) => f.received === 1).length,
    duplicates: facts.filter((f) => f.received > 1).length,
    neverSent: facts.filter((f) => f.received === 0).length,
    writtenBack: facts.filter((f) => f.gravacoes > 0).length,
    writtenBackTwice: facts.filter((f) => f.gravacoes > 1).length,
    byStatus,
  };
}

/** The line every fault test prints. */
export function countsLine(fault: string, c: DeliveryCounts): string {
  return (
    `fault=${fault} records=${c.records} sent_once=${c.sentOnce} duplicates=${c.duplicates} never_sent=${c.neverSent} ` +
    `written_back=${c.writtenBack} written_back_twice=${c.writtenBackTwice} gravado=${c.byStatus.gravado ?? 0} ` +
    `incerto=${c.byStatus.incerto ?? 0} erro=${c.byStatus.erro ?? 0} enviando=${c.byStatus.enviando ?? 0} pendente=${c.byStatus.pendente ?? 0}`
  );
}

/**
 * The guarantee, record by record, for a connection that is not safeToResend:
 * - every expected record is in the ledger, and none is left `pendente`, `enviando` or `enviado`;
 * - a `gravado` record reached the receiver exactly once and was written back exactly once;
 * - an `incerto` record (unknown outcome) reached the receiver at most once (it is never resent) and was
 *   not written back: these are the only records that may be absent from the receiver;
 * - no record is `erro` (every account is valid and the failures injected are transport failures).
 */
export function assertExactlyOnce(facts: RecordFacts[], expected: number): void {
  assert.equal(facts.length, expected, 'every record is in the ledger');
  for (const f of facts) {
    const where = `account ${f.id}: status ${f.status}, received ${f.received}, written back ${f.gravacoes}`;
    if (f.status === 'gravado') {
      assert.equal(f.received, 1, where);
      assert.equal(f.gravacoes, 1, where);
    } else {
      assert.equal(f.status, 'incerto', where);
      assert.ok(f.received <= 1, where);
      assert.equal(f.gravacoes, 0, where);
    }
  }
}
