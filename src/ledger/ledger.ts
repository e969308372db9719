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
export async function insertRecords(db: Queryable, run: RunKey, records: NewRecord[], empresaId: number | null = null): Promise<void> {
  if (!records.length) return;
  await db.query(
    `INSERT INTO integrador.envio (workflow_id, execucao_id, integracao_id, chave, seq, lote, linha, empresa_id)
     SELECT $1, $2, $3, r.chave, r.seq, r.lote, r.linha, $5
       FROM jsonb_to_recordset($4::jsonb) AS r(chave text, seq integer, lote integer, linha jsonb)
     ON CONFLICT (execucao_id, integracao_id, chave) DO NOTHING`,
    [run.workflowId, run.execucaoId, run.integracaoId, JSON.stringify(records), empresaId],
  );
}

/** How many records a step has and in how many chunks (lotes 0..chunks-1, `seq` order). */
export async function countRecords(db: Queryable, run: RunKey): Promise<{ total: number; chunks: number }> {
  const res = await db.query(
    `SELECT count(*)::int AS total, COALESCE(max(lote) + 1, 0)::int AS chunks FROM integrador.envio
      WHERE execucao_id = $1 AND integracao_id = $2`,
    [run.execucaoId, run.integracaoId],
  );
  return { total: res.rows[0].total, chunks: res.rows[0].chunks };
}

export async function recordsOfChunk(db: Queryable, run: RunKey, lote: number): Promise<LedgerRecord[]> {
  const res = await db.query(
    `SELECT id, chave, seq, status, linha, resposta, valores, erro, erro_tipo, tentativas FROM integrador.envio
      WHERE execucao_id = $1 AND integracao_id = $2 AND lote = $3 ORDER BY seq`,
    [run.execucaoId, run.integracaoId, lote],
  );
  return res.rows;
}

/**
 * A record's version as an attempt read it: its status and attempt count. Every change below is a
 * compare-and-set on it, so two attempts of one chunk (a zombie worker and its replacement) never both
 * send a record, and a late attempt never overwrites what a newer one decided.
 */
export type Seen = Pick<LedgerRecord, 'id' | 'status' | 'tentativas'>;

/**
 * Marks a record `enviando` before the call, committed before anything is sent. Returns the attempt
 * number that owns the send, or null when another attempt moved the record on since it was read.
 */
export async function claimForSending(db: Queryable, seen: Seen, requisicao: string): Promise<number | null> {
  const res = await db.query(
    `UPDATE integrador.envio SET status = 'enviando', requisicao = $4, tentativas = tentativas + 1, atualizado_em = now()
      WHERE id = $1 AND status = $2 AND tentativas = $3 AND status IN ('pendente', 'enviando')
      RETURNING tentativas`,
    [seen.id, seen.status, seen.tentativas, requisicao],
  );
  return res.rowCount === 1 ? res.rows[0].tentativas : null;
}

/** claimForSending for many records in one statement (see group-commit.ts); null where a claim was lost. */
export async function claimManyForSending(db: Queryable, claims: Array<{ seen: Seen; requisicao: string }>): Promise<Array<number | null>> {
  const res = await db.query(
    `UPDATE integrador.envio e SET status = 'enviando', requisicao = s.requisicao, tentativas = e.tentativas + 1, atualizado_em = now()
       FROM jsonb_to_recordset($1::jsonb) AS s(id bigint, status text, tentativas integer, requisicao text)
      WHERE e.id = s.id AND e.status = s.status AND e.tentativas = s.tentativas AND e.status IN ('pendente', 'enviando')
      RETURNING e.id, e.tentativas`,
    [JSON.stringify(claims.map((c) => ({ id: c.seen.id, status: c.seen.status, tentativas: c.seen.tentativas, requisicao: c.requisicao })))],
  );
  const claimed = new Map<string, number>(res.rows.map((r) => [String(r.id), r.tentativas]));
  return claims.map((c) => claimed.get(String(c.seen.id)) ?? null);
}

/** Back to `pendente`: the request cannot have been processed (connection refused), so it may be sent again. */
export async function markPending(db: Queryable, id: string, attempt: number): Promise<boolean> {
  const res = await db.query(
    `UPDATE integrador.envio SET status = 'pendente', atualizado_em = now() WHERE id = $1 AND status = 'enviando' AND tentativas = $2`,
    [id, attempt],
  );
  return res.rowCount === 1;
}

/**
 * The receiver accepted the record (claimed by `attempt`): its answer is kept, so a retried attempt writes
 * back without resending. `gravado` only inside the write-back transaction of a record whose answer just
 * arrived, saving the separate `enviado` commit on the hot path.
 */
export async function markSent(
  db: Queryable,
  id: string,
  attempt: number,
  outcome: { resposta: unknown; valores: Record<string, unknown>; sent?: string },
  status: 'enviado' | 'gravado' = 'enviado',
): Promise<boolean> {
  const res = await db.query(
    `UPDATE integrador.envio SET status = $6, resposta = $3, valores = $4,
            requisicao = COALESCE($5, requisicao), erro = NULL, erro_tipo = NULL, enviado_em = now(), atualizado_em = now()
      WHERE id = $1 AND status = 'enviando' AND tentativas = $2`,
    [id, attempt, JSON.stringify(outcome.resposta ?? null), JSON.stringify(outcome.valores), outcome.sent ?? null, status],
  );
  return res.rowCount === 1;
}

export interface Failure {
  erro: string;
  tipo: ErrorKind;
  resposta?: unknown;
  requisicao?: string;
  sent?: string;
}

/**
 * Final `erro` or `incerto`, only from the version `seen` (e.g. `enviando` with this attempt's number);
 * false when another attempt changed the record first.
 */
export async function markFailed(
  db: Queryable,
  seen: Pick<Seen, 'id' | 'status' | 'tentativas'>,
  status: 'erro' | 'incerto',
  failure: Failure,
): Promise<boolean> {
  const res = await db.query(
    `UPDATE integrador.envio SET status = $4, erro = $5, erro_tipo = $6, resposta = COALESCE($7, resposta),
            requisicao = COALESCE($8, requisicao), atualizado_em = now()
      WHERE id = $1 AND status = $2 AND tentativas = $3`,
    [
      seen.id,
      seen.status,
      seen.tentativas,
      status,
      failure.erro,
      failure.tipo,
      failure.resposta === undefined ? null : JSON.stringify(failure.resposta),
      failure.sent ?? failure.requisicao ?? null,
    ],
  );
  return res.rowCount === 1;
}

/** Inside the write-back transaction: only an `enviado` record becomes `gravado`, so it happens once. */
export async function markRecorded(tx: PoolClient, id: string): Promise<boolean> {
  const res = await tx.query(`UPDATE integrador.envio SET status = 'gravado', atualizado_em = now() WHERE id = $1 AND status = 'enviado'`, [id]);
  return res.rowCount === 1;
}

/**
 * Inside a group write-back transaction: many records to `gravado` in one statement. `answer` present:
 * the record is still `enviando` with this attempt (its answer just arrived); absent: it is `enviado`.
 * Returns the ids that changed; the others were already written back by another attempt.
 */
export async function markManyRecorded(
  tx: PoolClient,
  records: Array<{ id: string; attempt: number; answer?: { resposta: unknown; valores: Record<string, unknown> } }>,
): Promise<Set<string>> {
  const rows = records.map((r) => ({
    id: r.id,
    tentativas: r.attempt,
    fresh: Boolean(r.answer),
    resposta: r.answer ? (r.answer.resposta ?? null) : null,
    valores: r.answer?.valores ?? null,
  }));
  const res = await tx.query(
    `UPDATE integrador.envio e SET status = 'gravado',
            resposta = CASE WHEN s.fresh THEN s.resposta ELSE e.resposta END,
            valores = CASE WHEN s.fresh THEN s.valores ELSE e.valores END,
            erro = NULL, erro_tipo = NULL, enviado_em = COALESCE(e.enviado_em, now()), atualizado_em = now()
       FROM jsonb_to_recordset($1::jsonb) AS s(id bigint, tentativas integer, fresh boolean, resposta jsonb, valores jsonb)
      WHERE e.id = s.id AND e.tentativas = s.tentativas AND e.status = CASE WHEN s.fresh THEN 'enviando' ELSE 'enviado' END
      RETURNING e.id`,
    [JSON.stringify(rows)],
  );
  return new Set(res.rows.map((r) => String(r.id)));
}

/** Every record of one execution (a run and its continue-as-new chain). */
export async function recordsOfExecution(db: Queryable, execucaoId: string): Promise<RecordView[]> {
  const res = await db.query(
    `SELECT integracao_id, chave, status, valores, erro, erro_tipo, tentativas, atualizado_em
       FROM integrador.envio WHERE execucao_id = $1 ORDER BY id`,
    [execucaoId],
  );
  return res.rows;
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
