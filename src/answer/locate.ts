// Finding a key anywhere in an answer (SPEC §7). Breadth-first, so the shallowest match wins and wrappers
// such as SOAP's `result` or a REST envelope need no configuration. Pure.

export interface Lookup {
  found: boolean;
  value?: unknown;
}

/** The first breadth-first match of `key` in objects (arrays are walked, never matched by index). */
export function findKey(answer: unknown, key: string): Lookup {
  return search(answer, key, undefined);
}

/**
 * Like findKey, but never enters `skip`: when one feedback item lacks a key, the whole-answer fallback must
 * not pick that key up from a sibling item.
 */
export function findKeyOutside(answer: unknown, key: string, skip: unknown): Lookup {
  return search(answer, key, skip);
}

function search(root: unknown, key: string, skip: unknown): Lookup {
  const queue: unknown[] = [root];
  const seen = new Set<object>();
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    if (!isContainer(node) || node === skip || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      queue.push(...node);
      continue;
    }
    const record = node as Record<string, unknown>;
    if (Object.hasOwn(record, key)) return { found: true, value: record[key] };
    queue.push(...Object.values(record));
  }
  return { found: false };
}

/** Objects and arrays; dates and byte arrays are values, not structure. */
export function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && !ArrayBuffer.isView(value);
}
