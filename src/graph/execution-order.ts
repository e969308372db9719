// Which integrations a SET run executes, and in what order (SPEC §6). Pure.
//
// Running X runs what X's `dependente` chain names (before X, transitively), X, and what X's `depende_de`
// chain names (after X, transitively), following each integration's own columns: an account that an
// order names as `dependente` does not send the orders when it runs alone. An integration after X may itself need others before it (C after X, C.dependente = D):
// those prerequisites run too, so no integration ever runs without what it depends on.
// The order is Kahn's topological sort; among integrations that are ready at the same time the smallest
// id goes first, so the same configuration always gives the same order.
import { ConfigError, RequestError, type ConfigIssue } from '../errors';
import { isComponentLink } from '../model/parse-fields';
import type { IntegracaoRow } from '../model/types';
import { DependencyGraph, type Edge } from './dependency-graph';
import { MinQueue } from './min-queue';

/**
 * The company a run is for (the request's empresa_id and, when given, empresa_filial_id). A null empresaId
 * stands for "any company" (a request by branch only, or the validator checking an integration whose
 * empresa_id is null): then only integrations available to every company may join the run.
 */
export interface Requester {
  empresaId: number | null;
  empresaFilialId: number | null;
}

export interface RunGraph {
  requestedId: number;
  /** integracao ids in execution order */
  order: number[];
  /** edges among the integrations of the run, before → after */
  edges: Edge[];
}

/** The run order of `requestedId`: what runs before it, itself, what runs after it. */
export function executionOrder(rows: readonly IntegracaoRow[], requestedId: number, empresa: Requester): number[] {
  return runGraph(rows, requestedId, empresa).order;
}

/**
 * The integrations of the run with their edges. Throws RequestError when the requested integration cannot
 * be run by this caller, and ConfigError with every issue when its dependencies are wrong.
 */
export function runGraph(rows: readonly IntegracaoRow[], requestedId: number, empresa: Requester): RunGraph {
  const graph = DependencyGraph.fromRows(rows);
  checkRequested(graph.nodes.get(requestedId), requestedId, empresa);
  const issues = new Issues();
  const reachedBy = collect(graph, requestedId, issues);
  for (const [id, edge] of reachedBy) {
    if (edge) checkDependency(graph.nodes.get(id)!, edge, empresa, issues);
  }
  const ids = [...reachedBy.keys()];
  const edges = graph.edges.filter((edge) => edge.before !== edge.after && reachedBy.has(edge.before) && reachedBy.has(edge.after));
  const order = kahn(ids, edges);
  if (order.length < ids.length) {
    const left = new Set(ids.filter((id) => !order.includes(id)));
    for (const cycle of cycles(left, edges)) issues.add(cycleIssue(cycle, edges));
  }
  if (issues.list.length > 0) throw new ConfigError(issues.list);
  return { requestedId, order, edges };
}

function checkRequested(row: IntegracaoRow | undefined, id: number, empresa: Requester): asserts row {
  const parameter = 'integracao_servico_id';
  if (!row) throw new RequestError('not_found', `integracao ${id} does not exist`, parameter);
  const owner = ownerMismatch(row, empresa);
  if (owner) throw new RequestError('forbidden', `integracao ${id} ${owner}`, parameter);
  if (isComponentLink(row.link)) {
    throw new RequestError('bad_request', `integracao ${id} is a component (link = componente); it runs only inside another integration`, parameter);
  }
  if (!isSet(row)) {
    throw new RequestError(
      'bad_request',
      `integracao ${id} has tipo_servico ${JSON.stringify(row.tipo_servico)}; this engine runs SET integrations only`,
      parameter,
    );
  }
}

/**
 * Every integration of the run, each with the edge that brought it in (null for the requested one):
 * first the descendants of the requested one, then the ancestors of all of those.
 */
function collect(graph: DependencyGraph, requestedId: number, issues: Issues): Map<number, Edge | null> {
  const reachedBy = new Map<number, Edge | null>([[requestedId, null]]);
  const walk = (starts: number[], edgesOf: (id: number) => readonly Edge[], next: (edge: Edge) => number) => {
    const queue = [...starts];
    while (queue.length > 0) {
      for (const edge of edgesOf(queue.shift()!)) {
        const target = next(edge);
        if (edge.before === edge.after) issues.add(selfLoopIssue(edge));
        else if (!graph.has(target)) issues.add(missingIssue(edge, target));
        else if (!reachedBy.has(target)) {
          reachedBy.set(target, edge);
          queue.push(target);
        }
      }
    }
  };
  // each integration's own columns say what it brings along: its depende_de (after) and its dependente
  // (before); a row elsewhere naming it does not pull that row into its runs
  walk(
    [requestedId],
    (id) => graph.edgesFrom(id).filter((e) => e.row === id && e.column === 'depende_de'),
    (edge) => edge.after,
  );
  walk(
    [...reachedBy.keys()],
    (id) => graph.edgesTo(id).filter((e) => e.row === id && e.column === 'dependente'),
    (edge) => edge.before,
  );
  return reachedBy;
}

function checkDependency(row: IntegracaoRow, edge: Edge, empresa: Requester, issues: Issues): void {
  const via = `(a dependency through integracao ${edge.row} ${edge.column} = ${edge.column === 'dependente' ? edge.before : edge.after})`;
  const at = (column: string, message: string) => issues.add({ table: 'integracao', row: row.id, column, message });
  if (row.empresa_id !== null && row.empresa_id !== undefined && row.empresa_id !== empresa.empresaId) {
    at(
      'empresa_id',
      `integracao ${row.id} ${via} belongs to empresa ${row.empresa_id}, not to ${empresa.empresaId === null ? 'every empresa' : `empresa ${empresa.empresaId}`} that runs it`,
    );
  }
  if (row.empresa_filial_id !== null && row.empresa_filial_id !== undefined && row.empresa_filial_id !== empresa.empresaFilialId) {
    at(
      'empresa_filial_id',
      `integracao ${row.id} ${via} belongs to empresa_filial ${row.empresa_filial_id}, not to ${empresa.empresaFilialId === null ? 'the whole empresa' : `empresa_filial ${empresa.empresaFilialId}`} that runs it`,
    );
  }
  if (isComponentLink(row.link)) {
    at(
      'link',
      `integracao ${row.id} ${via} is a component (link = componente); a component is used through campo_crm {"componente": ${row.id}}, not as a dependency`,
    );
  }
  if (!isSet(row)) {
    at('tipo_servico', `integracao ${row.id} ${via} has tipo_servico ${JSON.stringify(row.tipo_servico)}; only SET integrations can run`);
  }
}

function ownerMismatch(row: IntegracaoRow, empresa: Requester): string | undefined {
  if (row.empresa_id !== null && row.empresa_id !== undefined && row.empresa_id !== empresa.empresaId) {
    return `belongs to empresa ${row.empresa_id}, not to ${empresa.empresaId === null ? 'every empresa' : `empresa ${empresa.empresaId}`}`;
  }
  if (row.empresa_filial_id !== null && row.empresa_filial_id !== undefined && row.empresa_filial_id !== empresa.empresaFilialId) {
    return `belongs to empresa_filial ${row.empresa_filial_id}, not to ${empresa.empresaFilialId === null ? 'the whole empresa' : `empresa_filial ${empresa.empresaFilialId}`}`;
  }
  return undefined;
}

function isSet(row: IntegracaoRow): boolean {
  return (row.tipo_servico ?? '').trim().toUpperCase() === 'SET';
}

/** Kahn's algorithm; ready nodes leave smallest id first. Nodes on or behind a cycle are left out. */
function kahn(ids: number[], edges: Edge[]): number[] {
  const indegree = new Map(ids.map((id) => [id, 0]));
  const after = new Map<number, number[]>();
  for (const { before, after: target } of dedupe(edges)) {
    indegree.set(target, indegree.get(target)! + 1);
    after.set(before, [...(after.get(before) ?? []), target]);
  }
  const ready = new MinQueue();
  for (const [id, count] of indegree) if (count === 0) ready.push(id);
  const order: number[] = [];
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    order.push(id);
    for (const target of after.get(id) ?? []) {
      const count = indegree.get(target)! - 1;
      indegree.set(target, count);
      if (count === 0) ready.push(target);
    }
  }
  return order;
}

/**
 * One simple cycle per strongly connected component of `nodes` (Tarjan), through the component's smallest
 * id, found breadth-first so it is the shortest such cycle: [3, 5, 7, 3].
 */
function cycles(nodes: Set<number>, edges: Edge[]): number[][] {
  const next = (id: number) =>
    [...new Set(edges.filter((edge) => edge.before === id && nodes.has(edge.after)).map((edge) => edge.after))].sort((a, b) => a - b);
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const stack: number[] = [];
  const components: number[][] = [];
  const strongConnect = (id: number) => {
    index.set(id, index.size);
    low.set(id, index.get(id)!);
    stack.push(id);
    for (const target of next(id)) {
      if (!index.has(target)) {
        strongConnect(target);
        low.set(id, Math.min(low.get(id)!, low.get(target)!));
      } else if (stack.includes(target)) {
        low.set(id, Math.min(low.get(id)!, index.get(target)!));
      }
    }
    if (low.get(id) === index.get(id)) {
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== id);
      if (component.length > 1) components.push(component.sort((a, b) => a - b));
    }
  };
  for (const id of [...nodes].sort((a, b) => a - b)) if (!index.has(id)) strongConnect(id);

  return components
    .sort((a, b) => a[0]! - b[0]!)
    .map((component) => {
      const members = new Set(component);
      const start = component[0]!;
      const parent = new Map<number, number>();
      const queue = [start];
      while (queue.length > 0) {
        const id = queue.shift()!;
        for (const target of next(id).filter((t) => members.has(t))) {
          if (target === start) {
            const path = [id];
            while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
            return [...path, start];
          }
          if (!parent.has(target)) {
            parent.set(target, id);
            queue.push(target);
          }
        }
      }
      return [...component, start]; // unreachable: a strongly connected component has a cycle through start
    });
}

function cycleIssue(cycle: number[], edges: Edge[]): ConfigIssue {
  const first = edges.find((edge) => edge.before === cycle[0] && edge.after === cycle[1])!;
  const ids = [...new Set(cycle)].sort((a, b) => a - b);
  return {
    table: 'integracao',
    row: first.row,
    column: first.column,
    message: `dependencies form a cycle: ${cycle.join(' → ')} (integracao ids ${ids.join(', ')}; → means "runs before")`,
  };
}

function selfLoopIssue(edge: Edge): ConfigIssue {
  return {
    table: 'integracao',
    row: edge.row,
    column: edge.column,
    message: `integracao ${edge.row} depends on itself (${edge.column} = ${edge.row}): a cycle`,
  };
}

function missingIssue(edge: Edge, missing: number): ConfigIssue {
  return {
    table: 'integracao',
    row: edge.row,
    column: edge.column,
    message: `points to integracao ${missing}, which does not exist`,
  };
}

function dedupe(edges: Edge[]): Array<{ before: number; after: number }> {
  const seen = new Set<string>();
  return edges.filter((edge) => {
    const key = `${edge.before}>${edge.after}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Issues without repeats: a self-loop or missing id can be met from both directions. */
class Issues {
  readonly list: ConfigIssue[] = [];
  private readonly seen = new Set<string>();

  add(issue: ConfigIssue): void {
    const key = JSON.stringify(issue);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(issue);
  }
}
