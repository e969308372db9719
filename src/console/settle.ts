// The console's settle actions (SPEC §8): confirmar with the receiver's values, reenviar, descartar with a
// reason, on one pending record. Every console form ends in `settle()`. Until the record operations
// (`POST /execucoes/{workflowId}/integracoes/{integracaoId}/registros/{key}`) are merged, it answers
// "em breve" and changes nothing; wiring them is this one function's body.
import type { AppConfig } from '../config/types';
import type { CrmPools } from '../crm/pools';
import type { IntegradorClient } from '../temporal/client';
import { messages } from './messages.pt-BR';
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
  | { kind: 'refused'; httpStatus: number; message: string }
  /** Settlement is not available in this build yet: nothing changed. */
  | { kind: 'soon'; message: string };

export async function settle(_deps: SettleDeps, _ask: SettleAsk): Promise<SettleResult> {
  return { kind: 'soon', message: messages.settle.soon };
}
