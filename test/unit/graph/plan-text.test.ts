// `integrador plan` as text. Arrows point from what runs first to what runs next; [X] is requested.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPlanText } from '../../../src/graph';
import { campo, componente, configRows, integracao } from '../builders';
import { empresa1 } from './helpers';

describe('toPlanText', () => {
  //  19 ──▶ [21] ──▶ 22        21.dependente = 19, 21.depende_de = 22; 19 uses component 20, 22 uses 23
  it('lists the run in order, with the edge that brought each one in, its components and the parameters', () => {
    // ARRANGE
    const rows = configRows({
      integracoes: [
        integracao({ id: 19, nome: 'CONTAS', porta_ws: 'GravarClientes', indice_valor_retorno: 'codCli', parametros_obrigatorios: 'contaId' }),
        componente(20, 'SELECT 1', { nome: 'DEFINICOES' }),
        integracao({ id: 21, nome: 'CONTATOS', dependente: 19, depende_de: 22, parametros_obrigatorios: 'contaId' }),
        integracao({ id: 22, nome: 'PEDIDOS', parametros_obrigatorios: 'contaId, pedidoId' }),
        componente(23, 'SELECT 2', { nome: 'ITENS' }),
      ],
      campos: [campo({ id: 1, integracao_id: 19, campoCrm: { componente: 20 } }), campo({ id: 2, integracao_id: 22, campoCrm: { componente: 23 } })],
    });
    // ACT
    const text = toPlanText(rows, 21, empresa1);
    // ASSERT
    assert.equal(
      text,
      [
        'integracao 21 CONTATOS for empresa 1 runs 3 integrations, in this order:',
        '  1. 19 CONTAS  [WS g5, GravarClientes; captures codCli]',
        '       component 20 DEFINICOES (campos_integracao id=1)',
        '  2. 21 CONTATOS  (requested)  [WS g5, Gravar]',
        '       after 19 (integracao 21 dependente = 19)',
        '  3. 22 PEDIDOS  [WS g5, Gravar]',
        '       after 21 (integracao 21 depende_de = 22)',
        '       component 23 ITENS (campos_integracao id=2)',
        'parameters the caller sends: contaId, pedidoId',
        '',
      ].join('\n'),
    );
  });

  //  [1] uses component 5, which uses component 5 again
  it('names a component cycle instead of following it', () => {
    // ARRANGE
    const rows = configRows({
      integracoes: [integracao({ id: 1 }), componente(5, 'SELECT 1')],
      campos: [campo({ id: 10, integracao_id: 1, campoCrm: { componente: 5 } }), campo({ id: 11, integracao_id: 5, campoCrm: { componente: 5 } })],
    });
    // ACT
    const text = toPlanText(rows, 1, empresa1);
    // ASSERT
    assert.match(text, /component 5 COMP-5 \(campos_integracao id=10\)\n\s+component 5 COMP-5 \(campos_integracao id=11\): a cycle, not followed/);
  });
});
