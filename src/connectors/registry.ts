// Receivers by (base, connection name), built once per worker with their limits; closed at shutdown.
// `limiter.run` is where every send of a connection goes through: at most `concurrency` in flight and
// `ratePerSecond` starts per second across all runs of the worker (`scope: deployment`: across every worker,
// through the base's CRM database, deployment-limiter.ts), and a 429/503 with Retry-After is honoured here,
// inside the same activity attempt, so it does not spend Temporal's retry budget.
import type { AppConfig, ConnectionConfig } from '../config/types';
import { ConfigError, TransportError, UnknownOutcome } from '../errors';
import { createApiReceiver } from './api';
import { createDbReceiver } from './db';
import { createDeploymentLimiter } from './deployment-limiter';
import { createLimiter, type Limiter } from './limiter';
import type { Receiver } from './types';
import { createWsdlCache, createWsReceiver } from './ws';

export interface LimitedReceiver {
  name: string;
  config: ConnectionConfig;
  receiver: Receiver;
  limiter: Limiter;
  /**
   * One-record sends of this process between their ledger claim and their answer: twice `concurrency`, so
   * the claim of each slot's next record commits while the slot's current call is out (src/delivery/deliver.ts).
   */
  claimAhead: Limiter;
}

export interface ReceiverRegistry {
  get(base: string, connection: string): LimitedReceiver;
  close(): Promise<void>;
}

type ReceiverFactory = (name: string, conn: ConnectionConfig) => Receiver;

export type SendOutcome = 'ok' | 'error' | 'retryable' | 'unknown';

/** One call of a receiver's `send`, for metrics: latency per connection and how it ended. */
export interface SendEvent {
  base: string;
  connection: string;
  type: ConnectionConfig['type'];
  ms: number;
  outcome: SendOutcome;
}

export interface RegistryOptions {
  /** Called after every send (each Retry-After resend too); its errors are ignored. */
  onSend?: (e: SendEvent) => void;
  retryAfter?: {
    /** A Retry-After longer than this is left to Temporal's retry (default 60 s). */
    maxWaitMs?: number;
    /** How many Retry-After waits one send may take before Temporal's retry takes over (default 3). */
    maxWaits?: number;
  };
  /** How old a cached WSDL may get before it is revalidated (default 5 minutes). */
  wsdlMaxAgeMs?: number;
  /** Waits `ms` (tests pass a fake). The send activity heartbeats on its own timer meanwhile. */
  sleep?: (ms: number) => Promise<void>;
  /** `scope: deployment`: how long a call may wait for a slot before its attempt fails, retryably (default 5 minutes). */
  deploymentWaitMs?: number;
}

export const DEFAULT_RETRY_AFTER = { maxWaitMs: 60_000, maxWaits: 3 } as const;

/** Sends claimed per connection slot and process: the one out and the next one. */
export const CLAIMS_AHEAD_PER_SLOT = 2;

export function createReceiverRegistry(
  config: Pick<AppConfig, 'bases'>,
  factories: Partial<Record<ConnectionConfig['type'], ReceiverFactory>> = {},
  options: RegistryOptions = {},
): ReceiverRegistry {
  const wsdlCache = createWsdlCache({ maxAgeMs: options.wsdlMaxAgeMs });
  const defaults: Record<ConnectionConfig['type'], ReceiverFactory> = {
    WS: (name, conn) => createWsReceiver(name, conn as Extract<ConnectionConfig, { type: 'WS' }>, { wsdlCache }),
    API: (name, conn) => createApiReceiver(name, conn as Extract<ConnectionConfig, { type: 'API' }>),
    DB: (name, conn) => createDbReceiver(name, conn as Extract<ConnectionConfig, { type: 'DB' }>),
  };
  const retryAfter = { ...DEFAULT_RETRY_AFTER, ...options.retryAfter };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const built = new Map<string, LimitedReceiver>();
  const closers: Array<() => Promise<void>> = [];
  // scope deployment: a limiter with a pool of its own on the base's CRM database (a slot is a session held
  // for the whole call, so it must not take sessions from the ledger's pool)
  const limiterOf = (base: string, connection: string, conn: ConnectionConfig): Limiter => {
    if (conn.scope !== 'deployment') return createLimiter(conn);
    const limiter = createDeploymentLimiter({
      base,
      connection,
      database: config.bases[base]!.database,
      concurrency: conn.concurrency,
      ratePerSecond: conn.ratePerSecond,
      maxWaitMs: options.deploymentWaitMs,
    });
    closers.push(() => limiter.close());
    return limiter;
  };
  return {
    get(base, connection) {
      const key = `${base}\u0000${connection}`;
      let entry = built.get(key);
      if (!entry) {
        const conn = config.bases[base]?.connections[connection];
        if (!conn)
          throw new ConfigError([
            { table: 'connection file', column: `bases.${base}.connections`, message: `connection ${connection} is not in the connection file` },
          ]);
        const factory = factories[conn.type] ?? defaults[conn.type];
        const receiver = observed(factory(connection, conn), (ms, outcome) => options.onSend?.({ base, connection, type: conn.type, ms, outcome }));
        entry = {
          name: connection,
          config: conn,
          receiver,
          limiter: honouringRetryAfter(limiterOf(base, connection, conn), retryAfter, sleep),
          claimAhead: createLimiter({ concurrency: CLAIMS_AHEAD_PER_SLOT * conn.concurrency }),
        };
        built.set(key, entry);
      }
      return entry;
    },
    async close() {
      const entries = [...built.values()];
      built.clear();
      await Promise.all([...entries.map((e) => e.receiver.close?.()), ...closers.splice(0).map((close) => close())]);
    },
  };
}

/**
 * Runs a send under the connection's limits; when it fails with a retryable TransportError carrying a
 * Retry-After within `maxWaitMs`, waits (holding no slot) and sends again, at most `maxWaits` times.
 * Safe: a 429/503 with Retry-After means the receiver did not process the request. Past the bounds the
 * error goes up, and the activity's retry uses the Retry-After as its next delay.
 */
export function honouringRetryAfter(limiter: Limiter, bounds: { maxWaitMs: number; maxWaits: number }, sleep: (ms: number) => Promise<void>): Limiter {
  return {
    async run(task, options) {
      for (let waits = 0; ; waits++) {
        try {
          return await limiter.run(task, options);
        } catch (err) {
          const wait = err instanceof TransportError && err.retryable ? err.retryAfterMs : undefined;
          if (wait === undefined || wait > bounds.maxWaitMs || waits >= bounds.maxWaits) throw err;
          await sleep(wait);
        }
      }
    },
  };
}

function observed(receiver: Receiver, report: (ms: number, outcome: SendOutcome) => void): Receiver {
  const safeReport = (ms: number, outcome: SendOutcome) => {
    try {
      report(ms, outcome);
    } catch {
      // metrics never break a send
    }
  };
  return {
    async send(request) {
      const started = performance.now();
      try {
        const result = await receiver.send(request);
        safeReport(performance.now() - started, 'ok');
        return result;
      } catch (err) {
        safeReport(performance.now() - started, outcomeOf(err));
        throw err;
      }
    },
    preview: receiver.preview?.bind(receiver),
    close: receiver.close?.bind(receiver),
  };
}

export function outcomeOf(err: unknown): SendOutcome {
  if (err instanceof TransportError && err.retryable) return 'retryable';
  if (err instanceof UnknownOutcome) return 'unknown';
  return 'error';
}
