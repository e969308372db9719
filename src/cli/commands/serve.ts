import type { Command } from 'commander';
import { configFrom, onSignal } from '../shared';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP API and a worker')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .option('--no-worker', 'API only')
    .action(async (opts: { config?: string; worker: boolean }) => {
      const config = configFrom(opts);
      const { startServer } = await import('../../api/server');
      const stops: Array<() => Promise<void>> = [];
      if (opts.worker) {
        const { startWorker } = await import('../../worker');
        const worker = await startWorker(config);
        stops.push(() => worker.shutdown());
      }
      await (await import('../../temporal/schedules')).applySchedulesAtStart(config);
      const server = await startServer(config, { logger: { level: config.logs.level } });
      stops.unshift(() => server.close());
      console.log(`API listening on ${server.url}${opts.worker ? ' with a worker' : ''}; console at ${server.url}/console`);
      onSignal(async () => {
        for (const stop of stops) await stop();
      });
    });

  program
    .command('worker')
    .description('start a worker (workflows and activities) on the configured task queue')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .action(async (opts: { config?: string }) => {
      const config = configFrom(opts);
      const { startWorker } = await import('../../worker');
      const worker = await startWorker(config);
      console.log(`worker polling task queue ${config.temporal.taskQueue} on ${config.temporal.address}`);
      onSignal(() => worker.shutdown());
      await worker.done;
    });
}
