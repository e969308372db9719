// The worker: builds the activities' dependencies once, runs workflows and activities, closes them on stop.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { AppConfig } from './config/types';
import { createReceiverRegistry, type ReceiverRegistry } from './connectors/registry';
import { createCrmPools } from './crm/pools';
import { createPgLedgers } from './delivery/ledger-pg';
import { activityLogging } from './logging/activity-logging';
import { createRunLogs, type RunLogs } from './logging/run-logs';
import { processMetrics, type Metrics } from './metrics/metrics';
import { metricsSinks, onSendMetrics, timedReceivers, WORKFLOW_INTERCEPTOR_MODULE } from './metrics/worker-metrics';
import { connectionOptions } from './temporal/client';
import { chunkTaskQueue } from '../workflows/task-queues';

export const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * The workflow bundle `npm run build` writes (dist/workflow-bundle.js). This path exists only when this file
 * runs compiled from dist/, so tests and `dev` (TypeScript through tsx) always bundle the current source.
 */
export const PREBUILT_BUNDLE = join(__dirname, '..', 'workflow-bundle.js');

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per process (bundling takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: [WORKFLOW_INTERCEPTOR_MODULE], logger: quietLogger });
  return bundle;
}

/** The worker's workflow code: the prebuilt bundle when there is one (no bundling at start), else bundled now. */
async function workflowCode(): Promise<WorkflowBundleWithSourceMap | { codePath: string }> {
  return existsSync(PREBUILT_BUNDLE) ? { codePath: PREBUILT_BUNDLE } : workflowBundle();
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never;

/**
 * Activities the main worker runs at once: a button's chunk, loadPlan, settlements (never a bulk chunk,
 * which has its own worker). A button's chunk is dispatched eagerly only while a slot is free.
 */
export const MAIN_ACTIVITY_SLOTS = 20;

/** How long a stopping worker lets in-flight activities (a chunk being sent) finish before cancelling them. */
export const SHUTDOWN_GRACE_MS = 30_000;

/**
 * The SDK's runtime stops every worker on SIGINT/SIGTERM by itself. `serve` must stop in order instead
 * (drain the API's waiting requests first, while the worker still finishes their runs), so the CLI owns the
 * signals: the runtime is installed without shutdown signals, once, before the first connection.
 */
function ownSignals(): void {
  if (Runtime._instance) return;
  try {
    Runtime.install({ shutdownSignals: [] });
  } catch {
    // already installed by other code in this process: keep its settings
  }
}

export interface RunningWorker {
  /** Workflow tasks and every activity but bulk chunks, on the configured task queue. */
  worker: Worker;
  /** Bulk chunks only, on the chunk queue (workflows/task-queues.ts), `run.chunksPerWorker` at once. */
  chunkWorker: Worker;
  /**
   * The worker's connection, open until the worker has stopped. A client in the same process may share it
   * (createIntegradorClient's `workerConnection`) to start runs eagerly on this worker.
   */
  connection: NativeConnection;
  /** Resolves when the worker has stopped (after `shutdown`). */
  done: Promise<void>;
  /** The worker's own /metrics server, when it was given a metrics port. */
  metricsUrl?: string;
  shutdown(): Promise<void>;
}

export interface WorkerOverrides {
  receivers?: ReceiverRegistry;
  taskQueue?: string;
  activities?: Partial<ReturnType<typeof createActivities>>;
  logs?: RunLogs;
  metrics?: Metrics;
  /** Serve the metrics on this port (0 = any free one); defaults to WORKER_METRICS_PORT, else none. */
  metricsPort?: number;
}

function metricsServer(metrics: Metrics, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export async function startWorker(config: AppConfig, overrides: WorkerOverrides = {}): Promise<RunningWorker> {
  const metrics = overrides.metrics ?? processMetrics();
  const ownLogs = overrides.logs ? undefined : createRunLogs(config);
  const logs = overrides.logs ?? ownLogs!;
  const crm = createCrmPools(config);
  const onSend = onSendMetrics(metrics);
  const receivers = overrides.receivers ? timedReceivers(overrides.receivers, onSend) : createReceiverRegistry(config, {}, { onSend });
  ownSignals();
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  const taskQueue = overrides.taskQueue ?? config.temporal.taskQueue;
  const deps = { config, crm, ledgers: createPgLedgers(crm), receivers };
  const shared = {
    connection,
    namespace: config.temporal.namespace,
    interceptors: { activity: [activityLogging(logs)] },
    shutdownGraceTime: SHUTDOWN_GRACE_MS,
  };
  const worker = await Worker.create({
    ...shared,
    taskQueue,
    activities: { ...createActivities(deps), ...overrides.activities },
    workflowBundle: await workflowCode(),
    sinks: metricsSinks(metrics),
    maxConcurrentActivityTaskExecutions: MAIN_ACTIVITY_SLOTS,
  });
  // bulk chunks, on a queue of their own: this process takes a chunk only while it has a free chunk slot
  const chunkWorker = await Worker.create({
    ...shared,
    taskQueue: chunkTaskQueue(taskQueue),
    activities: { ...createActivities({ ...deps, bulk: true }), ...overrides.activities },
    maxConcurrentActivityTaskExecutions: config.run.chunksPerWorker,
  });
  const port = overrides.metricsPort ?? (process.env.WORKER_METRICS_PORT ? Number(process.env.WORKER_METRICS_PORT) : undefined);
  const host = process.env.WORKER_METRICS_HOST ?? config.api.host;
  const server = port === undefined ? undefined : await metricsServer(metrics, port, host);
  const address = server?.address();
  const metricsUrl = address && typeof address === 'object' ? `http://${host}:${address.port}/metrics` : undefined;
  const stopBoth = () => {
    for (const w of [worker, chunkWorker]) if (w.getState() === 'RUNNING') w.shutdown();
  };
  const running = [worker, chunkWorker].map((w) =>
    w.run().catch((err: unknown) => {
      stopBoth(); // one stopping on an error stops the other, so `done` settles
      throw err;
    }),
  );
  // both stopped (a failed one stops the other) before the connection and pools close
  const done = Promise.allSettled(running)
    .then((settled) => {
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    })
    .finally(async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await receivers.close();
      await crm.close();
      await connection.close();
      await ownLogs?.close();
    });
  return {
    worker,
    chunkWorker,
    connection,
    done,
    metricsUrl,
    async shutdown() {
      stopBoth();
      await done;
    },
  };
}
