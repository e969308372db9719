#!/usr/bin/env node
// The `integrador` command line (SPEC §9). One file per command would come when they grow; each is small.
import { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { ConfigError } from '../errors';

const program = new Command('integrador').description('Sends CRM records to ERPs and other receivers, on Temporal').showHelpAfterError();

function configFrom(opts: { config?: string }) {
  const path = opts.config ?? process.env.INTEGRADOR_CONFIG;
  if (!path) throw new ConfigError([{ table: 'connection file', message: 'no connection file: pass --config FILE or set INTEGRADOR_CONFIG' }]);
  return loadConfig(path);
}

function onSignal(stop: () => Promise<void>) {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

program
  .command('dev')
  .description('run everything on embedded defaults: PostgreSQL with a demo CRM, Temporal dev server + UI, a G5-like SOAP receiver, a worker and the API')
  .option('--data-dir <dir>', 'where embedded data lives', '.data')
  .action(async (opts: { dataDir: string }) => {
    const { startDevEnvironment, DEMO_TOKEN } = await import('../dev/dev-env');
    const env = await startDevEnvironment({ dataDir: opts.dataDir, log: (l) => console.log(l) });
    onSignal(env.stop);
    console.log(`
Integrador is running on embedded defaults.

  API               ${env.apiUrl}
  Temporal UI       ${env.uiUrl}
  G5 receiver       ${env.receiver.baseUrl}${env.receiver.wsdlPath}?wsdl
  connection file   ${env.configPath}

Send CRM account 1 to the ERP (integration 19, SET-WS-CONTAS):

  curl -s -H 'TOKEN_CRM: ${DEMO_TOKEN}' '${env.apiUrl}/integrar?base_crm=demo&empresa_id=1&integracao_servico_id=19&contaId=1'

Accounts 1-5 are valid; account 6 has a CNPJ the ERP refuses. Open the run in the Temporal UI above.
Press Ctrl+C to stop.`);
  });

program
  .command('serve')
  .description('start the HTTP API and a worker')
  .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
  .option('--no-worker', 'API only')
  .action(async (opts: { config?: string; worker: boolean }) => {
    const config = configFrom(opts);
    const { startServer } = await import('../api/server');
    const stops: Array<() => Promise<void>> = [];
    if (opts.worker) {
      const { startWorker } = await import('../worker');
      const worker = await startWorker(config);
      stops.push(() => worker.shutdown());
    }
    const server = await startServer(config, { logger: { level: config.logs.level } });
    stops.unshift(() => server.close());
    console.log(`API listening on ${server.url}${opts.worker ? ' with a worker' : ''}`);
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
    const { startWorker } = await import('../worker');
    const worker = await startWorker(config);
    console.log(`worker polling task queue ${config.temporal.taskQueue} on ${config.temporal.address}`);
    onSignal(() => worker.shutdown());
    await worker.done;
  });

program
  .command('migrate')
  .description('create or update schema integrador in the CRM database of each base')
  .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
  .option('-b, --base <name>', 'only this base')
  .action(async (opts: { config?: string; base?: string }) => {
    const config = configFrom(opts);
    const { migrate } = await import('../crm/migrate');
    const names = opts.base ? [opts.base] : Object.keys(config.bases);
    for (const name of names) {
      const base = config.bases[name];
      if (!base) throw new ConfigError([{ table: 'connection file', column: 'bases', message: `unknown base ${name}` }]);
      const applied = await migrate(base.database);
      console.log(`${name}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
    }
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`configuration error:\n${err.message}`);
    process.exit(2);
  }
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
