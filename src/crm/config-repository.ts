// Reads the configuration tables of one base (schema integrador).
import type { Pool } from 'pg';
import type { ConfigRows } from '../model/types';

export async function readConfigRows(pool: Pool): Promise<ConfigRows> {
  const [conexoes, integracoes, campos, regras, dependencias] = await Promise.all([
    pool.query('SELECT id, tipo_conexao, nome_conexao FROM integrador.conexao_integracao ORDER BY id'),
    pool.query(
      `SELECT id, nome, tipo_servico, empresa_id, empresa_filial_id, link, tabela, consulta, conexao_integracao_id,
              porta_ws, indice_array_retorno, indice_valor_retorno, indice_erro_retorno, sql_update,
              dependente, depende_de, parametros_obrigatorios, lote_envio, caminho_lote, chave_retorno, somente_alterados
         FROM integrador.integracao ORDER BY id`,
    ),
    pool.query('SELECT id, integracao_id, campo_integracao, campo_crm FROM integrador.campos_integracao ORDER BY id'),
    pool.query('SELECT id, campos_integracao_id, tipo, parametro FROM integrador.regras ORDER BY id'),
    pool.query('SELECT id, campos_integracao_id, consulta, obrigatoria FROM integrador.dependencias ORDER BY id'),
  ]);
  return {
    conexoes: conexoes.rows,
    integracoes: integracoes.rows,
    campos: campos.rows,
    regras: regras.rows,
    dependencias: dependencias.rows,
  };
}
