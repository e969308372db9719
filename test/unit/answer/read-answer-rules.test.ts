// The error rule (SPEC §7): error keys are looked up in the item, then the whole answer; the first listed
// key that is present decides.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnswerRules, readAnswer } from '../../../src/answer';

const rules = (errorKeys: string | null, valueKeys: string | null = null, arrayKey: string | null = null) =>
  parseAnswerRules({ arrayKey, errorKeys, valueKeys }, {}).rules;

const verdict = (answer: unknown, errorKeys: string, arrayKey: string | null = null) => {
  const outcome = readAnswer(answer, rules(errorKeys, null, arrayKey));
  return [outcome.ok, outcome.message];
};

describe('readAnswer: first present key decides', () => {
  it('succeeds when no listed key is present', () => {
    assert.deepEqual(verdict({ status: 'done' }, 'erro,mensagem'), [true, 'OK']);
  });

  it('succeeds without any error key configured', () => {
    assert.deepEqual(verdict({ anything: 'x' }, ''), [true, 'OK']);
  });

  it('fails on a non-empty first key', () => {
    assert.deepEqual(verdict({ erro: 'Cliente duplicado' }, 'erro'), [false, 'Cliente duplicado']);
  });

  it('succeeds when the first present key is empty, ignoring a filled later key', () => {
    assert.deepEqual(verdict({ erro: '', mensagem: 'Cliente gravado' }, 'erro,mensagem'), [true, 'OK']);
  });

  it('skips absent keys: the first key that is present decides', () => {
    assert.deepEqual(verdict({ mensagem: 'Falhou' }, 'erro,mensagem'), [false, 'Falhou']);
  });

  it('joins every listed non-empty value, in listed order, once each', () => {
    assert.deepEqual(verdict({ erro: 'E1', detalhe: { codigo: 7 }, mensagem: 'E1' }, 'erro,mensagem,detalhe'), [false, 'E1 | {"codigo":7}']);
  });

  it('trims message texts', () => {
    assert.deepEqual(verdict({ erro: '  CNPJ inválido \n' }, 'erro'), [false, 'CNPJ inválido']);
  });

  for (const empty of [null, undefined, '', '   ', [], {}]) {
    it(`takes ${JSON.stringify(empty) ?? 'undefined'} as an empty value (success)`, () => {
      assert.deepEqual(verdict({ erro: empty, mensagem: 'ignored' }, 'erro,mensagem'), [true, 'OK']);
    });
  }

  for (const filled of [0, false, 'x', ['a'], { a: 1 }]) {
    it(`takes ${JSON.stringify(filled)} as a filled value (error)`, () => {
      assert.equal(verdict({ erro: filled }, 'erro')[0], false);
    });
  }

  it('looks in the item first, then in the whole answer', () => {
    const answer = { erro: 'do envelope', itens: [{ erro: '' }] };
    assert.deepEqual(verdict(answer, 'erro', 'itens'), [true, 'OK']);
  });

  it('falls back to the whole answer when the item lacks the key', () => {
    const answer = { erro: 'do envelope', itens: [{ id: 1 }] };
    assert.deepEqual(verdict(answer, 'erro', 'itens'), [false, 'do envelope']);
  });

  it('puts item values before whole-answer values in the message', () => {
    const answer = { mensagem: 'lote', itens: [{ erro: 'item' }] };
    assert.deepEqual(verdict(answer, 'mensagem,erro', 'itens'), [false, 'item | lote']);
  });

  it('finds error keys nested inside an item', () => {
    const answer = { itens: [{ status: { erro: 'aninhado' } }] };
    assert.deepEqual(verdict(answer, 'erro', 'itens'), [false, 'aninhado']);
  });
});

describe('readAnswer: key=value and key!=value', () => {
  it('fails when key=value matches, without the status code in the message', () => {
    assert.deepEqual(verdict({ tipoRetorno: 2, mensagemRetorno: 'Erro de validação' }, 'tipoRetorno=2,mensagemRetorno'), [false, 'Erro de validação']);
  });

  it('succeeds when key=value does not match, ignoring later keys', () => {
    assert.deepEqual(verdict({ tipoRetorno: 1, mensagemRetorno: 'Processado' }, 'tipoRetorno=2,mensagemRetorno'), [true, 'OK']);
  });

  it('compares with String(value), so 2 and "2" both match', () => {
    assert.equal(verdict({ tipoRetorno: '2' }, 'tipoRetorno=2')[0], false);
    assert.equal(verdict({ tipoRetorno: 2 }, 'tipoRetorno=2')[0], false);
  });

  it('compares exactly: case and spaces matter', () => {
    assert.equal(verdict({ retorno: 'ok' }, 'retorno!=OK')[0], false);
    assert.equal(verdict({ retorno: 'OK' }, 'retorno!=OK')[0], true);
  });

  it('names the deciding rule when no listed key has a message', () => {
    assert.deepEqual(verdict({ sucesso: false }, 'sucesso=false'), [false, 'the receiver reported an error (sucesso=false)']);
  });

  it('passes over an absent key=value key to the next present key', () => {
    assert.deepEqual(verdict({ erro: 'x' }, 'tipoRetorno=2,erro'), [false, 'x']);
  });

  it('does not put an OK from a != key into the message', () => {
    const answer = { erroExecucao: 'falhou', itens: [{ retorno: 'OK' }] };
    // retorno is present in the item and OK, so it decides success.
    assert.deepEqual(verdict(answer, 'retorno!=OK,erroExecucao', 'itens'), [true, 'OK']);
    assert.deepEqual(verdict({ erroExecucao: 'falhou', retorno: 'OK' }, 'erroExecucao,retorno!=OK'), [false, 'falhou']);
  });
});

describe('readAnswer: captured values', () => {
  it('captures several value keys', () => {
    const outcome = readAnswer({ codCli: 1001, cgcCpf: '11222333000181' }, rules(null, 'codCli,cgcCpf'));
    assert.deepEqual(outcome.values, { codCli: 1001, cgcCpf: '11222333000181' });
  });

  it('keeps falsy but present values: 0, false and empty text', () => {
    const outcome = readAnswer({ a: 0, b: false, c: '' }, rules(null, 'a,b,c'));
    assert.deepEqual([outcome.ok, outcome.values], [true, { a: 0, b: false, c: '' }]);
  });

  it('treats a null value as missing', () => {
    const outcome = readAnswer({ codCli: null }, rules(null, 'codCli'));
    assert.deepEqual([outcome.ok, outcome.items[0]!.missing], [false, ['codCli']]);
  });

  it('lists every missing key in one message', () => {
    const outcome = readAnswer({ id: 1 }, rules(null, 'codCli,codFil'));
    assert.equal(outcome.message, 'indice_valor_retorno "codCli", "codFil" missing from the answer: {"id":1}');
  });

  it('keeps the excerpt of a large item within 200 characters', () => {
    const outcome = readAnswer({ texto: 'x'.repeat(1000) }, rules(null, 'codCli'));
    const excerpt = outcome.message.slice('indice_valor_retorno "codCli" missing from the answer: '.length);
    assert.equal(excerpt.length, 200);
    assert.ok(excerpt.endsWith('…'));
  });

  it('reports the refusal, not missing values, when the receiver refused the item', () => {
    const outcome = readAnswer({ erro: 'Recusado' }, rules('erro', 'codCli'));
    assert.deepEqual(outcome.items, [{ ok: false, message: 'Recusado', values: {}, missing: [] }]);
  });

  it('takes a value key from the whole answer when the item lacks it', () => {
    const outcome = readAnswer({ lote: 77, itens: [{ codCli: 1 }] }, rules(null, 'codCli,lote', 'itens'));
    assert.deepEqual(outcome.values, { codCli: 1, lote: 77 });
  });

  it('merges the values of several accepted items, the first one winning', () => {
    const outcome = readAnswer({ itens: [{ codCli: 1 }, { codCli: 2, lote: 'b' }] }, rules(null, 'codCli,lote', 'itens'));
    assert.equal(outcome.ok, false, 'the first item lacks lote');
    const both = readAnswer(
      {
        itens: [
          { codCli: 1, lote: 'a' },
          { codCli: 2, lote: 'b' },
        ],
      },
      rules(null, 'codCli,lote', 'itens'),
    );
    assert.deepEqual(both.values, { codCli: 1, lote: 'a' });
  });

  it('captures no values from refused items', () => {
    const outcome = readAnswer({ itens: [{ erro: 'x', codCli: 1 }, { codCli: 2 }] }, rules('erro', 'codCli', 'itens'));
    assert.deepEqual([outcome.ok, outcome.values], [false, { codCli: 2 }]);
  });

  it('keeps the captured value type (bigint, date, object)', () => {
    const when = new Date('2024-01-01T00:00:00Z');
    const outcome = readAnswer({ id: 9007199254740993n, quando: when, obj: { a: 1 } }, rules(null, 'id,quando,obj'));
    assert.deepEqual(outcome.values, { id: 9007199254740993n, quando: when, obj: { a: 1 } });
  });
});
