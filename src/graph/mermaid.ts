// A Mermaid flowchart of a run, for `integrador plan`: integrations numbered in execution order, edges
// from what runs before to what runs after, and each integration's components as sub-nodes. Pure.
import { componentReferences } from '../model/parse-fields';
import type { ConfigRows, IntegracaoRow } from '../model/types';
import { runGraph, type Requester } from './execution-order';

/** For each integration, the component ids its fields name (for toMermaid). */
export function componentsByIntegration(rows: ConfigRows): Record<number, number[]> {
  const result: Record<number, number[]> = {};
  for (const [integracaoId, references] of componentReferences(rows)) {
    result[integracaoId] = [...new Set(references.map((reference) => reference.componentId))];
  }
  return result;
}

/**
 * ```mermaid
 * flowchart TD
 *   i18["1 · 18 SET-WS-CIDADES"]
 *   i19["2 · 19 SET-WS-CONTAS"]:::requested
 *   i18 -->|dependente| i19
 *   i19 -.-> i19_c20[["componente 20 DEFINICOES"]]
 * ```
 * Throws what runGraph throws (the plan command shows the ConfigError's issues instead).
 */
export function toMermaid(rows: readonly IntegracaoRow[], requestedId: number, empresa: Requester, components: Record<number, number[]> = {}): string {
  const { order, edges } = runGraph(rows, requestedId, empresa);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const lines = ['flowchart TD'];
  for (const [position, id] of order.entries()) {
    const style = id === requestedId ? ':::requested' : '';
    lines.push(`  i${id}["${position + 1} · ${id} ${escape(byId.get(id)?.nome ?? '')}"]${style}`);
  }
  const labels = new Map<string, Set<string>>();
  for (const edge of edges) {
    const key = `i${edge.before} -->|LABEL| i${edge.after}`;
    labels.set(key, (labels.get(key) ?? new Set()).add(edge.column));
  }
  for (const [key, columns] of labels) lines.push(`  ${key.replace('LABEL', [...columns].join(', '))}`);

  // Node ids follow the path, so a component used by two parents is drawn under each; a component cycle
  // (a configuration error parseComponents reports) is drawn as a dotted edge back, not followed.
  const drawComponents = (parentNode: string, integracaoId: number, ancestors: Array<{ id: number; node: string }>) => {
    for (const componentId of components[integracaoId] ?? []) {
      const earlier = ancestors.find((ancestor) => ancestor.id === componentId);
      if (earlier) {
        lines.push(`  ${parentNode} -.->|cycle| ${earlier.node}`);
        continue;
      }
      const node = `${parentNode}_c${componentId}`;
      lines.push(`  ${parentNode} -.-> ${node}[["componente ${componentId} ${escape(byId.get(componentId)?.nome ?? '')}"]]`);
      drawComponents(node, componentId, [...ancestors, { id: componentId, node }]);
    }
  };
  for (const id of order) drawComponents(`i${id}`, id, [{ id, node: `i${id}` }]);
  lines.push('  classDef requested stroke-width:3px');
  return `${lines.join('\n')}\n`;
}

function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');
}
