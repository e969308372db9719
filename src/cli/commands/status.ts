import type { Command } from 'commander';
import { ConfigError } from '../../errors';
import { temporalConfigFrom } from '../temporal-target';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("show a run: its status, each integration, and each record's status, captured values, error and attempts")
    .argument('<workflowId>', 'the run (the workflowId the API or `run` printed)')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .option('--json', 'print the GET /execucoes answer as JSON')
    .action(async (workflowId: string, opts: { config?: string; json?: boolean }) => {
      const config = await temporalConfigFrom(opts);
      const [{ createIntegradorClient, BASE_KEY }, { createCrmPools }, { runView }, { WorkflowNotFoundError }] = await Promise.all([
        import('../../temporal/client'),
        import('../../crm/pools'),
        import('../../run-view'),
        import('@temporalio/client'),
      ]);
      const client = await createIntegradorClient(config.temporal);
      const pools = createCrmPools(config);
      try {
        const handle = client.handle(workflowId);
        let baseName: string | undefined;
        try {
          baseName = (await handle.describe()).typedSearchAttributes.get(BASE_KEY);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) {
            process.stderr.write(`no run ${workflowId} in namespace ${config.temporal.namespace}\n`);
            process.exitCode = 1;
            return;
          }
          throw err;
        }
        if (!baseName || !config.bases[baseName]) {
          throw new ConfigError([
            {
              table: 'connection file',
              column: 'bases',
              message: `run ${workflowId} belongs to base ${baseName ?? '(unknown)'}, which is not in the connection file`,
            },
          ]);
        }
        const view = await runView(handle, pools.pool(baseName));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
          return;
        }
        const out: string[] = [
          `workflow   ${view.workflowId}`,
          `status     ${view.status} (${view.temporalStatus})`,
          `started    ${view.startedAt}${view.closedAt ? `   closed ${view.closedAt}` : ''}`,
          `message    ${view.message}`,
        ];
        for (const i of view.integrations) {
          out.push('', `integration ${i.id} ${i.name}: ${i.status} - ${i.message}`);
          if (i.records.length) out.push('  key                  status     attempts  values / error');
          for (const r of i.records) {
            const values = Object.entries(r.values)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(' ');
            const detail = r.status === 'erro' || r.status === 'incerto' || r.status === 'descartado' ? r.message : values;
            out.push(`  ${r.key.padEnd(20)} ${r.status.padEnd(10)} ${String(r.attempts).padEnd(9)} ${detail}`);
            for (const l of r.settlements ?? []) {
              const given = l.valores
                ? ` ${Object.entries(l.valores)
                    .map(([k, v]) => `${k}=${String(v)}`)
                    .join(' ')}`
                : '';
              const why = l.motivo ? ` "${l.motivo}"` : '';
              out.push(
                `    settled #${l.numero}: ${l.acao}${given}${why} by ${l.por} at ${new Date(l.em).toISOString()}, ${l.status_anterior} → ${l.status_final ?? '(sending)'}`,
              );
            }
          }
        }
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await client.close();
        await pools.close();
      }
    });
}
