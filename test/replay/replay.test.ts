// Determinism guard: every committed history of the SET workflow must replay against today's workflow
// code, and a mutated history must not (the negative control proves the check can fail).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundle } from '../../src/worker';

const DIR = join(__dirname, 'histories');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

function load(file: string): { workflowId: string; history: any } {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8'));
}

describe('replay of committed SET run histories', () => {
  let bundle: WorkflowBundleWithSourceMap;
  before(async () => {
    bundle = await workflowBundle();
  });

  test('there are committed histories to replay', () => {
    assert.ok(files.length >= 3, `only ${files.length} histories in ${DIR}`);
  });

  for (const file of files) {
    test(`replays ${file}`, async () => {
      const { workflowId, history } = load(file);
      await Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(history), workflowId);
    });
  }

  test('a history whose activity order was changed fails to replay', async () => {
    const { workflowId, history } = load(files.find((f) => f.includes('success'))!);
    const scheduled = history.events.find((e: any) => e.activityTaskScheduledEventAttributes);
    assert.equal(scheduled.activityTaskScheduledEventAttributes.activityType.name, 'loadPlan');
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'sendRecords';
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(history), workflowId), DeterminismViolationError);
  });

  test('the large-run fixture continues as new under the continue-as-new patch', () => {
    const { history } = load(files.find((f) => f.includes('large-run-1'))!);
    const types = history.events.map((e: any) => e.eventType);
    assert.ok(types.includes('EVENT_TYPE_MARKER_RECORDED'), 'the patch marker is recorded');
    assert.equal(types.at(-1), 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
  });

  test('without its patch marker, a run that continued as new fails to replay (patched() is what keeps old runs replaying)', async () => {
    const { workflowId, history } = load(files.find((f) => f.includes('large-run-1'))!);
    // the patch is a marker plus the search attribute upsert that goes with it; without both, patched()
    // answers false on replay, the run sends every chunk instead of continuing as new, and replay fails
    const patchEvents = new Set(['EVENT_TYPE_MARKER_RECORDED', 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES']);
    history.events = history.events.filter((e: any) => !patchEvents.has(e.eventType));
    history.events.forEach((e: any, i: number) => (e.eventId = String(i + 1)));
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(history), workflowId), DeterminismViolationError);
  });

  // v3 (IntegradorResultado): the run upserts its outcome when it ends, behind the set-run-resultado patch
  const decoded = (payload: { data: string }) => JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
  const outcomeOf = (history: any) =>
    history.events
      .map((e: any) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.IntegradorResultado)
      .filter(Boolean)
      .map(decoded);

  test('v3 histories upsert IntegradorResultado when the run ends, and name their activities', () => {
    const expected: Record<string, string[]> = {
      'set-run-success-v3.json': ['ok'],
      'set-run-business-error-v3.json': ['erro'],
      'set-run-empty-query-v3.json': ['vazio'],
      'set-run-large-run-1-v3.json': [], // continued as new: the outcome comes with the last execution
      'set-run-large-run-2-v3.json': ['ok'],
    };
    for (const [file, outcome] of Object.entries(expected)) {
      assert.ok(files.includes(file), `${file} is committed`);
      assert.deepEqual(outcomeOf(load(file).history), outcome, file);
    }
    const summaries = load('set-run-business-error-v3.json')
      .history.events.map((e: any) => e.userMetadata?.summary)
      .filter(Boolean)
      .map(decoded);
    assert.deepEqual(summaries, [
      '19 SET-WS-CONTAS · base demo · empresa 1 · contaId',
      'plan of integracao 19',
      '19 SET-WS-CONTAS: query',
      '19 SET-WS-CONTAS, lote 1 of 1',
    ]);
  });

  test('v4 (a button run): the plan comes from /integrar and the query is a local activity, so only the send is scheduled', () => {
    const { history } = load('set-run-success-v4.json');
    const scheduled = history.events
      .filter((e: any) => e.activityTaskScheduledEventAttributes)
      .map((e: any) => e.activityTaskScheduledEventAttributes.activityType.name);
    assert.deepEqual(scheduled, ['sendRecords']);
    const markers = history.events.filter((e: any) => e.markerRecordedEventAttributes).map((e: any) => e.markerRecordedEventAttributes.markerName);
    assert.ok(markers.includes('core_local_activity'), `markers: ${markers.join(', ')}`);
  });

  test('v5 (a button run): the single chunk is a local activity too, so nothing is scheduled and the run is one workflow task', () => {
    const { history } = load('set-run-success-v5.json');
    const types = history.events.map((e: any) => e.eventType);
    assert.ok(!types.includes('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED'), `events: ${types.join(', ')}`);
    assert.equal(types.filter((t: string) => t === 'EVENT_TYPE_WORKFLOW_TASK_STARTED').length, 1);
    const markers = history.events.filter((e: any) => e.markerRecordedEventAttributes);
    assert.equal(markers.filter((e: any) => e.markerRecordedEventAttributes.markerName === 'core_local_activity').length, 2, 'query and send');
    assert.ok(markers.some((e: any) => patchOf(e) === 'set-run-local-send'));
    // each local activity keeps its readable summary (user metadata of its marker), though the UI (2.54) does not show it
    const summaries = markers.filter((e: any) => e.userMetadata?.summary).map((e: any) => decoded(e.userMetadata.summary));
    assert.deepEqual(summaries, ['19 SET-WS-CONTAS: query', '19 SET-WS-CONTAS, lote 1 of 1']);
  });

  test('without the set-run-local-send marker, a v5 button run fails to replay (negative control: the patch keeps v4 runs replaying)', async () => {
    const { workflowId, history } = load('set-run-success-v5.json');
    const at = history.events.findIndex((e: any) => patchOf(e) === 'set-run-local-send');
    assert.equal(history.events[at + 1].eventType, 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', 'the marker and its TemporalChangeVersion upsert');
    history.events.splice(at, 2);
    history.events.forEach((e: any, i: number) => (e.eventId = String(i + 1)));
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(history), workflowId), DeterminismViolationError);
  });

  test('the outcome upsert is a command replay checks: a v3 history without it fails to replay (negative control)', async () => {
    // so without patched('set-run-resultado') every history recorded before it (v1, v2) would fail the same way
    const { workflowId, history } = load('set-run-business-error-v3.json');
    const before = history.events.length;
    history.events = history.events.filter((e: any) => outcomeOf({ events: [e] }).length === 0);
    assert.equal(history.events.length, before - 1, 'the IntegradorResultado upsert removed');
    history.events.forEach((e: any, i: number) => (e.eventId = String(i + 1)));
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(history), workflowId), DeterminismViolationError);
  });

  test('a v3 history without the set-run-resultado marker and its upserts is a pre-patch history, and replays', async () => {
    const { workflowId, history } = load('set-run-business-error-v3.json');
    const before = history.events.length;
    history.events = history.events.filter((e: any) => e.eventType !== 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES' && !isResultadoMarker(e));
    assert.equal(history.events.length, before - 3, 'the marker and its two upserts removed');
    history.events.forEach((e: any, i: number) => (e.eventId = String(i + 1)));
    await Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(history), workflowId);
  });
});

function patchOf(e: any): string | undefined {
  const payload = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0];
  return payload === undefined ? undefined : JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')).id;
}

function isResultadoMarker(e: any): boolean {
  return patchOf(e) === 'set-run-resultado';
}
