import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AppConfig } from '../../config/types';
import type { RunningWorker } from '../../worker';
import { configFrom, configPathFrom, onSignal } from '../shared';
import {
  embeddedTemporalFiles,
  processAlive,
  readEmbeddedState,
  removeEmbeddedState,
  temporalAnswers,
  temporalConfigFrom,
  withTemporalAddress,
  writeEmbeddedState,
} from '../temporal-target';

/** Whether process `pid` is still a Temporal server on `dbFile` (a pid may since belong to someone else). */
function runsOn(pid: number, dbFile: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dbFile);
  } catch {
    // no /proc (macOS): trust the pid, recorded by the serve that started it
    return process.platform !== 'linux';
  }
}

/**
 * For a connection file without `temporal.address`: starts the embedded Temporal dev server (data kept in
 * `.integrador-temporal/` beside the file) and records its address for the other commands while it runs.
 */
async function startEmbeddedTemporal(config: AppConfig, configPath: string) {
  const files = embeddedTemporalFiles(configPath);
  const previous = readEmbeddedState(configPath);
  if (previous) {
    if (processAlive(previous.servePid) && (await temporalAnswers(previous.address))) {
      throw new Error(`another \`integrador serve\` (pid ${previous.servePid}) runs the embedded Temporal for ${configPath} on ${previous.address}`);
    }
    // left behind by a serve that did not stop cleanly: stop its Temporal, which holds the data file
    if (processAlive(previous.temporalPid) && runsOn(previous.temporalPid!, files.dbFile)) {
      process.kill(previous.temporalPid!, 'SIGTERM');
      for (let i = 0; i < 40 && processAlive(previous.temporalPid); i++) await new Promise((r) => setTimeout(r, 250));
    }
    removeEmbeddedState(configPath);
  }
  const [{ mkdirSync }, { startTemporalDevServer }, { portOr }] = await Promise.all([
    import('node:fs'),
    import('../../dev/temporal-dev-server'),
    import('../../dev/free-port'),
  ]);
  mkdirSync(files.dir, { recursive: true });
  const temporal = await startTemporalDevServer({
    ui: true,
    port: await portOr(7233),
    uiPort: await portOr(8233),
    dbFile: files.dbFile,
    namespace: config.temporal.namespace,
  });
  writeEmbeddedState(configPath, {
    address: temporal.address,
    uiUrl: temporal.uiUrl,
    namespace: temporal.namespace,
    servePid: process.pid,
    temporalPid: temporal.pid,
  });
  // a crash (an uncaught error ends in process.exit) must not leave a state file pointing at nothing
  const atExit = () => {
    removeEmbeddedState(configPath);
    if (temporal.pid && processAlive(temporal.pid)) process.kill(temporal.pid, 'SIGTERM');
  };
  process.once('exit', atExit);
  console.log(`embedded Temporal on ${temporal.address} (no temporal.address in ${configPath}), data in ${files.dir}`);
  console.log(`Temporal UI       ${temporal.uiUrl}`);
  return {
    address: temporal.address,
    uiUrl: temporal.uiUrl,
    async stop() {
      process.off('exit', atExit);
      removeEmbeddedState(configPath);
      await temporal.stop();
    },
  };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP API and a worker (and an embedded Temporal when the file has no temporal.address)')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .option('--no-worker', 'API only')
    .action(async (opts: { config?: string; worker: boolean }) => {
      let config = configFrom(opts);
      const { startServer } = await import('../../api/server');
      // stopped in order: the API (drains waiting requests), the worker, then the embedded Temporal
      const stops: Array<() => Promise<void>> = [];
      const stopAll = async () => {
        for (const stop of stops) await stop().catch((err: Error) => console.error(err.message));
      };
      try {
        if (!config.temporal.address) {
          const temporal = await startEmbeddedTemporal(config, configPathFrom(opts));
          stops.unshift(() => temporal.stop());
          config = withTemporalAddress(config, temporal.address);
          // the console links runs to the embedded server's UI
          if (!config.temporal.uiUrl && temporal.uiUrl) config = { ...config, temporal: { ...config.temporal, uiUrl: temporal.uiUrl } };
        }
        let workerConnection: RunningWorker['connection'] | undefined;
        if (opts.worker) {
          const { startWorker } = await import('../../worker');
          const worker = await startWorker(config);
          stops.unshift(() => worker.shutdown());
          // the API starts runs eagerly on this worker (the server answers the start with the first task)
          workerConnection = worker.connection;
        }
        // after the embedded Temporal is up, so the schedules reach it; a refused schedule stops serve
        await (await import('../../temporal/schedules')).applySchedulesAtStart(config);
        const server = await startServer(config, { logger: { level: config.logs.level }, workerConnection });
        stops.unshift(() => server.close());
        console.log(`API listening on ${server.url}${opts.worker ? ' with a worker' : ''}; console at ${server.url}/console`);
      } catch (err) {
        await stopAll();
        throw err;
      }
      onSignal(stopAll);
    });

  program
    .command('worker')
    .description('start a worker (workflows and activities) on the configured task queue')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .action(async (opts: { config?: string }) => {
      const config = await temporalConfigFrom(opts);
      const { startWorker } = await import('../../worker');
      const worker = await startWorker(config);
      console.log(`worker polling task queue ${config.temporal.taskQueue} on ${config.temporal.address}`);
      onSignal(() => worker.shutdown());
      await worker.done;
    });
}
