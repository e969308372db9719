// Settlement in the ledger (integrador.envio and integrador.liquidacao): each move is a compare-and-set
// on the version the settlement read (status, tentativas, liquidacoes), committed in one transaction with
// its audit row, so two settlements of one record at once cannot both win and no move is left unaudited.
// confirmar goes through the ledger's own write-back transaction (ledger-pg.ts writeBackSettled).
import type { Pool, PoolClient } from 'pg';
import { writeBackSettled } from '../delivery/ledger-pg';
import type { LedgerRecord } from '../delivery/ledger';
import { withTransaction } from '../crm/transaction';
import type { RecordStatus } from '../delivery/states';
import type { BoundSql } from '../templating';
import type { SettleInput, SettleSeen } from './types';

/** The record changed since the settlement read it: another settlement or attempt won. */
export class SettleConflict extends Error {}

export interface SettleRecord extends LedgerRecord {
  liquidacoes: number;
  execucao_id: string;
}

const COLUMNS = 'id, chave, seq, status, linha, resposta, valores, erro, erro_tipo, tentativas, liquidacoes, execucao_id';

export async function recordByKey(db: Pool, execucaoId: string, integracaoId: number, chave: string): Promise<SettleRecord | undefined> {
  const res = await db.query(`SELECT ${COLUMNS} FROM integrador.envio WHERE execucao_id = $1 AND integracao_id = $2 AND chave = $3`, [
    execucaoId,
    integracaoId,
    chave,
  ]);
  return res.rows[0];
}

export async function recordById(db: Pool, id: string): Promise<SettleRecord> {
  const res = await db.query(`SELECT ${COLUMNS} FROM integrador.envio WHERE id = $1`, [id]);
  return res.rows[0];
}

export async function hasIntegration(db: Pool, execucaoId: string, integracaoId: number): Promise<boolean> {
  const res = await db.query('SELECT 1 FROM integrador.envio WHERE execucao_id = $1 AND integracao_id = $2 LIMIT 1', [execucaoId, integracaoId]);
  return res.rowCount === 1;
}

/** Inside the move's transaction: bumps the settlement counter (compare-and-set) and writes the audit row. */
async function audit(tx: PoolClient, input: SettleInput, workflowId: string, statusFinal: RecordStatus | null): Promise<void> {
  const bumped = await tx.query('UPDATE integrador.envio SET liquidacoes = liquidacoes + 1 WHERE id = $1 AND liquidacoes = $2', [
    input.seen.id,
    input.seen.liquidacoes,
  ]);
  if (bumped.rowCount !== 1) throw new SettleConflict(`record ${input.chave} was settled by someone else meanwhile`);
  await tx.query(
    `INSERT INTO integrador.liquidacao (envio_id, numero, workflow_id, acao, por, valores, motivo, status_anterior, status_final)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      input.seen.id,
      input.numero,
      workflowId,
      input.acao,
      input.por,
      input.valores ? JSON.stringify(input.valores) : null,
      input.motivo ?? null,
      input.seen.status,
      statusFinal,
    ],
  );
}

/** A compare-and-set move of the record plus its audit row, in one transaction; false when the record moved on. */
async function move(pool: Pool, input: SettleInput, workflowId: string, set: string, values: unknown[], statusFinal: RecordStatus | null): Promise<boolean> {
  const { seen } = input;
  try {
    await withTransaction(pool, async (tx) => {
      const res = await tx.query(
        `UPDATE integrador.envio SET ${set}, atualizado_em = now()
          WHERE id = $1 AND status = $2 AND tentativas = $3 AND liquidacoes = $4`,
        [seen.id, seen.status, seen.tentativas, seen.liquidacoes, ...values],
      );
      if (res.rowCount !== 1) throw new SettleConflict(`record ${input.chave} changed meanwhile`);
      await audit(tx, input, workflowId, statusFinal);
    });
    return true;
  } catch (err) {
    if (err instanceof SettleConflict) return false;
    throw err;
  }
}

/** descartar: incerto → descartado. */
export function discard(pool: Pool, input: SettleInput, workflowId: string): Promise<boolean> {
  return move(pool, input, workflowId, `status = 'descartado'`, [], 'descartado');
}

/** reenviar: incerto/erro → pendente (with the row read again, for erro), to be sent by deliverRecord. */
export function reopen(pool: Pool, input: SettleInput, workflowId: string, linha: Record<string, unknown> | null): Promise<boolean> {
  return move(
    pool,
    input,
    workflowId,
    `status = 'pendente', linha = COALESCE($5::jsonb, linha), erro = NULL, erro_tipo = NULL`,
    [linha && JSON.stringify(linha)],
    null,
  );
}

/**
 * confirmar: incerto → gravado with the given values, the sql_update and the audit in the ledger's
 * write-back transaction. `conflict`: the record moved on; `error`: the sql_update failed with these values.
 */
export async function confirm(
  pool: Pool,
  input: SettleInput,
  workflowId: string,
  record: SettleRecord,
  sql: BoundSql,
): Promise<{ ok: true } | { ok: false; conflict: boolean; error: string }> {
  const seen: SettleSeen = input.seen;
  try {
    const result = await writeBackSettled(
      pool,
      { recordId: seen.id, attempt: seen.tentativas, sql, answer: { resposta: record.resposta, valores: input.valores ?? {} }, from: 'incerto' },
      (tx) => audit(tx, input, workflowId, 'gravado'),
    );
    if (!result.ok) return { ok: false, conflict: false, error: result.error };
    if (result.already) return { ok: false, conflict: true, error: `record ${input.chave} changed meanwhile` };
    return { ok: true };
  } catch (err) {
    if (err instanceof SettleConflict) return { ok: false, conflict: true, error: err.message };
    throw err;
  }
}

/** confirmar without a sql_update: incerto → enviado, the values kept. */
export function confirmWithoutWriteBack(pool: Pool, input: SettleInput, workflowId: string): Promise<boolean> {
  return move(
    pool,
    input,
    workflowId,
    `status = 'enviado', valores = $5::jsonb, erro = NULL, erro_tipo = NULL`,
    [JSON.stringify(input.valores ?? {})],
    'enviado',
  );
}

/** After a resend: how it ended, on the settlement's audit row. */
export async function finish(pool: Pool, recordId: string, numero: number, status: RecordStatus): Promise<void> {
  await pool.query('UPDATE integrador.liquidacao SET status_final = $3 WHERE envio_id = $1 AND numero = $2', [recordId, numero, status]);
}
