// Per-connection limits shared by every run on a worker: at most `concurrency` calls in flight and at most
// `ratePerSecond` call starts per second.

export interface RunOptions {
  /**
   * Goes ahead of the calls waiting without it (still behind the calls in flight): a CRM button's one
   * record is not queued behind the records of the bulk chunks in progress.
   */
  first?: boolean;
}

export interface Limiter {
  run<T>(task: () => Promise<T>, options?: RunOptions): Promise<T>;
}

export function createLimiter(opts: { concurrency: number; ratePerSecond?: number }): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  const waitingFirst: Array<() => void> = [];
  const interval = opts.ratePerSecond ? 1000 / opts.ratePerSecond : 0;
  let nextStart = 0;

  const acquire = (first: boolean) =>
    new Promise<void>((resolve) => {
      if (active < opts.concurrency) {
        active++;
        resolve();
      } else {
        (first ? waitingFirst : waiting).push(resolve);
      }
    });
  const release = () => {
    const next = waitingFirst.shift() ?? waiting.shift();
    if (next) next();
    else active--;
  };
  const pace = async () => {
    if (!interval) return;
    const now = Date.now();
    const start = Math.max(now, nextStart);
    nextStart = start + interval;
    if (start > now) await new Promise((r) => setTimeout(r, start - now));
  };

  return {
    async run(task, options) {
      await acquire(Boolean(options?.first));
      try {
        await pace();
        return await task();
      } finally {
        release();
      }
    },
  };
}
