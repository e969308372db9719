// Seeds broken configuration rows next to the demo's: each case copies integration 19 (with its fields and
// rules) under a new id and breaks one thing, so cases never disturb each other or the seed.
import type { Pool } from 'pg';

const COLUMNS = [
  'nome',
  'tipo_servico',
  'empresa_id',
  'empresa_filial_id',
  'link',
  'tabela',
  'consulta',
  'conexao_integracao_id',
  'porta_ws',
  'indice_array_retorno',
  'indice_valor_retorno',
  'indice_erro_retorno',
  'sql_update',
  'dependente',
  'depende_de',
  'parametros_obrigatorios',
] as const;

export type IntegracaoOverrides = Partial<Record<(typeof COLUMNS)[number], string | number | null>>;

/** Field ids of a copy: 101 → id*100+1 (so 118, the component field, becomes id*100+18). */
export const campoId = (integracaoId: number, seedCampoId: number) => integracaoId * 100 + (seedCampoId % 100);

/** Copies integration 19 as `id` with `overrides`; its campos and regras are copied with new ids. */
export async function copyOf19(crm: Pool, id: number, overrides: IntegracaoOverrides = {}): Promise<void> {
  const list = COLUMNS.join(', ');
  await crm.query(`INSERT INTO integrador.integracao (id, ${list}) SELECT $1, ${list} FROM integrador.integracao WHERE id = 19`, [id]);
  await crm.query(`UPDATE integrador.integracao SET nome = $2 WHERE id = $1`, [id, `ATK-${id}`]);
  for (const [column, value] of Object.entries(overrides)) {
    if (!(COLUMNS as readonly string[]).includes(column)) throw new Error(`not a column: ${column}`);
    await crm.query(`UPDATE integrador.integracao SET ${column} = $2 WHERE id = $1`, [id, value]);
  }
  await crm.query(
    `INSERT INTO integrador.campos_integracao (id, integracao_id, campo_integracao, campo_crm)
     SELECT $1::int * 100 + id % 100, $1, campo_integracao, campo_crm FROM integrador.campos_integracao WHERE integracao_id = 19`,
    [id],
  );
  await crm.query(
    `INSERT INTO integrador.regras (id, campos_integracao_id, tipo, parametro)
     SELECT $1::int * 10 + r.id, $1::int * 100 + r.campos_integracao_id % 100, r.tipo, r.parametro
       FROM integrador.regras r JOIN integrador.campos_integracao c ON c.id = r.campos_integracao_id WHERE c.integracao_id = 19`,
    [id],
  );
}

export async function setCampoCrm(crm: Pool, id: number, campoCrm: string): Promise<void> {
  const res = await crm.query('UPDATE integrador.campos_integracao SET campo_crm = $2 WHERE id = $1', [id, campoCrm]);
  if (res.rowCount !== 1) throw new Error(`no campos_integracao ${id}`);
}
