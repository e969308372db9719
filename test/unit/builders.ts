// Row builders with defaults, so a test states only the columns it is about.
import type { CampoRow, ConexaoRow, ConfigRows, DependenciaRow, IntegracaoRow, RegraRow } from '../../src/model/types';

export function integracao(overrides: Partial<IntegracaoRow> & { id: number }): IntegracaoRow {
  return {
    nome: `SET-${overrides.id}`,
    tipo_servico: 'SET',
    empresa_id: null,
    empresa_filial_id: null,
    link: '/servico?wsdl',
    tabela: 'contas',
    consulta: JSON.stringify({ consulta: 'SELECT * FROM contas WHERE id = #contaId#' }),
    conexao_integracao_id: 1,
    porta_ws: 'Gravar',
    indice_array_retorno: null,
    indice_valor_retorno: null,
    indice_erro_retorno: null,
    sql_update: null,
    dependente: null,
    depende_de: null,
    parametros_obrigatorios: null,
    ...overrides,
  };
}

/** A component integration (link = componente) with its own query. */
export function componente(id: number, sql: string, overrides: Partial<IntegracaoRow> = {}): IntegracaoRow {
  return integracao({
    id,
    nome: `COMP-${id}`,
    link: 'componente',
    conexao_integracao_id: null,
    porta_ws: null,
    consulta: JSON.stringify({ consulta: sql }),
    ...overrides,
  });
}

let nextCampoId = 1000;

/** `campoCrm` may be an object (serialized) or raw text (for malformed-JSON cases). */
export function campo(overrides: Partial<Omit<CampoRow, 'campo_crm'>> & { campoCrm?: Record<string, unknown> | string } = {}): CampoRow {
  const { campoCrm = { campo: 'nome' }, ...rest } = overrides;
  return {
    id: nextCampoId++,
    integracao_id: 1,
    campo_integracao: 'parameters.nome',
    campo_crm: typeof campoCrm === 'string' ? campoCrm : JSON.stringify(campoCrm),
    ...rest,
  };
}

let nextRegraId = 5000;

export function regra(overrides: Partial<RegraRow> & { campos_integracao_id: number; tipo: string }): RegraRow {
  return { id: nextRegraId++, parametro: null, ...overrides };
}

let nextDependenciaId = 8000;

export function dependencia(overrides: Partial<DependenciaRow> & { campos_integracao_id: number; sql?: string }): DependenciaRow {
  const { sql = 'SELECT codigo FROM cidades WHERE id = #cidade_id#', ...rest } = overrides;
  return { id: nextDependenciaId++, consulta: JSON.stringify({ consulta: sql }), obrigatoria: false, ...rest };
}

export function conexao(overrides: Partial<ConexaoRow> = {}): ConexaoRow {
  return { id: 1, tipo_conexao: 'WS', nome_conexao: 'g5', ...overrides };
}

export function configRows(rows: Partial<ConfigRows> = {}): ConfigRows {
  return { conexoes: [conexao()], integracoes: [], campos: [], regras: [], dependencias: [], ...rows };
}
