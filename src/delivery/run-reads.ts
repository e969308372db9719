// Reads of integrador.envio for the operator console: per-execution counts for a page of runs, and the
// request and answer of each record of one run (the /execucoes view leaves them out: they can be large).
import type { Pool } from 'pg';
import type { RecordStatus } from './states';

/** Records per status of each execution id given (execucao_id = the run's first run id). */
export async function countsOfExecutions(db: Pool, execucaoIds: string[]): Promise<Map<string, Partial<Record<RecordStatus, number>>>> {
  const counts = new Map<string, Partial<Record<RecordStatus, number>>>();
  if (!execucaoIds.length) return counts;
  const res = await db.query<{ execucao_id: string; status: RecordStatus; n: number }>(
    `SELECT execucao_id, status, count(*)::int AS n FROM integrador.envio WHERE execucao_id = ANY($1::text[]) GROUP BY execucao_id, status`,
    [execucaoIds],
  );
  for (const row of res.rows) counts.set(row.execucao_id, { ...counts.get(row.execucao_id), [row.status]: row.n });
  return counts;
}

export interface RecordExchange {
  integracao_id: number;
  chave: string;
  /** As the engine stored it at the claim: secrets already masked. */
  requisicao: string | null;
  resposta: unknown;
  criado_em: Date;
  enviado_em: Date | null;
}

/** The request and answer of every record of one execution, in ledger order. */
export async function exchangesOfExecution(db: Pool, execucaoId: string): Promise<RecordExchange[]> {
  const res = await db.query<RecordExchange>(
    `SELECT integracao_id, chave, requisicao, resposta, criado_em, enviado_em FROM integrador.envio WHERE execucao_id = $1 ORDER BY id`,
    [execucaoId],
  );
  return res.rows;
}
