// In-memory stand-ins for deliverRecord's ports: a Ledger with the pg ledger's compare-and-set rules, and a
// scripted receiver. Every status change the fake ledger makes is checked against the TRANSITIONS table.
import assert from 'node:assert/strict';
import { parseAnswerRules } from '../../../src/answer';
import type { SendRequest, SendResult } from '../../../src/connectors/types';
import type { DeliveryPorts } from '../../../src/delivery/deliver';
import type { Answer, Claim, ClaimResult, Failure, HolderView, Ledger, LedgerRecord, Seen, WriteBack, WriteBackResult } from '../../../src/delivery/ledger';
import { isAllowed, type RecordStatus } from '../../../src/delivery/states';
import type { SetStep } from '../../../src/plan/types';

/** Every move any fake ledger made in this process, `from→to`: the table's coverage. */
export const movesSeen = new Set<string>();

type Stored = LedgerRecord & { requisicao: string | null; workflowId: string; enviadoPor: string | null };

export class FakeLedger implements Omit<Ledger, 'insert' | 'count' | 'chunkRecords'> {
  readonly records = new Map<string, Stored>();
  readonly moves: string[] = [];
  /** sql_updates committed, by record id. */
  readonly writtenBack: string[] = [];
  /** The next write-back transaction fails with this (a passing failure: connection, serialization). */
  failNextWriteBack: Error | undefined;
  /** The next claim fails with this (the ledger is unreachable). */
  failNextClaim: Error | undefined;
  private nextId = 1;
  /** What holder() says about how long a record has not changed. */
  idleMs = 0;

  add(fields: Partial<Stored> = {}): LedgerRecord {
    const id = String(this.nextId++);
    const record: Stored = {
      id,
      chave: id,
      seq: Number(id),
      status: 'pendente',
      linha: { id: Number(id), nome: `Cliente ${id}` },
      resposta: null,
      valores: null,
      erro: null,
      erro_tipo: null,
      tentativas: 0,
      requisicao: null,
      workflowId: 'run-a',
      enviadoPor: null,
      ...fields,
    };
    this.records.set(id, record);
    return this.read(id);
  }

  /** The record as a new attempt reads it from the ledger. */
  read(id: string): Stored {
    return structuredClone(this.records.get(id)!);
  }

  private move(r: Stored, to: RecordStatus): void {
    assert.ok(isAllowed(r.status, to), `${r.status} → ${to} is not in TRANSITIONS`);
    this.moves.push(`${r.status}→${to}`);
    movesSeen.add(`${r.status}→${to}`);
    r.status = to;
  }

  private at(seen: Seen): Stored | undefined {
    const r = this.records.get(seen.id)!;
    return r.status === seen.status && r.tentativas === seen.tentativas ? r : undefined;
  }

  async claim(seen: Seen, requisicao: string): Promise<ClaimResult> {
    if (this.failNextClaim) {
      const err = this.failNextClaim;
      this.failNextClaim = undefined;
      throw err;
    }
    const r = this.at(seen);
    if (!r || (r.status !== 'pendente' && r.status !== 'enviando')) return null;
    const other = [...this.records.values()].find((o) => o.id !== r.id && o.chave === r.chave && o.status === 'enviando');
    if (other) return { heldBy: other.id };
    this.move(r, 'enviando');
    r.tentativas++;
    r.requisicao = requisicao;
    return r.tentativas;
  }

  /** somente_alterados: the last successful digest per key, as a test sets it. */
  readonly digests = new Map<string, string>();

  async lastDigests(_integracaoId: number, chaves: string[]): Promise<Map<string, string>> {
    return new Map(chaves.filter((k) => this.digests.has(k)).map((k) => [k, this.digests.get(k)!]));
  }

  async markUnchanged(seen: Seen, _digest: string, requisicao: string): Promise<boolean> {
    const r = this.at(seen);
    if (!r || r.status !== 'pendente') return false;
    this.move(r, 'inalterado');
    r.requisicao = requisicao;
    return true;
  }

  async holder(id: string): Promise<HolderView> {
    const r = this.read(id);
    return {
      id,
      workflowId: r.workflowId,
      status: r.status,
      requisicao: r.requisicao,
      resposta: r.resposta,
      valores: r.valores,
      tentativas: r.tentativas,
      idleMs: this.idleMs,
    };
  }

  async takeOver(seen: Seen, holder: HolderView, status: 'gravado' | 'enviado', requisicao: string): Promise<boolean> {
    const r = this.at(seen);
    if (!r || r.status !== 'pendente') return false;
    // claimed and recorded in one statement: the key is free once the other run is done
    this.move(r, 'enviando');
    r.tentativas++;
    this.move(r, status);
    Object.assign(r, { requisicao, resposta: holder.resposta, valores: holder.valores, enviadoPor: holder.workflowId, erro: null, erro_tipo: null });
    return true;
  }

  async abandon(holder: HolderView, erro: string): Promise<boolean> {
    return this.markFailed({ id: holder.id, status: 'enviando', tentativas: holder.tentativas }, 'incerto', { erro, tipo: 'transporte' });
  }

  async markPending(claim: Claim): Promise<boolean> {
    const r = this.at({ id: claim.id, status: 'enviando', tentativas: claim.attempt });
    if (!r) return false;
    this.move(r, 'pendente');
    return true;
  }

  async markSent(claim: Claim, answer: Answer): Promise<boolean> {
    const r = this.at({ id: claim.id, status: 'enviando', tentativas: claim.attempt });
    if (!r) return false;
    this.move(r, 'enviado');
    Object.assign(r, { resposta: answer.resposta, valores: answer.valores, erro: null, erro_tipo: null });
    if (answer.sent) r.requisicao = answer.sent;
    return true;
  }

  async markFailed(seen: Seen, status: 'erro' | 'incerto', failure: Failure): Promise<boolean> {
    const r = this.at(seen);
    if (!r) return false;
    this.move(r, status);
    Object.assign(r, { erro: failure.erro, erro_tipo: failure.tipo });
    if (failure.resposta !== undefined) r.resposta = failure.resposta;
    r.requisicao = failure.sent ?? failure.requisicao ?? r.requisicao;
    return true;
  }

  async writeBack(w: WriteBack): Promise<WriteBackResult> {
    const claim = { id: w.recordId, attempt: w.attempt };
    if (this.failNextWriteBack) {
      const err = this.failNextWriteBack;
      this.failNextWriteBack = undefined;
      if (w.answer) await this.markSent(claim, w.answer);
      throw err;
    }
    if (w.sql.text.includes('no_such_column')) {
      const error = 'sent, but sql_update failed (SQL error 42703): column "no_such_column" does not exist';
      if (w.answer) await this.markSent(claim, w.answer);
      await this.markFailed({ id: w.recordId, status: 'enviado', tentativas: w.attempt }, 'erro', { erro: error, tipo: 'gravacao' });
      return { ok: false, error };
    }
    const r = this.at({ id: w.recordId, status: w.answer ? 'enviando' : 'enviado', tentativas: w.attempt });
    if (!r) return { ok: true, already: true };
    this.move(r, 'gravado');
    if (w.answer) Object.assign(r, { resposta: w.answer.resposta, valores: w.answer.valores });
    this.writtenBack.push(w.recordId);
    return { ok: true, already: false };
  }
}

/** A receiver whose answers a test scripts, one function per call; it records every request. */
export class FakeReceiver {
  readonly calls: SendRequest[] = [];
  constructor(private readonly script: (request: SendRequest, call: number) => Promise<SendResult>) {}
  async send(request: SendRequest): Promise<SendResult> {
    this.calls.push(request);
    return this.script(request, this.calls.length);
  }
}

/** G5's answer shape: one item, accepted with a customer code or refused with a message. */
export const accepted = (codCli: number): SendResult => ({ answer: { retornosClientes: [{ codCli, mensagemErro: '' }] }, sent: '<soap>ok</soap>' });
export const refused = (mensagemErro: string): SendResult => ({ answer: { retornosClientes: [{ codCli: null, mensagemErro }] }, sent: '<soap>refused</soap>' });

export function g5Step(overrides: Partial<SetStep> = {}): SetStep {
  return {
    kind: 'set',
    id: 19,
    nome: 'Clientes',
    tabela: 'contas',
    connection: { name: 'g5', type: 'WS' },
    link: '/g5?wsdl',
    operation: 'GravarClientes',
    consulta: 'SELECT id, nome FROM contas',
    fields: [{ id: 1, path: 'parameters.nomCli', source: { kind: 'campo', column: 'nome' }, obrigatorio: true, rules: [] }],
    components: {},
    answer: parseAnswerRules({ arrayKey: 'retornosClientes', errorKeys: 'mensagemErro', valueKeys: 'codCli' }).rules,
    sqlUpdate: 'UPDATE contas SET cod_g5 = #codCli# WHERE id = #id#',
    ...overrides,
  };
}

export function ports(ledger: FakeLedger, receiver: FakeReceiver, overrides: Partial<DeliveryPorts> = {}): DeliveryPorts {
  return {
    ledger,
    receiver,
    limiter: { run: (task) => task() },
    claimAhead: { run: (task) => task() },
    safeToResend: false,
    lookups: { query: async () => [] },
    mask: (text) => text.split('s3cret').join('***'),
    digest: (text) => `digest:${text}`,
    ...overrides,
  };
}
