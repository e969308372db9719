// The console's settle actions: confirmar with the receiver's values, reenviar, descartar with a reason, on
// one pending record. Every console form ends in `settle()`, which runs the same settlement as
// `POST /execucoes/{workflowId}/integracoes/{integracaoId}/registros/{key}` (src/settlement): a workflow of
// its own, audited with the token's `nome`.
import type { AppConfig } from '../config/types';
import type { CrmPools } from '../crm/pools';
import { settleRecord } from '../settlement/settle';
import { SettlementRefused } from '../settlement/types';
import type { IntegradorClient } from '../temporal/client';
import { PageError } from './page';
import { runOf } from './run-of';
import type { Operator } from './session';

export const SETTLE_ACTIONS = ['confirmar', 'reenviar', 'descartar'] as const;
export type SettleAction = (typeof SETTLE_ACTIONS)[number];

/** The actions each pending status allows (SPEC §8: an `erro` record can only be sent again). */
export const ACTIONS_OF: Record<'incerto' | 'erro', readonly SettleAction[]> = {
  incerto: ['confirmar', 'reenviar', 'descartar'],
  erro: ['reenviar'],
};

export interface SettleDeps {
  config: AppConfig;
  client: IntegradorClient;
  crm: CrmPools;
}

/** What the operator asked, after the console checked the form and that the record is theirs to see. */
export interface SettleAsk {
  operator: Operator;
  workflowId: string;
  integracaoId: number;
  key: string;
  acao: SettleAction;
  /** confirmar: one value per indice_valor_retorno key. */
  valores?: Record<string, string>;
  /** descartar: why. */
  motivo?: string;
}

export type SettleResult =
  /** The record was settled; `status` is its new ledger status. */
  | { kind: 'done'; status: string; message: string }
  /** Refused, nothing changed (the record moved on, a value is missing, ...). */
  | { kind: 'refused'; httpStatus: number; message: string };

export async function settle(deps: SettleDeps, ask: SettleAsk): Promise<SettleResult> {
  const { operator } = ask;
  try {
    const run = await runOf(deps.client, operator, ask.workflowId);
    const done = await settleRecord(
      { config: deps.config, client: deps.client, pool: deps.crm.pool(operator.base) },
      { base: operator.base, workflowId: ask.workflowId, integracaoId: ask.integracaoId, chave: ask.key, ...run },
      { acao: ask.acao, ...(ask.valores ? { valores: ask.valores } : {}), ...(ask.motivo ? { motivo: ask.motivo } : {}) },
      operator.nome,
      deps.config.api.waitLimitMs,
    );
    if (!done.ok) return { kind: 'refused', httpStatus: done.code, message: done.message };
    return { kind: 'done', status: done.status, message: done.message ?? '' };
  } catch (err) {
    if (err instanceof SettlementRefused) return { kind: 'refused', httpStatus: err.httpStatus, message: err.message };
    if (err instanceof PageError) return { kind: 'refused', httpStatus: err.statusCode, message: err.message };
    throw err;
  }
}
