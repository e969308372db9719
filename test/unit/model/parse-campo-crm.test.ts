import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCampoCrm, type CampoCrmSpec } from '../../../src/model';
import { campo } from '../builders';

function ok(campoCrm: Record<string, unknown> | string): CampoCrmSpec {
  const parsed = parseCampoCrm(campo({ campoCrm }));
  if (!parsed.ok) assert.fail(`unexpected issues: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

function issues(campoCrm: Record<string, unknown> | string): string[] {
  const row = campo({ campoCrm });
  const parsed = parseCampoCrm(row);
  if (parsed.ok) assert.fail(`expected issues for ${row.campo_crm}`);
  for (const issue of parsed.issues) {
    assert.equal(issue.table, 'campos_integracao');
    assert.equal(issue.row, row.id);
    assert.equal(issue.column, 'campo_crm');
  }
  return parsed.issues.map((issue) => issue.message);
}

describe('parseCampoCrm sources', () => {
  it('reads {"campo": column}', () => {
    assert.deepEqual(ok({ campo: 'nome' }), { source: { kind: 'campo', column: 'nome' }, obrigatorio: false });
  });

  it('reads {"valor": constant} of any JSON type, null included', () => {
    assert.deepEqual(ok({ valor: 'J' }).source, { kind: 'valor', value: 'J' });
    assert.deepEqual(ok({ valor: 0 }).source, { kind: 'valor', value: 0 });
    assert.deepEqual(ok({ valor: null }).source, { kind: 'valor', value: null });
  });

  it('reads {"texto": template}', () => {
    assert.deepEqual(ok({ texto: '#ddd# #fone#' }).source, { kind: 'texto', template: '#ddd# #fone#' });
  });

  it('reads {"componente": id} as a number or digit text', () => {
    assert.deepEqual(ok({ componente: 20 }).source, { kind: 'componente', integracaoId: 20 });
    assert.deepEqual(ok({ componente: '20' }).source, { kind: 'componente', integracaoId: 20 });
  });

  it('ignores key order', () => {
    assert.deepEqual(ok('{"obrigatorio": true, "tipo": "inteiro", "campo": "codigo"}'), ok('{"campo": "codigo", "tipo": "inteiro", "obrigatorio": true}'));
  });
});

describe('parseCampoCrm options', () => {
  it('reads tipo, formato and obrigatorio', () => {
    assert.deepEqual(ok({ campo: 'limite', tipo: 'decimal', formato: 'virgula', obrigatorio: true }), {
      source: { kind: 'campo', column: 'limite' },
      tipo: 'decimal',
      formato: 'virgula',
      obrigatorio: true,
    });
  });

  for (const tipo of ['texto', 'inteiro', 'decimal', 'data', 'booleano']) {
    it(`accepts tipo ${tipo}`, () => assert.equal(ok({ campo: 'x', tipo }).tipo, tipo));
  }

  for (const formato of ['dd/MM/yyyy', 'yyyy-MM-dd', 'dd/MM/yyyy HH:mm', "yyyy-MM-dd'T'HH:mm:ss.SSS", 'yyMMdd']) {
    it(`accepts the date pattern ${formato}`, () => assert.equal(ok({ campo: 'x', tipo: 'data', formato }).formato, formato));
  }

  it('accepts decimal formato ponto and booleano formato S/N', () => {
    assert.equal(ok({ campo: 'x', tipo: 'decimal', formato: 'ponto' }).formato, 'ponto');
    assert.equal(ok({ campo: 'x', tipo: 'booleano', formato: 'S/N' }).formato, 'S/N');
  });
});

describe('parseCampoCrm issues', () => {
  it('reports malformed JSON', () => {
    assert.match(issues('{"campo": "nome"')[0]!, /not valid JSON/);
  });

  it('reports a JSON value that is not an object', () => {
    assert.match(issues('"nome"')[0]!, /must be a JSON object/);
  });

  it('reports no source and more than one source', () => {
    assert.match(issues({ tipo: 'texto' })[0]!, /has no source/);
    assert.match(issues({ campo: 'nome', valor: 'x' })[0]!, /has "campo", "valor"; use exactly one/);
  });

  it('reports an unknown key by name', () => {
    assert.match(issues({ campo: 'nome', obrigatoria: true })[0]!, /unknown key "obrigatoria"/);
  });

  it('reports a bad tipo', () => {
    assert.match(issues({ campo: 'nome', tipo: 'numero' })[0]!, /"tipo" "numero" is not one of/);
  });

  it('reports bad formats for each tipo', () => {
    assert.match(issues({ campo: 'x', tipo: 'decimal', formato: 'comma' })[0]!, /virgula or ponto/);
    assert.match(issues({ campo: 'x', tipo: 'data', formato: 'dd/mm/aaaa' })[0]!, /unknown "aaaa"/);
    assert.match(issues({ campo: 'x', tipo: 'data', formato: "dd 'de" })[0]!, /unclosed quote/);
    assert.match(issues({ campo: 'x', tipo: 'booleano', formato: 'S' })[0]!, /S\/N/);
    assert.match(issues({ campo: 'x', tipo: 'inteiro', formato: 'virgula' })[0]!, /does not apply to tipo "inteiro"/);
    assert.match(issues({ campo: 'x', formato: 'virgula' })[0]!, /needs a "tipo"/);
  });

  it('reports obrigatorio that is not a boolean', () => {
    assert.match(issues({ campo: 'x', obrigatorio: 'S' })[0]!, /true or false/);
  });

  it('reports an empty campo, a non-text texto and a bad componente id', () => {
    assert.match(issues({ campo: ' ' })[0]!, /column name/);
    assert.match(issues({ texto: 12 })[0]!, /string template/);
    assert.match(issues({ componente: 'vinte' })[0]!, /id of a component/);
    assert.match(issues({ componente: 0 })[0]!, /id of a component/);
  });

  it('reports tipo on a componente', () => {
    assert.match(issues({ componente: 20, tipo: 'texto' })[0]!, /do not apply to a "componente"/);
  });

  it('collects every issue of one row instead of stopping at the first', () => {
    assert.equal(issues({ campo: 'a', valor: 'b', tipo: 'x', obrigatorio: 1, extra: true }).length, 4);
  });
});
