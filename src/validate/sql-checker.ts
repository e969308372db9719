// Asks PostgreSQL about configured SQL without running it for real: the columns a consulta returns, and
// whether a sql_update compiles. Every check runs inside a transaction that is rolled back.
import type { PoolClient } from 'pg';
import { withTransaction } from '../crm/transaction';
import { formatSqlFailure, sqlFailureOf, type SqlFailure } from '../sqlstate';
import { bindSql, Scope, variablesIn } from '../templating';

/** A consulta's columns, or the database's refusal: its SQLSTATE to switch on, and the finding's message. */
export type Described = { ok: true; columns: string[] } | { ok: false; failure: SqlFailure; message: string };

export interface SqlChecker {
  /**
   * The columns of a SELECT: `SELECT * FROM (<sql>) AS q LIMIT 0` with every variable bound to NULL (or to
   * `scope`'s values), in a READ ONLY transaction that is rolled back, so no row is read and nothing written.
   */
  columns(sql: string, scope?: Scope): Promise<Described>;
  /** `PREPARE` of a statement with every variable a parameter, never executed, then rolled back. */
  prepare(sql: string): Promise<string | undefined>;
}

const TIMEOUT_MS = 15_000;

/** A checker on one dedicated connection; answers are cached by SQL text. */
export function createSqlChecker(client: PoolClient): SqlChecker {
  const described = new Map<string, Promise<Described>>();
  const prepared = new Map<string, Promise<string | undefined>>();
  let statement = 0;
  // One transaction at a time on the connection, whatever order callers await in.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const inRolledBackTransaction = (readOnly: boolean, fn: () => Promise<void>): Promise<SqlFailure | undefined> =>
    serial(() =>
      withTransaction(
        client,
        async () => {
          try {
            await client.query(`SET LOCAL statement_timeout = ${TIMEOUT_MS}`);
            await fn();
            return undefined;
          } catch (err) {
            return sqlFinding(err);
          }
        },
        { mode: readOnly ? 'READ ONLY' : undefined, rollback: true },
      ),
    );

  return {
    columns(sql, scope) {
      let answer = scope ? undefined : described.get(sql);
      if (!answer) {
        answer = (async () => {
          const bound = bindSql(stripTerminator(sql), scope ?? allNull(sql));
          let columns: string[] = [];
          const failure = await inRolledBackTransaction(true, async () => {
            // Newlines, so a trailing `-- comment` in the consulta cannot swallow the wrapper.
            const result = await client.query({ text: `SELECT * FROM (\n${bound.text}\n) AS q LIMIT 0`, values: bound.values });
            columns = result.fields.map((field) => field.name);
          });
          return failure === undefined ? { ok: true as const, columns } : { ok: false as const, failure, message: formatSqlFailure(failure) };
        })();
        if (!scope) described.set(sql, answer);
      }
      return answer;
    },
    prepare(sql) {
      let answer = prepared.get(sql);
      if (!answer) {
        const bound = bindSql(stripTerminator(sql), allNull(sql));
        const name = `integrador_validate_${++statement}`;
        // PREPARE only parses, analyses and plans; READ ONLY refuses nothing here, yet keeps it harmless.
        answer = inRolledBackTransaction(true, async () => {
          await client.query(`PREPARE ${name} AS\n${bound.text}\n`);
          await client.query(`DEALLOCATE ${name}`);
        }).then((failure) => (failure ? formatSqlFailure(failure) : undefined));
        prepared.set(sql, answer);
      }
      return answer;
    },
  };
}

/** A scope in which every variable of `sql` is NULL. */
function allNull(sql: string): Scope {
  return new Scope({ params: Object.fromEntries(variablesIn(sql).map((name) => [name, null])) });
}

function stripTerminator(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** The database's own refusal, with its SQLSTATE; anything else (a lost connection) is not a finding. */
function sqlFinding(err: unknown): SqlFailure {
  const failure = sqlFailureOf(err);
  if (!failure) throw err;
  return failure;
}
