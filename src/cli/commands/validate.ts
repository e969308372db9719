import type { Command } from 'commander';
import { formatIssue } from '../../errors';
import { baseFrom, configFrom } from '../shared';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description("check a base's whole configuration (tables, SQL, connections, dependencies) and print every problem; exit 2 when there is one")
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .requiredOption('-b, --base <name>', 'the base (base_crm) to check')
    .action(async (opts: { config?: string; base: string }) => {
      const base = baseFrom(configFrom(opts), opts.base);
      const { validateDatabase } = await import('../../validate');
      const report = await validateDatabase(base);
      for (const issue of report.issues) console.log(formatIssue(issue));
      const integrations = `${report.checked.length} integration${report.checked.length === 1 ? '' : 's'} checked`;
      if (report.issues.length === 0) {
        console.log(`base ${opts.base}: no problems (${integrations})`);
        return;
      }
      console.log(`base ${opts.base}: ${report.issues.length} problem${report.issues.length === 1 ? '' : 's'} (${integrations})`);
      process.exitCode = 2;
    });
}
