// The console's record pages: Pendências (the pending records, read by listPending as GET /pendencias reads
// them, with the settle forms, each through a server-rendered confirmation page) and Prévia (the dry run,
// previewRun as GET|POST /previa runs it). Every form is a POST with the CSRF token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/types';
import { createReceiverRegistry } from '../connectors/registry';
import { readConfigRows } from '../crm/config-repository';
import type { CrmPools } from '../crm/pools';
import { ConfigError, RequestError } from '../errors';
import { isComponentLink } from '../model';
import { listPending, MAX_PENDING_LIMIT, type PendingRecord } from '../pending/list-pending';
import { capturedBy } from '../plan/build-plan';
import { previewRun } from '../preview/preview';
import { DEFAULT_PREVIEW_LIMIT, toPreviewRequest } from '../preview/preview-request';
import type { IntegradorClient } from '../temporal/client';
import { messages as t } from './messages.pt-BR';
import { PageError, type Render } from './page';
import { maySee, type Operator } from './session';
import { ACTIONS_OF, settle, SETTLE_ACTIONS, type SettleAction, type SettleAsk } from './settle';

export interface RecordPagesContext {
  config: AppConfig;
  client: IntegradorClient;
  crm: CrmPools;
  render: Render;
  signedIn: (req: FastifyRequest, reply: FastifyReply) => Operator | undefined;
}

/** Pending records shown on one page: each row carries its forms, so fewer than the API's default. */
export const PENDING_PAGE_LIMIT = 200;
const MAX_MOTIVO = 2000;
const MAX_VALUE = 1000;
/** Names the preview form has its own fields for (or that steer /integrar): not accepted as parameter lines. */
const FORM_FIELDS = new Set(['base_crm', 'integracao_servico_id', 'empresa_id', 'empresa_filial_id', 'aguardar', 'valores', 'previa_limite']);

const field = (body: Record<string, unknown>, name: string): string => {
  const value = body[name];
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new PageError(400, `${t.errors.badRequest} ${name}`);
  return value;
};

/** `nome=valor` lines (blank lines skipped) as an object; a line without `=` is a 400 naming it. */
export function parseLines(text: string, label: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf('=');
    if (at < 1) throw new RequestError('bad_request', t.preview.badLine(label, n + 1), label);
    result[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return result;
}

export function recordPages(app: FastifyInstance, ctx: RecordPagesContext): void {
  const { config, client, crm, render, signedIn } = ctx;
  // receivers for their WSDLs and wire formats only, as /previa has them: the preview sends nothing
  const receivers = createReceiverRegistry(config);
  app.addHook('onClose', () => receivers.close());

  /** The base's integrations by id: their captured names (indice_valor_retorno) and who may run them. */
  const integrationsOf = async (operator: Operator) => {
    const rows = (await readConfigRows(crm.pool(operator.base))).integracoes.sort((a, b) => a.id - b.id);
    return {
      valueKeys: new Map(rows.map((row) => [row.id, capturedBy(row)])),
      // runnable ones (not components) of the token's companies, or of every company (empresa_id NULL)
      runnable: rows
        .filter((row) => !isComponentLink(row.link) && (row.empresa_id === null || maySee(operator, row.empresa_id)))
        .map((row) => ({ id: row.id, nome: row.nome, empresa: row.empresa_id })),
    };
  };

  app.get<{ Querystring: { empresa?: string } }>('/pendencias', async (req, reply) => {
    const operator = signedIn(req, reply);
    if (!operator) return reply;
    const raw = req.query.empresa ?? '';
    if (raw && !/^\d{1,9}$/.test(raw)) throw new PageError(400, `${t.errors.badRequest} empresa`);
    const empresaId = raw ? Number(raw) : null;
    if (empresaId !== null && !maySee(operator, empresaId)) throw new PageError(403, t.errors.company);
    const [list, integrations] = await Promise.all([
      listPending(crm.pool(operator.base), { empresaId, allowed: operator.empresas, limit: PENDING_PAGE_LIMIT }),
      integrationsOf(operator),
    ]);
    return render(
      req,
      reply,
      'pending',
      { list, empresa: raw, actionsOf: ACTIONS_OF, valueKeysOf: (id: number) => integrations.valueKeys.get(id) ?? [] },
      operator,
    );
  });

  // One route for both steps: without `confirmado=sim` it shows what will be done and asks; with it, it acts.
  app.post('/pendencias/acao', { preHandler: app.csrfProtection }, async (req, reply) => {
    const operator = signedIn(req, reply);
    if (!operator) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const workflowId = field(body, 'workflowId');
    const integracao = field(body, 'integracaoId');
    const key = field(body, 'chave');
    const acao = field(body, 'acao') as SettleAction;
    if (!workflowId) throw new PageError(400, `${t.errors.badRequest} workflowId`);
    if (!/^\d{1,9}$/.test(integracao)) throw new PageError(400, `${t.errors.badRequest} integracaoId`);
    if (!key) throw new PageError(400, `${t.errors.badRequest} chave`);
    if (!(SETTLE_ACTIONS as readonly string[]).includes(acao)) throw new PageError(400, `${t.errors.badRequest} acao`);
    const integracaoId = Number(integracao);
    // the record must be one this operator sees among the pending ones: the same read as the list
    const { records } = await listPending(crm.pool(operator.base), { empresaId: null, allowed: operator.empresas, limit: MAX_PENDING_LIMIT });
    const record: PendingRecord | undefined = records.find((r) => r.workflowId === workflowId && r.integration.id === integracaoId && r.key === key);
    if (!record) throw new PageError(404, t.settle.notPending);
    if (!ACTIONS_OF[record.status].includes(acao)) throw new PageError(409, t.settle.notAllowed(acao, record.status));
    const ask: SettleAsk = { operator, workflowId, integracaoId, key, acao };
    if (acao === 'confirmar') {
      const keys = (await integrationsOf(operator)).valueKeys.get(integracaoId) ?? [];
      ask.valores = {};
      for (const name of keys) {
        const value = field(body, `valor.${name}`).trim();
        if (!value) throw new PageError(400, t.settle.missingValue(name));
        if (value.length > MAX_VALUE) throw new PageError(400, `${t.errors.badRequest} valor.${name}`);
        ask.valores[name] = value;
      }
    }
    if (acao === 'descartar') {
      const motivo = field(body, 'motivo').trim();
      if (!motivo) throw new PageError(400, t.settle.missingMotivo);
      if (motivo.length > MAX_MOTIVO) throw new PageError(400, `${t.errors.badRequest} motivo`);
      ask.motivo = motivo;
    }
    if (field(body, 'confirmado') !== 'sim') return render(req, reply, 'settle', { ask, record }, operator);
    const result = await settle({ config, client, crm }, ask);
    const status = result.kind === 'done' ? 200 : result.httpStatus;
    return render(req, reply.status(status), 'settle', { ask, record, result }, operator);
  });

  const previewForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    operator: Operator,
    form: Record<string, string>,
    extra: { answer?: unknown; error?: string } = {},
  ) => {
    const { runnable } = await integrationsOf(operator);
    return render(req, reply, 'preview', { integrations: runnable, form, ...extra }, operator);
  };

  app.get<{ Querystring: { integracao?: string; empresa?: string } }>('/previa', async (req, reply) => {
    const operator = signedIn(req, reply);
    if (!operator) return reply;
    const empresa = req.query.empresa ?? (operator.empresas?.length === 1 ? String(operator.empresas[0]) : '');
    return previewForm(req, reply, operator, {
      integracao: req.query.integracao ?? '',
      empresa,
      parametros: '',
      valores: '',
      limite: String(DEFAULT_PREVIEW_LIMIT),
    });
  });

  app.post('/previa', { preHandler: app.csrfProtection }, async (req, reply) => {
    const operator = signedIn(req, reply);
    if (!operator) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = {
      integracao: field(body, 'integracao'),
      empresa: field(body, 'empresa').trim(),
      parametros: field(body, 'parametros'),
      valores: field(body, 'valores'),
      limite: field(body, 'limite').trim(),
    };
    try {
      const params = parseLines(form.parametros, 'parametros');
      const reserved = Object.keys(params).find((name) => FORM_FIELDS.has(name));
      if (reserved) throw new RequestError('bad_request', t.preview.reserved(reserved), reserved);
      const valores = parseLines(form.valores, 'valores');
      // the console's fields last: the session's base, never one typed in a line
      const {
        request,
        valores: standIns,
        limit,
      } = toPreviewRequest({
        ...params,
        base_crm: operator.base,
        integracao_servico_id: form.integracao,
        empresa_id: form.empresa,
        valores,
        previa_limite: form.limite,
      });
      if (!maySee(operator, request.empresaId)) throw new PageError(403, t.errors.company);
      // as the form offers them: an integration of another company is not this token's to preview
      const integration = (await integrationsOf(operator)).runnable.find((i) => i.id === request.integracaoId);
      if (!integration && (await readConfigRows(crm.pool(operator.base))).integracoes.some((row) => row.id === request.integracaoId)) {
        throw new PageError(403, t.preview.notYours);
      }
      const answer = await previewRun({ pool: crm.pool(operator.base), base: operator.baseConfig, config, receivers }, { request, valores: standIns, limit });
      return await previewForm(req, reply, operator, form, { answer });
    } catch (err) {
      // a request the preview refuses is shown on the form, so the operator can fix it there
      if (err instanceof RequestError || err instanceof ConfigError || err instanceof PageError) {
        const status =
          err instanceof PageError ? err.statusCode : err instanceof ConfigError ? 422 : err.kind === 'not_found' ? 404 : err.kind === 'forbidden' ? 403 : 400;
        return previewForm(req, reply.status(status), operator, form, { error: `${t.errors.badRequest} ${err.message}` });
      }
      throw err;
    }
  });
}
