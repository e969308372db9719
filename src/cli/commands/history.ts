import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { temporalConfigFrom } from '../temporal-target';

export function registerHistory(program: Command): void {
  const history = program.command('history').description("a run's Temporal event history");
  history
    .command('export')
    .description("write the run's event history as JSON, the format `temporal workflow show --output json` and Worker.runReplayHistory read")
    .argument('<workflowId>', 'the run')
    .argument('<file>', 'where to write it')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .option('--run-id <runId>', 'a specific run of that workflow id (default: the latest)')
    .action(async (workflowId: string, file: string, opts: { config?: string; runId?: string }) => {
      const config = await temporalConfigFrom(opts);
      const [{ createIntegradorClient }, { historyToJSON }] = await Promise.all([
        import('../../temporal/client'),
        import('@temporalio/common/lib/proto-utils'),
      ]);
      const client = await createIntegradorClient(config.temporal);
      try {
        const handle = client.temporal.workflow.getHandle(workflowId, opts.runId);
        const events = await handle.fetchHistory();
        writeFileSync(file, historyToJSON(events));
        process.stdout.write(`${events.events?.length ?? 0} events of ${workflowId} written to ${file}\n`);
      } finally {
        await client.close();
      }
    });
}
