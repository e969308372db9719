// The delivery ledger as a port: what the activities and deliverRecord need from integrador.envio (SPEC §8),
// the proof that nothing was sent twice or lost. ledger-pg.ts is the PostgreSQL implementation; the unit
// tests use an in-memory one. Every change is a compare-and-set on the version an attempt read, so two
// attempts of one chunk (a zombie worker and its replacement) never both send a record, and a late attempt
// never overwrites what a newer one decided: a method answers false (or null) when it lost that race. Pure.
import type { BoundSql } from '../templating';
import type { ErrorKind, RecordStatus } from './states';

export interface RunKey {
  workflowId: string;
  execucaoId: string;
  integracaoId: number;
}

export interface NewRecord {
  chave: string;
  seq: number;
  /** The chunk (one sendRecords activity) the record belongs to. */
  chunk: number;
  linha: Record<string, unknown>;
}

export interface LedgerRecord {
  id: string;
  chave: string;
  seq: number;
  status: RecordStatus;
  linha: Record<string, unknown>;
  resposta: unknown;
  valores: Record<string, unknown> | null;
  erro: string | null;
  erro_tipo: ErrorKind | null;
  tentativas: number;
}

/** A record as the API and the CLI show it. */
export interface RecordView {
  integracao_id: number;
  chave: string;
  status: RecordStatus;
  valores: Record<string, unknown> | null;
  erro: string | null;
  erro_tipo: ErrorKind | null;
  tentativas: number;
  atualizado_em: Date;
  /** The run (workflow id) that sent it, when this run took that run's outcome without sending (overlapping runs). */
  enviado_por?: string | null;
  /** The settlements a person made of this record, oldest first; null when none. */
  liquidacoes?: SettlementView[] | null;
}

/** One settlement as the API and the CLI show it (integrador.liquidacao). */
export interface SettlementView {
  numero: number;
  acao: 'confirmar' | 'reenviar' | 'descartar';
  por: string;
  em: string;
  valores: Record<string, unknown> | null;
  motivo: string | null;
  status_anterior: RecordStatus;
  /** How it ended; null while a resend is under way. */
  status_final: RecordStatus | null;
  workflow_id: string;
}

/** A record's version as an attempt read it: every change is conditional on it. */
export type Seen = Pick<LedgerRecord, 'id' | 'status' | 'tentativas'>;

/** A record this attempt claimed (`enviando`, with the attempt number the claim gave it). */
export interface Claim {
  id: string;
  attempt: number;
}

/** The claim found the record key in flight in another run (overlapping runs): `heldBy`, that run's ledger record id. */
export interface Held {
  heldBy: string;
}

/** The attempt number that owns the send; null when another attempt moved the record on; Held when another run is sending the key. */
export type ClaimResult = number | null | Held;

/** Another run's record of the same key, as a waiting run reads it (overlap.ts). */
export interface HolderView {
  id: string;
  workflowId: string;
  status: RecordStatus;
  requisicao: string | null;
  resposta: unknown;
  valores: Record<string, unknown> | null;
  tentativas: number;
  /** How long ago the record last changed (for `enviando`: since it was claimed). */
  idleMs: number;
}

/** The receiver's answer and the values captured from it. `sent`: the wire text, when it should replace the mapped request. */
export interface Answer {
  resposta: unknown;
  valores: Record<string, unknown>;
  sent?: string;
}

export interface Failure {
  erro: string;
  tipo: ErrorKind;
  resposta?: unknown;
  requisicao?: string;
  sent?: string;
}

export interface WriteBack {
  recordId: string;
  /** The attempt number that claimed the record (unchanged once it is `enviado`). */
  attempt: number;
  /** The integration's sql_update, bound for this record. */
  sql: BoundSql;
  /** The answer that just arrived, for a record still `enviando`; absent for a record already `enviado`. */
  answer?: Omit<Answer, 'sent'>;
  /** Settlement (confirmar): the record is in this status, and `answer` holds the values a person gave. */
  from?: 'incerto';
}

/** `already`: another attempt had written it back. Not ok: the SQL fails for this record (a configuration problem). */
export type WriteBackResult = { ok: true; already: boolean } | { ok: false; error: string };

export interface Ledger {
  /** Stores a query's rows as `pendente`, with the run's company (for /pendencias); a retried activity inserts nothing twice. */
  insert(run: RunKey, records: NewRecord[], empresaId: number | null): Promise<void>;
  /** How many records a step has and in how many chunks (0..chunks-1, in `seq` order). */
  count(run: RunKey): Promise<{ total: number; chunks: number }>;
  /** One chunk's records, in `seq` order. */
  chunkRecords(run: RunKey, chunk: number): Promise<LedgerRecord[]>;
  /**
   * pendente (or enviando after a crash) → enviando before the call, committed before anything is sent.
   * The attempt number that owns the send, or null when another attempt moved the record on. Refused
   * (Held) while another run's record of the same key is `enviando`: a key is in flight in one run at a time.
   */
  claim(seen: Seen, requisicao: string, digest?: string): Promise<ClaimResult>;
  /** Another run's record (Held.heldBy), as it is now. */
  holder(id: string): Promise<HolderView>;
  /**
   * pendente → (enviando →) gravado/enviado in one statement, without sending: `holder` sent the same request and ended so; its answer and
   * values are copied and `enviado_por` names its run. False when another attempt moved `seen` on.
   */
  takeOver(seen: Seen, holder: HolderView, status: 'gravado' | 'enviado', requisicao: string): Promise<boolean>;
  /** enviando → incerto for another run's record abandoned mid-send (its run stopped); false when it moved on. */
  abandon(holder: HolderView, erro: string): Promise<boolean>;
  /** enviando → pendente: the request cannot have been processed, so it may be sent again. */
  markPending(claim: Claim): Promise<boolean>;
  /** enviando → enviado: the answer is kept, so a retried attempt writes back without resending. */
  markSent(claim: Claim, answer: Answer): Promise<boolean>;
  /** `seen` → erro or incerto. */
  markFailed(seen: Seen, status: 'erro' | 'incerto', failure: Failure): Promise<boolean>;
  /**
   * The sql_update and enviando/enviado → gravado in one transaction. On a passing failure it keeps the
   * answer (`enviado`) and throws; when the SQL fails for this record it marks it `erro` (gravacao).
   */
  writeBack(w: WriteBack): Promise<WriteBackResult>;
  /**
   * somente_alterados: the digest of the last request that ended gravado or enviado, per record key of
   * `chaves`, in any run of this integration (keys never sent successfully are absent).
   */
  lastDigests(integracaoId: number, chaves: string[]): Promise<Map<string, string>>;
  /** pendente → inalterado: the request equals the last one that succeeded; nothing is sent. */
  markUnchanged(seen: Seen, digest: string, requisicao: string): Promise<boolean>;
}

/** The ledger of each base (each CRM database holds its own integrador.envio). */
export interface Ledgers {
  get(base: string): Ledger;
}
