// Activity: send one chunk of an integration's records, read each answer, write back (SPEC §5, §7, §8).
// The ledger decides what to do with each record, so a retried attempt never sends a record twice.
import { Context } from '@temporalio/activity';
import { readAnswer, parseAnswerRules, type ParsedAnswerRules } from '../src/answer';
import { maskSecrets } from '../src/connectors/mask';
import type { LimitedReceiver } from '../src/connectors/registry';
import { writeBack } from '../src/crm/write-back';
import { ConfigError, RecordError, TransportError, UnknownOutcome } from '../src/errors';
import {
  markFailed,
  markPending,
  markSending,
  markSent,
  recordsOfChunk,
  type LedgerRecord,
  type RecordStatus,
  type RunKey,
} from '../src/ledger/ledger';
import { mapRecord } from '../src/mapping';
import type { SetStep } from '../src/plan/types';
import { renderUrlPath, Scope, type ScopeLayers } from '../src/templating';
import type { ActivityDeps } from './deps';

export interface SendRecordsInput {
  run: RunKey;
  base: string;
  step: SetStep;
  layers: ScopeLayers;
  lote: number;
}

export type FinalStatus = Extract<RecordStatus, 'gravado' | 'enviado' | 'erro' | 'incerto'>;

export interface SendRecordsOutput {
  counts: Partial<Record<FinalStatus, number>>;
  /** Values captured by the chunk's last successful record (by query order): variables for later steps. */
  captured: Record<string, unknown> | null;
  /** The first record error of the chunk, for the run's message. */
  firstError: string | null;
}

interface RecordOutcome {
  status: FinalStatus;
  seq: number;
  values?: Record<string, unknown>;
  error?: string;
}

export function createSendRecords(deps: Pick<ActivityDeps, 'crm' | 'receivers' | 'config'>) {
  return async function sendRecords(input: SendRecordsInput): Promise<SendRecordsOutput> {
    const { step, run } = input;
    const pool = deps.crm.pool(input.base);
    const target = deps.receivers.get(input.base, step.connection.name);
    const { rules, issues } = parseAnswerRules(step.answer, { table: 'integracao', row: step.id });
    if (issues.length) throw new ConfigError(issues);
    const mask = (text: string) => maskSecrets(text, deps.config.secrets);
    const records = await recordsOfChunk(pool, run, input.lote);

    const processOne = async (record: LedgerRecord): Promise<RecordOutcome> => {
      const scope = new Scope({ ...input.layers, row: record.linha });
      const done = (status: FinalStatus, extra: Partial<RecordOutcome> = {}): RecordOutcome => ({ status, seq: record.seq, ...extra });
      switch (record.status) {
        case 'gravado':
          return done('gravado', { values: record.valores ?? {} });
        case 'erro':
        case 'incerto':
          return done(record.status, { error: record.erro ?? undefined });
        case 'enviado':
          return finish(record, scope, record.valores ?? {});
        case 'enviando':
          if (!target.config.safeToResend) {
            const erro = 'unknown outcome: an earlier attempt was interrupted after sending; check the receiver before sending it again';
            await markFailed(pool, record.id, 'incerto', { erro, tipo: 'transporte' });
            return done('incerto', { error: erro });
          }
          return sendOne(record, scope);
        case 'pendente':
          return sendOne(record, scope);
      }
    };

    const sendOne = async (record: LedgerRecord, scope: Scope): Promise<RecordOutcome> => {
      let body: Record<string, unknown>;
      try {
        body = await mapRecord(step, record.linha, scope, {
          query: async (sql) => (await pool.query({ text: sql.text, values: sql.values })).rows,
        });
      } catch (err) {
        if (!(err instanceof RecordError)) throw err;
        await markFailed(pool, record.id, 'erro', { erro: err.message, tipo: 'mapeamento' });
        return { status: 'erro', seq: record.seq, error: err.message };
      }
      const link = step.connection.type === 'API' ? renderUrlPath(step.link, scope) : step.link;
      const requisicao = mask(JSON.stringify(body));
      if (!(await markSending(pool, record.id, requisicao))) {
        throw new Error(`ledger record ${record.id} changed under this attempt`);
      }
      let answer: unknown;
      let sent: string | undefined;
      try {
        const result = await target.limiter.run(() =>
          target.receiver.send({ link, operation: step.operation ?? undefined, body, returning: rules.valueKeys }),
        );
        answer = result.answer;
        sent = result.sent === undefined ? undefined : mask(result.sent);
      } catch (err) {
        return sendFailed(record, target, err);
      }
      const outcome = readAnswer(answer, rules);
      if (!outcome.ok) {
        const erro = mask(outcome.message);
        await markFailed(pool, record.id, 'erro', { erro, tipo: 'receptor', resposta: answer, sent });
        return { status: 'erro', seq: record.seq, error: erro };
      }
      await markSent(pool, record.id, { resposta: answer, valores: outcome.values, sent });
      return finish(record, scope, outcome.values);
    };

    const sendFailed = async (record: LedgerRecord, conn: LimitedReceiver, err: unknown): Promise<RecordOutcome> => {
      const message = mask(err instanceof Error ? err.message : String(err));
      if (err instanceof TransportError && err.retryable) {
        await markPending(pool, record.id); // cannot have been processed: the retried attempt sends it again
        throw err;
      }
      if (err instanceof UnknownOutcome || !(err instanceof TransportError || err instanceof RecordError)) {
        if (conn.config.safeToResend && err instanceof UnknownOutcome) {
          await markPending(pool, record.id);
          throw new TransportError(message, true);
        }
        await markFailed(pool, record.id, 'incerto', { erro: `unknown outcome: ${message}`, tipo: 'transporte' });
        return { status: 'incerto', seq: record.seq, error: message };
      }
      await markFailed(pool, record.id, 'erro', { erro: message, tipo: err instanceof RecordError ? 'receptor' : 'transporte' });
      return { status: 'erro', seq: record.seq, error: message };
    };

    const finish = async (record: LedgerRecord, scope: Scope, values: Record<string, unknown>): Promise<RecordOutcome> => {
      if (!step.sqlUpdate) return { status: 'enviado', seq: record.seq, values };
      const result = await writeBack(pool, { recordId: record.id, step, scope, values, rules });
      if (result.ok) return { status: 'gravado', seq: record.seq, values };
      return { status: 'erro', seq: record.seq, error: result.error };
    };

    const outcomes = await runAll(records, target.config.concurrency, async (record) => {
      const outcome = await processOne(record);
      Context.current().heartbeat(record.seq);
      return outcome;
    });
    return summarize(outcomes);
  };
}

/** Runs every record with at most `width` in flight; waits for all before failing, so no send is orphaned. */
async function runAll<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length && errors.length === 0) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, lane));
  if (errors.length) throw errors[0];
  return results;
}

function summarize(outcomes: RecordOutcome[]): SendRecordsOutput {
  const counts: SendRecordsOutput['counts'] = {};
  let captured: Record<string, unknown> | null = null;
  let firstError: string | null = null;
  for (const o of [...outcomes].sort((a, b) => a.seq - b.seq)) {
    counts[o.status] = (counts[o.status] ?? 0) + 1;
    if ((o.status === 'gravado' || o.status === 'enviado') && o.values && Object.keys(o.values).length) captured = o.values;
    if (o.error && firstError === null) firstError = o.error;
  }
  return { counts, captured, firstError };
}

export type { ParsedAnswerRules };
