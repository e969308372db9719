// Which Temporal a command talks to. A connection file with `temporal.address` names it. Without one,
// `integrador serve --config F` runs an embedded Temporal dev server, its data in `.integrador-temporal/`
// beside F, and writes its address to a small state file there while it runs; every other command given
// the same F reads that file and checks the server answers, or says there is no Temporal to reach.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import type { AppConfig } from '../config/types';
import { configFrom, configPathFrom } from './shared';

/** What `serve` records while its embedded Temporal runs. */
export interface EmbeddedTemporalState {
  address: string;
  uiUrl?: string;
  namespace: string;
  /** The `serve` process, and the Temporal server it started (to stop one its crashed owner left behind). */
  servePid: number;
  temporalPid?: number;
}

export class NoTemporalError extends Error {}

/** The folder beside the connection file that holds the embedded Temporal's data and state. */
export function embeddedTemporalFiles(configPath: string) {
  const dir = join(dirname(resolve(configPath)), '.integrador-temporal');
  const stem = basename(configPath, extname(configPath));
  return { dir, dbFile: join(dir, `${stem}.db`), stateFile: join(dir, `${stem}.serve.json`) };
}

export function readEmbeddedState(configPath: string): EmbeddedTemporalState | undefined {
  const { stateFile } = embeddedTemporalFiles(configPath);
  if (!existsSync(stateFile)) return undefined;
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as EmbeddedTemporalState;
  } catch {
    return undefined;
  }
}

export function writeEmbeddedState(configPath: string, state: EmbeddedTemporalState): void {
  const { dir, stateFile } = embeddedTemporalFiles(configPath);
  mkdirSync(dir, { recursive: true });
  writeFileSync(stateFile, JSON.stringify(state, null, 2) + '\n');
}

export function removeEmbeddedState(configPath: string): void {
  rmSync(embeddedTemporalFiles(configPath).stateFile, { force: true });
}

/** Whether a Temporal server answers on `address` (within a couple of seconds). */
export async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 2000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

export function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function withTemporalAddress(config: AppConfig, address: string): AppConfig {
  return { ...config, temporal: { ...config.temporal, address } };
}

/**
 * The connection file of a command that talks to Temporal, with the address filled in: the file's own, or
 * that of the embedded Temporal a running `serve` started for the same file.
 */
export async function temporalConfigFrom(opts: { config?: string }): Promise<AppConfig> {
  const config = configFrom(opts);
  if (config.temporal.address) return config;
  const path = configPathFrom(opts);
  const state = readEmbeddedState(path);
  if (!state) {
    throw new NoTemporalError(
      `no Temporal to reach: ${path} has no temporal.address, and no \`integrador serve --config ${path}\` is running ` +
        '(serve starts an embedded Temporal for such a file). Start serve with that file, or set temporal.address.',
    );
  }
  if (!(await temporalAnswers(state.address))) {
    throw new NoTemporalError(
      `no Temporal to reach: the embedded Temporal that \`integrador serve --config ${path}\` started on ${state.address} does not answer ` +
        '(is serve still running?). Start serve with that file, or set temporal.address.',
    );
  }
  return withTemporalAddress(config, state.address);
}
