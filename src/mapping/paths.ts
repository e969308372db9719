// Dotted target paths: `parameters.dadosGeraisCliente.nomCli` → nested objects. Pure.

/**
 * Sets `value` at `path` inside `target`, creating plain objects on the way. Returns false, changing
 * nothing, when a segment on the way already holds something that is not a plain object.
 */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): boolean {
  return setAt(target, path.split('.'), value, true);
}

/**
 * setPath for a path already split into its segments, that also refuses (false, nothing set) when the
 * path already holds a value: a request's fields never overwrite one another.
 */
export function setNewPath(target: Record<string, unknown>, segments: readonly string[], value: unknown): boolean {
  return setAt(target, segments, value, false);
}

function setAt(target: Record<string, unknown>, segments: readonly string[], value: unknown, replace: boolean): boolean {
  let node = target;
  const last = segments.length - 1;
  for (let i = 0; i < last; i++) {
    const segment = segments[i]!;
    const next = Object.prototype.hasOwnProperty.call(node, segment) ? node[segment] : undefined;
    if (next === undefined) {
      const created: Record<string, unknown> = {};
      define(node, segment, created);
      node = created;
    } else if (typeof next === 'object' && next !== null && !Array.isArray(next) && !(next instanceof Date)) {
      node = next as Record<string, unknown>;
    } else {
      return false;
    }
  }
  if (!replace && Object.prototype.hasOwnProperty.call(node, segments[last]!)) return false;
  define(node, segments[last]!, value);
  return true;
}

/** An own, enumerable property even for a name such as `__proto__`, which plain assignment would not create. */
function define(node: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
  else node[key] = value; // a plain object's own data property: the same as defineProperty, and faster
}
