// Bundled into the workflow code (never imported by Node code): reports each finished SET run to the
// worker through a sink, so runs and records are counted once, on the worker that finished the run,
// whoever started it, however many times it continued as new. Sinks are not called during replay.
import { ContinueAsNew, proxySinks, workflowInfo, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import type { RunRequest, RunResult } from '../plan/types';
import { summarizeRun, type RunSummary } from './run-summary';

export interface MetricsSinks extends Sinks {
  integradorMetrics: { runFinished(summary: RunSummary): void };
}

const { integradorMetrics } = proxySinks<MetricsSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        // only SET runs are counted (a settlement is another workflow type, with another result)
        if (workflowInfo().workflowType !== 'setRun') return next(input);
        const request = input.args[0] as RunRequest | undefined;
        const base = request?.base ?? '';
        const integracao = request?.integracaoId ?? 0;
        try {
          const result = (await next(input)) as RunResult;
          integradorMetrics.runFinished(summarizeRun(base, integracao, result));
          return result;
        } catch (err) {
          // continueAsNew throws to end this execution; the run goes on and is counted when its last one ends
          if (!(err instanceof ContinueAsNew)) integradorMetrics.runFinished(summarizeRun(base, integracao, undefined));
          throw err;
        }
      },
    },
  ],
});
