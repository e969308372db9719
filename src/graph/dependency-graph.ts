// integracao.dependente / depende_de → a directed graph whose edges point from the integration that runs
// before to the one that runs after. Pure.
//
//   row A, dependente = B   →   B ──▶ A      (B runs before A)
//   row A, depende_de = C   →   A ──▶ C      (C runs after A)
//
// Edges are read from every row, so `B.depende_de = A` and `A.dependente = B` describe the same edge and
// may both be written; either alone is enough.
import type { IntegracaoRow } from '../model/types';

export type EdgeColumn = 'dependente' | 'depende_de';

export interface Edge {
  before: number;
  after: number;
  /** the integracao row and column that declared the edge, for error messages */
  row: number;
  column: EdgeColumn;
}

export class DependencyGraph {
  private readonly out = new Map<number, Edge[]>();
  private readonly in = new Map<number, Edge[]>();

  private constructor(
    readonly nodes: ReadonlyMap<number, IntegracaoRow>,
    readonly edges: readonly Edge[],
  ) {
    for (const edge of edges) {
      push(this.out, edge.before, edge);
      push(this.in, edge.after, edge);
    }
    for (const list of [...this.out.values(), ...this.in.values()]) list.sort(byEnds);
  }

  static fromRows(rows: readonly IntegracaoRow[]): DependencyGraph {
    const edges: Edge[] = [];
    for (const row of [...rows].sort((a, b) => a.id - b.id)) {
      if (row.dependente !== null && row.dependente !== undefined) {
        edges.push({ before: row.dependente, after: row.id, row: row.id, column: 'dependente' });
      }
      if (row.depende_de !== null && row.depende_de !== undefined) {
        edges.push({ before: row.id, after: row.depende_de, row: row.id, column: 'depende_de' });
      }
    }
    return new DependencyGraph(new Map(rows.map((row) => [row.id, row])), edges);
  }

  has(id: number): boolean {
    return this.nodes.has(id);
  }

  /** Edges leaving `id` (to what runs after it), ordered by target id. */
  edgesFrom(id: number): readonly Edge[] {
    return this.out.get(id) ?? [];
  }

  /** Edges entering `id` (from what runs before it), ordered by source id. */
  edgesTo(id: number): readonly Edge[] {
    return this.in.get(id) ?? [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function byEnds(a: Edge, b: Edge): number {
  return a.before - b.before || a.after - b.after || a.row - b.row;
}
