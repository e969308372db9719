// A dry run (SPEC §9 /previa): the plan of a request and, per integration, each record's key and the
// request a run would send, built by the run's own code (planFromCrm, mapRecord, the connectors' preview),
// without any receiver call, write-back or ledger row. The CRM is read in a READ ONLY transaction that is
// rolled back. A WS receiver's WSDL is fetched (as a run fetches it); its operation is never called.
import type { Pool, PoolClient } from 'pg';
import { checkStepVariables, recordKey } from '../../activities/query-records';
import type { AppConfig, BaseConfig } from '../config/types';
import { maskSecrets } from '../connectors/mask';
import { buildInsert } from '../connectors/db';
import type { ReceiverRegistry } from '../connectors/registry';
import type { WirePreview } from '../connectors/types';
import { planFromCrm } from '../validate/check-plan';
import { asConfigSql } from '../crm/sql-errors';
import { ConfigError, ErrorCodes, RecordError, TransportError, UnknownOutcome, type ConfigIssue } from '../errors';
import { mapRecord } from '../mapping';
import type { FieldSpec } from '../model/types';
import type { RunRequest, SetStep } from '../plan/types';
import { bindSql, renderUrlPath, Scope, variablesIn, type ScopeLayers } from '../templating';

/** A stand-in for a value an earlier integration would capture: text or a number. */
export type StandIn = string | number;

export interface PreviewInput {
  request: RunRequest;
  /** Stand-ins for captured values (`codCli`), used by the integrations after the one that captures them. */
  valores: Record<string, StandIn>;
  /** Records shown per integration (the query reads one more, to say whether there are more). */
  limit: number;
}

export interface PreviewDeps {
  pool: Pool;
  base: BaseConfig;
  config: Pick<AppConfig, 'run' | 'secrets'>;
  receivers: Pick<ReceiverRegistry, 'get'>;
}

export interface PreviewRecord {
  key: string;
  /** `previa`: the request was built; `erro`: a run would mark this record erro before sending it. */
  status: 'previa' | 'erro';
  /** The mapped request (WS arguments without the connection's fixed ones, API body, DB columns). */
  request?: Record<string, unknown>;
  /** WS: the SOAP envelope node-soap builds; API: method, URL and body as sent. */
  wire?: WirePreview;
  /** DB: the INSERT a run would execute. */
  sql?: { text: string; values: unknown[] };
  error?: string;
  errorKind?: 'mapeamento';
}

export interface PreviewIntegration {
  id: number;
  name: string;
  connection: { name: string; type: string };
  operation: string | null;
  status: 'ok' | 'vazio' | 'erro';
  message: string;
  errorCode?: string;
  issues?: ConfigIssue[];
  /** Captured values of earlier integrations this one uses, as given in `valores`. */
  valuesUsed: Record<string, StandIn>;
  /** Captured values of earlier integrations this one uses but `valores` did not give (NULL stood in). */
  valuesLacking: string[];
  /** What this integration would capture from its answer (indice_valor_retorno). */
  captures: string[];
  shown: number;
  /** More rows than `limit` matched. */
  truncated: boolean;
  records: PreviewRecord[];
}

export interface PreviewAnswer {
  success: boolean;
  dryRun: true;
  message: string;
  plan: Array<{ id: number; name: string }>;
  integrations: PreviewIntegration[];
  /** `valores` no integration used: none before the one that uses the name captures it, or none uses it. */
  valuesIgnored: string[];
}

const CURSOR = 'integrador_previa';

/** Every text of a step that may name a variable: the names a captured value can reach. */
function namesUsedBy(step: SetStep): Set<string> {
  const texts: string[] = [step.consulta, step.link];
  const ofFields = (fields: FieldSpec[]) => {
    for (const field of fields) {
      if (field.source.kind === 'texto') texts.push(field.source.template);
      if (field.lookup) texts.push(field.lookup.sql);
    }
  };
  ofFields(step.fields);
  for (const component of Object.values(step.components)) {
    texts.push(component.sql);
    ofFields(component.fields);
  }
  return new Set(texts.flatMap((t) => variablesIn(t ?? '')));
}

export async function previewRun(deps: PreviewDeps, input: PreviewInput): Promise<PreviewAnswer> {
  // the same checks and messages as /integrar and the loadPlan activity (400, 404, 422)
  const plan = await planFromCrm(deps.pool, deps.base, input.request, deps.config.run);
  const mask = (text: string) => maskSecrets(text, deps.config.secrets);
  const client = await deps.pool.connect();
  let broken: Error | undefined;
  const integrations: PreviewIntegration[] = [];
  const capturedSoFar = new Set<string>();
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    for (const step of plan.steps) {
      const used = namesUsedBy(step);
      // values captured earlier: the given stand-in, else NULL, as the run's SQL check binds them
      const captured: Record<string, StandIn | null> = {};
      const valuesUsed: Record<string, StandIn> = {};
      const valuesLacking: string[] = [];
      for (const name of capturedSoFar) {
        const given = Object.prototype.hasOwnProperty.call(input.valores, name) ? input.valores[name] : undefined;
        captured[name] = given ?? null;
        if (!used.has(name)) continue;
        if (given === undefined) valuesLacking.push(name);
        else valuesUsed[name] = given;
      }
      const layers: ScopeLayers = { captured, params: plan.request.params, builtins: plan.builtins };
      integrations.push(await previewStep(client, deps, plan.request.base, step, layers, input.limit, mask, { valuesUsed, valuesLacking }));
      for (const key of step.answer.valueKeys) capturedSoFar.add(key);
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    await client.query('ROLLBACK').catch((err: Error) => (broken ??= err));
    client.release(broken);
  }
  const failed = integrations.filter((i) => i.status === 'erro');
  const recordErrors = integrations.reduce((n, i) => n + i.records.filter((r) => r.status === 'erro').length, 0);
  const message = failed.length
    ? `preview (nothing sent or written): ${failed.map((i) => `integracao ${i.id}: ${i.message}`).join('; ')}`
    : `preview (nothing sent or written): ${integrations.reduce((n, i) => n + i.shown, 0)} record(s) in ${integrations.length} integration(s)`;
  return {
    success: failed.length === 0 && recordErrors === 0,
    dryRun: true,
    message,
    plan: plan.steps.map((s) => ({ id: s.id, name: s.nome })),
    integrations,
    valuesIgnored: Object.keys(input.valores).filter((name) => !integrations.some((i) => Object.prototype.hasOwnProperty.call(i.valuesUsed, name))),
  };
}

async function previewStep(
  client: PoolClient,
  deps: PreviewDeps,
  base: string,
  step: SetStep,
  layers: ScopeLayers,
  limit: number,
  mask: (text: string) => string,
  values: Pick<PreviewIntegration, 'valuesUsed' | 'valuesLacking'>,
): Promise<PreviewIntegration> {
  const result: PreviewIntegration = {
    id: step.id,
    name: step.nome,
    connection: step.connection,
    operation: step.operation,
    status: 'ok',
    message: '',
    ...values,
    captures: step.answer.valueKeys,
    shown: 0,
    truncated: false,
    records: [],
  };
  const where = { table: 'integracao', row: step.id, column: 'consulta' };
  // a savepoint per step: an SQL error in one integration leaves the transaction usable for the next
  await client.query('SAVEPOINT previa_step');
  try {
    const rules = step.answer;
    const bound = bindSql(step.consulta, new Scope(layers), where);
    await asConfigSql(where, () => client.query({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${bound.text}`, values: bound.values }));
    const fetched = await asConfigSql(where, () => client.query(`FETCH ${limit + 1} FROM ${CURSOR}`));
    await client.query(`CLOSE ${CURSOR}`);
    const unknown = checkStepVariables(
      step,
      fetched.fields.map((f) => f.name),
      layers,
    );
    if (unknown.length) throw new ConfigError(unknown);
    result.truncated = fetched.rows.length > limit;
    const rows = fetched.rows.slice(0, limit);
    const lookups = { query: async (sql: { text: string; values: unknown[] }) => (await client.query({ text: sql.text, values: sql.values })).rows };
    const target = deps.receivers.get(base, step.connection.name);
    const keys = new Map<string, number>();
    for (const row of rows) {
      // the key as queryRecords gives it: the row's id (or digest), `#n` for a repeated one
      let key = recordKey(row);
      const n = (keys.get(key) ?? 0) + 1;
      keys.set(key, n);
      if (n > 1) key = `${key}#${n}`;
      const scope = new Scope({ ...layers, row });
      let body: Record<string, unknown>;
      try {
        body = await mapRecord(step, row, scope, lookups);
      } catch (err) {
        if (!(err instanceof RecordError)) throw err;
        result.records.push({ key, status: 'erro', error: mask(err.message), errorKind: 'mapeamento' });
        continue;
      }
      const record: PreviewRecord = { key, status: 'previa', request: JSON.parse(mask(JSON.stringify(body))) as Record<string, unknown> };
      try {
        if (step.connection.type === 'DB') {
          const sql = buildInsert(step.link, body, rules.valueKeys, step.connection.name);
          record.sql = { text: sql.text, values: JSON.parse(mask(JSON.stringify(sql.values))) as unknown[] };
        } else {
          const link = step.connection.type === 'API' ? renderUrlPath(step.link, scope) : step.link;
          const wire = await target.receiver.preview?.({ link, operation: step.operation ?? undefined, body, returning: rules.valueKeys });
          // masked again with every secret of the connection file, as the run masks what it records
          if (wire) record.wire = JSON.parse(mask(JSON.stringify(wire))) as WirePreview;
        }
      } catch (err) {
        if (!(err instanceof RecordError)) throw err;
        record.status = 'erro';
        record.error = mask(err.message);
        delete record.errorKind;
      }
      result.records.push(record);
    }
    result.shown = result.records.length;
    const errors = result.records.filter((r) => r.status === 'erro');
    if (!rows.length) {
      result.status = 'vazio';
      result.message = 'nothing to send: the query returned no rows';
    } else if (errors.length) {
      result.status = 'erro';
      result.errorCode = ErrorCodes.record;
      result.message = `${errors.length} of ${rows.length} record(s) would fail: ${errors[0]!.error}`;
    } else {
      result.message = `${rows.length}${result.truncated ? '+' : ''} record(s) would be sent`;
    }
    await client.query('RELEASE SAVEPOINT previa_step');
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT previa_step');
    // what a run would stop this integration with; anything else (the CRM unreachable) fails the preview
    if (err instanceof ConfigError) {
      return { ...result, status: 'erro', errorCode: err.code, message: mask(err.message), issues: err.issues, records: [], shown: 0 };
    }
    if (err instanceof TransportError || err instanceof UnknownOutcome) {
      return { ...result, status: 'erro', errorCode: err.code, message: mask(err.message), records: [], shown: 0 };
    }
    throw err;
  }
  return result;
}
