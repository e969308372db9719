// Configuration errors of the run graph: every issue is collected and names the ids involved.
// Arrows point from what runs first to what runs next.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestError } from '../../../src/errors';
import { executionOrder } from '../../../src/graph';
import { componente, integracao } from '../builders';
import { configIssues, empresa1 } from './helpers';

describe('executionOrder cycles', () => {
  //  ┌──▶ [1] ──┐
  //  └─── 2 ◀───┘        1.depende_de = 2, 1.dependente = 2
  it('reports a cycle of two naming both ids', () => {
    // ARRANGE
    const rows = [integracao({ id: 1, depende_de: 2, dependente: 2 }), integracao({ id: 2 })];
    // ACT
    const issues = configIssues(() => executionOrder(rows, 1, empresa1));
    // ASSERT
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.table, 'integracao');
    assert.equal(issues[0]!.row, 1);
    assert.equal(issues[0]!.column, 'depende_de');
    assert.match(issues[0]!.message, /dependencies form a cycle: 1 → 2 → 1 \(integracao ids 1, 2;/);
  });

  //  [1] ──▶ 2 ──▶ 3
  //   ▲            │
  //   └────────────┘      1.depende_de = 2, 2.depende_de = 3, 3.depende_de = 1
  it('reports a cycle of three in order, from the smallest id', () => {
    // ARRANGE
    const rows = [integracao({ id: 3, depende_de: 1 }), integracao({ id: 2, depende_de: 3 }), integracao({ id: 1, depende_de: 2 })];
    // ACT
    const issues = configIssues(() => executionOrder(rows, 2, empresa1));
    // ASSERT
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /cycle: 1 → 2 → 3 → 1 \(integracao ids 1, 2, 3;/);
  });

  //  ┌─▶ [4] ─┐
  //  └────────┘     4.dependente = 4
  it('reports a self-loop', () => {
    // ARRANGE
    const rows = [integracao({ id: 4, dependente: 4 })];
    // ACT
    const issues = configIssues(() => executionOrder(rows, 4, empresa1));
    // ASSERT
    assert.deepEqual(issues, [{ table: 'integracao', row: 4, column: 'dependente', message: 'integracao 4 depends on itself (dependente = 4): a cycle' }]);
  });

  //  [1] ──▶ 2 ⇄ 3 ──▶ 4     the cycle is after the requested one; 4 is only blocked by it
  it('reports only the integrations on the cycle, not those behind it', () => {
    // ARRANGE
    const rows = [
      integracao({ id: 1, depende_de: 2 }),
      integracao({ id: 2, depende_de: 3 }),
      integracao({ id: 3, depende_de: 2, dependente: 2 }),
      integracao({ id: 4, dependente: 3 }),
    ];
    // ACT
    const issues = configIssues(() => executionOrder(rows, 1, empresa1));
    // ASSERT
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /cycle: 2 → 3 → 2 \(integracao ids 2, 3;/);
  });

  //  5 ⇄ 6 (not part of the run)    [1]
  it('ignores cycles among integrations the run does not reach', () => {
    const rows = [integracao({ id: 1 }), integracao({ id: 5, depende_de: 6 }), integracao({ id: 6, depende_de: 5 })];
    assert.deepEqual(executionOrder(rows, 1, empresa1), [1]);
  });
});

describe('executionOrder invalid dependencies', () => {
  //  99? ──▶ [1] ──▶ 98?      neither 99 nor 98 exists
  it('reports each missing id with the row and column that points to it', () => {
    // ARRANGE
    const rows = [integracao({ id: 1, dependente: 99, depende_de: 98 })];
    // ACT
    const issues = configIssues(() => executionOrder(rows, 1, empresa1));
    // ASSERT
    assert.deepEqual(issues, [
      { table: 'integracao', row: 1, column: 'depende_de', message: 'points to integracao 98, which does not exist' },
      { table: 'integracao', row: 1, column: 'dependente', message: 'points to integracao 99, which does not exist' },
    ]);
  });

  //  2 (empresa 2) ──▶ [1]      the run is for empresa 1
  it('reports a dependency that belongs to another company', () => {
    // ARRANGE
    const rows = [integracao({ id: 1, dependente: 2 }), integracao({ id: 2, empresa_id: 2 })];
    // ACT
    const issues = configIssues(() => executionOrder(rows, 1, empresa1));
    // ASSERT
    assert.equal(issues.length, 1);
    assert.deepEqual([issues[0]!.table, issues[0]!.row, issues[0]!.column], ['integracao', 2, 'empresa_id']);
    assert.match(issues[0]!.message, /integracao 2 \(a dependency through integracao 1 dependente = 2\) belongs to empresa 2, not to empresa 1/);
  });

  //  [1] ──▶ 2 (empresa 1, branch 20)     the run is for empresa 1 as a whole
  it('reports a dependency that belongs to another branch', () => {
    // ARRANGE
    const rows = [integracao({ id: 1, depende_de: 2 }), integracao({ id: 2, empresa_id: 1, empresa_filial_id: 20 })];
    // ACT
    const issues = configIssues(() => executionOrder(rows, 1, empresa1));
    // ASSERT
    assert.equal(issues[0]!.column, 'empresa_filial_id');
    assert.match(issues[0]!.message, /belongs to empresa_filial 20, not to the whole empresa/);
  });

  //  20 (link = componente) ──▶ [1]
  it('reports a component used as a dependency', () => {
    // ARRANGE
    const rows = [integracao({ id: 1, dependente: 20 }), componente(20, 'SELECT 1')];
    // ACT
    const issues = configIssues(() => executionOrder(rows, 1, empresa1));
    // ASSERT
    assert.deepEqual([issues[0]!.row, issues[0]!.column], [20, 'link']);
    assert.match(issues[0]!.message, /integracao 20 .* is a component/);
  });

  //  [1] ──▶ 2 (tipo_servico GET)
  it('reports a dependency that is not SET', () => {
    // ARRANGE
    const rows = [integracao({ id: 1, depende_de: 2 }), integracao({ id: 2, tipo_servico: 'GET' })];
    // ACT
    const issues = configIssues(() => executionOrder(rows, 1, empresa1));
    // ASSERT
    assert.deepEqual([issues[0]!.row, issues[0]!.column], [2, 'tipo_servico']);
    assert.match(issues[0]!.message, /"GET"; only SET/);
  });

  //  9? ──▶ 2 (empresa 3) ──▶ [1] ──▶ 4 (INFO) ──▶ 4
  it('collects every issue of the run in one ConfigError', () => {
    // ARRANGE
    const rows = [
      integracao({ id: 1, dependente: 2, depende_de: 4 }),
      integracao({ id: 2, empresa_id: 3, dependente: 9 }),
      integracao({ id: 4, tipo_servico: 'INFO', depende_de: 4 }),
    ];
    // ACT
    const issues = configIssues(() => executionOrder(rows, 1, empresa1));
    // ASSERT
    assert.deepEqual(issues.map((issue) => [issue.row, issue.column]).sort(), [
      [2, 'dependente'],
      [2, 'empresa_id'],
      [4, 'depende_de'],
      [4, 'tipo_servico'],
    ]);
  });
});

describe('executionOrder requested integration', () => {
  const rejects = (run: () => unknown, kind: string, pattern: RegExp) =>
    assert.throws(
      run,
      (error: unknown) => error instanceof RequestError && error.kind === kind && error.parameter === 'integracao_servico_id' && pattern.test(error.message),
    );

  it('is not found when it does not exist', () => {
    rejects(() => executionOrder([integracao({ id: 1 })], 7, empresa1), 'not_found', /integracao 7 does not exist/);
  });

  it('is forbidden when it belongs to another company or branch', () => {
    rejects(() => executionOrder([integracao({ id: 1, empresa_id: 2 })], 1, empresa1), 'forbidden', /belongs to empresa 2/);
    rejects(
      () => executionOrder([integracao({ id: 1, empresa_id: 1, empresa_filial_id: 5 })], 1, { empresaId: 1, empresaFilialId: 6 }),
      'forbidden',
      /empresa_filial 5/,
    );
  });

  it('is a bad request when it is a component or not SET', () => {
    rejects(() => executionOrder([componente(1, 'SELECT 1')], 1, empresa1), 'bad_request', /is a component/);
    rejects(() => executionOrder([integracao({ id: 1, tipo_servico: 'GET' })], 1, empresa1), 'bad_request', /SET integrations only/);
  });

  it('accepts tipo_servico written in lower case with spaces', () => {
    assert.deepEqual(executionOrder([integracao({ id: 1, tipo_servico: ' set ' })], 1, empresa1), [1]);
  });
});
