// The delivery ledger, integrador.envio (SPEC §8): how the engine proves nothing was sent twice or lost.
// pendente → enviando (committed before the call) → enviado | erro | incerto; enviado → gravado together with
// the write-back, in one transaction.
import type { Pool, PoolClient } from 'pg';

export type RecordStatus = 'pendente' | 'enviando' | 'enviado' | 'gravado' | 'erro' | 'incerto';
/** Where a record error came from: building the request, the receiver, the transport, the write-back. */
export type ErrorKind = 'mapeamento' | 'receptor' | 'transporte' | 'gravacao' | 'configuracao';

export interface RunKey {
  workflowId: string;
  execucaoId: string;
  integracaoId: number;
}

export interface NewRecord {
  chave: string;
  seq: number;
  lote: number;
  linha: Record<string, unknown>;
}

export interface LedgerRecord {
  id: string;
  chave: string;
  seq: number;
  status: RecordStatus;
  linha: Record<string, unknown>;
  resposta: unknown;
  valores: Record<string, unknown> | null;
  erro: string | null;
  erro_tipo: ErrorKind | null;
  tentativas: number;
}

export interface RecordView {
  integracao_id: number;
  chave: string;
  status: RecordStatus;
  valores: Record<string, unknown> | null;
  erro: string | null;
  erro_tipo: ErrorKind | null;
  tentativas: number;
  atualizado_em: Date;
}

type Queryable = Pool | PoolClient;

/** Stores a query's rows; a retried activity inserts nothing twice. */
export async function insertRecords(db: Queryable, run: RunKey, records: NewRecord[]): Promise<void> {
  if (!records.length) return;
  await db.query(
    `INSERT INTO integrador.envio (workflow_id, execucao_id, integracao_id, chave, seq, lote, linha)
     SELECT $1, $2, $3, r.chave, r.seq, r.lote, r.linha
       FROM jsonb_to_recordset($4::jsonb) AS r(chave text, seq integer, lote integer, linha jsonb)
     ON CONFLICT (execucao_id, integracao_id, chave) DO NOTHING`,
    [run.workflowId, run.execucaoId, run.integracaoId, JSON.stringify(records)],
  );
}

export async function countRecords(db: Queryable, run: RunKey): Promise<{ total: number; lotes: number[] }> {
  const res = await db.query(
    `SELECT lote, count(*)::int AS n FROM integrador.envio
      WHERE execucao_id = $1 AND integracao_id = $2 GROUP BY lote ORDER BY lote`,
    [run.execucaoId, run.integracaoId],
  );
  return { total: res.rows.reduce((sum, r) => sum + r.n, 0), lotes: res.rows.map((r) => r.lote) };
}

export async function recordsOfChunk(db: Queryable, run: RunKey, lote: number): Promise<LedgerRecord[]> {
  const res = await db.query(
    `SELECT id, chave, seq, status, linha, resposta, valores, erro, erro_tipo, tentativas FROM integrador.envio
      WHERE execucao_id = $1 AND integracao_id = $2 AND lote = $3 ORDER BY seq`,
    [run.execucaoId, run.integracaoId, lote],
  );
  return res.rows;
}

/** Marks a record `enviando` before the call; false when another attempt already moved it on. */
export async function markSending(db: Queryable, id: string, requisicao: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE integrador.envio SET status = 'enviando', requisicao = $2, tentativas = tentativas + 1, atualizado_em = now()
      WHERE id = $1 AND status IN ('pendente', 'enviando')`,
    [id, requisicao],
  );
  return res.rowCount === 1;
}

/** Back to `pendente`: the request cannot have been processed (connection refused), so it may be sent again. */
export async function markPending(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE integrador.envio SET status = 'pendente', atualizado_em = now() WHERE id = $1 AND status = 'enviando'`,
    [id],
  );
}

export async function markSent(
  db: Queryable,
  id: string,
  outcome: { resposta: unknown; valores: Record<string, unknown>; sent?: string },
): Promise<void> {
  await db.query(
    `UPDATE integrador.envio SET status = 'enviado', resposta = $2, valores = $3,
            requisicao = COALESCE($4, requisicao), erro = NULL, erro_tipo = NULL, enviado_em = now(), atualizado_em = now()
      WHERE id = $1`,
    [id, JSON.stringify(outcome.resposta ?? null), JSON.stringify(outcome.valores), outcome.sent ?? null],
  );
}

export async function markFailed(
  db: Queryable,
  id: string,
  status: 'erro' | 'incerto',
  failure: { erro: string; tipo: ErrorKind; resposta?: unknown; requisicao?: string; sent?: string },
): Promise<void> {
  await db.query(
    `UPDATE integrador.envio SET status = $2, erro = $3, erro_tipo = $4, resposta = COALESCE($5, resposta),
            requisicao = COALESCE($6, requisicao), atualizado_em = now()
      WHERE id = $1`,
    [
      id,
      status,
      failure.erro,
      failure.tipo,
      failure.resposta === undefined ? null : JSON.stringify(failure.resposta),
      failure.sent ?? failure.requisicao ?? null,
    ],
  );
}

/** Inside the write-back transaction: only an `enviado` record becomes `gravado`, so it happens once. */
export async function markRecorded(tx: PoolClient, id: string): Promise<boolean> {
  const res = await tx.query(
    `UPDATE integrador.envio SET status = 'gravado', atualizado_em = now() WHERE id = $1 AND status = 'enviado'`,
    [id],
  );
  return res.rowCount === 1;
}

/** Every record of the newest execution of a workflow id, for the API and the CLI. */
export async function recordsOfWorkflow(db: Queryable, workflowId: string): Promise<RecordView[]> {
  const res = await db.query(
    `SELECT integracao_id, chave, status, valores, erro, erro_tipo, tentativas, atualizado_em
       FROM integrador.envio
      WHERE execucao_id = (SELECT execucao_id FROM integrador.envio WHERE workflow_id = $1 ORDER BY criado_em DESC, id DESC LIMIT 1)
      ORDER BY id`,
    [workflowId],
  );
  return res.rows;
}
