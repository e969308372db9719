// PostgreSQL errors by their SQLSTATE, never by their text. Pure (no driver import): the one place that reads
// a code off a driver error and says whose fault each class is, for the CRM's own SQL and for a receiver's.

/** A database error reduced to what callers switch on: its five-character SQLSTATE and the database's words. */
export interface SqlFailure {
  code: string;
  /** The first two characters: the class the tables below are written in. */
  sqlClass: string;
  message: string;
}

/** The SQLSTATE classes this engine tells apart (PostgreSQL manual, appendix A). */
export const SqlClass = {
  connection: '08',
  featureNotSupported: '0A',
  cardinality: '21',
  dataException: '22',
  integrity: '23',
  invalidAuthorization: '28',
  dependentPrivilege: '2B',
  transactionRollback: '40',
  syntaxOrAccess: '42',
  checkOption: '44',
  insufficientResources: '53',
  plpgsql: 'P0',
} as const;

/** The SQLSTATE of `err`, or undefined when it is no database error (a lost socket, a timeout). */
export function sqlFailureOf(err: unknown): SqlFailure | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const message = (err as { message?: unknown }).message;
  return { code, sqlClass: code.slice(0, 2), message: typeof message === 'string' ? message : String(err) };
}

/** `SQL error 42703: column "x" does not exist`: how a finding quotes the database. */
export function formatSqlFailure(failure: SqlFailure): string {
  return `SQL error ${failure.code}: ${failure.message}`;
}

// The CRM's own configured SQL (consulta, sql_update, lookups): its text or the values bound to it.
const CRM_CONFIG_CLASSES: ReadonlySet<string> = new Set([
  SqlClass.syntaxOrAccess,
  SqlClass.dataException,
  SqlClass.featureNotSupported,
  SqlClass.cardinality,
  SqlClass.integrity,
  SqlClass.dependentPrivilege,
  SqlClass.checkOption,
]);

/** An error in the CRM's configured SQL is the configuration's (never retried) or passing (retried). */
export function crmSqlFault(failure: SqlFailure): 'config' | 'passing' {
  return CRM_CONFIG_CLASSES.has(failure.sqlClass) ? 'config' : 'passing';
}

/**
 * Whose fault a receiver's (DB connection) failed INSERT is: the record's data, the configuration (table,
 * columns), a statement timeout, something passing with nothing written, a connection lost mid-statement
 * (outcome unknown), or anything else (final).
 */
export type ReceiverSqlFault = 'record' | 'config' | 'timeout' | 'passing' | 'connectionLost' | 'other';

const RECEIVER_RECORD_CLASSES: ReadonlySet<string> = new Set([SqlClass.integrity, SqlClass.dataException, SqlClass.plpgsql, SqlClass.checkOption]);
const RECEIVER_CONFIG_CLASSES: ReadonlySet<string> = new Set([SqlClass.syntaxOrAccess, SqlClass.featureNotSupported, SqlClass.cardinality]);
const PASSING_CLASSES: ReadonlySet<string> = new Set([SqlClass.transactionRollback, SqlClass.insufficientResources]);
const STATEMENT_TIMEOUT = '57014';
/** lock_not_available, read_only_sql_transaction (a standby): nothing was written, try again. */
const PASSING_CODES: ReadonlySet<string> = new Set(['55P03', '25006']);
/** admin_shutdown, crash_shutdown: the server went away mid-statement. */
const CONNECTION_LOST_CODES: ReadonlySet<string> = new Set(['57P01', '57P02']);

export function receiverSqlFault({ code, sqlClass }: SqlFailure): ReceiverSqlFault {
  if (RECEIVER_RECORD_CLASSES.has(sqlClass)) return 'record';
  if (RECEIVER_CONFIG_CLASSES.has(sqlClass)) return 'config';
  if (code === STATEMENT_TIMEOUT) return 'timeout';
  if (PASSING_CLASSES.has(sqlClass) || PASSING_CODES.has(code)) return 'passing';
  if (sqlClass === SqlClass.connection || CONNECTION_LOST_CODES.has(code)) return 'connectionLost';
  return 'other';
}

/** A receiver refusing the login itself (credentials, database name): the connection file is wrong. */
export function isLoginRefused(failure: SqlFailure | undefined): boolean {
  return failure !== undefined && (failure.sqlClass === SqlClass.invalidAuthorization || failure.code === '3D000');
}
