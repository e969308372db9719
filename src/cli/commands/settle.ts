import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ConfigError } from '../../errors';
import { configFrom } from '../shared';

interface SettleOptions {
  config?: string;
  confirm?: Record<string, string>;
  resend?: boolean;
  discard?: boolean;
  reason?: string;
  as?: string;
  json?: boolean;
  wait: number;
}

const value = (text: string, previous: Record<string, string> | undefined) => {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected name=value, got ${text}`);
  return { ...previous, [text.slice(0, eq)]: text.slice(eq + 1) };
};

/** Who settles from the command line: --as, else the operating system's user. */
function whoAmI(opts: SettleOptions): string {
  if (opts.as) return opts.as;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export function registerSettle(program: Command): void {
  program
    .command('settle')
    .description('settle one record of a run: confirm it (the receiver has it), resend it, or discard it')
    .argument('<workflowId>', 'the run (the workflowId the API or `run` printed)')
    .argument('<integracaoId>', 'the integration of the record')
    .argument('<key>', 'the record key (as `status` shows it)')
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .option(
      '--confirm <name=value>',
      'confirmar an incerto record with the value the receiver gave, e.g. codCli=1001 (repeatable: every indice_valor_retorno key)',
      value,
    )
    .option('--resend', 'reenviar an incerto record, or an erro record after its data was fixed (the consulta is run again for this key)')
    .option('--discard', 'descartar an incerto record (needs --reason)')
    .option('--reason <text>', 'why the record is discarded')
    .option('--as <name>', 'who settles it, in the audit (default cli:<your user name>)')
    .option('--json', 'print the answer as JSON (as the POST answers)')
    .option('--wait <ms>', 'how long to wait for the settlement', (v) => Number(v), 60_000)
    .action(async (workflowId: string, integracaoText: string, key: string, opts: SettleOptions) => {
      const chosen = [opts.confirm && 'confirm', opts.resend && 'resend', opts.discard && 'discard'].filter(Boolean);
      if (chosen.length !== 1) throw new InvalidArgumentError('pass exactly one of --confirm k=v..., --resend, --discard --reason R');
      if (!/^\d{1,9}$/.test(integracaoText)) throw new InvalidArgumentError(`integracaoId must be an integer, got ${integracaoText}`);
      if (opts.reason !== undefined && !opts.discard) throw new InvalidArgumentError('--reason goes with --discard');
      const body = opts.confirm
        ? { acao: 'confirmar', valores: opts.confirm }
        : opts.resend
          ? { acao: 'reenviar' }
          : { acao: 'descartar', motivo: opts.reason };
      const config = configFrom(opts);
      const [
        { createIntegradorClient, BASE_KEY },
        { createCrmPools },
        settlement,
        { SettlementRefused },
        { recordOfExecution },
        { recordAnswer },
        { WorkflowNotFoundError },
      ] = await Promise.all([
        import('../../temporal/client'),
        import('../../crm/pools'),
        import('../../settlement/settle'),
        import('../../settlement/types'),
        import('../../delivery/ledger-pg'),
        import('../../run-view'),
        import('@temporalio/client'),
      ]);
      const client = await createIntegradorClient(config.temporal);
      const pools = createCrmPools(config);
      const fail = (message: string) => {
        process.stderr.write(`${message}\n`);
        process.exitCode = 1;
      };
      try {
        const request = settlement.checkBody(body);
        const handle = client.handle(workflowId);
        let description;
        try {
          description = await handle.describe();
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return fail(`no run ${workflowId} in namespace ${config.temporal.namespace}`);
          throw err;
        }
        const baseName = description.typedSearchAttributes.get(BASE_KEY);
        if (!baseName || !config.bases[baseName]) {
          throw new ConfigError([
            {
              table: 'connection file',
              column: 'bases',
              message: `run ${workflowId} belongs to base ${baseName ?? '(unknown)'}, which is not in the connection file`,
            },
          ]);
        }
        const pool = pools.pool(baseName);
        const integracaoId = Number(integracaoText);
        const done = await settlement.settleRecord(
          { config, client, pool },
          { base: baseName, workflowId, integracaoId, chave: key, handle, description },
          request,
          whoAmI(opts),
          opts.wait,
        );
        const view = await recordOfExecution(pool, settlement.executionIdOf(description)!, integracaoId, key);
        const record = view ? recordAnswer(view) : null;
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ success: true, workflowId, integracaoId, settlementWorkflowId: done.settlementWorkflowId, record }, null, 2)}\n`,
          );
          return;
        }
        process.stdout.write(`${request.acao}: record ${key} of integration ${integracaoId} is ${done.status}${done.message ? ` (${done.message})` : ''}\n`);
        process.stdout.write(`settlement ${done.settlementWorkflowId}\n`);
      } catch (err) {
        if (err instanceof SettlementRefused) return fail(`refused (${err.httpStatus}): ${err.message}`);
        throw err;
      } finally {
        await client.close();
        await pools.close();
      }
    });
}
