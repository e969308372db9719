// What the Temporal UI shows about a run without opening it: the outcome search attribute, the run's
// summary and details, and the activities' summaries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IntegrationResult, RunRequest, SetStep } from '../../../src/plan/types';
import { runDetails, runMemo, runSummary } from '../../../src/temporal/client';
import { SEARCH_ATTRIBUTES } from '../../../src/temporal/constants';
import { activitySummary, endDetails, RESULTADO_KEY, runOutcome } from '../../../workflows/outcome';

const integration = (status: IntegrationResult['status'], counts: IntegrationResult['counts'] = {}): IntegrationResult => ({
  id: 19,
  name: 'SET-WS-CONTAS',
  status,
  total: 1,
  counts,
  message: '',
});

describe('runOutcome (IntegradorResultado)', () => {
  it('is ok when records were sent, vazio when every query returned nothing', () => {
    assert.equal(runOutcome({ success: true, integrations: [integration('ok', { gravado: 1 })] }), 'ok');
    assert.equal(runOutcome({ success: true, integrations: [integration('ok', { gravado: 1 }), integration('vazio')] }), 'ok');
    assert.equal(runOutcome({ success: true, integrations: [integration('vazio'), integration('vazio')] }), 'vazio');
  });

  it('is erro for a refused record or a run that never started sending, incerto as soon as a record is incerto', () => {
    assert.equal(runOutcome({ success: false, integrations: [integration('erro', { erro: 1 }), integration('nao_executada')] }), 'erro');
    assert.equal(runOutcome({ success: false, integrations: [] }), 'erro');
    assert.equal(runOutcome({ success: false, integrations: [integration('erro', { incerto: 1 })] }), 'incerto');
    assert.equal(runOutcome({ success: false, integrations: [integration('erro', { erro: 2, incerto: 1, gravado: 5 })] }), 'incerto');
  });

  it('is a Keyword registered wherever the other search attributes are', () => {
    assert.equal(RESULTADO_KEY.name, 'IntegradorResultado');
    assert.equal(RESULTADO_KEY.type, 'KEYWORD');
    assert.equal(SEARCH_ATTRIBUTES.IntegradorResultado, 'Keyword');
  });
});

describe('run summary and details', () => {
  const request: RunRequest = { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 21, params: { contaId: '42', cpf: '52998224725' } };
  const step = (id: number, nome: string) => ({ id, nome, connection: { name: 'g5', type: 'WS' } }) as SetStep;
  const preview = { steps: [step(19, 'SET-WS-CONTAS'), step(21, 'SET-WS-CONTATOS'), step(22, 'SET-WS-PEDIDOS')] };

  it('names the integration, base, company and parameter names, never their values', () => {
    assert.equal(runSummary(request, preview), '21 SET-WS-CONTATOS · base demo · empresa 1 · contaId, cpf');
    assert.equal(runSummary(request), 'integracao 21 · base demo · empresa 1 · contaId, cpf');
    assert.equal(runSummary({ ...request, empresaFilialId: 3, params: {} }), 'integracao 21 · base demo · empresa 1 filial 3');
    for (const text of [runSummary(request, preview), runDetails(request, preview), JSON.stringify(runMemo(request))]) {
      assert.doesNotMatch(text, /42|52998224725/);
    }
  });

  it('details list the run order with each connection', () => {
    const details = runDetails(request, preview);
    assert.match(details, /\*\*runs\*\* 19 SET-WS-CONTAS \(WS g5\) → 21 SET-WS-CONTATOS \(WS g5\) → 22 SET-WS-PEDIDOS \(WS g5\)/);
    assert.match(details, /\*\*parameters\*\* \(names only\): contaId, cpf/);
    assert.match(details, /IntegradorResultado/);
    assert.doesNotMatch(runDetails(request), /\*\*runs\*\*/);
  });

  it('activity summaries count lotes from 1', () => {
    const s = step(19, 'SET-WS-CONTAS');
    assert.equal(activitySummary.sendRecords(s, 2, 10), '19 SET-WS-CONTAS, lote 3 of 10');
    assert.equal(activitySummary.queryRecords(s), '19 SET-WS-CONTAS: query');
    assert.equal(activitySummary.loadPlan(19), 'plan of integracao 19');
  });
});

describe('endDetails (current details once the run ended)', () => {
  it('leads with the outcome and the message, then one line per integration', () => {
    assert.equal(
      endDetails({
        success: false,
        message: 'integracao 19 (SET-WS-CONTAS) failed: CNPJ inválido',
        integrations: [integration('erro', { erro: 1 }), { ...integration('nao_executada'), id: 21, name: 'SET-WS-CONTATOS', total: 0 }],
      }),
      '**erro**: integracao 19 (SET-WS-CONTAS) failed: CNPJ inválido\n\n19 SET-WS-CONTAS: erro (1 record(s))\n\n21 SET-WS-CONTATOS: nao_executada',
    );
  });
});
