// The console's configuration page: the validator's report for the base (the same validateDatabase as
// `integrador validate`) and each runnable integration's plan as Mermaid text (the same toMermaid as
// `integrador plan --format mermaid`), both limited to the companies the signed-in token may see.
import type { BaseConfig } from '../config/types';
import type { ConfigIssue } from '../errors';
import { ConfigError, RequestError } from '../errors';
import { componentsByIntegration, toMermaid } from '../graph';
import type { ConfigRows } from '../model/types';
import { validateDatabase } from '../validate';

export interface PlanView {
  id: number;
  nome: string;
  empresaId: number | null;
  mermaid?: string;
  problems?: string[];
}

export interface ConfigView {
  issues: ConfigIssue[];
  checked: number;
  plans: PlanView[];
}

/** The integration an issue is about (through its field for regras and dependencias), when there is one. */
function integrationOf(issue: ConfigIssue, rows: ConfigRows): number | undefined {
  const id = Number(issue.row);
  if (!Number.isSafeInteger(id)) return undefined;
  const campo = (campoId: number) => rows.campos.find((c) => c.id === campoId)?.integracao_id;
  switch (issue.table) {
    case 'integracao':
      return id;
    case 'campos_integracao':
      return campo(id);
    case 'regras':
      return campo(rows.regras.find((r) => r.id === id)?.campos_integracao_id ?? NaN);
    case 'dependencias':
      return campo(rows.dependencias.find((d) => d.id === id)?.campos_integracao_id ?? NaN);
    default:
      return undefined;
  }
}

export async function configView(base: BaseConfig, allowed?: readonly number[]): Promise<ConfigView> {
  const report = await validateDatabase(base);
  const { rows } = report;
  const byId = new Map(rows.integracoes.map((r) => [r.id, r]));
  // a token limited to some companies sees their integrations, components and shared rows (connections)
  const visible = (integracaoId: number | undefined) => {
    if (!allowed || integracaoId === undefined) return true;
    const empresa = byId.get(integracaoId)?.empresa_id ?? null;
    return empresa === null || allowed.includes(empresa);
  };
  const components = componentsByIntegration(rows);
  const plans = report.checked
    .map((id) => byId.get(id)!)
    .filter((row) => visible(row.id))
    .map((row): PlanView => {
      const common = { id: row.id, nome: row.nome, empresaId: row.empresa_id };
      try {
        const empresa = { empresaId: row.empresa_id, empresaFilialId: row.empresa_filial_id };
        return { ...common, mermaid: toMermaid(rows.integracoes, row.id, empresa, components) };
      } catch (err) {
        if (err instanceof ConfigError) return { ...common, problems: err.issues.map((i) => i.message) };
        if (err instanceof RequestError) return { ...common, problems: [err.message] };
        throw err;
      }
    });
  return { issues: report.issues.filter((issue) => visible(integrationOf(issue, rows))), checked: report.checked.filter((id) => visible(id)).length, plans };
}
