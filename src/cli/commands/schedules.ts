import type { Command } from 'commander';
import { configFrom } from '../shared';

const date = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function registerSchedules(program: Command): void {
  program
    .command('schedules')
    .description("list the connection file's schedules next to Temporal's, or apply the file (create, update, delete)")
    .argument('[action]', 'list or apply', 'list')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .option('--json', 'print as JSON')
    .action(async (action: string, opts: { config?: string; json?: boolean }) => {
      if (action !== 'list' && action !== 'apply') {
        process.stderr.write(`unknown action ${action}: use list or apply\n`);
        process.exitCode = 2;
        return;
      }
      const config = configFrom(opts);
      const [{ createIntegradorClient }, { applySchedules, listSchedules }] = await Promise.all([
        import('../../temporal/client'),
        import('../../temporal/schedules'),
      ]);
      const client = await createIntegradorClient(config.temporal);
      try {
        if (action === 'apply') {
          const applied = await applySchedules(client.temporal, config);
          if (opts.json) return void process.stdout.write(`${JSON.stringify(applied, null, 2)}\n`);
          if (!applied.length) process.stdout.write('no schedules in the file and none on Temporal\n');
          for (const a of applied) process.stdout.write(`${a.name.padEnd(24)} ${a.outcome.padEnd(9)} ${a.scheduleId}\n`);
          return;
        }
        const rows = await listSchedules(client.temporal, config);
        if (opts.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (!rows.length) return void process.stdout.write('no schedules in the file and none on Temporal\n');
        const out = ['name                     in file  on Temporal             when                       next runs'];
        for (const r of rows) {
          const state = !r.onTemporal ? 'no (run apply)' : r.onTemporal.paused ? 'paused' : r.inFile && !r.onTemporal.upToDate ? 'differs (run apply)' : 'yes';
          const next = r.onTemporal?.nextRuns.map(date).join(', ') || '-';
          out.push(`${r.name.padEnd(24)} ${(r.inFile ? 'yes' : 'no').padEnd(8)} ${state.padEnd(23)} ${r.when.padEnd(26)} ${next}`);
        }
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await client.close();
      }
    });
}
