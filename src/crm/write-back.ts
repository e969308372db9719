// The write-back (sql_update) and the ledger's `gravado` mark commit in one transaction (SPEC §8):
// never lost (a retried attempt finds the record still `enviado`) and never applied twice.
import type { Pool } from 'pg';
import type { ParsedAnswerRules } from '../answer';
import { markFailed, markRecorded } from '../ledger/ledger';
import type { SetStep } from '../plan/types';
import { bindSql, type Scope } from '../templating';
import { isConfigSqlError } from './sql-errors';

export interface WriteBackInput {
  recordId: string;
  step: SetStep;
  scope: Scope;
  values: Record<string, unknown>;
  rules: ParsedAnswerRules;
}

export type WriteBackResult = { ok: true } | { ok: false; error: string };

export async function writeBack(pool: Pool, input: WriteBackInput): Promise<WriteBackResult> {
  const sql = input.step.sqlUpdate;
  if (!sql) return { ok: true };
  const captured = { ...(input.scope.layers.captured ?? {}), ...input.values };
  const bound = bindSql(sql, input.scope.with({ captured }), { table: 'integracao', row: input.step.id, column: 'sql_update' });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query({ text: bound.text, values: bound.values });
    // false: an earlier attempt already committed this write-back; applying it again would be wrong
    if (await markRecorded(client, input.recordId)) await client.query('COMMIT');
    else await client.query('ROLLBACK');
    return { ok: true };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (!isConfigSqlError(err)) throw err; // connection trouble: the retried attempt writes back again
    const error = `sent, but sql_update failed (SQL error ${err.code}): ${err.message}`;
    await markFailed(pool, input.recordId, 'erro', { erro: error, tipo: 'gravacao' });
    return { ok: false, error };
  } finally {
    client.release();
  }
}
