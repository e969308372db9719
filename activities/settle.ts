// Activities of a settlement (src/settlement/): the record's move and its audit in one transaction, and
// for reenviar the send itself, through deliverRecord, so a resent record has every guarantee of a run's
// (claim before the call, answer and write-back with the mark, unknown outcomes never resent blindly).
import { Context } from '@temporalio/activity';
import { asConfigSql } from '../src/crm/sql-errors';
import { deliverRecord } from '../src/delivery/deliver';
import { TransportError } from '../src/errors';
import { currentStep } from '../src/plan/build-plan';
import { confirm, confirmWithoutWriteBack, discard, finish, recordById, reopen } from '../src/settlement/settle-pg';
import type { SettleInput, SettleOutcome } from '../src/settlement/types';
import { bindSql, Scope } from '../src/templating';
import { deliveryPorts } from './delivery-ports';
import type { ActivityDeps } from './deps';
import { recordKey } from './query-records';

/** The run's consulta again, with the run's variables: the row of `chave` as the CRM has it now, or null. */
async function freshRow(deps: Pick<ActivityDeps, 'crm'>, input: SettleInput): Promise<Record<string, unknown> | null> {
  const step = currentStep(input.step);
  const where = { table: 'integracao', row: step.id, column: 'consulta' };
  const bound = bindSql(step.consulta, new Scope(input.layers), where);
  const res = await asConfigSql(where, () => deps.crm.pool(input.base).query({ text: bound.text, values: bound.values }));
  // keys numbered as the run numbered them (a repeated id gets #2, #3, ...)
  const seen = new Map<string, number>();
  for (const row of res.rows) {
    let key = recordKey(row);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 1) key = `${key}#${n}`;
    if (key === input.chave) return row;
  }
  return null;
}

export function createSettleActivities(deps: Pick<ActivityDeps, 'crm' | 'receivers' | 'config' | 'ledgers'>) {
  /** The move (and for confirmar the write-back) with its audit row; for reenviar the record is left pendente. */
  async function beginSettlement(input: SettleInput): Promise<SettleOutcome> {
    const pool = deps.crm.pool(input.base);
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'unknown';
    const refusedMeanwhile = async (): Promise<SettleOutcome> => {
      const now = await recordById(pool, input.seen.id);
      return { ok: false, code: 409, status: now.status, message: `record ${input.chave} is ${now.status} now: it changed while this settlement was starting` };
    };
    switch (input.acao) {
      case 'descartar':
        return (await discard(pool, input, workflowId)) ? { ok: true, status: 'descartado' } : refusedMeanwhile();
      case 'confirmar': {
        const step = currentStep(input.step);
        if (!step.sqlUpdate) return (await confirmWithoutWriteBack(pool, input, workflowId)) ? { ok: true, status: 'enviado' } : refusedMeanwhile();
        const record = await recordById(pool, input.seen.id);
        const scope = new Scope({ ...input.layers, row: record.linha });
        const captured = { ...(input.layers.captured ?? {}), ...input.valores };
        const sql = bindSql(step.sqlUpdate, scope.with({ captured }), { table: 'integracao', row: step.id, column: 'sql_update' });
        const done = await confirm(pool, input, workflowId, record, sql);
        if (done.ok) return { ok: true, status: 'gravado' };
        if (done.conflict) return refusedMeanwhile();
        return { ok: false, code: 422, status: input.seen.status, message: `${done.error}; nothing was changed` };
      }
      case 'reenviar': {
        // the connection must exist before the record is reopened: a record left pendente would have no run
        try {
          deps.receivers.get(input.base, currentStep(input.step).connection.name);
        } catch (err) {
          return { ok: false, code: 422, status: input.seen.status, message: `${err instanceof Error ? err.message : String(err)}; nothing was changed` };
        }
        let linha: Record<string, unknown> | null = null;
        if (input.seen.status === 'erro') {
          linha = await freshRow(deps, input);
          if (!linha) {
            return {
              ok: false,
              code: 422,
              status: input.seen.status,
              message: `record ${input.chave} no longer appears in the consulta of integracao ${input.run.integracaoId} (run again with the run's parameters); nothing was changed`,
            };
          }
        }
        return (await reopen(pool, input, workflowId, linha)) ? { ok: true, status: 'pendente' } : refusedMeanwhile();
      }
    }
  }

  /** reenviar: the record (pendente, or enviando after a crash) through deliverRecord, once. */
  async function resendSettled(input: SettleInput): Promise<SettleOutcome> {
    const pool = deps.crm.pool(input.base);
    const step = currentStep(input.step);
    const { ports } = deliveryPorts(deps, input.base, step.connection.name);
    const record = await recordById(pool, input.seen.id);
    const outcome = await deliverRecord(record, { step, layers: input.layers }, ports);
    // not sent yet (a 503 with Retry-After, a refused connection): the activity's retry sends it
    if (outcome.status === 'retry') throw new TransportError(`record ${input.chave} not sent yet, retried later: ${outcome.error}`, true, outcome.retryAfterMs);
    await finish(pool, input.seen.id, input.numero, outcome.status);
    return { ok: true, status: outcome.status, message: outcome.error };
  }

  return { beginSettlement, resendSettled };
}
