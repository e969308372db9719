// What every CLI command shares: reading the connection file and stopping cleanly on a signal.
import { loadConfig } from '../config/load-config';
import type { AppConfig } from '../config/types';
import { ConfigError } from '../errors';

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
