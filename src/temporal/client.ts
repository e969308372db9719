// The client entry point other Node code (the CRM, scripts) imports to start a SET run and await it.
import { readFileSync } from 'node:fs';
import { Client, Connection, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type ConnectionLike, type WorkflowHandle } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../config/schema';
import type { TemporalConfig } from '../config/types';
import type { Plan, RunRequest, RunResult } from '../plan/types';
import { RESULTADO_KEY } from '../../workflows/outcome';
import { SET_RUN_WORKFLOW } from './constants';
import { setRunWorkflowId } from './workflow-id';

export const BASE_KEY = defineSearchAttributeKey('IntegradorBase', SearchAttributeType.KEYWORD);
export const EMPRESA_KEY = defineSearchAttributeKey('IntegradorEmpresa', SearchAttributeType.INT);
export const INTEGRACAO_KEY = defineSearchAttributeKey('IntegradorIntegracao', SearchAttributeType.INT);
/**
 * The run's summary as a search attribute too: the Temporal UI's workflow list (2.54) shows search
 * attributes as columns but not the static summary, which it shows only on the run's page.
 */
export const RESUMO_KEY = defineSearchAttributeKey('IntegradorResumo', SearchAttributeType.KEYWORD);
export { RESULTADO_KEY };

/** Keyword values are meant to be short; the summary is cut here, with an ellipsis. */
const RESUMO_MAX = 250;

/** Connection options for a Temporal address, with TLS and an API key (Temporal Cloud) when configured. */
export function connectionOptions(config: Pick<TemporalConfig, 'address' | 'tls' | 'apiKey'>) {
  const tls =
    config.tls === true || (config.apiKey && config.tls === undefined)
      ? true
      : config.tls && typeof config.tls === 'object'
        ? {
            serverNameOverride: config.tls.serverName,
            serverRootCACertificate: config.tls.caFile ? readFileSync(config.tls.caFile) : undefined,
            clientCertPair:
              config.tls.certFile && config.tls.keyFile ? { crt: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined,
          }
        : undefined;
  return { address: config.address ?? '127.0.0.1:7233', tls, apiKey: config.apiKey };
}

/**
 * The memo shown in the Temporal UI next to a run: who asked for what. Parameter names only: their values
 * may be personal data (the workflow id carries only their digest, for the same reason).
 */
export function runMemo(request: RunRequest) {
  const empresa = request.empresaFilialId !== null ? `${request.empresaId ?? ''}/${request.empresaFilialId}` : String(request.empresaId ?? '');
  const params = Object.keys(request.params).sort();
  return {
    resumo: `SET base=${request.base} empresa=${empresa} integracao=${request.integracaoId}${params.length ? ` params=${params.join(',')}` : ''}`,
    base: request.base,
    empresaId: request.empresaId,
    empresaFilialId: request.empresaFilialId,
    integracaoId: request.integracaoId,
    parametros: params,
  };
}

/** What the run will do, when the caller has checked the plan already: names the integrations in the UI. */
export type RunPreview = Pick<Plan, 'steps'>;

function empresaText(request: RunRequest): string {
  const empresa = `empresa ${request.empresaId ?? '-'}`;
  return request.empresaFilialId !== null ? `${empresa} filial ${request.empresaFilialId}` : empresa;
}

/**
 * The run's single-line summary in the Temporal UI's list (user metadata, fixed at start):
 * `19 SET-WS-CONTAS · base demo · empresa 1 · contaId`. Parameter names only, never their values.
 */
export function runSummary(request: RunRequest, preview?: RunPreview): string {
  const requested = preview?.steps.find((step) => step.id === request.integracaoId);
  const params = Object.keys(request.params).sort();
  return [
    requested ? `${requested.id} ${requested.nome}` : `integracao ${request.integracaoId}`,
    `base ${request.base}`,
    empresaText(request),
    ...(params.length ? [params.join(', ')] : []),
  ].join(' · ');
}

/** The run's details (Temporal markdown), shown at the top of the run's page. */
export function runDetails(request: RunRequest, preview?: RunPreview): string {
  const params = Object.keys(request.params).sort();
  const lines = [
    `**integracao** ${request.integracaoId} · **base** ${request.base} · **${empresaText(request)}**`,
    `**parameters** (names only): ${params.length ? params.join(', ') : 'none'}`,
  ];
  if (preview) lines.push(`**runs** ${preview.steps.map((step) => `${step.id} ${step.nome} (${step.connection.type} ${step.connection.name})`).join(' → ')}`);
  lines.push('**outcome**: search attribute IntegradorResultado (ok, erro, incerto, vazio) when the run ends');
  return lines.join('\n\n');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The search attributes of a run, so runs can be filtered by base, company and integration in the UI. */
export function runSearchAttributes(request: RunRequest, preview?: RunPreview) {
  return [
    { key: BASE_KEY, value: request.base },
    ...(request.empresaId !== null ? [{ key: EMPRESA_KEY, value: request.empresaId }] : []),
    { key: INTEGRACAO_KEY, value: request.integracaoId },
    { key: RESUMO_KEY, value: cut(runSummary(request, preview), RESUMO_MAX) },
  ];
}

export interface StartOptions {
  /** The plan the caller built and checked just now: the run takes it instead of loading it again. */
  plan?: Plan;
}

export interface IntegradorClient {
  /**
   * Starts a run, or joins the one already running for the same request. `preview` (the checked plan)
   * only names the integrations in the Temporal UI.
   */
  start(request: RunRequest, preview?: RunPreview, options?: StartOptions): Promise<WorkflowHandle & { eagerlyStarted?: boolean }>;
  /** Starts (or joins) a run and waits for its result. */
  run(request: RunRequest): Promise<RunResult>;
  handle(workflowId: string): WorkflowHandle;
  temporal: Client;
  close(): Promise<void>;
}

export interface ClientOptions {
  /**
   * The NativeConnection of a worker running in this process on the same task queue (`serve`): the client
   * shares it and asks for eager workflow start, so the server hands the run's first workflow task back in
   * its answer to the start, to that worker, instead of through a task-queue poll (docs/delivery.md, "One
   * record, fast"). The worker owns the connection: close() leaves it open. Without it, the client opens its
   * own connection and starts runs the plain way.
   */
  workerConnection?: ConnectionLike;
}

export async function createIntegradorClient(config: Partial<TemporalConfig> = {}, options: ClientOptions = {}): Promise<IntegradorClient> {
  const shared = options.workerConnection;
  const connection = shared ?? (await Connection.connect(connectionOptions(config)));
  const client = new Client({ connection, namespace: config.namespace ?? DEFAULT_NAMESPACE });
  const taskQueue = config.taskQueue ?? DEFAULT_TASK_QUEUE;
  const start = (request: RunRequest, preview?: RunPreview, options: StartOptions = {}) =>
    client.workflow.start(SET_RUN_WORKFLOW, {
      args: options.plan ? [request, { plan: options.plan }] : [request],
      taskQueue,
      workflowId: setRunWorkflowId(request),
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: runSearchAttributes(request, preview),
      memo: runMemo(request),
      staticSummary: runSummary(request, preview),
      staticDetails: runDetails(request, preview),
      // the server falls back to the task queue when the local worker has no free slot or the run exists
      ...(shared ? { requestEagerStart: true } : {}),
    });
  return {
    start,
    async run(request) {
      const handle = await start(request);
      return handle.result();
    },
    handle: (workflowId) => client.workflow.getHandle(workflowId),
    temporal: client,
    close: async () => {
      if (!shared) await connection.close();
    },
  };
}
