// One record's delivery: every decision of the state diagram (states.ts, docs/delivery.md) is made here,
// so a retried attempt never sends a record twice. What the record's status says when it is read:
//   pendente             → send
//   enviando (a crash)   → send again only when the connection is safeToResend, else `incerto`
//   enviado              → write back (the answer is in the ledger), never send again
//   gravado/erro/incerto/inalterado → report as is
// A batch (lote_envio > 1, deliverBatch) takes each record through the same moves: its claim, its answer
// (its own feedback item, batch.ts), its write-back and ledger row are its own.
// The ledger, the receiver and the CRM lookups are ports, so the unit tests walk every move with fakes.
// Pure: no I/O of its own.
import { readAnswer } from '../answer';
import type { Limiter } from '../connectors/limiter';
import type { Receiver, SendResult } from '../connectors/types';
import { ConfigError, RecordError, TransportError, UnknownOutcome } from '../errors';
import { mapRecord, type MappingDeps } from '../mapping';
import type { SetStep } from '../plan/types';
import { bindSql, renderUrlPath, Scope, type ScopeLayers } from '../templating';
import { callBody, matchFeedback, planCall, splitRequest, type RecordFeedback, type RecordPart } from './batch';
import type { Claim, Ledger, LedgerRecord, Seen } from './ledger';
import { awaitOverlap, type OverlapOptions } from './overlap';
import { ON_PICKUP, type FinalStatus } from './states';

export interface DeliveryPorts {
  ledger: Pick<Ledger, 'claim' | 'markPending' | 'markSent' | 'markFailed' | 'writeBack' | 'markUnchanged' | 'holder' | 'takeOver' | 'abandon'>;
  receiver: Pick<Receiver, 'send'>;
  /** The connection's slot (concurrency, rate, Retry-After waits): the call happens inside it, a batch call's claims too. */
  limiter: Limiter;
  /**
   * One record's sends between their claim and their answer, twice the slots (registry.ts): a record is
   * claimed when it is next in line for a slot, so its claim's commit overlaps the slot's current call.
   */
  claimAhead: Limiter;
  /** A CRM button's run (one chunk) or a settlement: its calls go ahead of the bulk chunks' waiting ones. */
  first?: boolean;
  /** The connection may receive a request twice (an idempotent receiver): unknown outcomes are resent. */
  safeToResend: boolean;
  /** The mapping's CRM lookups (components). */
  lookups: MappingDeps;
  /** Masks the connection's secrets in whatever the ledger keeps. */
  mask(text: string): string;
  /** A digest of a request's text (sha-256 in the worker): what somente_alterados compares. */
  digest(text: string): string;
  /** How long a record waits for another run sending the same key (overlap.ts); the defaults when absent. */
  overlap?: OverlapOptions;
}

/** The integration a record belongs to and the run's variables (captured values, params, built-ins). */
export interface DeliveryStep {
  step: SetStep;
  layers: ScopeLayers;
  /** somente_alterados: the digest of each record key's last successful request (absent: send every record). */
  previous?: ReadonlyMap<string, string>;
}

export type RecordOutcome =
  | { status: FinalStatus; seq: number; values?: Record<string, unknown>; error?: string }
  /** Not finished by this attempt (nothing was processed, or another attempt owns it): the retried attempt takes it. */
  | { status: 'retry'; seq: number; error: string; retryAfterMs?: number };

export const UNCERTAIN_AFTER_CRASH =
  'unknown outcome: an earlier attempt was interrupted after marking it enviando; check the receiver before sending it again';

interface Context extends DeliveryStep {
  ports: DeliveryPorts;
}

/**
 * Takes `record` (as this attempt read it) one step further and says where it ended. Throws when the
 * attempt itself must fail: a configuration error (the run stops), the ledger unreachable before the call
 * (nothing was sent), a write-back that failed for a passing reason (the answer is kept; the retried attempt
 * writes back).
 */
export async function deliverRecord(record: LedgerRecord, step: DeliveryStep, ports: DeliveryPorts): Promise<RecordOutcome> {
  const c: Context = { ...step, ports };
  switch (ON_PICKUP[record.status]) {
    case 'report':
      if (record.status === 'gravado') return { status: 'gravado', seq: record.seq, values: record.valores ?? {} };
      return { status: record.status as 'erro' | 'incerto', seq: record.seq, error: record.erro ?? undefined };
    case 'write-back':
      return writeBack(c, record, record.tentativas, record.valores ?? {});
    case 'resend-or-incerto':
      if (ports.safeToResend) return send(c, record);
      if (await ports.ledger.markFailed(record, 'incerto', { erro: UNCERTAIN_AFTER_CRASH, tipo: 'transporte' })) {
        return { status: 'incerto', seq: record.seq, error: UNCERTAIN_AFTER_CRASH };
      }
      return changedElsewhere(record);
    case 'send':
      return send(c, record);
  }
}

class ClaimLost extends Error {}
/** The claim found the key in flight in another run (its ledger record `heldBy`). */
class KeyHeld extends Error {
  constructor(readonly heldBy: string) {
    super(`record key in flight in another run (ledger record ${heldBy})`);
  }
}

/** A record mapped and ready to be claimed and sent. */
interface Prepared {
  record: LedgerRecord;
  body: Record<string, unknown>;
  link: string;
  requisicao: string;
  digest: string;
}

/** Maps the record; a mapping error (erro) or an unchanged request (inalterado) ends it here. */
async function prepare(c: Context, record: LedgerRecord): Promise<Prepared | RecordOutcome> {
  const { step, ports } = c;
  const scope = new Scope({ ...c.layers, row: record.linha });
  let body: Record<string, unknown>;
  try {
    body = await mapRecord(step, record.linha, scope, ports.lookups);
  } catch (err) {
    if (!(err instanceof RecordError)) throw err;
    if (await ports.ledger.markFailed(record, 'erro', { erro: err.message, tipo: 'mapeamento' }))
      return { status: 'erro', seq: record.seq, error: err.message };
    return changedElsewhere(record);
  }
  const link = step.connection.type === 'API' ? renderUrlPath(step.link, scope) : step.link;
  const requisicao = ports.mask(JSON.stringify(body));
  const digest = ports.digest(requestText(link, requisicao));
  if (record.status === 'pendente' && c.previous?.get(record.chave) === digest) {
    if (await ports.ledger.markUnchanged(record, digest, requisicao)) return { status: 'inalterado', seq: record.seq };
    return changedElsewhere(record);
  }
  return { record, body, link, requisicao, digest };
}

/** What somente_alterados compares: the rendered link and the request as mapped (secrets masked). */
export function requestText(link: string, requisicao: string): string {
  return `${link}\n${requisicao}`;
}

async function send(c: Context, record: LedgerRecord): Promise<RecordOutcome> {
  const { step, ports } = c;
  const prepared = await prepare(c, record);
  if (!('body' in prepared)) return prepared;
  const { body, link, requisicao, digest } = prepared;
  // claimed when next in line for the connection's slot, so only records being sent or about to be are
  // `enviando` (a crash leaves `incerto` only those, or ones whose answer was being recorded), and the
  // claim's commit overlaps the call before it; a Retry-After resend reuses the same claim
  let attempt = 0; // the claim's attempt number; 0 until claimed
  let answer: unknown;
  let wire: SendResult | undefined;
  try {
    const result = await ports.claimAhead.run(
      async () => {
        const claimed = await ports.ledger.claim(record, requisicao, digest);
        if (claimed === null) throw new ClaimLost();
        if (typeof claimed === 'object') throw new KeyHeld(claimed.heldBy);
        attempt = claimed;
        return ports.limiter.run(() => ports.receiver.send({ link, operation: step.operation ?? undefined, body, returning: step.answer.valueKeys }), {
          first: ports.first,
        });
      },
      { first: ports.first },
    );
    answer = result.answer;
    wire = result; // its `sent` is read (and masked) only where it is kept: a refused request
  } catch (err) {
    if (err instanceof ClaimLost) return changedElsewhere(record);
    if (err instanceof KeyHeld) {
      // wait outside the slots for the other run, then take its outcome or send (claiming again)
      const overlap = await awaitOverlap(ports, record, err.heldBy, requisicao, Boolean(step.sqlUpdate));
      if (overlap === 'send') return send(c, record);
      if ('retry' in overlap) return { status: 'retry', seq: record.seq, error: overlap.retry };
      return { status: overlap.taken, seq: record.seq, values: overlap.values };
    }
    if (!attempt) throw err; // the claim itself failed (the ledger is unreachable): nothing was sent
    return sendFailed(c, record, { id: record.id, attempt }, err);
  }
  const claim: Claim = { id: record.id, attempt };
  const outcome = readAnswer(answer, step.answer);
  if (!outcome.ok) {
    const erro = ports.mask(outcome.message);
    if (
      await ports.ledger.markFailed(claimedVersion(claim), 'erro', {
        erro,
        tipo: 'receptor',
        resposta: answer,
        sent: wire.sent === undefined ? undefined : ports.mask(wire.sent),
      })
    ) {
      return { status: 'erro', seq: record.seq, error: erro };
    }
    return changedElsewhere(record);
  }
  // on success the ledger keeps the request as mapped (requisicao, from the claim), not the wire text
  if (step.sqlUpdate) return writeBack(c, record, attempt, outcome.values, { resposta: answer });
  if (!(await ports.ledger.markSent(claim, { resposta: answer, valores: outcome.values }))) return changedElsewhere(record);
  return { status: 'enviado', seq: record.seq, values: outcome.values };
}

/** The call failed after the claim: what the error says about whether the receiver processed it. */
async function sendFailed(c: Context, record: LedgerRecord, claim: Claim, err: unknown): Promise<RecordOutcome> {
  const { ledger, mask, safeToResend } = c.ports;
  const message = mask(err instanceof Error ? err.message : String(err));
  if (err instanceof ConfigError) {
    // found before the call (e.g. a porta_ws the WSDL lacks): nothing was sent, and the run stops with a 422
    await ledger.markFailed(claimedVersion(claim), 'erro', { erro: message, tipo: 'configuracao' });
    throw err;
  }
  const notProcessed = err instanceof TransportError && err.retryable;
  const resendable = err instanceof UnknownOutcome && safeToResend;
  if (notProcessed || resendable) {
    // back to pendente: the retried attempt sends it again (after Retry-After, when the receiver gave one)
    if (!(await ledger.markPending(claim))) return changedElsewhere(record);
    return { status: 'retry', seq: record.seq, error: message, retryAfterMs: notProcessed ? err.retryAfterMs : undefined };
  }
  const uncertain = err instanceof UnknownOutcome || !(err instanceof TransportError || err instanceof RecordError);
  const [status, erro, tipo] = uncertain
    ? (['incerto', `unknown outcome: ${message}`, 'transporte'] as const)
    : (['erro', message, err instanceof RecordError ? 'receptor' : 'transporte'] as const);
  if (await ledger.markFailed(claimedVersion(claim), status, { erro, tipo })) return { status, seq: record.seq, error: erro };
  return changedElsewhere(record);
}

/**
 * The write-back (sql_update) with the `gravado` mark. `answer`: the answer that just arrived, for a record
 * still `enviando` (committed in the same transaction); absent for a record already `enviado`.
 */
async function writeBack(
  c: Context,
  record: LedgerRecord,
  attempt: number,
  values: Record<string, unknown>,
  answer?: { resposta: unknown },
): Promise<RecordOutcome> {
  const { step } = c;
  if (!step.sqlUpdate) return { status: 'enviado', seq: record.seq, values };
  const scope = new Scope({ ...c.layers, row: record.linha });
  const captured = { ...(scope.layers.captured ?? {}), ...values };
  const sql = bindSql(step.sqlUpdate, scope.with({ captured }), { table: 'integracao', row: step.id, column: 'sql_update' });
  const result = await c.ports.ledger.writeBack({ recordId: record.id, attempt, sql, answer: answer && { ...answer, valores: values } });
  if (!result.ok) return { status: 'erro', seq: record.seq, error: result.error };
  // `already` with an answer in hand: another attempt changed the record under this one
  if (result.already && answer) return changedElsewhere(record);
  return { status: 'gravado', seq: record.seq, values };
}

function claimedVersion(claim: Claim): Seen {
  return { id: claim.id, status: 'enviando', tentativas: claim.attempt };
}

/** Another attempt of this chunk changed the record after it was read: leave it to that attempt, look again later. */
function changedElsewhere(record: LedgerRecord): RecordOutcome {
  return { status: 'retry', seq: record.seq, error: `ledger record ${record.id} was changed by another attempt` };
}

/** Records of a batch chunk mapped together (their lookups go out together), in a turn of the event loop. */
export const PREPARE_SLICE = 50;

/** The records of one batch call (lote_envio > 1), mapped, in query order, each with its part of the call. */
export interface BatchCall {
  members: Array<Prepared & { part: RecordPart }>;
}

/**
 * A chunk's records for a batch integration: records that need no call end here (reported, written back,
 * `incerto` after a crash, a mapping error, `inalterado`, fields outside caminho_lote that differ from their
 * batch); the others come back grouped into calls of at most lote_envio records, for deliverCall.
 */
export async function prepareBatch(records: LedgerRecord[], step: DeliveryStep, ports: DeliveryPorts): Promise<{ done: RecordOutcome[]; calls: BatchCall[] }> {
  const c: Context = { ...step, ports };
  const batch = step.step.batch!;
  const done: RecordOutcome[] = [];
  const ready: Prepared[] = [];
  const take = (record: LedgerRecord): Promise<Prepared | RecordOutcome> => {
    const pickup = ON_PICKUP[record.status];
    if (pickup === 'send' || (pickup === 'resend-or-incerto' && ports.safeToResend)) return prepare(c, record);
    return deliverRecord(record, step, ports); // report, write back, or incerto: no call
  };
  // A slice at a time, each in a turn of the event loop of its own: a whole chunk mapped at once held the
  // loop for tens of milliseconds (its lookups answer together, then every record's mapping, JSON and
  // digest ran back to back), and the claims and answers of every call in flight waited behind it.
  const taken: Array<Prepared | RecordOutcome> = [];
  for (let at = 0; at < records.length; at += PREPARE_SLICE) {
    if (at) await new Promise<void>((resolve) => setImmediate(resolve));
    taken.push(...(await Promise.all(records.slice(at, at + PREPARE_SLICE).map(take))));
  }
  for (const t of taken) {
    if ('body' in t) ready.push(t);
    else done.push(t);
  }
  const calls: BatchCall[] = [];
  for (let at = 0; at < ready.length; at += batch.size) {
    const group = ready.slice(at, at + batch.size);
    const path = step.step.connection.type === 'DB' ? '' : batch.path;
    const parts = group.map((p) => splitRequest(p.body, path));
    const plan = planCall(parts, path);
    for (const odd of plan.odd) {
      const { record } = group[odd.index]!;
      if (await ports.ledger.markFailed(record, 'erro', { erro: odd.message, tipo: 'mapeamento', requisicao: group[odd.index]!.requisicao })) {
        done.push({ status: 'erro', seq: record.seq, error: odd.message });
      } else done.push(changedElsewhere(record));
    }
    calls.push({ members: plan.members.map((i) => ({ ...group[i]!, part: parts[i]! })) });
  }
  return { done, calls };
}

/**
 * One batch call: every member is claimed (together, inside the connection's slot), the call is made, and
 * each record ends by its own feedback item. A transport failure or an unknown outcome is judged for every
 * record as deliverRecord judges it for one.
 */
export async function deliverCall(call: BatchCall, step: DeliveryStep, ports: DeliveryPorts): Promise<RecordOutcome[]> {
  const c: Context = { ...step, ports };
  const s = step.step;
  const batch = s.batch!;
  const path = s.connection.type === 'DB' ? '' : batch.path;
  const outcomes: RecordOutcome[] = [];
  let claimed: Claimed[] | undefined;
  let answer: unknown;
  try {
    // claimed inside the slot, not ahead of it as one record is: a call's claim covers lote_envio records,
    // and claimed ahead, calls were no faster (batch mode is bound by the worker's CPU, not by the slots)
    const result = await ports.limiter.run(
      async () => {
        if (!claimed) claimed = await claimAll(c, call, outcomes);
        if (!claimed.length) throw new ClaimLost();
        const body = callBody(
          claimed[0]!.p.part.outside,
          claimed.map((m) => m.p.part.element),
          path,
        );
        const returning = batch.key && !s.answer.valueKeys.includes(batch.key) ? [...s.answer.valueKeys, batch.key] : s.answer.valueKeys;
        return ports.receiver.send({
          link: claimed[0]!.p.link,
          operation: s.operation ?? undefined,
          body: Array.isArray(body) ? {} : body,
          batch: Array.isArray(body) ? body : undefined,
          returning,
        });
      },
      { first: ports.first },
    );
    answer = result.answer;
  } catch (err) {
    if (err instanceof ClaimLost) return outcomes;
    if (!claimed) throw err; // a claim failed (the ledger is unreachable): nothing was sent
    let config: unknown;
    for (const m of claimed) {
      try {
        outcomes.push(await sendFailed(c, m.p.record, { id: m.p.record.id, attempt: m.attempt }, err));
      } catch (e) {
        config = e; // a configuration error: every record marked, then the attempt fails once
      }
    }
    if (config) throw config;
    return outcomes;
  }
  const feedback = matchFeedback(
    answer,
    s.answer,
    claimed!.map((m) => m.p.part.element),
    batch,
  );
  const finished = await Promise.all(claimed!.map((m, i) => finishOne(c, m.p.record, { id: m.p.record.id, attempt: m.attempt }, feedback[i]!, answer)));
  return [...outcomes, ...finished];
}

type Claimed = { p: BatchCall['members'][number]; attempt: number };

/** The call's claims in one go; the lost ones are left to the attempt that owns them. */
async function claimAll(c: Context, call: BatchCall, outcomes: RecordOutcome[]): Promise<Claimed[]> {
  const settled = await Promise.allSettled(call.members.map((p) => c.ports.ledger.claim(p.record, p.requisicao, p.digest)));
  const claimed: Claimed[] = [];
  let failure: unknown;
  settled.forEach((r, i) => {
    const p = call.members[i]!;
    if (r.status === 'rejected') failure ??= r.reason;
    else if (r.value === null) outcomes.push(changedElsewhere(p.record));
    // another run is sending this key: the record stays pendente and the chunk's next attempt waits for it
    else if (typeof r.value === 'object') outcomes.push({ status: 'retry', seq: p.record.seq, error: `record ${p.record.chave} is being sent by another run` });
    else claimed.push({ p, attempt: r.value });
  });
  if (failure !== undefined) {
    // nothing is sent: the records claimed so far go back to pendente for the retried attempt
    await Promise.allSettled(claimed.map((m) => c.ports.ledger.markPending({ id: m.p.record.id, attempt: m.attempt })));
    throw failure;
  }
  return claimed;
}

/** One record of a call, by its own feedback. */
async function finishOne(c: Context, record: LedgerRecord, claim: Claim, feedback: RecordFeedback, answer: unknown): Promise<RecordOutcome> {
  const { ledger, mask } = c.ports;
  const fail = async (status: 'erro' | 'incerto', erro: string, tipo: 'receptor' | 'transporte', resposta: unknown) =>
    (await ledger.markFailed(claimedVersion(claim), status, { erro, tipo, resposta })) ? { status, seq: record.seq, error: erro } : changedElsewhere(record);
  switch (feedback.kind) {
    case 'call-error':
      return fail('erro', mask(feedback.message), 'receptor', answer);
    case 'unmatched':
      return fail('incerto', mask(feedback.message), 'transporte', answer);
    case 'item': {
      if (!feedback.ok) return fail('erro', mask(feedback.message), 'receptor', feedback.item);
      // each record keeps its own feedback item as its answer, not the whole call's
      const resposta = feedback.item;
      if (c.step.sqlUpdate) return writeBack(c, record, claim.attempt, feedback.values, { resposta });
      if (!(await ledger.markSent(claim, { resposta, valores: feedback.values }))) return changedElsewhere(record);
      return { status: 'enviado', seq: record.seq, values: feedback.values };
    }
  }
}
