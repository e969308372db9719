// `integrador pending`: the records of a base a person has to look at (GET /pendencias): every incerto
// record, and the erro records of the last 7 days. Read only.
import type { Command } from 'commander';
import { configFrom } from '../shared';
import { integer } from './run';
import { baseFrom } from '../shared';

export function registerPending(program: Command): void {
  program
    .command('pending')
    .description('list the incerto records of a base (every run) and its erro records of the last 7 days')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .requiredOption('-b, --base <name>', 'the base (base_crm)')
    .option('-e, --empresa <id>', 'only this company (empresa_id)', integer('--empresa'))
    .option('-l, --limit <n>', 'at most this many records (default 1000)', integer('--limit'))
    .option('--json', 'print the /pendencias answer as JSON')
    .action(async (opts: { config?: string; base: string; empresa?: number; limit?: number; json?: boolean }) => {
      const base = baseFrom(configFrom(opts), opts.base);
      const [{ createPool }, { listPending }] = await Promise.all([import('../../crm/pools'), import('../../pending/list-pending')]);
      const pool = createPool(base.database, { max: 1 });
      try {
        const list = await listPending(pool, { empresaId: opts.empresa ?? null, limit: opts.limit });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ success: true, base: opts.base, ...list }, null, 2)}\n`);
          return;
        }
        if (!list.records.length) process.stdout.write(`base ${opts.base}: nothing pending\n`);
        for (const r of list.records) {
          process.stdout.write(
            `${r.at}  ${r.status.padEnd(7)}  ${r.workflowId}  ${r.integration.id} ${r.integration.name ?? ''}  key ${r.key}  attempts ${r.attempts}  ${r.error ?? ''}\n`,
          );
        }
        if (list.truncated) process.stdout.write(`… more records (raise --limit)\n`);
      } finally {
        await pool.end();
      }
    });
}
