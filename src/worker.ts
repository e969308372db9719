// The worker: builds the activities' dependencies once, runs workflows and activities, closes them on stop.
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { AppConfig } from './config/types';
import { createReceiverRegistry, type ReceiverRegistry } from './connectors/registry';
import { createCrmPools } from './crm/pools';
import { connectionOptions } from './temporal/client';

export const WORKFLOWS_PATH = require.resolve('../workflows');

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per process (bundling takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never;

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after `shutdown`). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export interface WorkerOverrides {
  receivers?: ReceiverRegistry;
  taskQueue?: string;
  activities?: Partial<ReturnType<typeof createActivities>>;
}

export async function startWorker(config: AppConfig, overrides: WorkerOverrides = {}): Promise<RunningWorker> {
  const crm = createCrmPools(config);
  const receivers = overrides.receivers ?? createReceiverRegistry(config);
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: overrides.taskQueue ?? config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: { ...createActivities({ config, crm, receivers }), ...overrides.activities },
    maxConcurrentActivityTaskExecutions: 20,
  });
  const done = worker.run().finally(async () => {
    await receivers.close();
    await crm.close();
    await connection.close();
  });
  return {
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
