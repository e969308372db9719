// Worker side of the metrics: the sink the workflow interceptor calls, and timing of every receiver call.
import type { InjectedSinks } from '@temporalio/worker';
import type { LimitedReceiver, ReceiverRegistry, SendEvent, SendOutcome } from '../connectors/registry';
import { TransportError, UnknownOutcome } from '../errors';
import type { Receiver } from '../connectors/types';
import type { Metrics } from './metrics';
import type { MetricsSinks } from './workflow-interceptors';

export const WORKFLOW_INTERCEPTOR_MODULE = require.resolve('./workflow-interceptors');

export function metricsSinks(metrics: Metrics): InjectedSinks<MetricsSinks> {
  return {
    integradorMetrics: {
      runFinished: {
        fn(_info, summary) {
          metrics.runs.inc({ base: summary.base, integracao: String(summary.integracao), outcome: summary.outcome });
          for (const r of summary.records) metrics.records.inc({ base: summary.base, integracao: String(r.integracao), status: r.status }, r.count);
        },
        callDuringReplay: false,
      },
    },
  };
}

/** The listener for the registry's `onSend`: receiver latency per connection and outcome. */
export function onSendMetrics(metrics: Metrics): (e: SendEvent) => void {
  return (e) => metrics.sendSeconds.observe({ base: e.base, connection: e.connection, type: e.type, outcome: e.outcome }, e.ms / 1000);
}

function outcomeOf(err: unknown): SendOutcome {
  if (err instanceof TransportError && err.retryable) return 'retryable';
  if (err instanceof UnknownOutcome) return 'unknown';
  return 'error';
}

/**
 * Times every `receiver.send` of a registry the worker did not build (a test's), with the same events the
 * registry's own `onSend` gives, so metrics do not depend on who built the receivers.
 */
export function timedReceivers(registry: ReceiverRegistry, onSend: (e: SendEvent) => void): ReceiverRegistry {
  const timed = new Map<string, LimitedReceiver>();
  return {
    get(base, connection) {
      const key = `${base}\u0000${connection}`;
      let entry = timed.get(key);
      if (!entry) {
        const inner = registry.get(base, connection);
        const type = inner.config.type;
        const receiver: Receiver = {
          async send(request) {
            const started = performance.now();
            let outcome: SendOutcome = 'ok';
            try {
              return await inner.receiver.send(request);
            } catch (err) {
              outcome = outcomeOf(err);
              throw err;
            } finally {
              onSend({ base, connection, type, ms: performance.now() - started, outcome });
            }
          },
        };
        entry = { ...inner, receiver };
        timed.set(key, entry);
      }
      return entry;
    },
    close: async () => {
      timed.clear();
      await registry.close();
    },
  };
}
