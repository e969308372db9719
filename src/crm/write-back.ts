// The write-back (sql_update) and the ledger's `gravado` mark commit in one transaction (SPEC §8):
// never lost (a retried attempt finds the record still `enviado`) and never applied twice (only an
// `enviado` record becomes `gravado`, and the row lock taken by that mark makes a concurrent attempt wait
// and then find it `gravado`).
import type { Pool } from 'pg';
import { markFailed, markRecorded } from '../ledger/ledger';
import type { SetStep } from '../plan/types';
import { bindSql, type Scope } from '../templating';
import { isConfigSqlError } from './sql-errors';

export interface WriteBackInput {
  recordId: string;
  /** The record's attempt count, unchanged since it became `enviado`. */
  attempt: number;
  step: SetStep;
  scope: Scope;
  values: Record<string, unknown>;
}

/** `already`: an earlier attempt had written it back. Not ok: the SQL fails for this record (a configuration problem). */
export type WriteBackResult = { ok: true; already: boolean } | { ok: false; error: string };

export async function writeBack(pool: Pool, input: WriteBackInput): Promise<WriteBackResult> {
  const sql = input.step.sqlUpdate;
  if (!sql) return { ok: true, already: false };
  const captured = { ...(input.scope.layers.captured ?? {}), ...input.values };
  const bound = bindSql(sql, input.scope.with({ captured }), { table: 'integracao', row: input.step.id, column: 'sql_update' });
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    if (!(await markRecorded(client, input.recordId))) {
      await client.query('ROLLBACK');
      return { ok: true, already: true };
    }
    await client.query({ text: bound.text, values: bound.values });
    await client.query('COMMIT');
    return { ok: true, already: false };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (!isConfigSqlError(err)) {
      // connection trouble: the record stays `enviado` and the retried attempt writes back; this client
      // may be unusable, so the pool drops it
      broken = err as Error;
      throw err;
    }
    const error = `sent, but sql_update failed (SQL error ${err.code}): ${err.message}`;
    await markFailed(pool, { id: input.recordId, status: 'enviado', tentativas: input.attempt }, 'erro', { erro: error, tipo: 'gravacao' });
    return { ok: false, error };
  } finally {
    client.release(broken);
  }
}
