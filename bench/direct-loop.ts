// The baseline the engine is measured against: the same CRM query, request mapping, SOAP send, answer
// reading and write-back, in a plain loop with the same concurrency, without Temporal and without ledger.
import type { Pool } from 'pg';
import { readAnswer } from '../src/answer';
import type { LimitedReceiver } from '../src/connectors/registry';
import { callBody, matchFeedback, splitRequest } from '../src/delivery/batch';
import { mapRecord } from '../src/mapping';
import type { SetStep } from '../src/plan/types';
import { bindSql, Scope, type ScopeLayers } from '../src/templating';

export interface DirectTotals {
  sent: number;
  failed: number;
}

export async function directLoop(pool: Pool, target: LimitedReceiver, step: SetStep, layers: ScopeLayers): Promise<DirectTotals> {
  const rules = step.answer;
  const lookups = { query: async (sql: { text: string; values: unknown[] }) => (await pool.query({ text: sql.text, values: sql.values })).rows };
  const bound = bindSql(step.consulta, new Scope(layers), { table: 'integracao', row: step.id });
  const rows: Array<Record<string, unknown>> = (await pool.query({ text: bound.text, values: bound.values })).rows;
  const totals: DirectTotals = { sent: 0, failed: 0 };
  let next = 0;
  const lane = async () => {
    while (next < rows.length) {
      const row = rows[next++]!;
      const scope = new Scope({ ...layers, row });
      const body = await mapRecord(step, row, scope, lookups);
      const { answer } = await target.limiter.run(() =>
        target.receiver.send({ link: step.link, operation: step.operation ?? undefined, body, returning: rules.valueKeys }),
      );
      const outcome = readAnswer(answer, rules);
      if (!outcome.ok) {
        totals.failed++;
        continue;
      }
      if (step.sqlUpdate) {
        const update = bindSql(step.sqlUpdate, scope.with({ captured: { ...layers.captured, ...outcome.values } }), { table: 'integracao', row: step.id });
        await pool.query({ text: update.text, values: update.values });
      }
      totals.sent++;
    }
  };
  await Promise.all(Array.from({ length: target.config.concurrency }, lane));
  return totals;
}

/**
 * The same in batch mode (lote_envio): records grouped in calls of `step.batch.size`, each call's answer
 * matched to its records (src/delivery/batch.ts) and each record written back; calls go `concurrency` at a
 * time. No Temporal, no ledger.
 */
export async function directBatchLoop(pool: Pool, target: LimitedReceiver, step: SetStep, layers: ScopeLayers): Promise<DirectTotals> {
  const batch = step.batch!;
  const lookups = { query: async (sql: { text: string; values: unknown[] }) => (await pool.query({ text: sql.text, values: sql.values })).rows };
  const bound = bindSql(step.consulta, new Scope(layers), { table: 'integracao', row: step.id });
  const rows: Array<Record<string, unknown>> = (await pool.query({ text: bound.text, values: bound.values })).rows;
  const totals: DirectTotals = { sent: 0, failed: 0 };
  const groups: Array<Array<Record<string, unknown>>> = [];
  for (let at = 0; at < rows.length; at += batch.size) groups.push(rows.slice(at, at + batch.size));
  let next = 0;
  const lane = async () => {
    while (next < groups.length) {
      const group = groups[next++]!;
      const scopes = group.map((row) => new Scope({ ...layers, row }));
      const parts = await Promise.all(group.map(async (row, i) => splitRequest(await mapRecord(step, row, scopes[i]!, lookups), batch.path)));
      const body = callBody(
        parts[0]!.outside,
        parts.map((p) => p.element),
        batch.path,
      ) as Record<string, unknown>;
      const { answer } = await target.limiter.run(() =>
        target.receiver.send({ link: step.link, operation: step.operation ?? undefined, body, returning: step.answer.valueKeys }),
      );
      const feedback = matchFeedback(
        answer,
        step.answer,
        parts.map((p) => p.element),
        batch,
      );
      for (const [i, f] of feedback.entries()) {
        if (f.kind !== 'item' || !f.ok) {
          totals.failed++;
          continue;
        }
        if (step.sqlUpdate) {
          const update = bindSql(step.sqlUpdate, scopes[i]!.with({ captured: { ...layers.captured, ...f.values } }), { table: 'integracao', row: step.id });
          await pool.query({ text: update.text, values: update.values });
        }
        totals.sent++;
      }
    }
  };
  await Promise.all(Array.from({ length: target.config.concurrency }, lane));
  return totals;
}
