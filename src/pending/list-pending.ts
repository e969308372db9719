// The records a person has to look at (SPEC §9 /pendencias): every `incerto` record of the base across
// runs, and the `erro` records of the last days. Read only; the token's companies restrict the rows.
import type { Pool } from 'pg';

export const ERRO_DAYS = 7;
export const DEFAULT_PENDING_LIMIT = 1000;
export const MAX_PENDING_LIMIT = 10_000;

export interface PendingRecord {
  workflowId: string;
  execucaoId: string;
  integration: { id: number; name: string | null };
  empresaId: number | null;
  key: string;
  status: 'incerto' | 'erro';
  error: string | null;
  errorKind: string | null;
  attempts: number;
  /** When the record last changed (envio.atualizado_em), ISO 8601. */
  at: string;
}

export interface PendingQuery {
  /** Only this company (`empresa_id`); null = every company `allowed` lets through. */
  empresaId: number | null;
  /** The token's companies; undefined = every company. */
  allowed?: readonly number[];
  limit?: number;
  /** For tests: the moment "the last 7 days" counts back from. */
  now?: Date;
}

export interface PendingList {
  records: PendingRecord[];
  /** More rows matched than `limit`. */
  truncated: boolean;
}

export async function listPending(pool: Pool, query: PendingQuery): Promise<PendingList> {
  const limit = query.limit ?? DEFAULT_PENDING_LIMIT;
  const res = await pool.query(
    `SELECT e.workflow_id, e.execucao_id, e.integracao_id, i.nome, e.empresa_id, e.chave, e.status, e.erro, e.erro_tipo,
            e.tentativas, e.atualizado_em
       FROM integrador.envio AS e
       LEFT JOIN integrador.integracao AS i ON i.id = e.integracao_id
      WHERE (e.status = 'incerto' OR (e.status = 'erro' AND e.atualizado_em >= $1::timestamptz - make_interval(days => $2)))
        AND ($3::integer IS NULL OR e.empresa_id = $3)
        AND ($4::integer[] IS NULL OR e.empresa_id = ANY ($4))
      ORDER BY e.atualizado_em DESC, e.id DESC
      LIMIT $5`,
    [query.now ?? new Date(), ERRO_DAYS, query.empresaId, query.allowed ? [...query.allowed] : null, limit + 1],
  );
  const rows = res.rows.slice(0, limit);
  return {
    truncated: res.rows.length > limit,
    records: rows.map((r) => ({
      workflowId: r.workflow_id,
      execucaoId: r.execucao_id,
      integration: { id: r.integracao_id, name: r.nome ?? null },
      empresaId: r.empresa_id,
      key: r.chave,
      status: r.status,
      error: r.erro,
      errorKind: r.erro_tipo,
      attempts: r.tentativas,
      at: (r.atualizado_em as Date).toISOString(),
    })),
  };
}
