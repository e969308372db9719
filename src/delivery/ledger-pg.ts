// The Ledger on PostgreSQL: integrador.envio in each CRM base. Every change is a compare-and-set on the
// version an attempt read (status and tentativas). The hot path's writes, claims and write-backs, are
// group-committed per base across every chunk a worker runs (group-commit.ts).
//
// The write-back (sql_update) and the `gravado` mark commit in one transaction (SPEC §8): never lost and
// never applied twice. Two entries:
// - a record whose answer just arrived (`enviando`): the answer, `gravado` and sql_update commit together;
//   if that transaction fails for a passing reason, the answer alone is committed (`enviado`), so the
//   retried attempt writes back without sending again;
// - a record already `enviado` (a retried attempt): `gravado` and sql_update commit together.
// Only the expected version of the record becomes `gravado`; the row lock that mark takes makes a
// concurrent attempt wait and then find it already `gravado`, so it writes nothing.
//
// The column `lote` holds the record's chunk number (named before chunks and receiver batches were told apart).
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import type { CrmPools } from '../crm/pools';
import { sendTogether } from '../crm/pipeline';
import { isConfigSqlError } from '../crm/sql-errors';
import { withTransaction } from '../crm/transaction';
import { groupCommit } from './group-commit';
import type {
  Answer,
  Claim,
  ClaimResult,
  Failure,
  HolderView,
  Ledger,
  LedgerRecord,
  Ledgers,
  NewRecord,
  RecordView,
  RunKey,
  Seen,
  WriteBack,
  WriteBackResult,
} from './ledger';

export type { RecordView };

type Queryable = Pool | PoolClient;

/** One ledger per base, built on first use; its group commits are shared by every chunk of that base. */
export function createPgLedgers(crm: Pick<CrmPools, 'pool' | 'pipelined'>): Ledgers {
  const ledgers = new Map<string, Ledger>();
  return {
    get(base) {
      let ledger = ledgers.get(base);
      if (!ledger) {
        ledger = createPgLedger(crm.pool(base), crm.pipelined(base));
        ledgers.set(base, ledger);
      }
      return ledger;
    },
  };
}

/** Claim flushes at once: a claim is made next in line for the connection's slot or inside it, so it should not wait long for a flush. */
const CLAIM_FLUSHES = 2;

/**
 * Write-back transactions at once while a full group is waiting (one otherwise). A batch call answers 50
 * records at once, and one transaction at a time made the calls' write-backs queue: +12% records per second
 * in a batch-mode A/B run. Two at once whatever the queue split the small groups of one-record sends into
 * more statements (PostgreSQL's CPU per record +20%); a full group rarely waits in that mode. Two groups'
 * sql_updates that lock the same CRM rows in opposite orders may deadlock: PostgreSQL fails one, and its
 * records are written back one by one (writeBackMany), as after any failure of a group.
 */
const WRITE_BACK_FLUSHES_WHEN_FULL = 2;

/** One statement's results for a group commit: every item has its own value (none fails alone). */
const fulfilled = <T>(values: T[]) => values.map((value) => ({ status: 'fulfilled' as const, value }));

/** `pipelined`: a pool of the same base whose connections pipeline, for the group write-back (two round trips). */
export function createPgLedger(pool: Pool, pipelined: Pool): Ledger {
  const claim = groupCommit(async (claims: Array<{ seen: Seen; requisicao: string; digest?: string }>) => fulfilled(await claimMany(pool, claims)), {
    parallel: CLAIM_FLUSHES,
  });
  const writeBack = groupCommit((items: WriteBack[]) => writeBackMany(pool, items, pipelined), { parallelWhenFull: WRITE_BACK_FLUSHES_WHEN_FULL });
  const unchanged = groupCommit(async (items: Unchanged[]) => fulfilled(await markUnchangedMany(pool, items)));
  return {
    insert: (run, records, empresaId) => insertRecords(pool, run, records, empresaId),
    count: (run) => countRecords(pool, run),
    chunkRecords: (run, chunk) => recordsOfChunk(pool, run, chunk),
    claim: (seen, requisicao, digest) => claim({ seen, requisicao, digest }),
    holder: (id) => holderOf(pool, id),
    takeOver: (seen, holder, status, requisicao) => takeOver(pool, seen, holder, status, requisicao),
    abandon: (holder, erro) => markFailed(pool, { id: holder.id, status: 'enviando', tentativas: holder.tentativas }, 'incerto', { erro, tipo: 'transporte' }),
    markPending: (c) => markPending(pool, c),
    markSent: (c, answer) => markSent(pool, c, answer),
    markFailed: (seen, status, failure) => markFailed(pool, seen, status, failure),
    writeBack,
    lastDigests: (integracaoId, chaves) => lastDigests(pool, integracaoId, chaves),
    markUnchanged: (seen, digest, requisicao) => unchanged({ seen, digest, requisicao }),
  };
}

async function insertRecords(db: Queryable, run: RunKey, records: NewRecord[], empresaId: number | null): Promise<void> {
  if (!records.length) return;
  await db.query(
    `INSERT INTO integrador.envio (workflow_id, execucao_id, integracao_id, chave, seq, lote, linha, empresa_id)
     SELECT $1, $2, $3, r.chave, r.seq, r.chunk, r.linha, $5
       FROM jsonb_to_recordset($4::jsonb) AS r(chave text, seq integer, chunk integer, linha jsonb)
     ON CONFLICT (execucao_id, integracao_id, chave) DO NOTHING`,
    [run.workflowId, run.execucaoId, run.integracaoId, JSON.stringify(records), empresaId],
  );
}

async function countRecords(db: Queryable, run: RunKey): Promise<{ total: number; chunks: number }> {
  const res = await db.query(
    `SELECT count(*)::int AS total, COALESCE(max(lote) + 1, 0)::int AS chunks FROM integrador.envio
      WHERE execucao_id = $1 AND integracao_id = $2`,
    [run.execucaoId, run.integracaoId],
  );
  return { total: res.rows[0].total, chunks: res.rows[0].chunks };
}

async function recordsOfChunk(db: Queryable, run: RunKey, chunk: number): Promise<LedgerRecord[]> {
  const res = await db.query(
    `SELECT id, chave, seq, status, linha, resposta, valores, erro, erro_tipo, tentativas FROM integrador.envio
      WHERE execucao_id = $1 AND integracao_id = $2 AND lote = $3 ORDER BY seq`,
    [run.execucaoId, run.integracaoId, chunk],
  );
  return res.rows;
}

/**
 * Many claims in one round trip (pendente/enviando → enviando): the function integrador.reivindicar_envios
 * (migration 1765000000000; its records found by id array since 1765200000000). Null where a claim was lost, Held where another run's record of the same key is
 * `enviando` (overlapping runs, SPEC §8). Its advisory locks, one per (integracao_id, chave) taken in key
 * order, make concurrent claims of one key (other workers, other bases' runs in this batch) look at each
 * other's committed result; one claim per key is kept within the batch itself.
 */
async function claimMany(pool: Pool, claims: Array<{ seen: Seen; requisicao: string; digest?: string }>): Promise<ClaimResult[]> {
  const rows = JSON.stringify(
    claims.map((c) => ({ id: c.seen.id, status: c.seen.status, tentativas: c.seen.tentativas, requisicao: c.requisicao, digest: c.digest ?? null })),
  );
  const res = await pool.query({
    name: 'integrador_reivindicar_envios',
    text: 'SELECT envio_id, tentativa, detentor FROM integrador.reivindicar_envios($1::jsonb)',
    values: [rows],
  });
  const claimed = new Map<string, number>();
  const held = new Map<string, string>();
  for (const r of res.rows) {
    if (r.tentativa !== null) claimed.set(String(r.envio_id), r.tentativa);
    else held.set(String(r.envio_id), String(r.detentor));
  }
  return claims.map((c): ClaimResult => {
    const id = String(c.seen.id);
    const holder = held.get(id);
    return claimed.get(id) ?? (holder ? { heldBy: holder } : null);
  });
}

async function holderOf(db: Queryable, id: string): Promise<HolderView> {
  const res = await db.query(
    `SELECT id, workflow_id, status, requisicao, resposta, valores, tentativas,
            (extract(epoch FROM now() - atualizado_em) * 1000)::float8 AS idle_ms
       FROM integrador.envio WHERE id = $1`,
    [id],
  );
  const r = res.rows[0];
  return {
    id: String(r.id),
    workflowId: r.workflow_id,
    status: r.status,
    requisicao: r.requisicao,
    resposta: r.resposta,
    valores: r.valores,
    tentativas: r.tentativas,
    idleMs: Number(r.idle_ms),
  };
}

async function takeOver(db: Queryable, seen: Seen, holder: HolderView, status: 'gravado' | 'enviado', requisicao: string): Promise<boolean> {
  // the claim (tentativas + 1) and the taken outcome in one statement: pendente → enviando → gravado/enviado
  const res = await db.query(
    `UPDATE integrador.envio SET status = $4, requisicao = $5, resposta = $6, valores = $7, enviado_por = $8,
            tentativas = tentativas + 1, erro = NULL, erro_tipo = NULL, enviado_em = now(), atualizado_em = now()
      WHERE id = $1 AND status = $2 AND tentativas = $3 AND status = 'pendente'`,
    [
      seen.id,
      seen.status,
      seen.tentativas,
      status,
      requisicao,
      JSON.stringify(holder.resposta ?? null),
      JSON.stringify(holder.valores ?? {}),
      holder.workflowId,
    ],
  );
  return res.rowCount === 1;
}

/** The newest successful digest per key (index envio_ultimo_sucesso): one probe per key. */
async function lastDigests(db: Queryable, integracaoId: number, chaves: string[]): Promise<Map<string, string>> {
  if (!chaves.length) return new Map();
  const res = await db.query(
    `SELECT k.chave, u.digest FROM unnest($2::text[]) AS k(chave)
       CROSS JOIN LATERAL (SELECT digest FROM integrador.envio e
                            WHERE e.integracao_id = $1 AND e.chave = k.chave AND e.status IN ('gravado', 'enviado')
                            ORDER BY e.enviado_em DESC LIMIT 1) AS u
      WHERE u.digest IS NOT NULL`,
    [integracaoId, chaves],
  );
  return new Map(res.rows.map((r) => [r.chave as string, r.digest as string]));
}

/** The ids a statement's `RETURNING e.id` gave back: the records it changed. */
const changedIds = (res: QueryResult) => new Set(res.rows.map((r) => String(r.id)));

interface Unchanged {
  seen: Seen;
  digest: string;
  requisicao: string;
}

/** pendente → inalterado for many records in one statement (group-committed like claims); false where lost. */
async function markUnchangedMany(db: Queryable, items: Unchanged[]): Promise<boolean[]> {
  const res = await db.query(
    `UPDATE integrador.envio e SET status = 'inalterado', digest = s.digest, requisicao = s.requisicao, atualizado_em = now()
       FROM jsonb_to_recordset($1::jsonb) AS s(id bigint, tentativas integer, digest text, requisicao text)
      WHERE e.id = ANY ($2::bigint[]) AND e.id = s.id AND e.tentativas = s.tentativas AND e.status = 'pendente'
      RETURNING e.id`,
    [
      JSON.stringify(items.map((u) => ({ id: u.seen.id, tentativas: u.seen.tentativas, digest: u.digest, requisicao: u.requisicao }))),
      items.map((u) => u.seen.id),
    ],
  );
  const changed = changedIds(res);
  return items.map((u) => u.seen.status === 'pendente' && changed.has(String(u.seen.id)));
}

async function markPending(db: Queryable, claim: Claim): Promise<boolean> {
  const res = await db.query(
    `UPDATE integrador.envio SET status = 'pendente', atualizado_em = now() WHERE id = $1 AND status = 'enviando' AND tentativas = $2`,
    [claim.id, claim.attempt],
  );
  return res.rowCount === 1;
}

async function markSent(db: Queryable, claim: Claim, answer: Answer): Promise<boolean> {
  const res = await db.query(
    `UPDATE integrador.envio SET status = 'enviado', resposta = $3, valores = $4,
            requisicao = COALESCE($5, requisicao), erro = NULL, erro_tipo = NULL, enviado_em = now(), atualizado_em = now()
      WHERE id = $1 AND status = 'enviando' AND tentativas = $2`,
    [claim.id, claim.attempt, JSON.stringify(answer.resposta ?? null), JSON.stringify(answer.valores), answer.sent ?? null],
  );
  return res.rowCount === 1;
}

async function markFailed(db: Queryable, seen: Seen, status: 'erro' | 'incerto', failure: Failure): Promise<boolean> {
  const res = await db.query(
    `UPDATE integrador.envio SET status = $4, erro = $5, erro_tipo = $6, resposta = COALESCE($7, resposta),
            requisicao = COALESCE($8, requisicao), atualizado_em = now()
      WHERE id = $1 AND status = $2 AND tentativas = $3`,
    [
      seen.id,
      seen.status,
      seen.tentativas,
      status,
      failure.erro,
      failure.tipo,
      failure.resposta === undefined ? null : JSON.stringify(failure.resposta),
      failure.sent ?? failure.requisicao ?? null,
    ],
  );
  return res.rowCount === 1;
}

// The statements that change many records at once name them twice: their data as JSON, their ids as an
// array. The planner guesses a JSON set at 100 rows, and with that guess reads a ledger of up to some tens of
// thousands of rows (a base's first bulk load) whole on every statement; `id = ANY (ids)` it plans as
// index probes for the number of ids it is given.

/**
 * Inside a write-back transaction: records to `gravado` in one statement. `answer` present: the record is
 * still `enviando` with this attempt (its answer just arrived, stored with the mark); absent: it is
 * `enviado`. Its result rows are the ids that changed; the others were already written back by another attempt.
 */
function markWrittenBackQuery(records: WriteBack[]): QueryConfig {
  const rows = records.map((r) => ({
    id: r.recordId,
    tentativas: r.attempt,
    fresh: Boolean(r.answer),
    resposta: r.answer ? (r.answer.resposta ?? null) : null,
    valores: r.answer?.valores ?? null,
    from_status: r.from ?? null,
  }));
  // not a named statement: a session's prepared plan, once made on a nearly empty ledger, would keep
  // reading the table whole; planned on each use, it probes by id once the ledger has grown
  return {
    text: `UPDATE integrador.envio e SET status = 'gravado',
            resposta = CASE WHEN s.fresh THEN s.resposta ELSE e.resposta END,
            valores = CASE WHEN s.fresh THEN s.valores ELSE e.valores END,
            erro = NULL, erro_tipo = NULL, enviado_em = COALESCE(e.enviado_em, now()), atualizado_em = now()
       FROM jsonb_to_recordset($1::jsonb) AS s(id bigint, tentativas integer, fresh boolean, resposta jsonb, valores jsonb, from_status text)
      WHERE e.id = ANY ($2::bigint[]) AND e.id = s.id AND e.tentativas = s.tentativas
        AND e.status = COALESCE(s.from_status, CASE WHEN s.fresh THEN 'enviando' ELSE 'enviado' END)
      RETURNING e.id`,
    values: [JSON.stringify(rows), records.map((r) => r.recordId)],
  };
}

/** More work inside a write-back transaction, run when the record was marked (a settlement's audit row). */
export type AlsoInTransaction = (tx: PoolClient) => Promise<void>;

/** The marks and the sql_updates of `items` in one transaction; the ids that were not already written back. */
function writeBackTogether(pool: Pool, items: WriteBack[], also?: AlsoInTransaction): Promise<Set<string>> {
  return withTransaction(
    pool,
    async (tx) => {
      const changed = changedIds(await tx.query(markWrittenBackQuery(items)));
      for (const w of items) if (changed.has(String(w.recordId))) await tx.query({ text: w.sql.text, values: w.sql.values });
      if (also && changed.size) await also(tx);
      return changed;
    },
    { keepsConnection: isConfigSqlError },
  );
}

/**
 * The same transaction in two round trips on a pipelining connection: BEGIN with the marks, then the
 * sql_updates of the records marked with COMMIT. Any failure rolls it all back.
 */
async function writeBackPipelined(pool: Pool, items: WriteBack[]): Promise<Set<string>> {
  const tx = await pool.connect();
  let broken: Error | undefined;
  try {
    const [, marked] = await sendTogether(tx, [{ text: 'BEGIN' }, markWrittenBackQuery(items)]);
    const changed = changedIds(marked!);
    const updates = items.filter((w) => changed.has(String(w.recordId))).map((w) => ({ text: w.sql.text, values: w.sql.values }));
    const done = await sendTogether(tx, [...updates, { text: 'COMMIT' }]);
    // COMMIT of a transaction an error aborted answers ROLLBACK; sendTogether has thrown that error already
    if (done.at(-1)!.command !== 'COMMIT') throw new Error(`write-back transaction ended with ${done.at(-1)!.command}`);
    return changed;
  } catch (err) {
    await tx.query('ROLLBACK').catch(() => undefined);
    if (!isConfigSqlError(err)) broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    tx.release(broken);
  }
}

async function writeBackOne(pool: Pool, w: WriteBack, also?: AlsoInTransaction): Promise<WriteBackResult> {
  const claim = { id: w.recordId, attempt: w.attempt };
  try {
    const changed = await writeBackTogether(pool, [w], also);
    return { ok: true, already: !changed.has(String(w.recordId)) };
  } catch (err) {
    // keep the answer: a passing failure (connection, serialization) is written back by the retried attempt
    if (w.answer) await markSent(pool, claim, w.answer);
    if (!isConfigSqlError(err)) throw err;
    const error = `sent, but sql_update failed (SQL error ${err.code}): ${err.message}`;
    await markFailed(pool, { id: w.recordId, status: 'enviado', tentativas: w.attempt }, 'erro', { erro: error, tipo: 'gravacao' });
    return { ok: false, error };
  }
}

/**
 * The write-backs of many records in one transaction (a group commit: one `gravado` statement, their
 * sql_updates, one commit, pipelined). Any failure rolls the group back and writes each record back on its
 * own, so one record's bad SQL or a passing error is judged for that record only.
 */
async function writeBackMany(pool: Pool, items: WriteBack[], pipelined: Pool): Promise<Array<PromiseSettledResult<WriteBackResult>>> {
  const changed = await writeBackPipelined(pipelined, items).catch(() => undefined);
  if (changed) return items.map((w) => ({ status: 'fulfilled', value: { ok: true, already: !changed.has(String(w.recordId)) } }));
  return Promise.allSettled(items.map((w) => writeBackOne(pool, w)));
}

/**
 * The write-back of one record settled by a person (confirmar: `from` incerto, its values given): the same
 * transaction as a run's write-back (mark, sql_update), with `also` (the settlement's audit) in it too.
 * `already`: the record was not in the expected version, nothing was written.
 */
export function writeBackSettled(pool: Pool, w: WriteBack & { from: 'incerto' }, also: AlsoInTransaction): Promise<WriteBackResult> {
  return writeBackOne(pool, w, also);
}

/** A record's settlements, oldest first, as one JSON array (null when none): for the read queries below. */
const SETTLEMENTS_OF_E = `(SELECT jsonb_agg(jsonb_build_object('numero', l.numero, 'acao', l.acao, 'por', l.por, 'em', l.em, 'valores', l.valores,
            'motivo', l.motivo, 'status_anterior', l.status_anterior, 'status_final', l.status_final, 'workflow_id', l.workflow_id) ORDER BY l.numero)
       FROM integrador.liquidacao l WHERE l.envio_id = e.id) AS liquidacoes`;

/** Every record of one execution (a run and its continue-as-new chain). */
export async function recordsOfExecution(db: Queryable, execucaoId: string): Promise<RecordView[]> {
  const res = await db.query(
    `SELECT integracao_id, chave, status, valores, erro, erro_tipo, tentativas, atualizado_em, enviado_por, ${SETTLEMENTS_OF_E}
       FROM integrador.envio e WHERE execucao_id = $1 ORDER BY id`,
    [execucaoId],
  );
  return res.rows;
}

/** One record of an execution, as the API shows it (a settlement's answer). */
export async function recordOfExecution(db: Queryable, execucaoId: string, integracaoId: number, chave: string): Promise<RecordView | undefined> {
  const res = await db.query(
    `SELECT integracao_id, chave, status, valores, erro, erro_tipo, tentativas, atualizado_em, ${SETTLEMENTS_OF_E}
       FROM integrador.envio e WHERE execucao_id = $1 AND integracao_id = $2 AND chave = $3`,
    [execucaoId, integracaoId, chave],
  );
  return res.rows[0];
}

/** Every record of the newest execution of a workflow id, for the API and the CLI. */
export async function recordsOfWorkflow(db: Queryable, workflowId: string): Promise<RecordView[]> {
  const res = await db.query(
    `SELECT integracao_id, chave, status, valores, erro, erro_tipo, tentativas, atualizado_em, enviado_por, ${SETTLEMENTS_OF_E}
       FROM integrador.envio e
      WHERE execucao_id = (SELECT execucao_id FROM integrador.envio WHERE workflow_id = $1 ORDER BY criado_em DESC, id DESC LIMIT 1)
      ORDER BY id`,
    [workflowId],
  );
  return res.rows;
}
