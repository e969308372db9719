// Per base and company, an access log and an error log (as the original Integrador keeps):
// <logs.dir>/<base>/empresa-<id>/{access,error}.log, JSON lines from pino. Without logs.dir both go to stdout.
// Every line passes through maskSecrets, so a secret from the connection file never reaches a log.
import { join } from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/types';
import { maskSecrets } from '../connectors/mask';

export interface LogScope {
  base?: string | null;
  empresaId?: number | null;
  empresaFilialId?: number | null;
}

export interface RunLogs {
  access(scope: LogScope): Logger;
  error(scope: LogScope): Logger;
  /** Flushes and closes every file. */
  close(): Promise<void>;
}

/** Paths pino blanks out whatever their value; TOKEN_CRM arrives lower-cased in fastify. */
export const REDACT_PATHS = [
  'token',
  'token_crm',
  'TOKEN_CRM',
  'headers.token_crm',
  'req.headers.token_crm',
  'request.headers.token_crm',
  'headers.authorization',
  'req.headers.authorization',
  '*.password',
  '*.senha',
  'args.password',
];

const GENERAL = 'geral';

/** The folder of a scope. Only configured base names become folders: a caller's text never picks a path. */
export function scopeDir(scope: LogScope, knownBases: readonly string[]): string {
  const base = scope.base && knownBases.includes(scope.base) ? scope.base : GENERAL;
  if (base === GENERAL) return GENERAL;
  if (scope.empresaId !== null && scope.empresaId !== undefined) return join(base, `empresa-${scope.empresaId}`);
  if (scope.empresaFilialId !== null && scope.empresaFilialId !== undefined) return join(base, `filial-${scope.empresaFilialId}`);
  return join(base, GENERAL);
}

export function loggerOptions(config: Pick<AppConfig, 'logs' | 'secrets'>, kind: 'access' | 'error'): pino.LoggerOptions {
  const secrets = config.secrets;
  return {
    level: kind === 'error' ? 'warn' : config.logs.level,
    base: { log: kind },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '***' },
    hooks: { streamWrite: (line) => maskSecrets(line, secrets) },
  };
}

export function createRunLogs(config: Pick<AppConfig, 'logs' | 'secrets' | 'bases'>, opts: { stdout?: DestinationStream } = {}): RunLogs {
  const knownBases = Object.keys(config.bases);
  const loggers = new Map<string, Logger>();
  const files: Array<ReturnType<typeof pino.destination>> = [];
  const dir = config.logs.dir;

  const get = (kind: 'access' | 'error', scope: LogScope): Logger => {
    const folder = dir ? scopeDir(scope, knownBases) : '';
    const key = `${kind}\u0000${folder}`;
    let logger = loggers.get(key);
    if (!logger) {
      let stream: DestinationStream;
      if (dir) {
        // synchronous writes: a line is on disk when the request ends, and nothing is lost at a crash
        const file = pino.destination({ dest: join(dir, folder, `${kind}.log`), mkdir: true, sync: true });
        files.push(file);
        stream = file;
      } else {
        stream = opts.stdout ?? pino.destination({ dest: 1, sync: true });
      }
      logger = pino(loggerOptions(config, kind), stream);
      loggers.set(key, logger);
    }
    const bindings: Record<string, unknown> = {};
    if (scope.base) bindings.base = scope.base;
    if (scope.empresaId !== null && scope.empresaId !== undefined) bindings.empresa = scope.empresaId;
    if (scope.empresaFilialId !== null && scope.empresaFilialId !== undefined) bindings.filial = scope.empresaFilialId;
    return Object.keys(bindings).length ? logger.child(bindings) : logger;
  };

  return {
    access: (scope) => get('access', scope),
    error: (scope) => get('error', scope),
    async close() {
      for (const file of files.splice(0)) {
        file.flushSync();
        file.end();
      }
      loggers.clear();
    },
  };
}
