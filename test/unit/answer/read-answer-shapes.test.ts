// Answers of every connection type (SPEC §7): the JSON body of a REST API, the row a DB INSERT returned,
// arrays, wrappers and keys at different depths.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnswerRules, readAnswer } from '../../../src/answer';

const rules = (arrayKey: string | null, errorKeys: string | null, valueKeys: string | null) => parseAnswerRules({ arrayKey, errorKeys, valueKeys }, {}).rules;

describe('readAnswer: REST JSON bodies', () => {
  const api = rules(null, 'error,errors', 'id');

  it('captures the id of a created resource from the whole body', () => {
    assert.deepEqual(readAnswer({ id: 'c-123', name: 'Acme' }, api), {
      ok: true,
      message: 'OK',
      values: { id: 'c-123' },
      items: [{ ok: true, message: 'OK', values: { id: 'c-123' }, missing: [] }],
    });
  });

  it('finds the id under a data envelope', () => {
    assert.deepEqual(readAnswer({ data: { id: 7 }, meta: {} }, api).values, { id: 7 });
  });

  it('fails on an error object and shows it as JSON', () => {
    const outcome = readAnswer({ error: { code: 'DUPLICATE', detail: 'cnpj' } }, api);
    assert.deepEqual([outcome.ok, outcome.message], [false, '{"code":"DUPLICATE","detail":"cnpj"}']);
  });

  it('succeeds with an empty errors array', () => {
    assert.equal(readAnswer({ errors: [], id: 1 }, api).ok, true);
  });

  it('fails with a filled errors array', () => {
    const outcome = readAnswer({ errors: ['nome obrigatório', 'cnpj inválido'] }, api);
    assert.deepEqual([outcome.ok, outcome.message], [false, '["nome obrigatório","cnpj inválido"]']);
  });

  it('treats `parameters` as the whole answer', () => {
    assert.equal(readAnswer({ id: 3 }, rules('parameters', null, 'id')).ok, true);
  });

  it('reads a body that is an array as one item per element', () => {
    const outcome = readAnswer([{ id: 1 }, { id: 2 }], api);
    assert.deepEqual([outcome.ok, outcome.items.length, outcome.values], [true, 2, { id: 1 }]);
  });

  it('fails on an empty array body', () => {
    assert.deepEqual(readAnswer([], api), { ok: false, message: 'no feedback items: the answer is an empty array', values: {}, items: [] });
  });

  it('fails on an empty body (null)', () => {
    assert.equal(readAnswer(null, api).message, 'no feedback items: the answer is empty');
  });

  it('reads a text body as one item without keys', () => {
    const outcome = readAnswer('Created', rules(null, 'error', null));
    assert.deepEqual([outcome.ok, outcome.items.length], [true, 1]);
    assert.equal(readAnswer('Created', api).message, 'indice_valor_retorno "id" missing from the answer: "Created"');
  });
});

describe('readAnswer: a row returned by a DB INSERT', () => {
  it('captures the RETURNING columns', () => {
    const outcome = readAnswer({ id: 55, codigo_erp: 'C-55' }, rules(null, null, 'id,codigo_erp'));
    assert.deepEqual(outcome.values, { id: 55, codigo_erp: 'C-55' });
  });

  it('fails when the INSERT returned no row', () => {
    assert.equal(readAnswer(undefined, rules(null, null, 'id')).ok, false);
  });
});

describe('readAnswer: locating the feedback', () => {
  it('finds the feedback key at any depth', () => {
    //   resposta ─ corpo ─ resultado ─ itens: [ {codigo:1} ]
    const answer = { resposta: { corpo: { resultado: { itens: [{ codigo: 1 }] } } } };
    assert.deepEqual(readAnswer(answer, rules('itens', null, 'codigo')).values, { codigo: 1 });
  });

  it('takes the shallowest feedback when the key appears at two depths', () => {
    //   a ─ b ─ itens: [{codigo:'deep'}]
    //   itens: [{codigo:'top'}]
    const answer = { a: { b: { itens: [{ codigo: 'deep' }] } }, itens: [{ codigo: 'top' }] };
    assert.deepEqual(readAnswer(answer, rules('itens', null, 'codigo')).values, { codigo: 'top' });
  });

  it('names indice_array_retorno and the key when it is absent', () => {
    const outcome = readAnswer({ x: 1 }, rules('itens', null, null));
    assert.equal(outcome.message, 'indice_array_retorno "itens" not found in the answer: {"x":1}');
  });

  it('shows at most 200 characters of a large answer in the not-found message', () => {
    const outcome = readAnswer({ blob: 'y'.repeat(5000) }, rules('itens', null, null));
    const prefix = 'indice_array_retorno "itens" not found in the answer: ';
    assert.equal(outcome.message.length, prefix.length + 200);
  });

  it('prefers a request-level error over "not found"', () => {
    const outcome = readAnswer({ fault: 'sessão expirada' }, rules('itens', 'fault', null));
    assert.deepEqual([outcome.ok, outcome.message], [false, 'sessão expirada']);
  });

  it('treats a feedback object as a single item', () => {
    const outcome = readAnswer({ result: { retorno: { codigo: 9, erro: '' } } }, rules('retorno', 'erro', 'codigo'));
    assert.deepEqual([outcome.ok, outcome.items.length, outcome.values], [true, 1, { codigo: 9 }]);
  });

  it('gives one item per element for primitive arrays, falling back to the answer for keys', () => {
    const outcome = readAnswer({ ids: [1, 2], lote: 'L1' }, rules('ids', null, 'lote'));
    assert.deepEqual([outcome.ok, outcome.items.length, outcome.values], [true, 2, { lote: 'L1' }]);
  });
});
