// Reading a receiver's answer (SPEC §7): locate the feedback, decide per item whether the receiver refused
// it, capture indice_valor_retorno values. Senior G5 answers HTTP 200 even for business errors, so the body
// always decides. Pure.
import { findKey, findKeyOutside, isContainer, type Lookup } from './locate';
import { ANSWER_COLUMNS, type ErrorRule, type ParsedAnswerRules } from './rules';

export interface FeedbackItem {
  ok: boolean;
  message: string;
  /** indice_valor_retorno values found for this item (also on failure, for the logs). */
  values: Record<string, unknown>;
  /** Value keys absent (or null) in an item the receiver accepted. */
  missing: string[];
}

export interface AnswerOutcome {
  ok: boolean;
  /** 'OK', or what went wrong, in words a consultant can act on. */
  message: string;
  /** Captured values of the accepted items; for a repeated key the first item wins. */
  values: Record<string, unknown>;
  items: FeedbackItem[];
}

const EXCERPT_LENGTH = 200;

/**
 * Keys under which receivers put their own words about one item (G5's `retorno`, `mensagemRetorno`). When
 * the error keys did not flag the item but the captured value is missing, this text is usually the reason
 * (the seed's `erro,mensagemErro,erroExecucao` never looks at `retorno`).
 */
const RECEIVER_TEXT_KEYS = ['retorno', 'mensagemRetorno'] as const;

export function readAnswer(answer: unknown, rules: ParsedAnswerRules): AnswerOutcome {
  const located = locateFeedback(answer, rules.arrayKey);
  if ('problem' in located) {
    // A request-level error (G5 tipoRetorno 2, erroExecucao) usually comes without feedback items; its own
    // text explains more than "not found" does.
    const lookup = (key: string) => findKeyOutside(answer, key, located.feedback);
    const refusal = refusalOf(rules.errorRules, lookup, [lookup]);
    return { ok: false, message: refusal ?? located.problem, values: {}, items: [] };
  }

  const items = located.items.map((item) => readItem(item, answer, located.feedback, rules));
  const ok = items.every((item) => item.ok);
  const values: Record<string, unknown> = {};
  for (const item of items) {
    if (!item.ok) continue;
    for (const [key, value] of Object.entries(item.values)) if (!Object.hasOwn(values, key)) values[key] = value;
  }
  const failures = items.flatMap((item, index) => (item.ok ? [] : [items.length === 1 ? item.message : `item ${index + 1}: ${item.message}`]));
  return { ok, message: ok ? 'OK' : failures.join('; '), values, items };
}

/** The feedback of a batch call (SPEC §5.6): a call-level error, no items at all, or each item read by §7. */
export type BatchFeedback =
  { kind: 'call-error'; message: string } | { kind: 'no-items'; message: string } | { kind: 'items'; items: Array<{ raw: unknown; read: FeedbackItem }> };

/**
 * A call-level error is decided by the first listed error key present outside the items (G5's
 * `erroExecucao` with `tipoRetorno` 2 and no items): it fails the whole call, whatever the items say.
 */
export function readBatchFeedback(answer: unknown, rules: ParsedAnswerRules): BatchFeedback {
  const located = locateFeedback(answer, rules.arrayKey);
  const outside = (key: string) => findKeyOutside(answer, key, located.feedback);
  const callError = refusalOf(rules.errorRules, outside, [outside]);
  if (callError !== undefined) return { kind: 'call-error', message: callError };
  if ('problem' in located) return { kind: 'no-items', message: located.problem };
  return { kind: 'items', items: located.items.map((raw) => ({ raw, read: readItem(raw, answer, located.feedback, rules) })) };
}

type Located = { feedback: unknown; items: unknown[] } | { feedback: unknown; problem: string };

function locateFeedback(answer: unknown, arrayKey: string | null): Located {
  const what = arrayKey === null ? 'the answer' : `${ANSWER_COLUMNS.arrayKey} "${arrayKey}"`;
  let feedback = answer;
  if (arrayKey !== null) {
    const lookup = findKey(answer, arrayKey);
    if (!lookup.found) {
      return { feedback: undefined, problem: `${what} not found in the answer: ${jsonExcerpt(answer)}` };
    }
    feedback = lookup.value;
  }
  if (feedback === null || feedback === undefined) {
    return { feedback, problem: `no feedback items: ${what} is empty` };
  }
  if (Array.isArray(feedback) && feedback.length === 0) {
    return { feedback, problem: `no feedback items: ${what} is an empty array` };
  }
  return { feedback, items: Array.isArray(feedback) ? feedback : [feedback] };
}

function readItem(item: unknown, answer: unknown, feedback: unknown, rules: ParsedAnswerRules): FeedbackItem {
  const inItem = (key: string) => findKey(item, key);
  const outside = (key: string) => findKeyOutside(answer, key, feedback);
  const either = (key: string): Lookup => {
    const lookup = inItem(key);
    return lookup.found ? lookup : outside(key);
  };

  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const key of rules.valueKeys) {
    const lookup = either(key);
    if (lookup.found && lookup.value !== null && lookup.value !== undefined) values[key] = lookup.value;
    else missing.push(key);
  }

  const refusal = refusalOf(rules.errorRules, either, [inItem, outside]);
  if (refusal !== undefined) return { ok: false, message: refusal, values, missing: [] };
  if (missing.length > 0) {
    const keys = missing.map((key) => `"${key}"`).join(', ');
    const detail = `${ANSWER_COLUMNS.valueKeys} ${keys} missing from the answer: ${jsonExcerpt(item)}`;
    const reason = receiverText(item);
    return {
      ok: false,
      message: reason === undefined ? detail : `${reason} (${detail})`,
      values,
      missing,
    };
  }
  return { ok: true, message: 'OK', values, missing };
}

/** The item's own text about itself, unless it is blank or just says OK. Only the item's own keys count. */
function receiverText(item: unknown): string | undefined {
  if (!isContainer(item) || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  for (const key of RECEIVER_TEXT_KEYS) {
    const value = record[key];
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const text = String(value).trim();
    if (text !== '' && text.toUpperCase() !== 'OK') return text;
  }
  return undefined;
}

/**
 * The first listed key that is present decides (the seed: the first index is the general validator).
 * Returns the error message, or undefined when the item was accepted.
 */
function refusalOf(rules: ErrorRule[], lookup: (key: string) => Lookup, messageSources: Array<(key: string) => Lookup>): string | undefined {
  for (const rule of rules) {
    const found = lookup(rule.key);
    if (!found.found) continue;
    if (!isRefusal(rule, found.value)) return undefined;
    const texts = new Set<string>();
    for (const source of messageSources) {
      for (const other of rules) {
        const text = messageText(other, source(other.key));
        if (text !== undefined) texts.add(text);
      }
    }
    return texts.size > 0 ? [...texts].join(' | ') : `the receiver reported an error (${rule.text})`;
  }
  return undefined;
}

function isRefusal(rule: ErrorRule, value: unknown): boolean {
  switch (rule.op) {
    case 'filled':
      return !reportsNothing(value);
    case 'equals':
      return String(value) === rule.expected;
    case 'notEquals':
      return String(value) !== rule.expected;
  }
}

/**
 * What a key contributes to an error message. `tipoRetorno=2` contributes nothing (a status code is not a
 * message), `retorno!=OK` contributes its reason but not an `OK`.
 */
function messageText(rule: ErrorRule, lookup: Lookup): string | undefined {
  if (!lookup.found || reportsNothing(lookup.value) || rule.op === 'equals') return undefined;
  if (rule.op === 'notEquals' && String(lookup.value) === rule.expected) return undefined;
  return typeof lookup.value === 'string' ? lookup.value.trim() : jsonText(lookup.value);
}

/** null, undefined, blank text, [] and {} all mean "nothing to report". */
export function reportsNothing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (isContainer(value)) return Object.keys(value).length === 0;
  return false;
}

/** A short JSON excerpt so a person sees what the receiver said. */
export function jsonExcerpt(value: unknown): string {
  const text = jsonText(value);
  return text.length <= EXCERPT_LENGTH ? text : `${text.slice(0, EXCERPT_LENGTH - 1)}…`;
}

function jsonText(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    return text ?? String(value);
  } catch {
    return String(value); // circular structures: still say something
  }
}
