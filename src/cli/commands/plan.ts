import { InvalidArgumentError, Option, type Command } from 'commander';
import { baseFrom, configFrom } from '../shared';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show which integrations a run executes, in order, with their components (text or a Mermaid diagram)')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .requiredOption('-b, --base <name>', 'the base (base_crm)')
    .requiredOption('-i, --integracao <id>', 'the integration a caller would ask for', positiveInteger)
    .option('-e, --empresa <id>', "the company that runs it (default: the integration's own empresa_id)", positiveInteger)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'mermaid']).default('text'))
    .action(async (opts: { config?: string; base: string; integracao: number; empresa?: number; format: 'text' | 'mermaid' }) => {
      const base = baseFrom(configFrom(opts), opts.base);
      const [{ createPool }, { readConfigRows }, { componentsByIntegration, toMermaid, toPlanText }] = await Promise.all([
        import('../../crm/pools'),
        import('../../crm/config-repository'),
        import('../../graph'),
      ]);
      const pool = createPool(base.database, { max: 1 });
      let rows;
      try {
        rows = await readConfigRows(pool);
      } finally {
        await pool.end();
      }
      const row = rows.integracoes.find((r) => r.id === opts.integracao);
      const empresa = { empresaId: opts.empresa ?? row?.empresa_id ?? null, empresaFilialId: row?.empresa_filial_id ?? null };
      // runGraph's RequestError (unknown id, a component, another company) and ConfigError (cycle, missing
      // id) propagate: main prints them, with exit code 1 and 2.
      const text =
        opts.format === 'mermaid'
          ? toMermaid(rows.integracoes, opts.integracao, empresa, componentsByIntegration(rows))
          : toPlanText(rows, opts.integracao, empresa);
      process.stdout.write(text);
    });
}
