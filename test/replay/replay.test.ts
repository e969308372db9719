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
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

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
});
