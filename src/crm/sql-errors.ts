// Which PostgreSQL errors in the CRM's own SQL are the configuration's fault (never retried) and which are
// passing (retried). The classification itself lives in src/sqlstate.ts.
import { ConfigError, type ConfigIssue } from '../errors';
import { crmSqlFault, formatSqlFailure, sqlFailureOf } from '../sqlstate';

export function isConfigSqlError(err: unknown): err is Error & { code: string } {
  const failure = sqlFailureOf(err);
  return failure !== undefined && crmSqlFault(failure) === 'config';
}

/** Runs `fn`; an SQL error caused by the configured text becomes a ConfigError located at `where`. */
export async function asConfigSql<T>(where: Omit<ConfigIssue, 'message'>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const failure = sqlFailureOf(err);
    if (failure && crmSqlFault(failure) === 'config') throw new ConfigError([{ ...where, message: formatSqlFailure(failure) }]);
    throw err;
  }
}
