// Senior G5 GravarClientes answers (SPEC §10). G5 answers HTTP 200 even when it refuses a customer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnswerRules, readAnswer } from '../../../src/answer';

const seedRules = parseAnswerRules({ arrayKey: 'retornosClientes', errorKeys: 'erro,mensagemErro,erroExecucao', valueKeys: 'codCli' }, {}).rules;
const strictRules = parseAnswerRules({ arrayKey: 'retornosClientes', errorKeys: 'retorno!=OK,erroExecucao', valueKeys: 'codCli' }, {}).rules;

const g5 = (retornosClientes: unknown[], extra: Record<string, unknown> = {}) => ({
  result: {
    tipoRetorno: 1,
    mensagemRetorno: 'Processado com sucesso',
    erroExecucao: null,
    retornosClientes,
    ...extra,
  },
});

const accepted = { codCli: 1001, cgcCpf: '11222333000181', ideExt: 42, retorno: 'OK' };

describe('readAnswer: Senior G5 with the seed rules', () => {
  it('accepts a processed customer and captures codCli', () => {
    assert.deepEqual(readAnswer(g5([accepted]), seedRules), {
      ok: true,
      message: 'OK',
      values: { codCli: 1001 },
      items: [{ ok: true, message: 'OK', values: { codCli: 1001 }, missing: [] }],
    });
  });

  it('fails on a request error (tipoRetorno 2) with the erroExecucao text', () => {
    const answer = { result: { tipoRetorno: 2, mensagemRetorno: null, erroExecucao: 'Usuário ou senha inválidos', retornosClientes: [] } };
    const outcome = readAnswer(answer, seedRules);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.message, 'Usuário ou senha inválidos');
    assert.deepEqual(outcome.items, []);
  });

  it('fails on a request error without retornosClientes at all, still with the erroExecucao text', () => {
    const outcome = readAnswer({ result: { tipoRetorno: 2, erroExecucao: 'Serviço indisponível' } }, seedRules);
    assert.deepEqual(outcome, { ok: false, message: 'Serviço indisponível', values: {}, items: [] });
  });

  it('fails when erroExecucao is set beside an item that looks fine', () => {
    const outcome = readAnswer(g5([accepted], { erroExecucao: 'Falha ao gravar' }), seedRules);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.message, 'Falha ao gravar');
    assert.deepEqual(outcome.values, {});
  });

  it('does not notice a retorno reason with the seed rules (why retorno!=OK exists)', () => {
    const outcome = readAnswer(g5([{ codCli: 0, cgcCpf: '1', ideExt: 42, retorno: 'CNPJ inválido' }]), seedRules);
    assert.equal(outcome.ok, true);
  });
});

describe('readAnswer: Senior G5 with retorno!=OK,erroExecucao', () => {
  it('accepts retorno OK and captures codCli', () => {
    assert.deepEqual(readAnswer(g5([accepted]), strictRules).values, { codCli: 1001 });
  });

  it('refuses a customer with the reason G5 gave', () => {
    const outcome = readAnswer(g5([{ codCli: 0, cgcCpf: '123', ideExt: 42, retorno: 'CNPJ inválido' }]), strictRules);
    assert.deepEqual(outcome, {
      ok: false,
      message: 'CNPJ inválido',
      values: {},
      items: [{ ok: false, message: 'CNPJ inválido', values: { codCli: 0 }, missing: [] }],
    });
  });

  it('joins the reason and erroExecucao when both are filled', () => {
    const outcome = readAnswer(g5([{ codCli: 0, retorno: 'CNPJ inválido' }], { erroExecucao: 'Lote rejeitado' }), strictRules);
    assert.equal(outcome.message, 'CNPJ inválido | Lote rejeitado');
  });

  it('lets the present retorno decide even when erroExecucao is filled (first present key decides)', () => {
    const outcome = readAnswer(g5([accepted], { erroExecucao: 'aviso' }), strictRules);
    assert.equal(outcome.ok, true);
  });

  it('falls to erroExecucao when the item has no retorno', () => {
    const outcome = readAnswer(g5([{ codCli: 5 }], { erroExecucao: 'Erro interno' }), strictRules);
    assert.deepEqual([outcome.ok, outcome.message], [false, 'Erro interno']);
  });

  it('treats a null retorno as a refusal, since it is not OK', () => {
    const outcome = readAnswer(g5([{ codCli: 5, retorno: null }]), strictRules);
    assert.deepEqual([outcome.ok, outcome.message], [false, 'the receiver reported an error (retorno!=OK)']);
  });

  it('reports each refused customer of a batch with its position', () => {
    const outcome = readAnswer(
      g5([accepted, { codCli: 0, retorno: 'CNPJ inválido' }, { codCli: 1002, retorno: 'OK' }, { codCli: 0, retorno: 'CEP inválido' }]),
      strictRules,
    );
    assert.equal(outcome.ok, false);
    assert.equal(outcome.message, 'item 2: CNPJ inválido; item 4: CEP inválido');
    assert.deepEqual(
      outcome.items.map((item) => item.ok),
      [true, false, true, false],
    );
    assert.deepEqual(outcome.values, { codCli: 1001 }, 'the accepted items still give their values');
  });

  it('fails with a clear message when retornosClientes is missing and nothing reports an error', () => {
    const outcome = readAnswer({ result: { tipoRetorno: 1, erroExecucao: null } }, strictRules);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.message, 'indice_array_retorno "retornosClientes" not found in the answer: {"result":{"tipoRetorno":1,"erroExecucao":null}}');
  });

  it('fails with "no feedback items" for an empty retornosClientes', () => {
    const outcome = readAnswer(g5([]), strictRules);
    assert.deepEqual(outcome, {
      ok: false,
      message: 'no feedback items: indice_array_retorno "retornosClientes" is an empty array',
      values: {},
      items: [],
    });
  });

  it('fails when retornosClientes is null', () => {
    const outcome = readAnswer({ result: { retornosClientes: null } }, strictRules);
    assert.equal(outcome.message, 'no feedback items: indice_array_retorno "retornosClientes" is empty');
  });

  it('reads a single retornosClientes object (one customer, not wrapped in an array)', () => {
    const outcome = readAnswer({ result: { erroExecucao: null, retornosClientes: accepted } }, strictRules);
    assert.deepEqual([outcome.ok, outcome.values, outcome.items.length], [true, { codCli: 1001 }, 1]);
  });

  it('fails an accepted customer whose codCli is missing, showing what G5 said', () => {
    const outcome = readAnswer(g5([{ cgcCpf: '11222333000181', ideExt: 42, retorno: 'OK' }]), strictRules);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.message, 'indice_valor_retorno "codCli" missing from the answer: {"cgcCpf":"11222333000181","ideExt":42,"retorno":"OK"}');
    assert.deepEqual(outcome.items[0]!.missing, ['codCli']);
  });

  it('does not take codCli from a sibling customer', () => {
    const outcome = readAnswer(g5([accepted, { retorno: 'OK' }]), strictRules);
    assert.equal(outcome.ok, false);
    assert.deepEqual(outcome.items[1]!.missing, ['codCli']);
    assert.match(outcome.message, /^item 2: indice_valor_retorno "codCli" missing/);
  });
});

// The seed's row never looks at `retorno`, so a refusal arrives as "codCli missing"; the receiver's own text
// must still lead the message (issue 11, point 8).
describe('readAnswer: the seed rules still tell why G5 refused', () => {
  const refused = { cgcCpf: '12345678000100', ideExt: 6, retorno: 'CNPJ/CPF inválido: 12345678000100' };

  it('leads with retorno when codCli is missing', () => {
    const outcome = readAnswer(g5([refused]), seedRules);
    assert.equal(outcome.ok, false);
    assert.equal(
      outcome.message,
      'CNPJ/CPF inválido: 12345678000100 (indice_valor_retorno "codCli" missing from the answer: {"cgcCpf":"12345678000100","ideExt":6,"retorno":"CNPJ/CPF inválido: 12345678000100"})',
    );
    assert.deepEqual(outcome.items[0]!.missing, ['codCli']);
    assert.deepEqual(outcome.values, {});
  });

  it('leads with the item’s mensagemRetorno when it has no retorno', () => {
    const outcome = readAnswer(g5([{ cgcCpf: '1', mensagemRetorno: 'Cliente bloqueado' }]), seedRules);
    assert.match(outcome.message, /^Cliente bloqueado \(indice_valor_retorno "codCli" missing from the answer: /);
  });

  it('prefers retorno over mensagemRetorno, and ignores a blank retorno', () => {
    assert.match(readAnswer(g5([{ retorno: 'CEP inválido', mensagemRetorno: 'x' }]), seedRules).message, /^CEP inválido \(/);
    assert.match(readAnswer(g5([{ retorno: '  ', mensagemRetorno: 'Bloqueado' }]), seedRules).message, /^Bloqueado \(/);
  });

  it('never takes the answer-level mensagemRetorno (G5 "Processado") as the item’s reason', () => {
    const outcome = readAnswer(g5([{ cgcCpf: '1' }]), seedRules);
    assert.equal(outcome.message, 'indice_valor_retorno "codCli" missing from the answer: {"cgcCpf":"1"}');
  });

  it('does not lead with an OK retorno (any case)', () => {
    assert.match(readAnswer(g5([{ retorno: 'ok' }]), seedRules).message, /^indice_valor_retorno "codCli" missing/);
  });

  it('keeps each item’s reason in a batch, and the accepted items’ values', () => {
    const outcome = readAnswer(g5([accepted, refused]), seedRules);
    assert.match(outcome.message, /^item 2: CNPJ\/CPF inválido: 12345678000100 \(indice_valor_retorno "codCli" missing/);
    assert.deepEqual(outcome.values, { codCli: 1001 });
  });

  it('leaves a refusal the error keys found unchanged (retorno!=OK)', () => {
    assert.equal(readAnswer(g5([refused]), strictRules).message, 'CNPJ/CPF inválido: 12345678000100');
  });
});
