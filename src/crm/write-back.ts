// The write-back (sql_update) and the ledger's `gravado` mark commit in one transaction (SPEC §8):
// never lost and never applied twice. Two entries:
// - a record whose answer just arrived (`enviando`): the answer, `gravado` and sql_update commit together;
//   if that transaction fails for a passing reason, the answer alone is committed (`enviado`), so the
//   retried attempt writes back without sending again;
// - a record already `enviado` (a retried attempt): `gravado` and sql_update commit together.
// Only the expected version of the record becomes `gravado`; the row lock that mark takes makes a
// concurrent attempt wait and then find it already `gravado`, so it writes nothing.
import type { Pool, PoolClient } from 'pg';
import { markFailed, markManyRecorded, markRecorded, markSent } from '../ledger/ledger';
import type { SetStep } from '../plan/types';
import { bindSql, type Scope } from '../templating';
import { isConfigSqlError } from './sql-errors';

export interface WriteBackInput {
  recordId: string;
  /** The attempt number that claimed the record (unchanged once it is `enviado`). */
  attempt: number;
  step: SetStep;
  scope: Scope;
  values: Record<string, unknown>;
  /** The answer that just arrived, for a record still `enviando`; absent for a record already `enviado`. */
  answer?: { resposta: unknown };
}

/** `already`: an earlier attempt had written it back. Not ok: the SQL fails for this record (a configuration problem). */
export type WriteBackResult = { ok: true; already: boolean } | { ok: false; error: string };

function boundUpdate(input: WriteBackInput) {
  const captured = { ...(input.scope.layers.captured ?? {}), ...input.values };
  return bindSql(input.step.sqlUpdate!, input.scope.with({ captured }), { table: 'integracao', row: input.step.id, column: 'sql_update' });
}

export async function writeBack(pool: Pool, input: WriteBackInput): Promise<WriteBackResult> {
  if (!input.step.sqlUpdate) return { ok: true, already: false };
  const bound = boundUpdate(input);
  const answer = input.answer && { ...input.answer, valores: input.values };
  const mark = (tx: PoolClient) => (answer ? markSent(tx, input.recordId, input.attempt, answer, 'gravado') : markRecorded(tx, input.recordId));

  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    if (!(await mark(client))) {
      await client.query('ROLLBACK');
      return { ok: true, already: true };
    }
    await client.query({ text: bound.text, values: bound.values });
    await client.query('COMMIT');
    return { ok: true, already: false };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (!isConfigSqlError(err)) {
      // a passing failure (connection, serialization): keep the answer so the retried attempt writes back
      broken = err as Error;
      if (answer) await markSent(pool, input.recordId, input.attempt, answer);
      throw err;
    }
    const error = `sent, but sql_update failed (SQL error ${err.code}): ${err.message}`;
    if (answer) await markSent(pool, input.recordId, input.attempt, answer);
    await markFailed(pool, { id: input.recordId, status: 'enviado', tentativas: input.attempt }, 'erro', { erro: error, tipo: 'gravacao' });
    return { ok: false, error };
  } finally {
    client.release(broken);
  }
}

/**
 * The write-backs of many records in one transaction (a group commit: one `gravado` statement, their
 * sql_updates, one commit). Any failure rolls the group back and writes each record back on its own, so
 * one record's bad SQL or a passing error is judged for that record only.
 */
export async function writeBackMany(pool: Pool, inputs: WriteBackInput[]): Promise<Array<PromiseSettledResult<WriteBackResult>>> {
  const withSql = inputs.filter((i) => i.step.sqlUpdate);
  if (inputs.length === 1 || withSql.length !== inputs.length) return Promise.allSettled(inputs.map((i) => writeBack(pool, i)));
  let results: WriteBackResult[] | undefined;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const bound = inputs.map(boundUpdate);
    await client.query('BEGIN');
    const changed = await markManyRecorded(
      client,
      inputs.map((i) => ({ id: i.recordId, attempt: i.attempt, answer: i.answer && { resposta: i.answer.resposta, valores: i.values } })),
    );
    for (const [n, input] of inputs.entries()) {
      if (changed.has(String(input.recordId))) await client.query({ text: bound[n]!.text, values: bound[n]!.values });
    }
    await client.query('COMMIT');
    results = inputs.map((i) => ({ ok: true, already: !changed.has(String(i.recordId)) }));
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (!isConfigSqlError(err)) broken = err as Error;
  } finally {
    client.release(broken);
  }
  if (results) return results.map((value) => ({ status: 'fulfilled', value }));
  return Promise.allSettled(inputs.map((i) => writeBack(pool, i)));
}
