// Batches (SPEC §5.6): many records in one receiver call. This module only decides; deliver.ts makes every
// ledger move. Three steps:
//   splitRequest  one record's mapped request → its element (under caminho_lote) and what is outside it
//   planCall      the records of a call → the call's request; a record whose outside differs is set apart
//   matchFeedback the receiver's answer → one outcome per record (by chave_retorno, else by position)
// Pure.
import { jsonExcerpt, findKey, readBatchFeedback, type ParsedAnswerRules } from '../answer';
import { setPath } from '../mapping/paths';
import type { BatchSpec } from '../plan/types';

export interface RecordPart {
  /** The record's element of the call's array. */
  element: unknown;
  /** The rest of its request: must be equal across the call's records. */
  outside: Record<string, unknown>;
}

/**
 * `path` '' (API: the body is the array; DB: rows) → the whole request is the element. Not a copy of `body`:
 * only the objects on the way to the element are copied (the element is taken out of them), the rest is
 * shared with `body`; neither part is changed afterwards (callBody copies the outside it builds on).
 */
export function splitRequest(body: Record<string, unknown>, path: string): RecordPart {
  if (path === '') return { element: body, outside: {} };
  const segments = path.split('.');
  const outside = { ...body };
  const parents: Array<Record<string, unknown>> = [outside];
  let node: Record<string, unknown> = outside;
  for (const segment of segments.slice(0, -1)) {
    const child = Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (!isObject(child)) return { element: {}, outside };
    node = node[segment] = (Array.isArray(child) ? [...(child as unknown[])] : { ...child }) as Record<string, unknown>;
    parents.push(node);
  }
  const last = segments[segments.length - 1]!;
  const holder = parents[parents.length - 1]!;
  const element = Object.hasOwn(holder, last) ? holder[last] : {};
  delete holder[last];
  // drop the parents the element leaves empty, so `{ parameters: {} }` equals a request without them
  for (let i = parents.length - 1; i > 0; i--) {
    if (Object.keys(parents[i]!).length) break;
    delete parents[i - 1]![segments[i - 1]!];
  }
  return { element: element ?? {}, outside };
}

export interface CallPlan {
  /** Indexes (into the parts given) of the records that go in the call, in order. */
  members: number[];
  /** Records whose fields outside caminho_lote differ from the call's: a record error each. */
  odd: Array<{ index: number; message: string }>;
  /** The outside fields every member shares. */
  outside: Record<string, unknown>;
}

/**
 * Which records go together. The outside fields most records share (ties: the first record's) are the
 * call's; a record whose outside fields differ is set apart with a message naming the first path that differs.
 */
export function planCall(parts: RecordPart[], path: string): CallPlan {
  const texts = parts.map((p) => canonical(p.outside));
  const tally = new Map<string, number>();
  for (const t of texts) tally.set(t, (tally.get(t) ?? 0) + 1);
  let chosen = texts[0];
  for (const t of texts) if ((tally.get(t) ?? 0) > (tally.get(chosen!) ?? 0)) chosen = t;
  const reference = parts[texts.indexOf(chosen!)]?.outside ?? {};
  const members: number[] = [];
  const odd: CallPlan['odd'] = [];
  texts.forEach((t, index) => {
    if (t === chosen) members.push(index);
    else {
      const where = firstDifference(parts[index]!.outside, reference) ?? '(request)';
      odd.push({
        index,
        message: `field ${where} is outside caminho_lote ${path} and differs from the other records of its batch (a batch shares every field outside caminho_lote)`,
      });
    }
  });
  return { members, odd, outside: reference };
}

/** The call's request: the shared outside fields with the elements as the array at `path`; '' = the array itself. */
export function callBody(outside: Record<string, unknown>, elements: unknown[], path: string): Record<string, unknown> | unknown[] {
  if (path === '') return elements;
  const body = structuredClone(outside);
  setPath(body, path, elements);
  return body;
}

export type RecordFeedback =
  /** The record's own feedback item, read by §7. */
  | { kind: 'item'; ok: true; values: Record<string, unknown>; item: unknown }
  | { kind: 'item'; ok: false; message: string; item: unknown }
  /** A call-level error: every record of the call is `erro` with it. */
  | { kind: 'call-error'; message: string }
  /** No item can be told to be this record's: an unknown outcome. */
  | { kind: 'unmatched'; message: string };

/** One outcome per element, in the elements' order. */
export function matchFeedback(answer: unknown, rules: ParsedAnswerRules, elements: unknown[], batch: Pick<BatchSpec, 'key'>): RecordFeedback[] {
  const feedback = readBatchFeedback(answer, rules);
  if (feedback.kind === 'call-error') return elements.map(() => ({ kind: 'call-error', message: feedback.message }));
  if (feedback.kind === 'no-items') {
    return elements.map(() => ({ kind: 'unmatched', message: `unknown outcome: the receiver answered without feedback items (${feedback.message})` }));
  }
  const items = feedback.items;
  const toOutcome = (i: (typeof items)[number]): RecordFeedback =>
    i.read.ok ? { kind: 'item', ok: true, values: i.read.values, item: i.raw } : { kind: 'item', ok: false, message: i.read.message, item: i.raw };

  if (batch.key === null) {
    if (items.length === elements.length) return items.map(toOutcome);
    const message = `unknown outcome: the receiver answered ${items.length} feedback item(s) for the ${elements.length} records of the call, and without chave_retorno they cannot be matched by position`;
    return elements.map(() => ({ kind: 'unmatched', message }));
  }

  const key = batch.key;
  const keyOf = (value: unknown): string | undefined => {
    const found = findKey(value, key);
    return found.found && found.value !== null && found.value !== undefined && found.value !== '' ? String(found.value) : undefined;
  };
  const itemsByKey = new Map<string, Array<(typeof items)[number]>>();
  for (const item of items) {
    const k = keyOf(item.raw);
    if (k !== undefined) itemsByKey.set(k, [...(itemsByKey.get(k) ?? []), item]);
  }
  const recordKeys = elements.map(keyOf);
  const repeated = new Set(recordKeys.filter((k, i) => k !== undefined && recordKeys.indexOf(k) !== i));
  return recordKeys.map((k): RecordFeedback => {
    if (k === undefined)
      return { kind: 'unmatched', message: `unknown outcome: the record's element has no ${key} (chave_retorno) to match its feedback item` };
    if (repeated.has(k))
      return { kind: 'unmatched', message: `unknown outcome: ${key}=${k} is in more than one record of the call, so its feedback item cannot be told apart` };
    const matched = itemsByKey.get(k) ?? [];
    if (matched.length === 1) return toOutcome(matched[0]!);
    if (matched.length > 1) return { kind: 'unmatched', message: `unknown outcome: the receiver answered ${matched.length} feedback items with ${key}=${k}` };
    return {
      kind: 'unmatched',
      message: `unknown outcome: no feedback item with ${key}=${k} in the receiver's answer: ${jsonExcerpt(items.map((i) => i.raw))}`,
    };
  });
}

/** JSON with sorted keys: two requests equal as data give the same text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (isObject(v) && !(v instanceof Date))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, v[k]]),
      );
    return v;
  });
}

function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (isObject(a) && isObject(b) && !Array.isArray(a) && !Array.isArray(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const found = firstDifference(a[key], b[key], at ? `${at}.${key}` : key);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return canonical(a) === canonical(b) ? undefined : at || undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
