// The run of an integration as text, for `integrador plan`: the integrations in execution order, why each
// one is there (the edge that brought it in), its connection, what it captures, and its components. Pure.
import { capturedNames } from '../answer';
import { componentReferences } from '../model/parse-fields';
import type { ConfigRows, IntegracaoRow } from '../model/types';
import { runGraph, type Requester } from './execution-order';

/**
 * ```text
 * integracao 22 SET-WS-PEDIDOS for empresa 1 runs 3 integrations, in this order:
 *   1. 19 SET-WS-CONTAS  [WS g5, GravarClientes; captures codCli]
 *        component 20 SET-WS-CONTAS-DEFINICOES
 *   2. 21 SET-WS-CONTATOS  [WS g5, GravarContatos; captures seqCto]
 *        after 19 (integracao 21 dependente = 19)
 *   3. 22 SET-WS-PEDIDOS  (requested)  [...]
 *        after 21 (integracao 21 depende_de = 22)
 * parameters the caller sends: contaId
 * ```
 * Throws what runGraph throws (a ConfigError lists every problem of the graph).
 */
export function toPlanText(rows: ConfigRows, requestedId: number, empresa: Requester): string {
  const { order, edges } = runGraph(rows.integracoes, requestedId, empresa);
  const byId = new Map(rows.integracoes.map((row) => [row.id, row]));
  const references = componentReferences(rows);
  const requested = byId.get(requestedId)!;
  const who = empresa.empresaId === null ? 'any empresa' : `empresa ${empresa.empresaId}`;
  const lines = [`integracao ${requestedId} ${requested.nome} for ${who} runs ${order.length} integration${order.length === 1 ? '' : 's'}, in this order:`];
  const width = String(order.length).length;
  for (const [position, id] of order.entries()) {
    const row = byId.get(id)!;
    const mark = id === requestedId ? '  (requested)' : '';
    lines.push(`  ${String(position + 1).padStart(width)}. ${id} ${row.nome}${mark}  [${stepSummary(row, rows)}]`);
    const indent = ' '.repeat(width + 6);
    for (const edge of edges.filter((e) => e.after === id)) {
      const value = edge.column === 'dependente' ? edge.before : edge.after;
      lines.push(`${indent}after ${edge.before} (integracao ${edge.row} ${edge.column} = ${value})`);
    }
    drawComponents(id, [id], indent, lines, references, byId);
  }
  const params = [...new Set(order.flatMap((id) => list(byId.get(id)!.parametros_obrigatorios)))];
  lines.push(`parameters the caller sends: ${params.length ? params.join(', ') : '(none required)'}`);
  return `${lines.join('\n')}\n`;
}

function stepSummary(row: IntegracaoRow, rows: ConfigRows): string {
  const conexao = rows.conexoes.find((c) => c.id === row.conexao_integracao_id);
  const parts = [conexao ? `${conexao.tipo_conexao.trim().toUpperCase()} ${conexao.nome_conexao}` : `conexao ${row.conexao_integracao_id ?? 'none'}`];
  const target = row.porta_ws?.trim() || row.link?.trim();
  if (target) parts.push(target);
  const captures = capturedNames(row.indice_valor_retorno);
  let text = parts.join(', ');
  if (captures.length) text += `; captures ${captures.join(', ')}`;
  if (row.sql_update?.trim()) text += '; writes back';
  if ((row.lote_envio ?? 1) > 1) {
    const path = row.caminho_lote?.trim() ? ` at ${row.caminho_lote.trim()}` : '';
    const key = row.chave_retorno?.trim() ? `matched by ${row.chave_retorno.trim()}` : 'matched by position';
    text += `; batches of ${row.lote_envio}${path}, ${key}`;
  }
  if (row.somente_alterados) text += '; only what changed (forcar=true sends all)';
  return text;
}

/** Components nested under an integration, one line each; a cycle is named, not followed. */
function drawComponents(
  ownerId: number,
  ancestors: number[],
  indent: string,
  lines: string[],
  references: ReturnType<typeof componentReferences>,
  byId: Map<number, IntegracaoRow>,
): void {
  const seen = new Set<number>();
  for (const { campoId, componentId } of references.get(ownerId) ?? []) {
    if (seen.has(componentId)) continue;
    seen.add(componentId);
    const row = byId.get(componentId);
    const name = row ? row.nome : '(does not exist)';
    if (ancestors.includes(componentId)) {
      lines.push(`${indent}component ${componentId} ${name} (campos_integracao id=${campoId}): a cycle, not followed`);
      continue;
    }
    lines.push(`${indent}component ${componentId} ${name} (campos_integracao id=${campoId})`);
    if (row) drawComponents(componentId, [...ancestors, componentId], `${indent}  `, lines, references, byId);
  }
}

function list(text: string | null): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
