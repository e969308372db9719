import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegra } from '../../../src/model';
import type { RuleSpec } from '../../../src/model/types';
import { regra } from '../builders';

function ok(tipo: string, parametro: string | null = null): RuleSpec {
  const row = regra({ campos_integracao_id: 1, tipo, parametro });
  const parsed = parseRegra(row);
  if (!parsed.ok) assert.fail(`unexpected issues: ${JSON.stringify(parsed.issues)}`);
  assert.equal(parsed.value.id, row.id);
  return parsed.value;
}

function issue(tipo: string, parametro: string | null = null): { column?: string; message: string } {
  const row = regra({ campos_integracao_id: 1, tipo, parametro });
  const parsed = parseRegra(row);
  if (parsed.ok) assert.fail(`expected an issue for ${tipo} ${parametro}`);
  const [first] = parsed.issues;
  assert.equal(first!.table, 'regras');
  assert.equal(first!.row, row.id);
  return { column: first!.column, message: first!.message };
}

describe('parseRegra', () => {
  it('reads DE_PARA as a map', () => {
    const rule = ok('DE_PARA', '{"PJ": "J", "PF": "F", "1": 10}');
    assert.deepEqual({ ...rule, id: 0 }, { id: 0, tipo: 'DE_PARA', map: { PJ: 'J', PF: 'F', 1: 10 } });
  });

  it('rejects DE_PARA without a JSON object', () => {
    assert.match(issue('DE_PARA', '{"PJ": "J"').message, /not valid JSON/);
    assert.match(issue('DE_PARA', '["PJ"]').message, /JSON object/);
    assert.match(issue('DE_PARA', null).message, /is empty/);
  });

  it('reads SOMENTE_DIGITOS and MAIUSCULAS, matching the type without regard to case', () => {
    assert.equal(ok('SOMENTE_DIGITOS').tipo, 'SOMENTE_DIGITOS');
    assert.equal(ok(' maiusculas ').tipo, 'MAIUSCULAS');
  });

  it('reads TRUNCAR with a positive integer', () => {
    assert.equal((ok('TRUNCAR', ' 40 ') as { length: number }).length, 40);
  });

  for (const bad of [null, '', '0', '-3', '1.5', 'quarenta']) {
    it(`rejects TRUNCAR ${JSON.stringify(bad)}`, () => {
      const found = issue('TRUNCAR', bad);
      assert.equal(found.column, 'parametro');
      assert.match(found.message, /positive integer/);
    });
  }

  it('reads PADRAO as text and rejects it without a value', () => {
    assert.equal((ok('PADRAO', 'N') as { value: unknown }).value, 'N');
    assert.match(issue('PADRAO', null).message, /needs the value/);
  });

  it('reads CONDICAO with igual or diferente', () => {
    const igual = ok('CONDICAO', '{"campo": "tipo_pessoa", "igual": "F"}');
    assert.deepEqual({ ...igual, id: 0 }, { id: 0, tipo: 'CONDICAO', campo: 'tipo_pessoa', igual: 'F' });
    const diferente = ok('CONDICAO', '{"diferente": ["X", null], "campo": "situacao"}');
    assert.deepEqual({ ...diferente, id: 0 }, { id: 0, tipo: 'CONDICAO', campo: 'situacao', diferente: ['X', null] });
  });

  it('rejects CONDICAO without campo, with both or neither comparison, or with extra keys', () => {
    assert.match(issue('CONDICAO', '{"igual": "F"}').message, /needs "campo"/);
    assert.match(issue('CONDICAO', '{"campo": "a", "igual": 1, "diferente": 2}').message, /exactly one of "igual" and "diferente"/);
    assert.match(issue('CONDICAO', '{"campo": "a"}').message, /exactly one of/);
    assert.match(issue('CONDICAO', '{"campo": "a", "igual": 1, "maior": 2}').message, /unknown key "maior"/);
    assert.match(issue('CONDICAO', '{"campo": "a", "igual": {"x": 1}}').message, /text, number, boolean, null or a list/);
    assert.match(issue('CONDICAO', 'tipo_pessoa = F').message, /not valid JSON/);
  });

  it('rejects an unknown type on the tipo column', () => {
    const found = issue('MINUSCULAS');
    assert.equal(found.column, 'tipo');
    assert.match(found.message, /unknown rule type "MINUSCULAS"/);
  });
});
