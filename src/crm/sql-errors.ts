// Which PostgreSQL errors are the configuration's fault (never retried) and which are passing (retried).
import { ConfigError, type ConfigIssue } from '../errors';

// SQLSTATE classes caused by the SQL text or the values bound to it: syntax, undefined objects, data errors.
const CONFIG_CLASSES = new Set(['42', '22', '0A', '21', '23', '2B', '44']);

export function isConfigSqlError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.length === 5 && CONFIG_CLASSES.has(code.slice(0, 2));
}

/** Runs `fn`; an SQL error caused by the configured text becomes a ConfigError located at `where`. */
export async function asConfigSql<T>(where: Omit<ConfigIssue, 'message'>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isConfigSqlError(err)) {
      throw new ConfigError([{ ...where, message: `SQL error ${err.code}: ${err.message}` }]);
    }
    throw err;
  }
}
