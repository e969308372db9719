// Arrows point from what runs first to what runs next. `A.dependente = B` draws B ──▶ A;
// `A.depende_de = C` draws A ──▶ C. [X] is the requested integration.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { executionOrder } from '../../../src/graph';
import { integracao } from '../builders';
import { empresa1 } from './helpers';

describe('executionOrder', () => {
  //  [5]   (no dependencies)
  it('runs a lone integration by itself', () => {
    // ARRANGE
    const rows = [integracao({ id: 5 }), integracao({ id: 6 })];
    // ACT
    const order = executionOrder(rows, 5, empresa1);
    // ASSERT
    assert.deepEqual(order, [5]);
  });

  //  3 ──▶ 2 ──▶ [1]        1.dependente = 2, 2.dependente = 3
  it('runs a chain of dependente before the requested one, transitively', () => {
    // ARRANGE
    const rows = [integracao({ id: 1, dependente: 2 }), integracao({ id: 2, dependente: 3 }), integracao({ id: 3 })];
    // ACT
    const order = executionOrder(rows, 1, empresa1);
    // ASSERT
    assert.deepEqual(order, [3, 2, 1]);
  });

  //  [10] ──▶ 11 ──▶ 12      10.depende_de = 11, 11.depende_de = 12
  it('runs a chain of depende_de after the requested one, transitively', () => {
    // ARRANGE
    const rows = [integracao({ id: 12 }), integracao({ id: 11, depende_de: 12 }), integracao({ id: 10, depende_de: 11 })];
    // ACT
    const order = executionOrder(rows, 10, empresa1);
    // ASSERT
    assert.deepEqual(order, [10, 11, 12]);
  });

  //        ┌──▶ 2 ──┐
  //  [1] ──┤        ├──▶ 4        1.depende_de = 2, 3.dependente = 1, 4.dependente = 3, 2.depende_de = 4
  //        └──▶ 3 ──┘
  it('orders a diamond so the join runs after both branches', () => {
    // ARRANGE
    const rows = [
      integracao({ id: 1, depende_de: 2 }),
      integracao({ id: 2, depende_de: 4 }),
      integracao({ id: 3, dependente: 1 }),
      integracao({ id: 4, dependente: 3 }),
    ];
    // ACT
    const order = executionOrder(rows, 1, empresa1);
    // ASSERT
    assert.deepEqual(order, [1, 2, 3, 4]);
  });

  //  8 ──▶ [5] ──▶ 9        5.dependente = 8, 5.depende_de = 9
  //                 ▲
  //  7 ─────────────┘        9.dependente = 7: 7 and 8 are ready together, the smaller id goes first
  it('breaks ties by id whatever the row order', () => {
    // ARRANGE
    const rows = [integracao({ id: 5, dependente: 8, depende_de: 9 }), integracao({ id: 9, dependente: 7 }), integracao({ id: 8 }), integracao({ id: 7 })];
    // ACT
    const order = executionOrder(rows, 5, empresa1);
    const reversed = executionOrder([...rows].reverse(), 5, empresa1);
    // ASSERT
    assert.deepEqual(order, [7, 8, 5, 9]);
    assert.deepEqual(reversed, order);
  });

  //  30 ──┐
  //  10 ──┼──▶ [40]       three rows say depende_de = 40, but 40's own columns name none of them
  //  20 ──┘
  it('does not pull in rows that name the requested one: its own columns decide', () => {
    // ARRANGE
    const rows = [
      integracao({ id: 40 }),
      integracao({ id: 30, depende_de: 40 }),
      integracao({ id: 10, depende_de: 40 }),
      integracao({ id: 20, depende_de: 40 }),
    ];
    // ACT
    const order = executionOrder(rows, 40, empresa1);
    // ASSERT
    assert.deepEqual(order, [40]);
  });

  //  [9] ──▶ 3 ──▶ 1      9.depende_de = 3, 3.depende_de = 1: after-only, whatever the ids
  it('runs only-after dependencies after the requested one even when their ids are smaller', () => {
    // ARRANGE
    const rows = [integracao({ id: 9, depende_de: 3 }), integracao({ id: 3, depende_de: 1 }), integracao({ id: 1 })];
    // ACT
    const order = executionOrder(rows, 9, empresa1);
    // ASSERT
    assert.deepEqual(order, [9, 3, 1]);
  });

  //  7 ──▶ [5] ──▶ 6        5.dependente = 7, 5.depende_de = 6
  //  │      ▲
  //  ▼      │
  //  8      2               2.depende_de = 5 and 8.dependente = 7 are other rows' columns: left out
  it('mixes before and after, and leaves unrelated integrations out', () => {
    // ARRANGE
    const rows = [
      integracao({ id: 5, dependente: 7, depende_de: 6 }),
      integracao({ id: 6 }),
      integracao({ id: 7 }),
      integracao({ id: 2, depende_de: 5 }),
      integracao({ id: 8, dependente: 7 }),
    ];
    // ACT
    const order = executionOrder(rows, 5, empresa1);
    // ASSERT
    assert.deepEqual(order, [7, 5, 6]);
  });

  //  [1] ──▶ 3          1.depende_de = 3
  //           ▲
  //  2 ───────┘         3.dependente = 2: what runs after the requested one brings its own prerequisites
  it('runs the prerequisites of an integration that runs after the requested one', () => {
    // ARRANGE
    const rows = [integracao({ id: 1, depende_de: 3 }), integracao({ id: 3, dependente: 2 }), integracao({ id: 2 })];
    // ACT
    const order = executionOrder(rows, 1, empresa1);
    // ASSERT
    assert.deepEqual(order, [1, 2, 3]);
  });

  //  1 ──▶ [2]    declared on both rows (1.depende_de = 2 and 2.dependente = 1): one edge
  it('treats an edge declared on both ends as one', () => {
    // ARRANGE
    const rows = [integracao({ id: 1, depende_de: 2 }), integracao({ id: 2, dependente: 1 })];
    // ACT
    const order = executionOrder(rows, 2, empresa1);
    // ASSERT
    assert.deepEqual(order, [1, 2]);
  });

  //  4 ──▶ [5]      4 belongs to empresa 1 branch 10; the request is for that branch
  it("accepts dependencies of every company and of the requester's company and branch", () => {
    // ARRANGE
    const rows = [
      integracao({ id: 5, dependente: 4, empresa_id: 1 }),
      integracao({ id: 4, empresa_id: 1, empresa_filial_id: 10, dependente: 3 }),
      integracao({ id: 3, empresa_id: null }),
    ];
    // ACT
    const order = executionOrder(rows, 5, { empresaId: 1, empresaFilialId: 10 });
    // ASSERT
    assert.deepEqual(order, [3, 4, 5]);
  });
});
