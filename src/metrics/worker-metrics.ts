// Worker side of the metrics: the sink the workflow interceptor calls, and timing of every receiver call.
import type { InjectedSinks } from '@temporalio/worker';
import type { LimitedReceiver, ReceiverRegistry } from '../connectors/registry';
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

export interface SendEvent {
  base: string;
  connection: string;
  type: string;
  ms: number;
  outcome: string;
}

/** The listener for a send event: what the connectors' `onSend` option (when it lands) should be given. */
export function onSendMetrics(metrics: Metrics): (e: SendEvent) => void {
  return (e) => metrics.sendSeconds.observe({ base: e.base, connection: e.connection, type: e.type, outcome: e.outcome }, e.ms / 1000);
}

/**
 * Times every `receiver.send` of a registry and reports it to `onSend`. This is the hook point until the
 * connectors' registry offers `onSend` itself; the outcome is `ok` or the thrown error's code.
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
            let outcome = 'ok';
            try {
              return await inner.receiver.send(request);
            } catch (err) {
              outcome = (err as { code?: string })?.code ?? 'INT_UNEXPECTED';
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
