// deliverRecord, one test per row of the state diagram (docs/delivery.md, src/delivery/states.ts), against
// an in-memory ledger and a scripted receiver. A crash is a call that never returns: the attempt is
// abandoned where it stands and a new attempt reads the record back from the ledger.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLimiter } from '../../../src/connectors/limiter';
import { CLAIMS_AHEAD_PER_SLOT } from '../../../src/connectors/registry';
import { deliverRecord, UNCERTAIN_AFTER_CRASH, type DeliveryPorts } from '../../../src/delivery/deliver';
import type { LedgerRecord } from '../../../src/delivery/ledger';
import { TRANSITIONS } from '../../../src/delivery/states';
import { ConfigError, RecordError, TransportError, UnknownOutcome } from '../../../src/errors';
import type { SetStep } from '../../../src/plan/types';
import { accepted, FakeLedger, FakeReceiver, g5Step, movesSeen, ports, refused } from './fakes';

const layers = { captured: {}, params: {}, builtins: { base_crm: 'demo' } };
const never = () => new Promise<never>(() => undefined);

function setup(opts: { step?: Partial<SetStep>; ports?: Partial<DeliveryPorts>; script?: ConstructorParameters<typeof FakeReceiver>[0] } = {}) {
  const ledger = new FakeLedger();
  const receiver = new FakeReceiver(opts.script ?? (async () => accepted(7001)));
  const step = g5Step(opts.step);
  const p = ports(ledger, receiver, opts.ports);
  const deliver = (record: LedgerRecord) => deliverRecord(record, { step, layers }, p);
  return { ledger, receiver, step, deliver };
}

describe('deliverRecord: pendente', () => {
  test('pendente → enviando → gravado: answer ok; answer, sql_update and mark in one write-back', async () => {
    const { ledger, receiver, deliver } = setup();
    const record = ledger.add();
    const outcome = await deliver(record);
    assert.deepEqual(outcome, { status: 'gravado', seq: record.seq, values: { codCli: 7001 } });
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→gravado']);
    assert.equal(receiver.calls.length, 1);
    assert.deepEqual(receiver.calls[0], {
      link: '/g5?wsdl',
      operation: 'GravarClientes',
      body: { parameters: { nomCli: 'Cliente 1' } },
      returning: ['codCli'],
    });
    assert.deepEqual(ledger.writtenBack, [record.id]);
    const stored = ledger.read(record.id);
    assert.deepEqual([stored.tentativas, stored.valores, stored.requisicao], [1, { codCli: 7001 }, '{"parameters":{"nomCli":"Cliente 1"}}']);
  });

  test('pendente → enviando → enviado: answer ok, no sql_update', async () => {
    const { ledger, deliver } = setup({ step: { sqlUpdate: null } });
    const record = ledger.add();
    assert.deepEqual(await deliver(record), { status: 'enviado', seq: record.seq, values: { codCli: 7001 } });
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→enviado']);
    assert.deepEqual(ledger.writtenBack, []);
    assert.deepEqual(ledger.read(record.id).resposta, accepted(7001).answer);
  });

  test('pendente → erro: mapping error, the request cannot be built and nothing is sent', async () => {
    const { ledger, receiver, deliver } = setup();
    const record = ledger.add({ linha: { id: 1, nome: null } });
    const outcome = await deliver(record);
    assert.equal(outcome.status, 'erro');
    assert.match(outcome.error!, /field parameters\.nomCli \(campos_integracao id=1\)/);
    assert.deepEqual(ledger.moves, ['pendente→erro']);
    assert.equal(ledger.read(record.id).erro_tipo, 'mapeamento');
    assert.equal(receiver.calls.length, 0);
  });

  test('a mapping failure that is not the record’s fault (a configuration error) fails the attempt, nothing marked', async () => {
    const { ledger, receiver, deliver } = setup({
      step: { fields: [{ id: 2, path: 'parameters.x', source: { kind: 'campo', column: 'nao_existe' }, obrigatorio: false, rules: [] }] },
    });
    const record = ledger.add();
    await assert.rejects(deliver(record), ConfigError);
    assert.deepEqual(ledger.moves, []);
    assert.equal(receiver.calls.length, 0);
  });
});

describe('deliverRecord: enviando, after the call', () => {
  test('enviando → erro: business error in the answer (erro_tipo receptor), the answer and wire text kept', async () => {
    const { ledger, deliver } = setup({ script: async () => refused('CNPJ inválido') });
    const record = ledger.add();
    const outcome = await deliver(record);
    assert.equal(outcome.status, 'erro');
    assert.match(outcome.error!, /CNPJ inválido/);
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→erro']);
    const stored = ledger.read(record.id);
    assert.deepEqual([stored.erro_tipo, stored.resposta, stored.requisicao], ['receptor', refused('CNPJ inválido').answer, '<soap>refused</soap>']);
    assert.deepEqual(ledger.writtenBack, []);
  });

  test('enviando → erro: the receiver refuses the record (RecordError, e.g. a SOAP fault)', async () => {
    const { ledger, deliver } = setup({
      script: async () => {
        throw new RecordError('GravarClientes: SOAP Fault soap:Server: cliente bloqueado');
      },
    });
    const outcome = await deliver(ledger.add());
    assert.deepEqual([outcome.status, outcome.error], ['erro', 'GravarClientes: SOAP Fault soap:Server: cliente bloqueado']);
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→erro']);
    assert.equal(ledger.read('1').erro_tipo, 'receptor');
  });

  test('enviando → erro: a final transport error (erro_tipo transporte), secrets masked', async () => {
    const { ledger, deliver } = setup({
      script: async () => {
        throw new TransportError('HTTP 500 for user:s3cret', false);
      },
    });
    const outcome = await deliver(ledger.add());
    assert.deepEqual([outcome.status, outcome.error], ['erro', 'HTTP 500 for user:***']);
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→erro']);
    assert.equal(ledger.read('1').erro_tipo, 'transporte');
  });

  test('enviando → erro: configuration error found before the call (erro_tipo configuracao); the attempt fails', async () => {
    const { ledger, deliver } = setup({
      script: async () => {
        throw new ConfigError([{ table: 'integracao', row: 19, column: 'porta_ws', message: 'GravarClientes is not in the WSDL' }]);
      },
    });
    await assert.rejects(deliver(ledger.add()), ConfigError);
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→erro']);
    assert.equal(ledger.read('1').erro_tipo, 'configuracao');
  });

  test('enviando → pendente: retryable transport (not processed), left for the retried attempt after Retry-After', async () => {
    const { ledger, receiver, deliver } = setup({
      script: async (_req, call) => {
        if (call === 1) throw new TransportError('HTTP 503 with Retry-After', true, 2_000);
        return accepted(7002);
      },
    });
    const record = ledger.add();
    assert.deepEqual(await deliver(record), { status: 'retry', seq: record.seq, error: 'HTTP 503 with Retry-After', retryAfterMs: 2_000 });
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→pendente']);
    // the retried attempt sends it again and writes it back
    assert.equal((await deliver(ledger.read(record.id))).status, 'gravado');
    assert.equal(receiver.calls.length, 2);
    assert.equal(ledger.read(record.id).tentativas, 2);
  });

  test('enviando → incerto: unknown outcome (timeout after sending), never resent', async () => {
    const { ledger, receiver, deliver } = setup({
      script: async () => {
        throw new UnknownOutcome('timeout after 30000 ms');
      },
    });
    const record = ledger.add();
    const outcome = await deliver(record);
    assert.deepEqual([outcome.status, outcome.error], ['incerto', 'unknown outcome: timeout after 30000 ms']);
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→incerto']);
    // a retried attempt reports it as is
    assert.deepEqual(await deliver(ledger.read(record.id)), { status: 'incerto', seq: record.seq, error: 'unknown outcome: timeout after 30000 ms' });
    assert.equal(receiver.calls.length, 1);
  });

  test('enviando → incerto: an unexpected error during the call is an unknown outcome', async () => {
    const { ledger, deliver } = setup({
      script: async () => {
        throw new Error('socket hang up');
      },
    });
    const outcome = await deliver(ledger.add());
    assert.deepEqual([outcome.status, outcome.error], ['incerto', 'unknown outcome: socket hang up']);
    assert.equal(ledger.read('1').erro_tipo, 'transporte');
  });

  test('enviando → pendente: unknown outcome when the connection is safeToResend', async () => {
    const { ledger, deliver } = setup({
      ports: { safeToResend: true },
      script: async () => {
        throw new UnknownOutcome('connection reset');
      },
    });
    const record = ledger.add();
    assert.deepEqual(await deliver(record), { status: 'retry', seq: record.seq, error: 'connection reset', retryAfterMs: undefined });
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→pendente']);
  });
});

describe('deliverRecord: claims ahead of the connection slot', () => {
  test('a record is claimed when next in line for a slot, one per slot; the ones behind it stay pendente', async () => {
    let release!: () => void;
    const out = new Promise<void>((resolve) => (release = resolve));
    const { ledger, receiver, deliver } = setup({
      ports: { limiter: createLimiter({ concurrency: 1 }), claimAhead: createLimiter({ concurrency: 1 * CLAIMS_AHEAD_PER_SLOT }) },
      script: async (_request, call) => {
        if (call === 1) await out;
        return accepted(7000 + call);
      },
    });
    const records = [ledger.add(), ledger.add(), ledger.add()];
    const outcomes = Promise.all(records.map(deliver));
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    // the first is out, the second claimed and waiting for the slot, the third not claimed
    assert.equal(receiver.calls.length, 1);
    assert.deepEqual(
      records.map((r) => ledger.read(r.id).status),
      ['enviando', 'enviando', 'pendente'],
    );
    release();
    assert.deepEqual(
      (await outcomes).map((o) => o.status),
      ['gravado', 'gravado', 'gravado'],
    );
    assert.equal(receiver.calls.length, 3);
  });
});

describe('deliverRecord: crashes and retried attempts', () => {
  test('enviando after a crash → incerto (not safeToResend): never sent again', async () => {
    const { ledger, receiver, deliver } = setup({ script: never });
    const record = ledger.add();
    void deliver(record); // the worker dies during the call
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(ledger.read(record.id).status, 'enviando');
    const outcome = await deliver(ledger.read(record.id));
    assert.deepEqual(outcome, { status: 'incerto', seq: record.seq, error: UNCERTAIN_AFTER_CRASH });
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→incerto']);
    assert.equal(receiver.calls.length, 1);
    assert.equal(ledger.read(record.id).erro_tipo, 'transporte');
  });

  test('enviando after a crash → resent when the connection is safeToResend, written back once', async () => {
    const { ledger, receiver, deliver } = setup({ ports: { safeToResend: true }, script: async (_req, call) => (call === 1 ? never() : accepted(7003)) });
    const record = ledger.add();
    void deliver(record);
    await new Promise((resolve) => setImmediate(resolve));
    const outcome = await deliver(ledger.read(record.id));
    assert.deepEqual(outcome, { status: 'gravado', seq: record.seq, values: { codCli: 7003 } });
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→enviando', 'enviando→gravado']);
    assert.equal(receiver.calls.length, 2);
    assert.deepEqual(ledger.writtenBack, [record.id]);
  });

  test('enviando after a crash, safeToResend, and the record cannot be mapped → erro', async () => {
    const { ledger, receiver, deliver } = setup({ ports: { safeToResend: true } });
    const record = ledger.add({ status: 'enviando', tentativas: 1, linha: { id: 1, nome: '' } });
    assert.equal((await deliver(record)).status, 'erro');
    assert.deepEqual(ledger.moves, ['enviando→erro']);
    assert.equal(receiver.calls.length, 0);
  });

  test('enviado → gravado: a retried attempt writes back without resending', async () => {
    const { ledger, receiver, deliver } = setup();
    const record = ledger.add({ status: 'enviado', tentativas: 1, valores: { codCli: 7004 }, resposta: accepted(7004).answer });
    assert.deepEqual(await deliver(record), { status: 'gravado', seq: record.seq, values: { codCli: 7004 } });
    assert.deepEqual(ledger.moves, ['enviado→gravado']);
    assert.equal(receiver.calls.length, 0);
    assert.deepEqual(ledger.writtenBack, [record.id]);
  });

  test('enviado without sql_update: reported enviado, nothing sent or written', async () => {
    const { ledger, receiver, deliver } = setup({ step: { sqlUpdate: null } });
    const record = ledger.add({ status: 'enviado', tentativas: 1, valores: { codCli: 7005 } });
    assert.deepEqual(await deliver(record), { status: 'enviado', seq: record.seq, values: { codCli: 7005 } });
    assert.deepEqual([ledger.moves, receiver.calls.length], [[], 0]);
  });

  test('write-back failure for a passing reason: the answer is kept (enviado), the attempt fails; the retried attempt writes back, never resends', async () => {
    const { ledger, receiver, deliver } = setup();
    ledger.failNextWriteBack = Object.assign(new Error('could not serialize access'), { code: '40001' });
    const record = ledger.add();
    await assert.rejects(deliver(record), /could not serialize access/);
    assert.equal(ledger.read(record.id).status, 'enviado');
    assert.deepEqual(ledger.read(record.id).valores, { codCli: 7001 });
    assert.deepEqual(await deliver(ledger.read(record.id)), { status: 'gravado', seq: record.seq, values: { codCli: 7001 } });
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→enviado', 'enviado→gravado']);
    assert.equal(receiver.calls.length, 1);
    assert.deepEqual(ledger.writtenBack, [record.id]);
  });

  test('a crash after the answer, before it was recorded: enviando → incerto, never resent', async () => {
    const { ledger, receiver, deliver } = setup();
    const record = ledger.add();
    const writeBack = ledger.writeBack.bind(ledger);
    ledger.writeBack = never; // the worker dies inside the write-back
    void deliver(record);
    await new Promise((resolve) => setImmediate(resolve));
    ledger.writeBack = writeBack;
    assert.equal((await deliver(ledger.read(record.id))).status, 'incerto');
    assert.deepEqual([receiver.calls.length, ledger.writtenBack], [1, []]);
  });

  test('enviado → erro (gravacao): the sql_update fails for this record, the answer kept', async () => {
    const { ledger, deliver } = setup({ step: { sqlUpdate: 'UPDATE contas SET no_such_column = #codCli# WHERE id = #id#' } });
    const record = ledger.add();
    const outcome = await deliver(record);
    assert.equal(outcome.status, 'erro');
    assert.match(outcome.error!, /^sent, but sql_update failed \(SQL error 42703\)/);
    assert.deepEqual(ledger.moves, ['pendente→enviando', 'enviando→enviado', 'enviado→erro']);
    const stored = ledger.read(record.id);
    assert.deepEqual([stored.erro_tipo, stored.valores], ['gravacao', { codCli: 7001 }]);
  });

  for (const status of ['gravado', 'erro', 'incerto'] as const) {
    test(`${status}: reported as is, nothing sent or changed`, async () => {
      const { ledger, receiver, deliver } = setup();
      const record = ledger.add({ status, tentativas: 1, valores: { codCli: 1 }, erro: status === 'gravado' ? null : 'earlier' });
      const outcome = await deliver(record);
      assert.deepEqual(outcome, status === 'gravado' ? { status, seq: 1, values: { codCli: 1 } } : { status, seq: 1, error: 'earlier' });
      assert.deepEqual([ledger.moves, receiver.calls.length], [[], 0]);
    });
  }
});

describe('deliverRecord: another attempt changed the record (claim lost, changed elsewhere) → retry', () => {
  const changedElsewhere = (id: string) => `ledger record ${id} was changed by another attempt`;

  test('claim lost: another attempt claimed it first, nothing sent', async () => {
    const { ledger, receiver, deliver } = setup();
    const record = ledger.add();
    await ledger.claim(record, '{}'); // the other attempt
    assert.deepEqual(await deliver(record), { status: 'retry', seq: record.seq, error: changedElsewhere(record.id) });
    assert.equal(receiver.calls.length, 0);
  });

  test('the ledger unreachable at the claim: the attempt fails, nothing sent', async () => {
    const { ledger, receiver, deliver } = setup();
    ledger.failNextClaim = new Error('connect ECONNREFUSED');
    await assert.rejects(deliver(ledger.add()), /ECONNREFUSED/);
    assert.deepEqual([ledger.moves, receiver.calls.length], [[], 0]);
  });

  test('changed during the call (a newer attempt marked it incerto): the answer is not recorded over it', async () => {
    const s = setup({
      step: { sqlUpdate: null },
      script: async () => {
        await s.ledger.markFailed(s.ledger.read('1'), 'incerto', { erro: UNCERTAIN_AFTER_CRASH, tipo: 'transporte' });
        return accepted(7006);
      },
    });
    const ledger = s.ledger;
    const record = ledger.add();
    assert.deepEqual(await s.deliver(record), { status: 'retry', seq: record.seq, error: changedElsewhere(record.id) });
    assert.equal(ledger.read(record.id).status, 'incerto');
  });

  test('written back by another attempt while this one held the answer', async () => {
    const s = setup({
      script: async () => {
        // a newer attempt resent it (safeToResend) and wrote it back
        const seen = s.ledger.read('1');
        const attempt = (await s.ledger.claim(seen, '{}')) as number;
        await s.ledger.writeBack({ recordId: '1', attempt, sql: { text: 'UPDATE', values: [] }, answer: { resposta: {}, valores: {} } });
        return accepted(7007);
      },
    });
    const ledger = s.ledger;
    const record = ledger.add();
    assert.deepEqual(await s.deliver(record), { status: 'retry', seq: record.seq, error: changedElsewhere(record.id) });
    assert.deepEqual(ledger.writtenBack, [record.id]);
  });

  test('a business error after another attempt changed the record: left to that attempt', async () => {
    const s = setup({
      script: async () => {
        await s.ledger.markFailed(s.ledger.read('1'), 'incerto', { erro: UNCERTAIN_AFTER_CRASH, tipo: 'transporte' });
        return refused('duplicado');
      },
    });
    const ledger = s.ledger;
    assert.equal((await s.deliver(ledger.add())).status, 'retry');
    assert.equal(ledger.read('1').status, 'incerto');
  });
});

describe('deliverRecord: somente_alterados', () => {
  test('pendente → inalterado: the request digest equals the last success; nothing sent', async () => {
    const ledger = new FakeLedger();
    const receiver = new FakeReceiver(async () => accepted(7001));
    const step = g5Step();
    const p = ports(ledger, receiver);
    const record = ledger.add();
    const digest = 'digest:/g5?wsdl\n{"parameters":{"nomCli":"Cliente 1"}}';
    const outcome = await deliverRecord(record, { step, layers, previous: new Map([[record.chave, digest]]) }, p);
    assert.deepEqual(outcome, { status: 'inalterado', seq: record.seq });
    assert.deepEqual(ledger.moves, ['pendente→inalterado']);
    assert.equal(receiver.calls.length, 0);
  });

  test('a different digest (the record changed) is sent as usual', async () => {
    const ledger = new FakeLedger();
    const receiver = new FakeReceiver(async () => accepted(7001));
    const record = ledger.add();
    const outcome = await deliverRecord(record, { step: g5Step(), layers, previous: new Map([[record.chave, 'other']]) }, ports(ledger, receiver));
    assert.equal(outcome.status, 'gravado');
    assert.equal(receiver.calls.length, 1);
  });
});

describe('deliverRecord: overlapping runs (a record key in flight in another run)', () => {
  const fast = { overlap: { waitLimitMs: 2_000, pollMs: 5, abandonedAfterMs: 60_000 } };
  const row = { id: 1, nome: 'Cliente X' };
  const request = JSON.stringify({ parameters: { nomCli: 'Cliente X' } });
  const later = (ms: number, work: () => Promise<unknown>) => new Promise((r) => setTimeout(() => r(work()), ms));

  /** Run A's record of key 42, claimed (`enviando`) with `requisicao`, and run B's pendente record of the same key. */
  async function overlapping(s: ReturnType<typeof setup>, linhaB: Record<string, unknown> = row) {
    const a = s.ledger.add({ chave: '42', linha: row, workflowId: 'run-a' });
    const attempt = (await s.ledger.claim(a, request)) as number;
    const b = s.ledger.add({ chave: '42', linha: linhaB, workflowId: 'run-b' });
    return { a, attempt, b };
  }

  test('pendente → gravado: the other run sent the same request and wrote it back; taken without sending', async () => {
    const s = setup({ ports: fast });
    const { a, attempt, b } = await overlapping(s);
    const done = later(30, () =>
      s.ledger.writeBack({ recordId: a.id, attempt, sql: { text: 'UPDATE', values: [] }, answer: { resposta: { ok: 1 }, valores: { codCli: 900 } } }),
    );
    const outcome = await s.deliver(b);
    await done;
    assert.deepEqual(outcome, { status: 'gravado', seq: b.seq, values: { codCli: 900 } });
    assert.equal(s.receiver.calls.length, 0, 'run B sent nothing');
    assert.deepEqual(s.ledger.writtenBack, [a.id], 'written back once, by run A');
    const stored = s.ledger.read(b.id);
    assert.equal(stored.enviadoPor, 'run-a');
    assert.deepEqual(stored.valores, { codCli: 900 });
  });

  test('pendente → enviado: the same request ended enviado where there is no sql_update', async () => {
    const s = setup({ ports: fast, step: { sqlUpdate: null } });
    const { a, attempt, b } = await overlapping(s);
    const done = later(30, () => s.ledger.markSent({ id: a.id, attempt }, { resposta: {}, valores: { codCli: 901 } }));
    assert.deepEqual(await s.deliver(b), { status: 'enviado', seq: b.seq, values: { codCli: 901 } });
    await done;
    assert.equal(s.receiver.calls.length, 0);
    assert.equal(s.ledger.read(b.id).enviadoPor, 'run-a');
  });

  test('an enviado holder with a write-back still due is waited for (writing it back here would apply it twice)', async () => {
    const s = setup({ ports: fast });
    const { a, attempt, b } = await overlapping(s);
    // run B is already waiting when run A's answer is kept (enviado) and written back by A's retried attempt
    const sent = later(20, () => s.ledger.markSent({ id: a.id, attempt }, { resposta: {}, valores: { codCli: 902 } }));
    const done = later(60, () => s.ledger.writeBack({ recordId: a.id, attempt, sql: { text: 'UPDATE', values: [] } }));
    assert.equal((await s.deliver(b)).status, 'gravado');
    await Promise.all([sent, done]);
    assert.deepEqual(s.ledger.writtenBack, [a.id]);
    assert.equal(s.receiver.calls.length, 0);
  });

  test('a different request (the CRM row changed between runs) is sent once the other run is done', async () => {
    const s = setup({ ports: fast });
    const { a, attempt, b } = await overlapping(s, { id: 1, nome: 'Cliente X renamed' });
    let holderDone = false;
    const done = later(30, async () => {
      await s.ledger.writeBack({ recordId: a.id, attempt, sql: { text: 'UPDATE', values: [] }, answer: { resposta: {}, valores: { codCli: 903 } } });
      holderDone = true;
    });
    const outcome = await s.deliver(b);
    await done;
    assert.equal(outcome.status, 'gravado');
    assert.equal(s.receiver.calls.length, 1);
    assert.ok(holderDone, 'sent only after run A was done');
    assert.deepEqual(s.receiver.calls[0]!.body, { parameters: { nomCli: 'Cliente X renamed' } });
    assert.equal(s.ledger.read(b.id).enviadoPor, null);
  });

  test('the other run ended incerto (its worker died mid-send): this run sends', async () => {
    const s = setup({ ports: fast });
    const { a, attempt, b } = await overlapping(s);
    const done = later(30, () =>
      s.ledger.markFailed({ id: a.id, status: 'enviando', tentativas: attempt }, 'incerto', { erro: UNCERTAIN_AFTER_CRASH, tipo: 'transporte' }),
    );
    assert.equal((await s.deliver(b)).status, 'gravado');
    await done;
    assert.equal(s.receiver.calls.length, 1);
  });

  test('a holder enviando longer than any live send (its run was terminated) is marked incerto, and this run sends', async () => {
    const s = setup({ ports: fast });
    const { a, b } = await overlapping(s);
    s.ledger.idleMs = 61_000;
    assert.equal((await s.deliver(b)).status, 'gravado');
    assert.equal(s.ledger.read(a.id).status, 'incerto');
    assert.match(s.ledger.read(a.id).erro!, /its run stopped while sending/);
    assert.equal(s.receiver.calls.length, 1);
  });

  test('still in flight at the wait limit: left to the retried attempt, nothing sent', async () => {
    const s = setup({ ports: { overlap: { waitLimitMs: 30, pollMs: 5, abandonedAfterMs: 60_000 } } });
    const { b } = await overlapping(s);
    const outcome = await s.deliver(b);
    assert.equal(outcome.status, 'retry');
    assert.match((outcome as { error: string }).error, /still in flight in another run/);
    assert.equal(s.ledger.read(b.id).status, 'pendente');
    assert.equal(s.receiver.calls.length, 0);
  });
});

test('every move of the TRANSITIONS table is made by some test above', () => {
  // settlement's moves (by a person) are made by src/settlement/, tested in test/integration/settlement.test.ts
  const table = TRANSITIONS.filter((t) => t.by === 'attempt').map((t) => `${t.from}→${t.to}`);
  assert.deepEqual(
    table.filter((move) => !movesSeen.has(move)),
    [],
  );
  assert.deepEqual(
    [...movesSeen].filter((move) => !table.includes(move)),
    [],
  );
});
