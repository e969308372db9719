import type { Command } from 'commander';
import { formatIssue } from '../../errors';
import { baseFrom, configFrom } from '../shared';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      "check a base's whole configuration (tables, SQL, connections, dependencies) and print every problem; exit 2 when there is one (warnings alone exit 0)",
    )
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .requiredOption('-b, --base <name>', 'the base (base_crm) to check')
    .action(async (opts: { config?: string; base: string }) => {
      const base = baseFrom(configFrom(opts), opts.base);
      const { validateDatabase } = await import('../../validate');
      const report = await validateDatabase(base);
      for (const issue of report.issues) console.log(formatIssue(issue));
      for (const warning of report.warnings) console.log(`warning: ${formatIssue(warning)}`);
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
      const integrations = `${plural(report.checked.length, 'integration')} checked`;
      const warned = report.warnings.length > 0 ? `, ${plural(report.warnings.length, 'warning')}` : '';
      if (report.issues.length === 0) {
        console.log(`base ${opts.base}: no problems${warned} (${integrations})`);
        return;
      }
      console.log(`base ${opts.base}: ${plural(report.issues.length, 'problem')}${warned} (${integrations})`);
      process.exitCode = 2;
    });
}
