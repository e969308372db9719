import type { Command } from 'commander';
import { ConfigError } from '../../errors';
import { configFrom } from '../shared';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create or update schema integrador in the CRM database of each base')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .option('-b, --base <name>', 'only this base')
    .action(async (opts: { config?: string; base?: string }) => {
      const config = configFrom(opts);
      const { migrate } = await import('../../crm/migrate');
      const names = opts.base ? [opts.base] : Object.keys(config.bases);
      for (const name of names) {
        const base = config.bases[name];
        if (!base) throw new ConfigError([{ table: 'connection file', column: 'bases', message: `unknown base ${name}` }]);
        const applied = await migrate(base.database);
        console.log(`${name}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
      }
    });
}
