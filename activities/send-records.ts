// Activity: send one chunk of an integration's records, read each answer, write back (SPEC §5, §7, §8).
// The ledger decides what to do with each record, so a retried attempt never sends a record twice:
//   pendente            → send
//   enviando (a crash)  → send again only when the connection is safeToResend, else `incerto`
//   enviado             → write back (the answer is in the ledger), never send again
//   gravado/erro/incerto → report as is
import { CancelledFailure, Context } from '@temporalio/activity';
import { readAnswer, parseAnswerRules, type ParsedAnswerRules } from '../src/answer';
import { maskSecrets } from '../src/connectors/mask';
import { writeBackMany, type WriteBackInput, type WriteBackResult } from '../src/crm/write-back';
import { ConfigError, RecordError, TransportError, UnknownOutcome } from '../src/errors';
import { groupCommit } from '../src/ledger/group-commit';
import {
  claimManyForSending,
  markFailed,
  markPending,
  markSent,
  recordsOfChunk,
  type LedgerRecord,
  type RecordStatus,
  type RunKey,
  type Seen,
} from '../src/ledger/ledger';
import { mapRecord } from '../src/mapping';
import type { SetStep } from '../src/plan/types';
import { renderUrlPath, Scope, type ScopeLayers } from '../src/templating';
import type { ActivityDeps } from './deps';
import { runAll } from './run-all';

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

type RecordOutcome =
  | { status: FinalStatus; seq: number; values?: Record<string, unknown>; error?: string }
  /** Not finished by this attempt (nothing was processed, or another attempt owns it): the retried attempt takes it. */
  | { status: 'retry'; seq: number; error: string; retryAfterMs?: number };

/** How often a running chunk tells Temporal it is alive, whatever its sends are doing. */
const HEARTBEAT_EVERY_MS = 1_000;

const UNCERTAIN_AFTER_CRASH = 'unknown outcome: an earlier attempt was interrupted after marking it enviando; check the receiver before sending it again';

/** The ledger writes of the hot path, group-committed per base across every chunk a worker runs. */
interface LedgerBatches {
  claim(c: { seen: Seen; requisicao: string }): Promise<number | null>;
  writeBack(w: WriteBackInput): Promise<WriteBackResult>;
}

export function createSendRecords(deps: Pick<ActivityDeps, 'crm' | 'receivers' | 'config'>) {
  const batches = new Map<string, LedgerBatches>();
  const batchesOf = (base: string): LedgerBatches => {
    let found = batches.get(base);
    if (!found) {
      const pool = deps.crm.pool(base);
      found = {
        claim: groupCommit(async (claims) => (await claimManyForSending(pool, claims)).map((value) => ({ status: 'fulfilled' as const, value }))),
        writeBack: groupCommit((items: WriteBackInput[]) => writeBackMany(pool, items)),
      };
      batches.set(base, found);
    }
    return found;
  };

  return async function sendRecords(input: SendRecordsInput): Promise<SendRecordsOutput> {
    const { step, run } = input;
    const pool = deps.crm.pool(input.base);
    const ledger = batchesOf(input.base);
    const target = deps.receivers.get(input.base, step.connection.name);
    const { rules, issues } = parseAnswerRules(step.answer, { table: 'integracao', row: step.id });
    if (issues.length) throw new ConfigError(issues);
    const mask = (text: string) => maskSecrets(text, deps.config.secrets);
    const lookups = { query: async (sql: { text: string; values: unknown[] }) => (await pool.query({ text: sql.text, values: sql.values })).rows };

    const processOne = async (record: LedgerRecord): Promise<RecordOutcome> => {
      switch (record.status) {
        case 'gravado':
          return { status: 'gravado', seq: record.seq, values: record.valores ?? {} };
        case 'erro':
        case 'incerto':
          return { status: record.status, seq: record.seq, error: record.erro ?? undefined };
        case 'enviado':
          return finish(record, record.tentativas, record.valores ?? {});
        case 'enviando':
          if (target.config.safeToResend) return sendOne(record);
          if (await markFailed(pool, record, 'incerto', { erro: UNCERTAIN_AFTER_CRASH, tipo: 'transporte' })) {
            return { status: 'incerto', seq: record.seq, error: UNCERTAIN_AFTER_CRASH };
          }
          return changedElsewhere(record);
        case 'pendente':
          return sendOne(record);
      }
    };

    const sendOne = async (record: LedgerRecord): Promise<RecordOutcome> => {
      const scope = new Scope({ ...input.layers, row: record.linha });
      let body: Record<string, unknown>;
      try {
        body = await mapRecord(step, record.linha, scope, lookups);
      } catch (err) {
        if (!(err instanceof RecordError)) throw err;
        if (await markFailed(pool, record, 'erro', { erro: err.message, tipo: 'mapeamento' })) return { status: 'erro', seq: record.seq, error: err.message };
        return changedElsewhere(record);
      }
      const link = step.connection.type === 'API' ? renderUrlPath(step.link, scope) : step.link;
      const requisicao = mask(JSON.stringify(body));
      // claimed inside the connection's slot, so only records really about to be sent are `enviando` (a crash
      // leaves `incerto` only what was being sent or recorded); a Retry-After resend reuses the same claim
      let attempt = 0; // the claim's attempt number; 0 until claimed
      let answer: unknown;
      let sent: string | undefined;
      try {
        const result = await target.limiter.run(async () => {
          if (!attempt) {
            const claim = await ledger.claim({ seen: record, requisicao });
            if (claim === null) throw new ClaimLost();
            attempt = claim;
          }
          return target.receiver.send({ link, operation: step.operation ?? undefined, body, returning: rules.valueKeys });
        });
        answer = result.answer;
        sent = result.sent === undefined ? undefined : mask(result.sent);
      } catch (err) {
        if (err instanceof ClaimLost) return changedElsewhere(record);
        if (!attempt) throw err; // the claim itself failed (the ledger is unreachable): nothing was sent
        return sendFailed(record, { id: record.id, status: 'enviando', tentativas: attempt }, err);
      }
      const claimed: Seen = { id: record.id, status: 'enviando', tentativas: attempt };
      const outcome = readAnswer(answer, rules);
      if (!outcome.ok) {
        const erro = mask(outcome.message);
        if (await markFailed(pool, claimed, 'erro', { erro, tipo: 'receptor', resposta: answer, sent }))
          return { status: 'erro', seq: record.seq, error: erro };
        return changedElsewhere(record);
      }
      // on success the ledger keeps the request as mapped (requisicao, from the claim), not the wire text
      if (step.sqlUpdate) return finish(record, attempt, outcome.values, { resposta: answer });
      if (!(await markSent(pool, record.id, attempt, { resposta: answer, valores: outcome.values }))) return changedElsewhere(record);
      return { status: 'enviado', seq: record.seq, values: outcome.values };
    };

    const sendFailed = async (record: LedgerRecord, claimed: Seen, err: unknown): Promise<RecordOutcome> => {
      const message = mask(err instanceof Error ? err.message : String(err));
      if (err instanceof ConfigError) {
        // found before the call (e.g. a porta_ws the WSDL lacks): nothing was sent, and the run stops with a 422
        await markFailed(pool, claimed, 'erro', { erro: message, tipo: 'configuracao' });
        throw err;
      }
      const notProcessed = err instanceof TransportError && err.retryable;
      const resendable = err instanceof UnknownOutcome && target.config.safeToResend;
      if (notProcessed || resendable) {
        // back to pendente: the retried attempt sends it again (after Retry-After, when the receiver gave one)
        if (!(await markPending(pool, claimed.id, claimed.tentativas))) return changedElsewhere(record);
        return { status: 'retry', seq: record.seq, error: message, retryAfterMs: notProcessed ? err.retryAfterMs : undefined };
      }
      const uncertain = err instanceof UnknownOutcome || !(err instanceof TransportError || err instanceof RecordError);
      const [status, erro, tipo] = uncertain
        ? (['incerto', `unknown outcome: ${message}`, 'transporte'] as const)
        : (['erro', message, err instanceof RecordError ? 'receptor' : 'transporte'] as const);
      if (await markFailed(pool, claimed, status, { erro, tipo })) return { status, seq: record.seq, error: erro };
      return changedElsewhere(record);
    };

    // The write-back; `answer` for a record whose answer just arrived (still `enviando`), committed with it.
    const finish = async (record: LedgerRecord, attempt: number, values: Record<string, unknown>, answer?: { resposta: unknown }): Promise<RecordOutcome> => {
      if (!step.sqlUpdate) return { status: 'enviado', seq: record.seq, values };
      const scope = new Scope({ ...input.layers, row: record.linha });
      const result = await ledger.writeBack({ recordId: record.id, attempt, step, scope, values, answer });
      if (!result.ok) return { status: 'erro', seq: record.seq, error: result.error };
      // `already` with an answer in hand: another attempt changed the record under this one
      if (result.already && answer) return changedElsewhere(record);
      return { status: 'gravado', seq: record.seq, values };
    };

    const ctx = Context.current();
    const records = await recordsOfChunk(pool, run, input.lote);
    let finished = 0;
    const beat = setInterval(() => ctx.heartbeat({ lote: input.lote, finished }), HEARTBEAT_EVERY_MS);
    let outcomes: RecordOutcome[];
    try {
      outcomes = await runAll(records, target.config.concurrency, ctx.cancellationSignal, async (record) => {
        const outcome = await processOne(record);
        finished++;
        return outcome;
      });
    } finally {
      clearInterval(beat);
    }
    if (ctx.cancellationSignal.aborted) throw new CancelledFailure(`chunk ${input.lote} cancelled after ${finished} of ${records.length} records`);
    return summarize(outcomes);
  };
}

class ClaimLost extends Error {}

/** Another attempt of this chunk changed the record after it was read: leave it to that attempt, look again later. */
function changedElsewhere(record: LedgerRecord): RecordOutcome {
  return { status: 'retry', seq: record.seq, error: `ledger record ${record.id} was changed by another attempt` };
}

/** Counts per status; throws a retryable error when some records are left for the retried attempt. */
function summarize(outcomes: RecordOutcome[]): SendRecordsOutput {
  const counts: SendRecordsOutput['counts'] = {};
  let captured: Record<string, unknown> | null = null;
  let firstError: string | null = null;
  const retries: Array<Extract<RecordOutcome, { status: 'retry' }>> = [];
  for (const o of [...outcomes].sort((a, b) => a.seq - b.seq)) {
    if (o.status === 'retry') {
      retries.push(o);
      continue;
    }
    counts[o.status] = (counts[o.status] ?? 0) + 1;
    if ((o.status === 'gravado' || o.status === 'enviado') && o.values && Object.keys(o.values).length) captured = o.values;
    if (o.error && firstError === null) firstError = o.error;
  }
  if (retries.length) {
    const delays = retries.map((r) => r.retryAfterMs).filter((ms): ms is number => ms !== undefined);
    throw new TransportError(
      `${retries.length} record(s) not sent yet, retried later: ${retries[0]!.error}`,
      true,
      delays.length ? Math.max(...delays) : undefined,
    );
  }
  return { counts, captured, firstError };
}

export type { ParsedAnswerRules };
