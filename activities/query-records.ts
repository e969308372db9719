// Activity: run an integration's CRM query and store its rows in the ledger. Only the count of records and
// chunks goes back to the workflow, so row data stays out of history however many rows there are.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ConfigError, type ConfigIssue } from '../src/errors';
import { asConfigSql } from '../src/crm/sql-errors';
import { withTransaction } from '../src/crm/transaction';
import type { NewRecord, RunKey } from '../src/delivery/ledger';
import { currentStep } from '../src/plan/build-plan';
import type { SetStep } from '../src/plan/types';
import { bindSql, checkSqlVariables, checkVariables, Scope, type ScopeLayers } from '../src/templating';
import type { ActivityDeps } from './deps';

export interface QueryRecordsInput {
  run: RunKey;
  base: string;
  step: SetStep;
  layers: ScopeLayers;
  chunkSize: number;
  /** run.maxChunksInFlight and run.laterChunkSize (chunkLayout); absent in activities scheduled before them: every chunk holds chunkSize records. */
  spreadChunks?: number;
  laterChunkSize?: number;
}

export interface QueryRecordsOutput {
  total: number;
  /** The records are in chunks 0..chunks-1, in query order. */
  chunks: number;
}

/** Rows fetched from the CRM and inserted into the ledger at a time: memory stays bounded for any result size. */
const FETCH_ROWS = 1000;
const CURSOR = 'integrador_consulta';

/** The query row's `id` column, else a digest of the whole row (SPEC §2, envio). */
export function recordKey(row: Record<string, unknown>): string {
  if (row.id !== undefined && row.id !== null && row.id !== '') return String(row.id);
  const canonical = JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => [k, row[k]]),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/** Names a row-scoped text may use, checked before anything is sent (SPEC §4). */
export function checkStepVariables(step: SetStep, columns: string[], layers: ScopeLayers): ConfigIssue[] {
  const known = new Set([...columns, ...new Scope(layers).names()]);
  const issues: ConfigIssue[] = [];
  for (const field of step.fields) {
    if (field.source.kind === 'texto') {
      issues.push(...checkVariables(field.source.template, known, { table: 'campos_integracao', row: field.id, column: 'campo_crm' }));
    }
  }
  issues.push(...checkVariables(step.link, known, { table: 'integracao', row: step.id, column: 'link' }));
  if (step.sqlUpdate) {
    const withCaptured = new Set([...known, ...step.answer.valueKeys]);
    issues.push(...checkSqlVariables(step.sqlUpdate, withCaptured, { table: 'integracao', row: step.id, column: 'sql_update' }));
  }
  return issues;
}

/**
 * Records per chunk. A batch integration's chunk holds at least `concurrency` calls of lote_envio records, so
 * one chunk keeps its connection as busy as a chunk of single sends does (run.chunkSize alone would give a
 * chunk of 100 two calls of 50, and the connection would wait on each chunk's ledger and Temporal work).
 */
export function chunkSizeOf(step: SetStep, chunkSize: number, concurrency = 1): number {
  return step.batch ? Math.max(chunkSize, step.batch.size * concurrency) : chunkSize;
}

/** How a step's records fall into chunks: `spread` chunks of `first` records, then chunks of `later`. */
export interface ChunkLayout {
  first: number;
  spread: number;
  later: number;
}

/**
 * The first `spread` chunks (run.maxChunksInFlight: as many as a run has in flight at once) hold chunkSizeOf
 * records, so a run of a few hundred records still spreads over every worker; the chunks after them hold
 * run.laterChunkSize records (at least chunkSizeOf), because each chunk costs the same fixed work whatever
 * its size: its activity and workflow tasks, reading it back, its lanes filling and draining.
 */
export function chunkLayout(step: SetStep, chunkSize: number, concurrency?: number, spread?: number, laterChunkSize?: number): ChunkLayout {
  const first = chunkSizeOf(step, chunkSize, concurrency);
  if (spread === undefined || laterChunkSize === undefined) return { first, spread: Infinity, later: first };
  return { first, spread, later: Math.max(first, laterChunkSize) };
}

/** The chunk of the record at `seq` (0-based, query order). */
export function chunkOf(seq: number, layout: ChunkLayout): number {
  const head = layout.first * layout.spread;
  return seq < head ? Math.floor(seq / layout.first) : layout.spread + Math.floor((seq - head) / layout.later);
}

export function createQueryRecords(deps: Pick<ActivityDeps, 'crm' | 'ledgers' | 'config'>) {
  return async function queryRecords(input: QueryRecordsInput): Promise<QueryRecordsOutput> {
    const { run } = input;
    const step = currentStep(input.step);
    const ledger = deps.ledgers.get(input.base);
    const empresaId = (input.layers.builtins?.empresa_id as number | null | undefined) ?? null; // for /pendencias
    const where = { table: 'integracao', row: step.id, column: 'consulta' };
    const bound = bindSql(step.consulta, new Scope(input.layers), where);
    const concurrency = deps.config.bases[input.base]?.connections[step.connection.name]?.concurrency;
    const layout = chunkLayout(step, input.chunkSize, concurrency, input.spreadChunks, input.laterChunkSize);
    const keys = new Map<string, number>();
    let seq = 0;
    // A cursor streams the rows into the ledger FETCH_ROWS at a time. A retried attempt reads them again;
    // the ledger's unique key keeps what an earlier attempt inserted (the consulta should have an ORDER BY).
    await withTransaction(
      deps.crm.pool(input.base),
      async (client) => {
        await asConfigSql(where, () => client.query({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${bound.text}`, values: bound.values }));
        for (let checked = false; ;) {
          const batch = await asConfigSql(where, () => client.query(`FETCH ${FETCH_ROWS} FROM ${CURSOR}`));
          if (!checked) {
            const issues = checkStepVariables(
              step,
              batch.fields.map((f) => f.name),
              input.layers,
            );
            if (issues.length) throw new ConfigError(issues);
            checked = true;
          }
          const records: NewRecord[] = batch.rows.map((row) => {
            let chave = recordKey(row);
            const n = (keys.get(chave) ?? 0) + 1;
            keys.set(chave, n);
            if (n > 1) chave = `${chave}#${n}`; // a query that repeats an id still sends each row once
            const at = seq++;
            return { chave, seq: at, chunk: chunkOf(at, layout), linha: row };
          });
          await ledger.insert(run, records, empresaId);
          // a local activity (the workflow's default now) cannot heartbeat: the workflow task keeps it alive
          if (!Context.current().info.isLocal) Context.current().heartbeat(seq);
          if (batch.rows.length < FETCH_ROWS) break;
        }
      },
      { keepsConnection: (err) => err instanceof ConfigError },
    );
    return ledger.count(run);
  };
}
