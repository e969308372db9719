// Batches (src/delivery/batch.ts): splitting a record's request, planning a call, matching the answer's
// feedback items to records; then prepareBatch/deliverCall against the in-memory ledger, one record's
// moves each.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAnswerRules } from '../../../src/answer';
import { callBody, matchFeedback, planCall, splitRequest } from '../../../src/delivery/batch';
import { deliverCall, PREPARE_SLICE, prepareBatch } from '../../../src/delivery/deliver';
import { ConfigError, UnknownOutcome } from '../../../src/errors';
import type { SetStep } from '../../../src/plan/types';
import { FakeLedger, FakeReceiver, g5Step, ports } from './fakes';

const G5 = 'parameters.dadosGeraisCliente';
const rules = parseAnswerRules({ arrayKey: 'retornosClientes', errorKeys: 'retorno!=OK,erroExecucao', valueKeys: 'codCli' }).rules;
const layers = { captured: {}, params: {}, builtins: { base_crm: 'demo' } };

describe('splitRequest and callBody', () => {
  test('the element under caminho_lote, the rest outside; emptied parents dropped', () => {
    const part = splitRequest({ parameters: { sigInt: 'CRM', dadosGeraisCliente: { nomCli: 'A', ideExt: 1 } } }, G5);
    assert.deepEqual(part, { element: { nomCli: 'A', ideExt: 1 }, outside: { parameters: { sigInt: 'CRM' } } });
    assert.deepEqual(splitRequest({ parameters: { dadosGeraisCliente: { nomCli: 'A' } } }, G5).outside, {});
  });

  test("'' (API body is the array, DB rows): the whole request is the element", () => {
    assert.deepEqual(splitRequest({ nome: 'A' }, ''), { element: { nome: 'A' }, outside: {} });
    assert.deepEqual(callBody({}, [{ nome: 'A' }, { nome: 'B' }], ''), [{ nome: 'A' }, { nome: 'B' }]);
  });

  test('the elements become the array at caminho_lote, next to the shared fields', () => {
    assert.deepEqual(callBody({ parameters: { sigInt: 'CRM' } }, [{ ideExt: 1 }, { ideExt: 2 }], G5), {
      parameters: { sigInt: 'CRM', dadosGeraisCliente: [{ ideExt: 1 }, { ideExt: 2 }] },
    });
  });
});

describe('planCall', () => {
  test('a record whose fields outside caminho_lote differ is set apart, naming the field', () => {
    const parts = [{ sigInt: 'CRM' }, { sigInt: 'CRM' }, { sigInt: 'OUTRO' }].map((p, i) =>
      splitRequest({ parameters: { ...p, dadosGeraisCliente: { ideExt: i } } }, G5),
    );
    const plan = planCall(parts, G5);
    assert.deepEqual(plan.members, [0, 1]);
    assert.equal(plan.odd.length, 1);
    assert.equal(plan.odd[0]!.index, 2);
    assert.match(plan.odd[0]!.message, /field parameters\.sigInt is outside caminho_lote parameters\.dadosGeraisCliente and differs/);
  });

  test('key order does not make requests differ; the majority wins over the first record', () => {
    const parts = [
      { b: 2, a: 1 },
      { a: 1, b: 3 },
      { a: 1, b: 3 },
    ].map((o) => ({ element: {}, outside: o }));
    assert.deepEqual(planCall(parts, G5).members, [1, 2]);
    assert.deepEqual(
      planCall(
        [
          { element: {}, outside: { a: 1, b: 2 } },
          { element: {}, outside: { b: 2, a: 1 } },
        ],
        G5,
      ).members,
      [0, 1],
    );
  });
});

describe('matchFeedback', () => {
  const elements = [{ ideExt: 1 }, { ideExt: 2 }, { ideExt: 3 }];
  const item = (ideExt: number, retorno = 'OK', codCli: number | null = 1000 + ideExt) => ({ codCli, ideExt, retorno });
  const answer = (items: unknown[], extra = {}) => ({ result: { tipoRetorno: 1, erroExecucao: '', retornosClientes: items, ...extra } });

  test('by position: one item each, a refusal fails only its record', () => {
    const out = matchFeedback(answer([item(1), item(2, 'CNPJ/CPF inválido: 1', null), item(3)]), rules, elements, { key: null });
    assert.deepEqual(
      out.map((o) => (o.kind === 'item' ? (o.ok ? o.values : o.message) : o.kind)),
      [{ codCli: 1001 }, 'CNPJ/CPF inválido: 1', { codCli: 1003 }],
    );
  });

  test('by chave_retorno: a reordered answer still reaches each record', () => {
    const out = matchFeedback(answer([item(3), item(1), item(2)]), rules, elements, { key: 'ideExt' });
    assert.deepEqual(
      out.map((o) => o.kind === 'item' && o.ok && o.values),
      [{ codCli: 1001 }, { codCli: 1002 }, { codCli: 1003 }],
    );
    // G5 echoes ideExt as text: '2' matches 2
    const text = matchFeedback(answer([{ codCli: 9, ideExt: '2', retorno: 'OK' }]), rules, [{ ideExt: 2 }], { key: 'ideExt' });
    assert.deepEqual(text[0], { kind: 'item', ok: true, values: { codCli: 9 }, item: { codCli: 9, ideExt: '2', retorno: 'OK' } });
  });

  test('a count mismatch without chave_retorno: every record of the call unmatched', () => {
    const out = matchFeedback(answer([item(1), item(2)]), rules, elements, { key: null });
    assert.ok(out.every((o) => o.kind === 'unmatched'));
    assert.match((out[0] as { message: string }).message, /2 feedback item\(s\) for the 3 records/);
  });

  test('with chave_retorno only the record without an item is unmatched; an unknown item is ignored', () => {
    const out = matchFeedback(answer([item(1), item(3), item(99)]), rules, elements, { key: 'ideExt' });
    assert.deepEqual(
      out.map((o) => o.kind),
      ['item', 'unmatched', 'item'],
    );
    assert.match((out[1] as { message: string }).message, /no feedback item with ideExt=2/);
  });

  test('a key repeated among the records or the items: unmatched, never guessed', () => {
    const out = matchFeedback(answer([item(1), item(1)]), rules, [{ ideExt: 1 }], { key: 'ideExt' });
    assert.equal(out[0]!.kind, 'unmatched');
    const twice = matchFeedback(answer([item(1)]), rules, [{ ideExt: 1 }, { ideExt: 1 }], { key: 'ideExt' });
    assert.deepEqual(
      twice.map((o) => o.kind),
      ['unmatched', 'unmatched'],
    );
  });

  test('a call-level error (erroExecucao, tipoRetorno 2, no items) fails every record with its message', () => {
    const login = { result: { tipoRetorno: 2, mensagemRetorno: 'Erro na requisição', erroExecucao: 'Usuário ou senha inválidos' } };
    const out = matchFeedback(login, rules, elements, { key: 'ideExt' });
    assert.deepEqual(
      out,
      elements.map(() => ({ kind: 'call-error', message: 'Usuário ou senha inválidos' })),
    );
    // whatever the items say
    const withItems = matchFeedback(answer([item(1), item(2), item(3)], { erroExecucao: 'Sessão expirada' }), rules, elements, { key: null });
    assert.ok(withItems.every((o) => o.kind === 'call-error' && o.message === 'Sessão expirada'));
  });

  test('no feedback items at all and no error: unmatched (unknown outcome)', () => {
    const out = matchFeedback({ result: { tipoRetorno: 1, erroExecucao: '' } }, rules, elements, { key: null });
    assert.ok(out.every((o) => o.kind === 'unmatched'));
  });
});

describe('prepareBatch and deliverCall on the in-memory ledger', () => {
  function batchStep(overrides: Partial<SetStep> = {}): SetStep {
    return g5Step({
      fields: [
        { id: 1, path: `${G5}.nomCli`, source: { kind: 'campo', column: 'nome' }, obrigatorio: true, rules: [] },
        { id: 2, path: `${G5}.ideExt`, source: { kind: 'campo', column: 'id' }, obrigatorio: false, rules: [] },
        { id: 3, path: 'parameters.sigInt', source: { kind: 'valor', value: 'CRM' }, obrigatorio: false, rules: [] },
      ],
      answer: rules,
      batch: { size: 2, path: G5, key: 'ideExt' },
      ...overrides,
    });
  }
  const g5Answer = (request: { body: unknown }) => {
    const customers = (request.body as { parameters: { dadosGeraisCliente: Array<{ ideExt: number; nomCli: string }> } }).parameters.dadosGeraisCliente;
    const items = customers.map((c) =>
      c.nomCli === 'Recusado' ? { ideExt: c.ideExt, codCli: null, retorno: 'CNPJ/CPF inválido' } : { ideExt: c.ideExt, codCli: 5000 + c.ideExt, retorno: 'OK' },
    );
    return { answer: { result: { tipoRetorno: 1, erroExecucao: '', retornosClientes: items.reverse() } } };
  };

  test('a chunk is mapped PREPARE_SLICE records a turn of the event loop, so calls in flight are not held up', async () => {
    const ledger = new FakeLedger();
    let digests = 0;
    const p = ports(ledger, new FakeReceiver(async (request) => g5Answer(request)), { digest: (text) => `digest:${text}:${++digests}` });
    const records = Array.from({ length: 2 * PREPARE_SLICE + 20 }, (_, i) => ledger.add({ linha: { id: i + 1, nome: `Cliente ${i + 1}` } }));
    let mappedInFirstTurn = -1;
    setImmediate(() => (mappedInFirstTurn = digests));
    const { calls } = await prepareBatch(records, { step: batchStep(), layers }, p);
    assert.equal(mappedInFirstTurn, PREPARE_SLICE);
    assert.equal(digests, records.length);
    assert.equal(calls.flatMap((c) => c.members).length, records.length);
  });

  test('five records in calls of two: each record its own status, write-back and answer item', async () => {
    const ledger = new FakeLedger();
    const receiver = new FakeReceiver(async (request) => g5Answer(request));
    const step = batchStep();
    const p = ports(ledger, receiver);
    const records = [1, 2, 3, 4, 5].map((n) => ledger.add({ linha: { id: n, nome: n === 4 ? 'Recusado' : `Cliente ${n}` } }));
    const { done, calls } = await prepareBatch(records, { step, layers }, p);
    assert.deepEqual(done, []);
    assert.deepEqual(
      calls.map((c) => c.members.map((m) => m.record.id)),
      [['1', '2'], ['3', '4'], ['5']],
    );
    const outcomes = (await Promise.all(calls.map((call) => deliverCall(call, { step, layers }, p)))).flat();
    assert.deepEqual(
      outcomes.map((o) => [o.seq, o.status]).sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [1, 'gravado'],
        [2, 'gravado'],
        [3, 'gravado'],
        [4, 'erro'],
        [5, 'gravado'],
      ],
    );
    assert.equal(receiver.calls.length, 3);
    assert.deepEqual(receiver.calls[0]!.body, {
      parameters: {
        sigInt: 'CRM',
        dadosGeraisCliente: [
          { nomCli: 'Cliente 1', ideExt: 1 },
          { nomCli: 'Cliente 2', ideExt: 2 },
        ],
      },
    });
    assert.deepEqual(ledger.read('2').valores, { codCli: 5002 });
    assert.deepEqual(ledger.read('2').resposta, { ideExt: 2, codCli: 5002, retorno: 'OK' });
    assert.equal(ledger.read('4').erro, 'CNPJ/CPF inválido');
    assert.equal(ledger.read('2').requisicao, '{"parameters":{"dadosGeraisCliente":{"nomCli":"Cliente 2","ideExt":2},"sigInt":"CRM"}}');
    assert.deepEqual(ledger.writtenBack.sort(), ['1', '2', '3', '5']);
  });

  test('an unknown outcome makes every record of the call incerto; safeToResend puts them back to pendente', async () => {
    for (const safeToResend of [false, true]) {
      const ledger = new FakeLedger();
      const receiver = new FakeReceiver(async () => {
        throw new UnknownOutcome('connection lost after the request was written');
      });
      const step = batchStep();
      const p = ports(ledger, receiver, { safeToResend });
      const records = [1, 2].map((n) => ledger.add({ linha: { id: n, nome: `Cliente ${n}` } }));
      const { calls } = await prepareBatch(records, { step, layers }, p);
      const outcomes = await deliverCall(calls[0]!, { step, layers }, p);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        safeToResend ? ['retry', 'retry'] : ['incerto', 'incerto'],
      );
      assert.deepEqual([ledger.read('1').status, ledger.read('2').status], safeToResend ? ['pendente', 'pendente'] : ['incerto', 'incerto']);
    }
  });

  test('the ledger unreachable at one claim: the records claimed go back to pendente, nothing is sent', async () => {
    const ledger = new FakeLedger();
    const receiver = new FakeReceiver(async (request) => g5Answer(request));
    const step = batchStep();
    const p = ports(ledger, receiver);
    const records = [1, 2].map((n) => ledger.add({ linha: { id: n, nome: `Cliente ${n}` } }));
    const { calls } = await prepareBatch(records, { step, layers }, p);
    const original = ledger.claim.bind(ledger);
    let n = 0;
    ledger.claim = async (seen, requisicao) => {
      if (++n === 2) throw new Error('connection terminated');
      return original(seen, requisicao);
    };
    await assert.rejects(deliverCall(calls[0]!, { step, layers }, p), /connection terminated/);
    assert.equal(receiver.calls.length, 0);
    assert.deepEqual([ledger.read('1').status, ledger.read('2').status], ['pendente', 'pendente']);
  });

  test('a configuration error found at the call: every record erro (configuracao), the attempt fails once', async () => {
    const ledger = new FakeLedger();
    const receiver = new FakeReceiver(async () => {
      throw new ConfigError([{ table: 'integracao', column: 'porta_ws', message: 'no such operation' }]);
    });
    const step = batchStep();
    const p = ports(ledger, receiver);
    const records = [1, 2].map((n) => ledger.add({ linha: { id: n, nome: `Cliente ${n}` } }));
    const { calls } = await prepareBatch(records, { step, layers }, p);
    await assert.rejects(deliverCall(calls[0]!, { step, layers }, p), ConfigError);
    assert.deepEqual([ledger.read('1').erro_tipo, ledger.read('2').erro_tipo], ['configuracao', 'configuracao']);
  });

  test('a record whose outside field differs is erro (mapeamento) and left out of the call', async () => {
    const ledger = new FakeLedger();
    const receiver = new FakeReceiver(async (request) => g5Answer(request));
    const step = batchStep({
      fields: [
        { id: 1, path: `${G5}.nomCli`, source: { kind: 'campo', column: 'nome' }, obrigatorio: true, rules: [] },
        { id: 2, path: `${G5}.ideExt`, source: { kind: 'campo', column: 'id' }, obrigatorio: false, rules: [] },
        { id: 3, path: 'parameters.sigInt', source: { kind: 'texto', template: '#grupo#' }, obrigatorio: false, rules: [] },
      ],
      batch: { size: 3, path: G5, key: 'ideExt' },
    });
    const p = ports(ledger, receiver);
    const records = [1, 2, 3].map((n) => ledger.add({ linha: { id: n, nome: `Cliente ${n}`, grupo: n === 2 ? 'B' : 'A' } }));
    const { done, calls } = await prepareBatch(records, { step, layers }, p);
    assert.deepEqual(
      done.map((o) => [o.seq, o.status]),
      [[2, 'erro']],
    );
    assert.match(done[0]!.status === 'erro' ? done[0]!.error! : '', /parameters\.sigInt is outside caminho_lote/);
    assert.deepEqual(
      calls[0]!.members.map((m) => m.record.id),
      ['1', '3'],
    );
    assert.equal(ledger.read('2').erro_tipo, 'mapeamento');
  });
});
