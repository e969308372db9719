// Dotted target paths: `parameters.dadosGeraisCliente.nomCli` → nested objects. Pure.

/**
 * Sets `value` at `path` inside `target`, creating plain objects on the way. Returns false, changing
 * nothing, when a segment on the way already holds something that is not a plain object.
 */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): boolean {
  const segments = path.split('.');
  let node = target;
  for (const segment of segments.slice(0, -1)) {
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
  define(node, segments[segments.length - 1]!, value);
  return true;
}

export function hasPath(target: Record<string, unknown>, path: string): boolean {
  let node: unknown = target;
  for (const segment of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, segment)) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return true;
}

/** An own, enumerable property even for a name such as `__proto__`, which plain assignment would not create. */
function define(node: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
  else node[key] = value; // a plain object's own data property: the same as defineProperty, and faster
}
