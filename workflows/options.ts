// Activity option profiles (the saga sample's idea): CRM work retries with backoff; sends retry only what
// the activity itself marks retryable (the request cannot have been processed).
import { proxyActivities, proxyLocalActivities, type RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ErrorCodes } from '../src/errors';

const NEVER_RETRIED = [ErrorCodes.config, ErrorCodes.record, ErrorCodes.request, ErrorCodes.unknownOutcome];
/** CRM work: plan and query. */
const CRM_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 10,
  nonRetryableErrorTypes: NEVER_RETRIED,
};
/** A chunk's sends, however the chunk is run: only what the activity marks retryable is retried. */
const SEND_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 10,
  nonRetryableErrorTypes: NEVER_RETRIED,
};

export const crm = proxyActivities<Pick<Activities, 'loadPlan'>>({
  startToCloseTimeout: '5 minutes',
  retry: CRM_RETRY,
});

// Long queries stream into the ledger and heartbeat per batch, so a killed worker is noticed quickly.
export const query = proxyActivities<Pick<Activities, 'queryRecords'>>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: CRM_RETRY,
});

// The same query as a local activity (patch set-run-local-query): run in the worker inside the workflow
// task, no scheduling round trip and no extra workflow task on a button's path. A killed worker is
// noticed by the workflow task's timeout (10 s) and the query runs again (its inserts are idempotent);
// a long query keeps the workflow task alive (the SDK heartbeats it).
export const localQuery = proxyLocalActivities<Pick<Activities, 'queryRecords'>>({
  startToCloseTimeout: '1 hour',
  retry: CRM_RETRY,
});

export const send = proxyActivities<Pick<Activities, 'sendRecords'>>({
  startToCloseTimeout: '30 minutes',
  // a chunk heartbeats every second whatever its sends are doing, so a killed worker is noticed within
  // the heartbeat timeout and the retried attempt resumes from the ledger
  heartbeatTimeout: '10 seconds',
  // records a receiver could not take (503 with Retry-After, refused) are sent by the next attempt
  retry: SEND_RETRY,
});

// A step's single chunk (a button) as a local activity (patch set-run-local-send): sent by the worker inside
// the workflow task that queried it, so the whole run is one workflow task (no activity completion, no
// second workflow task to dispatch). Its guarantees are the ledger's, as for `send`: a killed worker is
// noticed by the workflow task's timeout (10 s, the heartbeat timeout of `send`), and the retried attempt
// resumes from the ledger (a record left `enviando` becomes incerto, never resent); a long send keeps
// the workflow task alive (the SDK heartbeats it). Same timeout and retries as `send`.
export const localSend = proxyLocalActivities<Pick<Activities, 'sendRecords'>>({
  startToCloseTimeout: '30 minutes',
  retry: SEND_RETRY,
});

// A step of several chunks: no eager dispatch, so its chunks go through a task queue to whichever worker
// has room (eager dispatch would hand each one to the worker running the workflow, and workers would not add
// up). set-run.ts sends them to the chunk queue (task-queues.ts), where each process takes run.chunksPerWorker.
export const sendSpread = proxyActivities<Pick<Activities, 'sendRecords'>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: SEND_RETRY,
  allowEagerDispatch: false,
});
