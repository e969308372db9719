// Task queue names the workflows and the worker agree on. No imports: workflow code and src/worker.ts
// both read it.

/**
 * The queue a run's bulk chunks (steps of several chunks) go to. Each worker process polls it with a worker
 * of its own that runs `run.chunksPerWorker` chunks at once (default 1): a chunk already keeps its
 * connection's `concurrency` busy, so a busy process stops taking chunks and the next goes to an idle one.
 * Everything else (workflow tasks, a button's one chunk, loadPlan, settlements) stays on the main queue,
 * whose slots bulk chunks never take.
 */
export function chunkTaskQueue(taskQueue: string): string {
  return `${taskQueue}-chunks`;
}
