import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ConfigError } from '../../errors';
import type { RunRequest, RunResult } from '../../plan/types';
import { temporalConfigFrom } from '../temporal-target';

/** What withRunRequestOptions parses. */
export interface RunRequestOptions {
  config?: string;
  base: string;
  empresa?: number;
  filial?: number;
  integracao: number;
  param: Record<string, string>;
}

interface RunOptions extends RunRequestOptions {
  json?: boolean;
  interval: number;
  forcar?: boolean;
}

export const integer = (name: string) => (value: string) => {
  if (!/^-?\d{1,15}$/.test(value)) throw new InvalidArgumentError(`${name} must be an integer`);
  return Number(value);
};

export const param = (value: string, previous: Record<string, string>) => {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected name=value, got ${value}`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
};

/** The options that name a run's request, the same for `run` and `preview`. */
export function withRunRequestOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'connection file (or INTEGRADOR_CONFIG)')
    .requiredOption('-b, --base <name>', 'the CRM base (base_crm)')
    .option('-e, --empresa <id>', 'the company (empresa_id)', integer('--empresa'))
    .option('--filial <id>', 'the company branch (empresa_filial_id)', integer('--filial'))
    .requiredOption('-i, --integracao <id>', 'the integration (integracao_servico_id)', integer('--integracao'))
    .option('-p, --param <name=value>', 'a parameter of the integration, e.g. contaId=42 (repeatable)', param, {});
}

export function registerRun(program: Command): void {
  withRunRequestOptions(
    program.command('run').description('start (or join) a SET run and follow it: records sent, written back and failed; exits 1 when the run fails'),
  )
    .option('--forcar', 'send every record, even those somente_alterados would skip (forcar=true)')
    .option('--json', 'print the result as JSON (the /integrar answer)')
    .option('--interval <ms>', 'how often to read the ledger', integer('--interval'), 500)
    .action(async (opts: RunOptions) => {
      const config = await temporalConfigFrom(opts);
      if (opts.empresa === undefined && opts.filial === undefined) throw new InvalidArgumentError('pass --empresa or --filial');
      const base = config.bases[opts.base];
      if (!base) throw new ConfigError([{ table: 'connection file', column: 'bases', message: `unknown base ${opts.base}` }]);
      const request: RunRequest = {
        base: opts.base,
        empresaId: opts.empresa ?? null,
        empresaFilialId: opts.filial ?? null,
        integracaoId: opts.integracao,
        params: opts.param,
        ...(opts.forcar ? { forcar: true } : {}),
      };

      const [
        { createCrmPools },
        { planFromCrm },
        { createIntegradorClient },
        { recordsOfExecution, recordsOfWorkflow },
        { runAnswer },
        { createProgress, progressCounts },
      ] = await Promise.all([
        import('../../crm/pools'),
        import('../../validate/check-plan'),
        import('../../temporal/client'),
        import('../../delivery/ledger-pg'),
        import('../../run-view'),
        import('../progress'),
      ]);
      const pools = createCrmPools(config);
      const pool = pools.pool(opts.base);
      const client = await createIntegradorClient(config.temporal);
      try {
        // the API's check: a request the run would refuse is refused before a workflow exists
        const plan = await planFromCrm(pool, base, request, config.run);
        const handle = await client.start(request, plan, { plan });
        process.stderr.write(`workflow ${handle.workflowId}\n`);
        const progress = createProgress();
        let finished = false;
        const result = handle.result().finally(() => (finished = true)) as Promise<RunResult>;
        result.catch(() => undefined);
        while (!finished) {
          progress.update(progressCounts(await recordsOfWorkflow(pool, handle.workflowId)));
          await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, opts.interval))]);
        }
        const outcome = await result.catch(
          (err: Error) =>
            ({
              success: false,
              message: `the workflow failed: ${err.cause instanceof Error ? err.cause.message : err.message}`,
              workflowId: handle.workflowId,
              execucaoId: '',
              integrations: [],
            }) as RunResult,
        );
        const records = outcome.execucaoId ? await recordsOfExecution(pool, outcome.execucaoId) : await recordsOfWorkflow(pool, handle.workflowId);
        progress.update(progressCounts(records));
        progress.stop();
        const answer = runAnswer(outcome, records);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
        } else {
          process.stdout.write(`${answer.success ? 'ok' : 'FAILED'}: ${answer.message}\n`);
          for (const i of answer.integrations) {
            process.stdout.write(`  ${i.id} ${i.name}: ${i.status} - ${i.message}\n`);
            for (const r of i.records) {
              const values = Object.entries(r.values)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join(' ');
              process.stdout.write(
                `    ${r.key}: ${r.status}${values ? ` ${values}` : ''}${r.status === 'erro' || r.status === 'incerto' ? ` - ${r.message}` : ''}\n`,
              );
            }
          }
        }
        process.exitCode = answer.success ? 0 : 1;
      } finally {
        await client.close();
        await pools.close();
      }
    });
}
