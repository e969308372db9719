// Settlement (SPEC §8): what a person asks for, what the settlement workflow is given, and what it answers.
// Pure: shared by the API, the CLI, the workflow and its activities.
import type { RunKey } from '../delivery/ledger';
import type { RecordStatus } from '../delivery/states';
import type { SetStep } from '../plan/types';
import type { ScopeLayers } from '../templating';

export const SETTLE_ACTIONS = ['confirmar', 'reenviar', 'descartar'] as const;
export type SettleAction = (typeof SETTLE_ACTIONS)[number];

/** Workflow type name of a settlement. */
export const SETTLE_WORKFLOW = 'settleRecord';

/** A record's version as the settlement read it: every move is a compare-and-set on it. */
export interface SettleSeen {
  id: string;
  status: RecordStatus;
  tentativas: number;
  liquidacoes: number;
}

/** The settlement workflow's input: everything its activities need, no secret (connection names only). */
export interface SettleInput {
  base: string;
  run: RunKey;
  chave: string;
  seen: SettleSeen;
  /** This settlement's number for the record (liquidacoes + 1); part of the workflow id. */
  numero: number;
  acao: SettleAction;
  /** confirmar: the captured values (every indice_valor_retorno key). */
  valores?: Record<string, string | number>;
  /** descartar: why. */
  motivo?: string;
  /** Who: the token's nome, or the CLI's user. */
  por: string;
  /** The integration and the run's variables as the run had them (from its history). */
  step: SetStep;
  layers: ScopeLayers;
}

/** How a settlement ended. `refused`: nothing changed (409: the record moved on; 422: cannot be done). */
export type SettleOutcome = { ok: true; status: RecordStatus; message?: string } | { ok: false; code: 409 | 422; message: string; status?: RecordStatus };

/** A settlement the API or the CLI refuses before (or instead of) changing anything: an HTTP status and a message. */
export class SettlementRefused extends Error {
  constructor(
    readonly httpStatus: 400 | 404 | 409 | 422 | 502 | 504,
    message: string,
    readonly parameter?: string,
    readonly recordStatus?: RecordStatus,
    readonly settlementWorkflowId?: string,
  ) {
    super(message);
    this.name = 'SettlementRefused';
  }
}
