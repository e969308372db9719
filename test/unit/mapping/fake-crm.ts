// An in-memory stand-in for the CRM's query function: answers by matching the bound SQL text and records
// every bound query it got, so tests can check what was bound. The real PostgreSQL path is tested in
// test/integration.
import type { MappingDeps } from '../../../src/mapping';
import type { BoundSql } from '../../../src/templating/sql';

type Rows = Array<Record<string, unknown>>;

export function fakeCrm(answers: Array<[RegExp, Rows | ((values: unknown[]) => Rows)]> = []): MappingDeps & { calls: BoundSql[] } {
  const calls: BoundSql[] = [];
  return {
    calls,
    async query(sql) {
      calls.push(sql);
      const answer = answers.find(([pattern]) => pattern.test(sql.text));
      if (!answer) throw new Error(`unexpected query: ${sql.text}`);
      return typeof answer[1] === 'function' ? answer[1](sql.values) : answer[1];
    },
  };
}
