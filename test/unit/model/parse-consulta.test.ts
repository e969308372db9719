import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConsulta } from '../../../src/model';

const where = { table: 'integracao', row: 19, column: 'consulta' };

function issuesOf(text: string | null): string[] {
  const parsed = parseConsulta(text, where);
  assert.equal(parsed.ok, false);
  if (parsed.ok) return [];
  for (const issue of parsed.issues) {
    assert.deepEqual({ table: issue.table, row: issue.row, column: issue.column }, where);
  }
  return parsed.issues.map((issue) => issue.message);
}

describe('parseConsulta', () => {
  it('returns the SQL of {"consulta": ...}, trimmed', () => {
    assert.deepEqual(parseConsulta('{"consulta": "  SELECT * FROM contas WHERE id = #contaId#\\n"}', where), {
      ok: true,
      value: 'SELECT * FROM contas WHERE id = #contaId#',
    });
  });

  it('reports malformed JSON naming the row and column', () => {
    const [message] = issuesOf('{"consulta": "SELECT 1"');
    assert.match(message!, /not valid JSON/);
  });

  it('reports null and blank text', () => {
    assert.match(issuesOf(null)[0]!, /is empty/);
    assert.match(issuesOf('   ')[0]!, /is empty/);
  });

  it('reports a JSON value that is not an object', () => {
    assert.match(issuesOf('"SELECT 1"')[0]!, /must be a JSON object/);
    assert.match(issuesOf('["SELECT 1"]')[0]!, /must be a JSON object/);
  });

  it('reports a missing, empty or non-text "consulta" key', () => {
    assert.match(issuesOf('{}')[0]!, /no "consulta" key/);
    assert.match(issuesOf('{"consulta": "  "}')[0]!, /"consulta" is empty/);
    assert.match(issuesOf('{"consulta": 42}')[0]!, /must be a string/);
  });

  it('reports an unknown key next to a valid consulta', () => {
    assert.match(issuesOf('{"consulta": "SELECT 1", "query": "x"}')[0]!, /unknown key "query"/);
  });
});
