// Activity: run an integration's CRM query and store its rows in the ledger. Only counts and chunk numbers
// go back to the workflow, so row data stays out of history.
import { createHash } from 'node:crypto';
import { ConfigError, type ConfigIssue } from '../src/errors';
import type { NewRecord, RunKey } from '../src/ledger/ledger';
import { insertRecords, countRecords } from '../src/ledger/ledger';
import { asConfigSql } from '../src/crm/sql-errors';
import type { SetStep } from '../src/plan/types';
import { bindSql, checkSqlVariables, checkVariables, Scope, type ScopeLayers } from '../src/templating';
import { parseAnswerRules } from '../src/answer';
import type { ActivityDeps } from './deps';

export interface QueryRecordsInput {
  run: RunKey;
  base: string;
  step: SetStep;
  layers: ScopeLayers;
  chunkSize: number;
}

export interface QueryRecordsOutput {
  total: number;
  lotes: number[];
}

const INSERT_BATCH = 1000;

/** The query row's `id` column, else a digest of the whole row (SPEC §2, envio). */
export function recordKey(row: Record<string, unknown>): string {
  if (row.id !== undefined && row.id !== null && row.id !== '') return String(row.id);
  const canonical = JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k]]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/** Names a row-scoped text may use, checked before anything is sent (SPEC §4). */
function checkStepVariables(step: SetStep, columns: string[], layers: ScopeLayers): ConfigIssue[] {
  const { rules } = parseAnswerRules(step.answer, { table: 'integracao', row: step.id });
  const known = new Set([...columns, ...new Scope(layers).names()]);
  const issues: ConfigIssue[] = [];
  for (const field of step.fields) {
    if (field.source.kind === 'texto') {
      issues.push(...checkVariables(field.source.template, known, { table: 'campos_integracao', row: field.id, column: 'campo_crm' }));
    }
  }
  issues.push(...checkVariables(step.link, known, { table: 'integracao', row: step.id, column: 'link' }));
  if (step.sqlUpdate) {
    const withCaptured = new Set([...known, ...rules.valueKeys]);
    issues.push(...checkSqlVariables(step.sqlUpdate, withCaptured, { table: 'integracao', row: step.id, column: 'sql_update' }));
  }
  return issues;
}

export function createQueryRecords(deps: Pick<ActivityDeps, 'crm'>) {
  return async function queryRecords(input: QueryRecordsInput): Promise<QueryRecordsOutput> {
    const { run, step } = input;
    const pool = deps.crm.pool(input.base);
    const where = { table: 'integracao', row: step.id, column: 'consulta' };
    const bound = bindSql(step.consulta, new Scope(input.layers), where);
    const result = await asConfigSql(where, () => pool.query({ text: bound.text, values: bound.values }));
    const columns = result.fields.map((f) => f.name);
    const issues = checkStepVariables(step, columns, input.layers);
    if (issues.length) throw new ConfigError(issues);

    const seen = new Map<string, number>();
    const records: NewRecord[] = result.rows.map((row, seq) => {
      let chave = recordKey(row);
      const n = (seen.get(chave) ?? 0) + 1;
      seen.set(chave, n);
      if (n > 1) chave = `${chave}#${n}`; // a query that repeats an id still sends each row once
      return { chave, seq, lote: Math.floor(seq / input.chunkSize), linha: row };
    });
    for (let i = 0; i < records.length; i += INSERT_BATCH) {
      await insertRecords(pool, run, records.slice(i, i + INSERT_BATCH));
    }
    return countRecords(pool, run);
  };
}
