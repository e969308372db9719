// Runs `integrador <args>` as a person would, against a SetEnv through a connection file written for it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { G5_PASSWORD, TOKEN, type SetEnv } from './set-env';

const ROOT = join(__dirname, '..', '..', '..');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

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
    run: (args) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [join(ROOT, 'bin', 'integrador.js'), ...args], {
          cwd: ROOT,
          env: { ...process.env, G5_PASSWORD },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      }),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
