// Variable resolution (SPEC §4): the current CRM row's columns, then values captured from answers, then
// the request's parameters, then the built-ins. Pure.

export type Values = Record<string, unknown>;

export interface ScopeLayers {
  row?: Values;
  captured?: Values;
  params?: Values;
  builtins?: Values;
}

const ORDER = ['row', 'captured', 'params', 'builtins'] as const;

export class Scope {
  constructor(readonly layers: Readonly<ScopeLayers>) {}

  has(name: string): boolean {
    return ORDER.some((layer) => hasOwn(this.layers[layer], name));
  }

  /** The value of `name`; `undefined` only when no layer has it (check with `has`). */
  get(name: string): unknown {
    for (const layer of ORDER) {
      const values = this.layers[layer];
      if (hasOwn(values, name)) return values![name];
    }
    return undefined;
  }

  /** Every name this scope can resolve. */
  names(): Set<string> {
    return new Set(ORDER.flatMap((layer) => Object.keys(this.layers[layer] ?? {})));
  }

  /** A scope with some layers replaced (e.g. a new row, more captured values). */
  with(layers: ScopeLayers): Scope {
    return new Scope({ ...this.layers, ...layers });
  }
}

function hasOwn(values: Values | undefined, name: string): boolean {
  return values !== undefined && Object.prototype.hasOwnProperty.call(values, name);
}
