// DB connector (SPEC §5.5, §8): one `INSERT INTO <link> (<mapped columns>) VALUES ($1..) RETURNING <value
// keys>` per record on a PostgreSQL receiver; the returned row is the answer. Identifiers are validated and
// quoted, values are always bound. Failures are sorted by what the database can tell us:
//   before the statement was sent (refused, DNS, pool/connect timeout, too many connections) → retryable
//   23xxx constraint, 22xxx data, P0xxx raised by a trigger → RecordError with the database's message
//   42xxx undefined table/column, privilege, syntax → ConfigError naming integracao.link / campo_integracao
//   57014 statement_timeout, 40001/40P01 serialization/deadlock → rolled back, nothing written → retryable
//   connection lost or no answer (client read timeout) while the statement ran → UnknownOutcome
// The receiver's URL only lives in the connection file: it is masked in everything this module reports.
import { Pool, type PoolClient } from 'pg';
import type { DbConnection } from '../config/types';
import { ConfigError, RecordError, TransportError, UnknownOutcome, type ConfigIssue } from '../errors';
import { isLoginRefused, receiverSqlFault, sqlFailureOf } from '../sqlstate';
import { errorText } from './http';
import { maskSecrets } from './mask';
import type { Receiver, SendResult } from './types';

/** How long past statement_timeout the client waits for an answer before calling the outcome unknown. */
export const DEFAULT_READ_GRACE_MS = 5_000;

export interface InsertStatement {
  text: string;
  values: unknown[];
}

/**
 * `INSERT INTO "schema"."table" ("col", ...) VALUES ($1, ...) RETURNING "key" AS "key"`. Names written bare
 * are folded to lower case, as PostgreSQL does with unquoted names; `"Name"` keeps its case. Anything else
 * is a ConfigError located at the column that holds it.
 */
export function buildInsert(table: string, body: Record<string, unknown>, returning: readonly string[], connection: string): InsertStatement {
  const issues: ConfigIssue[] = [];
  const issue = (column: string, message: string) => issues.push({ table: 'integracao', column, message: `connection ${connection}: ${message}` });
  const parts = table.trim().split('.');
  const quotedTable = parts.length <= 2 ? parts.map((p) => (BARE.test(p) ? quote(p.toLowerCase()) : undefined)) : [undefined];
  if (quotedTable.some((p) => p === undefined)) issue('link', `"${table}" is not a table name (table or schema.table)`);
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    const column = identifier(key);
    if (!column) issue('campo_integracao', `"${key}" is not a column name`);
    else {
      columns.push(column);
      values.push(toParam(value));
    }
  }
  const returned: string[] = [];
  for (const key of returning) {
    const column = identifier(key);
    if (!column) issue('indice_valor_retorno', `"${key}" is not a column name`);
    else returned.push(`${column} AS ${quote(key)}`);
  }
  if (issues.length) throw new ConfigError(issues);
  const into = `INSERT INTO ${quotedTable.join('.')}`;
  const text = columns.length ? `${into} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})` : `${into} DEFAULT VALUES`;
  return { text: returned.length ? `${text} RETURNING ${returned.join(', ')}` : text, values };
}

/**
 * A batch (lote_envio > 1): one `INSERT ... VALUES (...), (...) RETURNING ...` for many rows, in order. The
 * columns are every row's; a row without one gets the column's DEFAULT.
 */
export function buildMultiInsert(table: string, rows: Array<Record<string, unknown>>, returning: readonly string[], connection: string): InsertStatement {
  const names: string[] = [];
  for (const row of rows) for (const [key, value] of Object.entries(row)) if (value !== undefined && !names.includes(key)) names.push(key);
  // one row with every column checks the names and gives the statement's head
  const head = buildInsert(table, Object.fromEntries(names.map((n) => [n, null])), returning, connection);
  if (!names.length) {
    throw new ConfigError([{ table: 'integracao', column: 'lote_envio', message: `connection ${connection}: a DB batch needs at least one mapped column` }]);
  }
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const cells = names.map((name) => {
      if (row[name] === undefined) return 'DEFAULT';
      values.push(toParam(row[name]));
      return `$${values.length}`;
    });
    return `(${cells.join(', ')})`;
  });
  const [before, after] = head.text.split(/ VALUES \([^)]*\)/);
  return { text: `${before} VALUES ${tuples.join(', ')}${after ?? ''}`, values };
}

const BARE = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const QUOTED = /^"((?:[^"]|"")+)"$/;

function identifier(raw: string): string | undefined {
  const name = raw.trim();
  if (BARE.test(name)) return quote(name.toLowerCase());
  const quoted = QUOTED.exec(name);
  return quoted ? `"${quoted[1]}"` : undefined;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Objects (nested paths, components) go as JSON text; arrays of plain values as PostgreSQL arrays. */
function toParam(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object' || v instanceof Date)) return value;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A Receiver for a `DB` connection: one pool per connection (at most `concurrency` sessions), closed by close(). */
export function createDbReceiver(name: string, conn: DbConnection, opts: { readGraceMs?: number } = {}): Receiver {
  const pool = new Pool({
    connectionString: conn.url,
    max: conn.concurrency,
    connectionTimeoutMillis: conn.timeoutMs,
    // The server cancels (and rolls back) a statement running longer than timeoutMs: a certain outcome.
    statement_timeout: conn.timeoutMs,
    // Past that, only a lost connection keeps us waiting: then the outcome is unknown.
    query_timeout: conn.timeoutMs + (opts.readGraceMs ?? DEFAULT_READ_GRACE_MS),
    idleTimeoutMillis: 10_000,
    application_name: 'integrador',
  });
  pool.on('error', () => undefined); // an idle session dropped by the server: the next checkout reconnects
  const secrets = Object.freeze(urlSecrets(conn.url)); // frozen: its masking forms are worked out once
  const mask = (text: string) => maskSecrets(text, secrets);

  return {
    async send({ link, body, batch, returning }): Promise<SendResult> {
      const rows = batch as Array<Record<string, unknown>> | undefined;
      const statement = rows ? buildMultiInsert(link, rows, returning ?? [], name) : buildInsert(link, body, returning ?? [], name);
      const where = `DB ${name} ${link}`;
      const sent = mask(`${statement.text}\n${JSON.stringify(statement.values)}`);
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw connectFailure(err, where, name, mask);
      }
      let broken: Error | undefined;
      try {
        const result = await client.query({ text: statement.text, values: statement.values });
        if (result.rowCount === 0) throw new RecordError(`${where}: no row was inserted (a trigger of the receiver table skipped it)`);
        // a batch answers its returned rows in order (PostgreSQL returns them in VALUES order for a plain INSERT)
        if (rows) return { answer: result.rows, sent };
        return { answer: result.rows[0] ?? {}, sent };
      } catch (err) {
        if (err instanceof RecordError) throw err;
        if (sqlFailureOf(err) === undefined) broken = err as Error; // the session is unusable: drop it from the pool
        throw queryFailure(err, { where, link, name, body, returning: returning ?? [], timeoutMs: conn.timeoutMs }, mask);
      } finally {
        client.release(broken ?? false);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Nothing was sent yet: retryable, except credentials or a database name the connection file got wrong. */
function connectFailure(err: unknown, where: string, name: string, mask: (t: string) => string): Error {
  if (isLoginRefused(sqlFailureOf(err))) {
    return new ConfigError([{ table: 'connection file', column: `connections.${name}.url`, message: mask(`${where}: cannot log in: ${errorText(err)}`) }]);
  }
  return new TransportError(mask(`${where}: receiver unreachable (${errorText(err)}); nothing was sent`), true);
}

interface QueryContext {
  where: string;
  link: string;
  name: string;
  body: Record<string, unknown>;
  returning: readonly string[];
  timeoutMs: number;
}

function queryFailure(err: unknown, ctx: QueryContext, mask: (t: string) => string): Error {
  const failure = sqlFailureOf(err);
  const e = err as { message?: string; detail?: string; constraint?: string; column?: string };
  const said = mask(`${e.message ?? String(err)}${e.detail ? ` (${e.detail})` : ''}`);
  if (failure === undefined) {
    return /timeout/i.test(e.message ?? '')
      ? new UnknownOutcome(`${ctx.where}: no answer within the read timeout after the statement was sent`)
      : new UnknownOutcome(mask(`${ctx.where}: connection lost while the statement ran (${errorText(err)})`));
  }
  const { code } = failure;
  switch (receiverSqlFault(failure)) {
    case 'record':
      return new RecordError(`${ctx.where}: ${said}`, e.column);
    case 'config':
      return new ConfigError([configIssue(code, said, ctx)]);
    case 'timeout':
      return new TransportError(`${ctx.where}: statement timed out after ${ctx.timeoutMs} ms and was rolled back; nothing was written`, true);
    case 'passing':
      return new TransportError(`${ctx.where}: ${said}; the statement was rolled back, nothing was written`, true);
    case 'connectionLost':
      return new UnknownOutcome(`${ctx.where}: connection lost while the statement ran (SQLSTATE ${code}: ${said})`);
    case 'other':
      return new TransportError(`${ctx.where}: SQLSTATE ${code}: ${said}`, false);
  }
}

function configIssue(code: string, said: string, ctx: QueryContext): ConfigIssue {
  const message = `connection ${ctx.name}: SQL error ${code}: ${said}`;
  if (code === '42703') {
    const column = /column "([^"]+)"/.exec(said)?.[1];
    const inReturning = column !== undefined && ctx.returning.some((key) => key.toLowerCase() === column.toLowerCase());
    const inBody = column !== undefined && Object.keys(ctx.body).some((key) => key.toLowerCase() === column.toLowerCase());
    if (inReturning && !inBody) return { table: 'integracao', column: 'indice_valor_retorno', message };
    return { table: 'campos_integracao', column: column ? `campo_integracao ${column}` : 'campo_integracao', message };
  }
  return { table: 'integracao', column: 'link', message: code === '42P01' ? `${message} (integracao.link names the receiver table ${ctx.link})` : message };
}

/** The URL, its password and its host: none of it may reach the ledger or an error message. */
function urlSecrets(url: string): string[] {
  const secrets = [url];
  try {
    const u = new URL(url);
    if (u.password) secrets.push(u.password, decodeURIComponent(u.password));
    if (u.hostname.length >= 3) secrets.push(u.hostname);
  } catch {
    // a libpq keyword string: masked whole
  }
  return secrets;
}
