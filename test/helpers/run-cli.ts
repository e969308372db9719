// Runs `integrador <args>` as a person would: the repository's bin/integrador.js in a child process, its
// output collected. runProcess does the same for any command.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `env` is laid over this process's environment. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return runProcess(process.execPath, [join(ROOT, 'bin', 'integrador.js'), ...args], ROOT, env);
}

/** `cmd args` in `cwd` until it exits, its output collected; `env` is laid over this process's environment. */
export function runProcess(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
