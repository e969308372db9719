// The connection file's `schedules:` section: each entry becomes the RunRequest /integrar would build, and
// every mistake is a configuration error naming the schedule and the field.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { parseConfig } from '../../../src/config/load-config';
import { ConfigError } from '../../../src/errors';
import { scheduleOptions } from '../../../src/temporal/schedules';
import { setRunWorkflowId } from '../../../src/temporal/workflow-id';

const BASE = `
bases:
  demo:
    database: postgres://crm@127.0.0.1:5432/crm
    tokens: [{ sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 }]
`;

const withSchedules = (yaml: string) => parseConfig(`${BASE}schedules:\n${yaml}`, {});

function issues(yaml: string): string[] {
  try {
    withSchedules(yaml);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.issues.map((i) => `${i.column}: ${i.message}`);
  }
  assert.fail('expected a ConfigError');
}

describe('schedules in the connection file', () => {
  test('absent: no schedules', () => {
    assert.deepEqual(parseConfig(BASE, {}).schedules, {});
  });

  test("the SPEC's example becomes the request /integrar would build, values as text", () => {
    const config = withSchedules('  contas-noturno: { base: demo, empresa: 1, integracao: 30, cron: "0 2 * * *", params: { situacao: A, limite: 50 } }\n');
    assert.deepEqual(config.schedules['contas-noturno'], {
      cron: '0 2 * * *',
      every: undefined,
      timezone: undefined,
      request: { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 30, params: { situacao: 'A', limite: '50' } },
    });
  });

  test('every, filial and a time zone', () => {
    const config = withSchedules('  rapido: { base: demo, filial: 7, integracao: 19, every: 30s, timezone: America/Sao_Paulo }\n');
    const s = config.schedules.rapido!;
    assert.equal(s.every, '30s');
    assert.equal(s.timezone, 'America/Sao_Paulo');
    assert.deepEqual(s.request, { base: 'demo', empresaId: null, empresaFilialId: 7, integracaoId: 19, params: {} });
  });

  test('a schedule naming an unknown base is an error naming the schedule and the base', () => {
    assert.deepEqual(issues('  noturno: { base: outra, empresa: 1, integracao: 19, cron: "0 2 * * *" }\n'), [
      'schedules.noturno.base: schedule noturno names base outra, which is not in bases',
    ]);
  });

  test('exactly one of cron or every', () => {
    assert.deepEqual(issues('  a: { base: demo, empresa: 1, integracao: 19 }\n'), ['schedules.a: a schedule has exactly one of cron or every']);
    assert.deepEqual(issues('  a: { base: demo, empresa: 1, integracao: 19, cron: "@daily", every: 1h }\n'), [
      'schedules.a: a schedule has exactly one of cron or every',
    ]);
  });

  test('a malformed cron or interval names the field', () => {
    const [cron] = issues('  a: { base: demo, empresa: 1, integracao: 19, cron: "every night" }\n');
    assert.match(cron!, /^schedules\.a\.cron: cron is five fields/);
    const [every] = issues('  a: { base: demo, empresa: 1, integracao: 19, every: 30 }\n');
    assert.match(every!, /^schedules\.a\.every: /);
    const [unit] = issues('  a: { base: demo, empresa: 1, integracao: 19, every: 2w }\n');
    assert.match(unit!, /^schedules\.a\.every: every is a number and a unit/);
    assert.deepEqual(issues('  a: { base: demo, empresa: 1, integracao: 19, every: 0s }\n'), ['schedules.a.every: every is at least 1s']);
  });

  test('an unknown time zone names the field', () => {
    assert.deepEqual(issues('  a: { base: demo, empresa: 1, integracao: 19, cron: "@daily", timezone: Mars/Olympus }\n'), [
      'schedules.a.timezone: timezone is an IANA zone such as America/Sao_Paulo',
    ]);
  });

  test('macros and six-field crons pass to Temporal', () => {
    const config = withSchedules(
      '  a: { base: demo, empresa: 1, integracao: 19, cron: "@daily" }\n  b: { base: demo, empresa: 1, integracao: 19, cron: "0 2 * * 1-5 2027" }\n',
    );
    assert.equal(config.schedules.a!.cron, '@daily');
    assert.equal(config.schedules.b!.cron, '0 2 * * 1-5 2027');
  });

  test('missing empresa, missing integracao, unknown fields and bad names', () => {
    assert.deepEqual(issues('  a: { base: demo, integracao: 19, cron: "@daily" }\n'), ['schedules.a.empresa: a schedule needs empresa or filial']);
    const [integracao] = issues('  a: { base: demo, empresa: 1, cron: "@daily" }\n');
    assert.match(integracao!, /^schedules\.a\.integracao: /);
    const [unknown] = issues('  a: { base: demo, empresa: 1, integracao: 19, cron: "@daily", empressa: 2 }\n');
    assert.match(unknown!, /^schedules\.a: .*empressa/);
    const [name] = issues('  "a b": { base: demo, empresa: 1, integracao: 19, cron: "@daily" }\n');
    assert.equal(name, `schedules.a b: schedule name "a b": use letters, digits, _ and - (at most 80)`);
  });

  test('parameters are checked as /integrar checks them', () => {
    assert.deepEqual(issues('  a: { base: demo, empresa: 1, integracao: 19, cron: "@daily", params: { token_crm: x } }\n'), [
      'schedules.a.params.token_crm: token_crm goes in the TOKEN_CRM header, never in the URL or the body',
    ]);
    const [nested] = issues('  a: { base: demo, empresa: 1, integracao: 19, cron: "@daily", params: { contaId: [1, 2] } }\n');
    assert.match(nested!, /^schedules\.a\.params\.contaId: /);
  });
});

describe('the Temporal schedule of an entry', () => {
  const config = withSchedules(
    '  noturno: { base: demo, empresa: 1, integracao: 19, cron: "0 2 * * *", timezone: America/Sao_Paulo, params: { contaId: 1 } }\n  rapido: { base: demo, empresa: 1, integracao: 19, every: 5s }\n',
  );

  test('starts setRun with the request, the API workflow id as prefix, skip on overlap, and marks it ours', () => {
    const s = config.schedules.noturno!;
    const options = scheduleOptions('noturno', s, 'fila');
    assert.equal(options.scheduleId, 'integrador-noturno');
    assert.deepEqual(options.spec, { cronExpressions: ['0 2 * * *'], timezone: 'America/Sao_Paulo' });
    assert.equal(options.action.workflowType, 'setRun');
    assert.deepEqual(options.action.args, [s.request]);
    assert.equal(options.action.taskQueue, 'fila');
    assert.equal(options.action.workflowId, setRunWorkflowId(s.request));
    assert.equal(options.policies?.overlap, ScheduleOverlapPolicy.SKIP);
    assert.deepEqual(options.memo, { managedBy: 'integrador', taskQueue: 'fila' });
    assert.deepEqual(scheduleOptions('rapido', config.schedules.rapido!, 'fila').spec, { intervals: [{ every: '5s' }] });
  });

  test('its version changes with the definition and the task queue, not otherwise', () => {
    const s = config.schedules.noturno!;
    const v = scheduleOptions('noturno', s, 'fila').version;
    assert.equal(scheduleOptions('noturno', s, 'fila').version, v);
    assert.notEqual(scheduleOptions('noturno', s, 'outra').version, v);
    assert.notEqual(scheduleOptions('noturno', { ...s, cron: '0 3 * * *' }, 'fila').version, v);
    assert.notEqual(scheduleOptions('noturno', { ...s, request: { ...s.request, params: { contaId: '2' } } }, 'fila').version, v);
  });
});
