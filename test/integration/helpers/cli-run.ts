// Runs `integrador <args>` as a person would, against a SetEnv through a connection file written for it.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli, type Ran } from '../../helpers/run-cli';
import { G5_PASSWORD, TOKEN, type SetEnv } from './set-env';

export type { Ran };

export interface CliEnv {
  configFile: string;
  run(args: string[]): Promise<Ran>;
  close(): void;
}

export function cliFor(env: SetEnv): CliEnv {
  const dir = mkdtempSync(join(tmpdir(), 'integrador-cli-'));
  const configFile = join(dir, 'integrador.yaml');
  const g5 = env.config.bases.demo!.connections.g5!;
  writeFileSync(
    configFile,
    stringify({
      temporal: { address: env.config.temporal.address, namespace: env.config.temporal.namespace, taskQueue: env.taskQueue },
      bases: {
        demo: {
          database: env.config.bases.demo!.database,
          tokens: [{ sha256: createHash('sha256').update(TOKEN).digest('hex') }],
          connections: { g5: { type: 'WS', url: g5.type === 'WS' ? g5.url : '', args: { user: 'integrador', password: '${G5_PASSWORD}', encryption: 0 } } },
        },
      },
    }),
  );
  return {
    configFile,
    run: (args) => runCli(args, { G5_PASSWORD }),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
