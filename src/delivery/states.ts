// A record's statuses in the ledger (integrador.envio.status) and every move between them, as data: the
// state diagram of docs/delivery.md. deliverRecord makes only these moves (its unit tests check each one
// against this table), and the pg ledger's compare-and-set statements are these moves. Pure.

export const RECORD_STATUSES = ['pendente', 'enviando', 'enviado', 'gravado', 'erro', 'incerto', 'inalterado', 'descartado'] as const;
// `inalterado` (somente_alterados): the request equals the last one that succeeded, so it was not sent.
// Settlement (a person's confirmar / reenviar / descartar of an `incerto` or `erro` record, src/settlement/)
// is moves of this same table with `by: 'person'`; `descartado` is its final status (CHECK constraint:
// migration 1764900000000_settlement.sql).
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** Where a record error came from: building the request, the receiver, the transport, the write-back, the configuration. */
export type ErrorKind = 'mapeamento' | 'receptor' | 'transporte' | 'gravacao' | 'configuracao';

/** The statuses a settlement may start from, by action (SPEC §8). */
export const SETTLEABLE = {
  confirmar: ['incerto'],
  reenviar: ['incerto', 'erro'],
  descartar: ['incerto'],
} as const satisfies Record<string, readonly RecordStatus[]>;

/** The statuses a chunk's attempt reports as final; `pendente` and `enviando` are left for a retried attempt. */
export type FinalStatus = Extract<RecordStatus, 'gravado' | 'enviado' | 'erro' | 'incerto' | 'inalterado'>;

export interface Transition {
  from: RecordStatus;
  to: RecordStatus;
  /** What makes the move: one row of the diagram. */
  when: string;
  /** Who makes it: a chunk's attempt, or a person settling the record (confirmar, reenviar, descartar). */
  by: 'attempt' | 'person';
}

export const TRANSITIONS = [
  { from: 'pendente', to: 'enviando', when: 'claim, committed before the call', by: 'attempt' },
  { from: 'pendente', to: 'erro', when: 'mapping error: the request cannot be built (nothing sent)', by: 'attempt' },
  { from: 'enviando', to: 'enviando', when: 'claim again after a crash, when the connection is safeToResend', by: 'attempt' },
  { from: 'enviando', to: 'incerto', when: 'found enviando after a crash, not safeToResend', by: 'attempt' },
  { from: 'enviando', to: 'gravado', when: 'answer ok: answer, sql_update and mark in one transaction', by: 'attempt' },
  { from: 'enviando', to: 'enviado', when: 'answer ok, no sql_update (or its transaction failed for a passing reason)', by: 'attempt' },
  { from: 'enviando', to: 'pendente', when: 'not processed (retryable transport), or unknown outcome when safeToResend', by: 'attempt' },
  { from: 'enviando', to: 'erro', when: 'business error, final transport error, configuration error, mapping error', by: 'attempt' },
  { from: 'enviando', to: 'incerto', when: 'unknown outcome (timeout after sending, connection lost)', by: 'attempt' },
  { from: 'enviado', to: 'gravado', when: 'write-back by a retried attempt (never sent again)', by: 'attempt' },
  { from: 'enviado', to: 'erro', when: 'sql_update fails for this record (erro_tipo gravacao)', by: 'attempt' },
  { from: 'pendente', to: 'inalterado', when: 'somente_alterados: same request digest as the last success (nothing sent)', by: 'attempt' },
  // settlement: a person decides what the engine could not; every move is a compare-and-set on the version read
  { from: 'incerto', to: 'gravado', when: 'confirmar: the given values, sql_update and mark in one transaction', by: 'person' },
  { from: 'incerto', to: 'enviado', when: 'confirmar, no sql_update: the given values are kept', by: 'person' },
  { from: 'incerto', to: 'descartado', when: 'descartar, with a reason', by: 'person' },
  { from: 'incerto', to: 'pendente', when: 'reenviar: sent once more (by the settlement, through deliverRecord)', by: 'person' },
  { from: 'erro', to: 'pendente', when: 'reenviar after the data was fixed: the consulta is run again for this key', by: 'person' },
  // overlapping runs (overlap.ts): claimed once the other run is done and recorded in the same statement
  { from: 'enviando', to: 'gravado', when: 'another run sent the same request and ended gravado: taken, nothing sent', by: 'attempt' },
  { from: 'enviando', to: 'enviado', when: 'another run sent the same request and ended enviado (no sql_update): taken', by: 'attempt' },
] as const satisfies readonly Transition[];

export function isAllowed(from: RecordStatus, to: RecordStatus): boolean {
  return TRANSITIONS.some((t) => t.from === from && t.to === to);
}

/** What an attempt does with a record it reads from the ledger, by the record's status. */
export type Pickup = 'send' | 'resend-or-incerto' | 'write-back' | 'report';

export const ON_PICKUP: Readonly<Record<RecordStatus, Pickup>> = {
  pendente: 'send',
  enviando: 'resend-or-incerto',
  enviado: 'write-back',
  gravado: 'report',
  erro: 'report',
  incerto: 'report',
  inalterado: 'report',
  descartado: 'report',
};

/** The table as text, one move a line: what docs/delivery.md shows and a test prints. */
export function transitionsTable(): string {
  return TRANSITIONS.map((t) => `${t.from.padEnd(8)} → ${t.to.padEnd(8)} ${t.when}`).join('\n');
}
