// What every CLI command shares: reading the connection file, finding a base in it, and stopping cleanly
// on a signal.
import { loadConfig } from '../config/load-config';
import type { AppConfig } from '../config/types';
import { ConfigError } from '../errors';

/** The base `name` of the connection file, or a ConfigError listing the bases it has. */
export function baseFrom(config: AppConfig, name: string) {
  const base = Object.prototype.hasOwnProperty.call(config.bases, name) ? config.bases[name] : undefined;
  if (!base)
    throw new ConfigError([
      { table: 'connection file', column: 'bases', message: `unknown base ${name}; the file has ${Object.keys(config.bases).join(', ') || 'none'}` },
    ]);
  return base;
}

export function configPathFrom(opts: { config?: string }): string {
  const path = opts.config ?? process.env.INTEGRADOR_CONFIG;
  if (!path) throw new ConfigError([{ table: 'connection file', message: 'no connection file: pass --config FILE or set INTEGRADOR_CONFIG' }]);
  return path;
}

export function configFrom(opts: { config?: string }): AppConfig {
  return loadConfig(configPathFrom(opts));
}

/** Runs `stop` once on SIGINT/SIGTERM, then exits. */
export function onSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
