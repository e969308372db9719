import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { componentsByIntegration, toMermaid } from '../../../src/graph';
import { campo, componente, configRows, integracao } from '../builders';
import { empresa1 } from './helpers';

describe('toMermaid', () => {
  //  18 ──▶ [19] ──▶ 21        19 builds its request with component 20, which nests component 22
  it('draws the run in order with before/after edges and components as sub-nodes', () => {
    // ARRANGE
    const rows = configRows({
      integracoes: [
        integracao({ id: 18, nome: 'SET-WS-CIDADES' }),
        integracao({ id: 19, nome: 'SET-WS-CONTAS "G5"', dependente: 18, depende_de: 21 }),
        componente(20, 'SELECT 1', { nome: 'DEFINICOES' }),
        integracao({ id: 21, nome: 'SET-WS-CONTATOS' }),
        componente(22, 'SELECT 2', { nome: 'REPRESENTANTES' }),
      ],
      campos: [campo({ integracao_id: 19, campoCrm: { componente: 20 } }), campo({ integracao_id: 20, campoCrm: { componente: 22 } })],
    });
    // ACT
    const chart = toMermaid(rows.integracoes, 19, empresa1, componentsByIntegration(rows));
    // ASSERT
    assert.equal(
      chart,
      [
        'flowchart TD',
        '  i18["1 · 18 SET-WS-CIDADES"]',
        '  i19["2 · 19 SET-WS-CONTAS #quot;G5#quot;"]:::requested',
        '  i21["3 · 21 SET-WS-CONTATOS"]',
        '  i18 -->|dependente| i19',
        '  i19 -->|depende_de| i21',
        '  i19 -.-> i19_c20[["componente 20 DEFINICOES"]]',
        '  i19_c20 -.-> i19_c20_c22[["componente 22 REPRESENTANTES"]]',
        '  classDef requested stroke-width:3px',
        '',
      ].join('\n'),
    );
  });

  it('draws a component cycle as an edge back instead of recursing forever', () => {
    // ARRANGE
    const rows = configRows({
      integracoes: [integracao({ id: 1 }), componente(2, 'SELECT 1')],
      campos: [campo({ integracao_id: 1, campoCrm: { componente: 2 } }), campo({ integracao_id: 2, campoCrm: { componente: 2 } })],
    });
    // ACT
    const chart = toMermaid(rows.integracoes, 1, empresa1, componentsByIntegration(rows));
    // ASSERT
    assert.match(chart, /i1_c2 -.->\|cycle\| i1_c2\n/);
  });
});
