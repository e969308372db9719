// The settlement body, judged before anything is looked up (src/settlement/settle.ts), and the settlement
// workflow's id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkBody, settleWorkflowId } from '../../../src/settlement/settle';
import { SettlementRefused } from '../../../src/settlement/types';

function refusal(body: unknown): { status: number; parameter?: string; message: string } {
  try {
    checkBody(body);
  } catch (err) {
    assert.ok(err instanceof SettlementRefused);
    return { status: err.httpStatus, parameter: err.parameter, message: err.message };
  }
  assert.fail(`accepted ${JSON.stringify(body)}`);
}

test('the three actions, as given', () => {
  assert.deepEqual(checkBody({ acao: 'confirmar', valores: { codCli: '1001', outro: 2.5 } }), { acao: 'confirmar', valores: { codCli: '1001', outro: 2.5 } });
  assert.deepEqual(checkBody({ acao: 'reenviar' }), { acao: 'reenviar' });
  assert.deepEqual(checkBody({ acao: 'descartar', motivo: '  já no ERP ' }), { acao: 'descartar', motivo: 'já no ERP' });
});

test('every bad body is a 400 naming the field', () => {
  const cases: Array<[unknown, string, RegExp]> = [
    [null, 'body', /JSON object/],
    ['acao=reenviar', 'body', /JSON object/],
    [[{ acao: 'reenviar' }], 'body', /JSON object/],
    [{}, 'acao', /missing acao/],
    [{ acao: 'CONFIRMAR' }, 'acao', /unknown acao "CONFIRMAR"/],
    [{ acao: 7 }, 'acao', /unknown acao 7/],
    [{ acao: 'reenviar', motivo: 'x' }, 'motivo', /unexpected field "motivo" for acao reenviar \(it takes acao\)/],
    [{ acao: 'descartar', valores: {} }, 'valores', /unexpected field "valores"/],
    [{ acao: 'descartar' }, 'motivo', /needs a motivo/],
    [{ acao: 'descartar', motivo: 3 }, 'motivo', /needs a motivo/],
    [{ acao: 'descartar', motivo: 'x'.repeat(2001) }, 'motivo', /longer than 2000/],
    [{ acao: 'confirmar' }, 'valores', /needs valores/],
    [{ acao: 'confirmar', valores: ['1001'] }, 'valores', /needs valores/],
    [{ acao: 'confirmar', valores: { codCli: null } }, 'valores.codCli', /text .* or a number/],
    [{ acao: 'confirmar', valores: { codCli: [1] } }, 'valores.codCli', /text .* or a number/],
    [{ acao: 'confirmar', valores: { codCli: false } }, 'valores.codCli', /text .* or a number/],
    [{ acao: 'confirmar', valores: { codCli: Infinity } }, 'valores.codCli', /text .* or a number/],
    [{ acao: 'confirmar', valores: { codCli: 'x'.repeat(1001) } }, 'valores.codCli', /up to 1000 characters/],
  ];
  for (const [body, parameter, message] of cases) {
    const r = refusal(body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.parameter, parameter, JSON.stringify(body));
    assert.match(r.message, message);
  }
});

test("the settlement workflow id names the run, the integration, the key and the settlement's number", () => {
  assert.equal(settleWorkflowId('set-demo-1-19-abc', 19, '42', 1), 'settle-set-demo-1-19-abc-19-42-1');
  // a key that is not id-like (a repeated id, spaces, a long one) becomes a digest: distinct keys, distinct ids
  const a = settleWorkflowId('set-demo-1-19-abc', 19, '42#2', 2);
  assert.match(a, /^settle-set-demo-1-19-abc-19-h[0-9a-f]{32}-2$/);
  assert.notEqual(settleWorkflowId('r', 1, 'x'.repeat(70) + 'a', 1), settleWorkflowId('r', 1, 'x'.repeat(70) + 'b', 1));
});
