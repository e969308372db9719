// The plan carries each integration's answer rules parsed (indice_* columns), so no activity parses them
// again; a plan recorded before that (raw column text) is parsed once by currentStep.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BaseConfig } from '../../../src/config/types';
import { ConfigError } from '../../../src/errors';
import { buildPlan, capturedBy, currentStep } from '../../../src/plan/build-plan';
import type { SetStep } from '../../../src/plan/types';
import { campo, configRows, integracao } from '../builders';

const base: BaseConfig = {
  database: 'postgres://unused',
  tokens: [],
  connections: { g5: { type: 'WS', url: 'http://g5', args: {}, timeoutMs: 1000, concurrency: 1, safeToResend: false } },
};

const rows = configRows({
  integracoes: [
    integracao({
      id: 1,
      indice_array_retorno: 'retornosClientes',
      indice_erro_retorno: 'mensagemErro, tipoRetorno=2',
      indice_valor_retorno: 'codCli, codFil,codCli',
    }),
  ],
  campos: [campo({ integracao_id: 1 })],
});
const request = { base: 'demo', empresaId: null, empresaFilialId: null, integracaoId: 1, params: { contaId: '7' } };

describe('answer rules in the plan', () => {
  it('are parsed when the plan is built; valueKeys are the names the integration captures', () => {
    const plan = buildPlan(rows, request, base, { chunkSize: 10, maxChunksInFlight: 1 });
    assert.deepEqual(plan.steps[0]!.answer, {
      arrayKey: 'retornosClientes',
      errorRules: [
        { key: 'mensagemErro', op: 'filled', text: 'mensagemErro' },
        { key: 'tipoRetorno', op: 'equals', expected: '2', text: 'tipoRetorno=2' },
      ],
      valueKeys: ['codCli', 'codFil'],
    });
    assert.deepEqual(capturedBy(rows.integracoes[0]!), ['codCli', 'codFil']);
    // a parsed step passes through currentStep unchanged
    assert.equal(currentStep(plan.steps[0]!), plan.steps[0]);
  });

  it('a step recorded with the raw column text (a run started before the change) is parsed by currentStep', () => {
    const plan = buildPlan(rows, request, base, { chunkSize: 10, maxChunksInFlight: 1 });
    const recorded = {
      ...plan.steps[0]!,
      answer: { arrayKey: 'retornosClientes', errorKeys: 'mensagemErro, tipoRetorno=2', valueKeys: 'codCli, codFil,codCli' },
    } as unknown as SetStep;
    assert.deepEqual(currentStep(recorded), plan.steps[0]);
    const broken = { ...recorded, answer: { arrayKey: null, errorKeys: null, valueKeys: 'a=b' } } as unknown as SetStep;
    assert.throws(() => currentStep(broken), ConfigError);
  });
});
