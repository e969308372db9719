// A run's result and its ledger records → the JSON answer of SPEC §9 (/integrar, /execucoes, `integrador run`).
import type { RecordView, SettlementView } from '../delivery/ledger';
import type { RunResult } from '../plan/types';

export interface RecordAnswer {
  key: string;
  status: string;
  values: Record<string, unknown>;
  message: string;
  attempts: number;
  /** The settlements a person made of it (confirmar, reenviar, descartar), oldest first; absent when none. */
  settlements?: SettlementView[];
  /** The run (workflow id) that sent it, when this run took that run's outcome (overlapping runs). */
  sentBy?: string;
}

/** One ledger record as the answers show it. */
export function recordAnswer(r: RecordView): RecordAnswer {
  const last = r.liquidacoes?.[r.liquidacoes.length - 1];
  const message =
    r.status === 'descartado' && last
      ? `descartado by ${last.por}: ${last.motivo ?? ''}`
      : (r.erro ?? (r.status === 'gravado' || r.status === 'enviado' ? (r.enviado_por ? `OK: sent by run ${r.enviado_por}` : 'OK') : r.status));
  return {
    key: r.chave,
    status: r.status,
    values: r.valores ?? {},
    message,
    attempts: r.tentativas,
    ...(r.liquidacoes?.length ? { settlements: r.liquidacoes } : {}),
    ...(r.enviado_por ? { sentBy: r.enviado_por } : {}),
  };
}

export function runAnswer(result: RunResult, records: RecordView[]) {
  const byIntegration = new Map<number, RecordAnswer[]>();
  for (const r of records) {
    const list = byIntegration.get(r.integracao_id) ?? [];
    list.push(recordAnswer(r));
    byIntegration.set(r.integracao_id, list);
  }
  return {
    success: result.success,
    message: result.message,
    workflowId: result.workflowId,
    ...(result.issues ? { issues: result.issues } : {}),
    ...(result.parameter ? { parameter: result.parameter } : {}),
    integrations: result.integrations.map((i) => ({ ...i, records: byIntegration.get(i.id) ?? [] })),
  };
}
