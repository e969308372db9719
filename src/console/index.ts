// The operator console (SPEC §9) at /console: server-rendered pages (eta, escaping every value), an
// encrypted session cookie, CSRF tokens on every form, assets (our CSS, the mermaid bundle) served from
// the package. Registered by the API app as one plugin; it reads through the same functions as the API.
import { dirname, join } from 'node:path';
import csrfProtection from '@fastify/csrf-protection';
import secureSession from '@fastify/secure-session';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { runView } from '../run-view';
import { matchTokenDigest, tokenDigest } from '../auth/check-token';
import type { AppConfig } from '../config/types';
import { maskSecrets } from '../connectors/mask';
import { readConfigRows } from '../crm/config-repository';
import type { CrmPools } from '../crm/pools';
import { RequestError } from '../errors';
import { exchangesOfExecution } from '../delivery/run-reads';
import { isComponentLink } from '../model';
import type { IntegradorClient } from '../temporal/client';
import { configView } from './config-view';
import { PageError, type Render } from './page';
import { recordPages } from './record-pages';
import { runOf } from './run-of';
import { messages } from './messages.pt-BR';
import { listRuns, OUTCOMES, type Outcome, type RunFilter } from './runs';
import { baseConfigOf, maySee, operatorOf, SESSION_SECONDS, sessionKey, type Operator } from './session';

export interface ConsoleOptions {
  config: AppConfig;
  client: IntegradorClient;
  crm: CrmPools;
  env?: NodeJS.ProcessEnv;
  /** Runs per page (default 25). */
  pageSize?: number;
}

const PREFIX = '/console';
const SECURITY_HEADERS = {
  // mermaid styles its SVG with inline style elements; scripts only from our own files
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const int = (value: unknown): number | undefined => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : undefined);
const when = (d: Date | string | null | undefined) =>
  d
    ? new Date(d)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
    : '';
const pretty = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
};

/** An envelope with one element per line, for reading; the text between tags is left as it is. */
export function indentXml(xml: string): string {
  let depth = 0;
  return xml
    .replace(/>\s*</g, '>\n<')
    .split('\n')
    .map((line) => {
      const closing = /^<\//.test(line);
      const opens = /^<[^!?/][^>]*[^/]>/.test(line) || /^<[^!?/>]>/.test(line);
      const selfClosed = opens && new RegExp(`</[^>]+>$`).test(line);
      if (closing) depth = Math.max(0, depth - 1);
      const out = '  '.repeat(depth) + line;
      if (opens && !selfClosed && !closing) depth++;
      return out;
    })
    .join('\n');
}

/** The run page's link into the Temporal Web UI, when its address is known (temporal.uiUrl). */
export function temporalRunUrl(uiUrl: string | undefined, namespace: string, workflowId: string, runId: string): string | undefined {
  if (!uiUrl || !/^https?:\/\//.test(uiUrl)) return undefined;
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

export async function consolePlugin(app: FastifyInstance, opts: ConsoleOptions): Promise<void> {
  const { config, client, crm } = opts;
  const env = opts.env ?? process.env;
  const pageSize = opts.pageSize ?? 25;
  const t = messages;

  await app.register(secureSession, {
    key: sessionKey(env),
    cookieName: 'integrador_console',
    expiry: SESSION_SECONDS,
    cookie: { path: PREFIX, httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: SESSION_SECONDS },
  });
  await app.register(csrfProtection, { sessionPlugin: '@fastify/secure-session' });
  await app.register(fastifyView, {
    engine: { eta: new Eta({ autoEscape: true, cache: true }) },
    templates: join(__dirname, 'views'),
  });
  await app.register(fastifyStatic, { root: join(__dirname, 'assets'), prefix: '/assets/', decorateReply: true, index: false });
  const mermaidDir = dirname(require.resolve('mermaid/dist/mermaid.min.js'));
  app.get('/assets/mermaid.min.js', (_req, reply) => reply.sendFile('mermaid.min.js', mermaidDir));

  app.addHook('onSend', async (_req, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/css') && !String(reply.getHeader('content-type') ?? '').includes('javascript')) {
      reply.header('cache-control', 'no-store');
    }
  });

  // Cross-site requests: SameSite=Strict keeps the cookie off them, the CSRF token is checked on every
  // form, and a POST another origin sends (Origin or Sec-Fetch-Site say so) is refused before either.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      // a link from another site arrives without the SameSite=Strict cookie: reload from our own page,
      // which sends it, instead of answering "sign in" (and replacing the session) to a signed-in operator
      if (req.headers['sec-fetch-site'] === 'cross-site' && req.headers['sec-fetch-mode'] === 'navigate') {
        return reply.type('text/html; charset=utf-8').send('<!doctype html><meta http-equiv="refresh" content="0">');
      }
      return;
    }
    const origin = req.headers.origin;
    if (req.headers['sec-fetch-site'] === 'cross-site' || (origin && origin !== 'null' && new URL(origin).host !== req.headers.host)) {
      throw new PageError(403, t.errors.forbidden);
    }
    if (origin === 'null') throw new PageError(403, t.errors.forbidden);
  });

  const render: Render = (req, reply, page, data, operator) =>
    reply.type('text/html; charset=utf-8').view(page, {
      t,
      when,
      pretty,
      xml: indentXml,
      prefix: PREFIX,
      operator,
      // only pages with a form touch the session: an error page answering another site's request must not
      // replace the cookie of a signed-in operator
      csrf: operator || page === 'signin' ? reply.generateCsrf() : '',
      current: page,
      ...data,
    });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    let status = 500;
    let message = t.errors.internal;
    if (err instanceof PageError) [status, message] = [err.statusCode, err.message];
    else if (err.code?.startsWith('FST_CSRF')) [status, message] = [403, t.errors.forbidden];
    else if (err instanceof RequestError) {
      status = { bad_request: 400, unauthorized: 401, forbidden: 403, not_found: 404 }[err.kind];
      message = `${t.errors.badRequest} ${err.message}`;
    } else if (err.statusCode && err.statusCode < 500) [status, message] = [err.statusCode, `${t.errors.badRequest} ${err.message}`];
    else req.log.error({ err }, 'console page failed');
    const operator = status === 403 && err.code?.startsWith('FST_CSRF') ? undefined : operatorOf(req, config, env);
    return render(req, reply.status(status), 'error', { message }, operator);
  });
  app.setNotFoundHandler((req, reply) => render(req, reply.status(404), 'error', { message: t.errors.notFound }, operatorOf(req, config, env)));

  /** The signed-in operator, or a redirect to the sign-in page (undefined: the reply is sent). */
  const signedIn = (req: FastifyRequest, reply: FastifyReply): Operator | undefined => {
    const operator = operatorOf(req, config, env);
    if (!operator) void reply.redirect(`${PREFIX}/entrar?motivo=sessao`, 303);
    return operator;
  };

  app.get('/', async (req, reply) => reply.redirect(operatorOf(req, config, env) ? `${PREFIX}/execucoes` : `${PREFIX}/entrar`, 303));

  app.get<{ Querystring: { motivo?: string } }>('/entrar', async (req, reply) => {
    const notice = req.query.motivo === 'saiu' ? t.signIn.signedOut : req.query.motivo === 'sessao' ? t.signIn.expired : undefined;
    return render(req, reply, 'signin', { notice, base: '' });
  });

  app.post<{ Body: { base?: string; token?: string } }>('/entrar', { preHandler: app.csrfProtection }, async (req, reply) => {
    const base = typeof req.body?.base === 'string' ? req.body.base.trim() : '';
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    if (!base || !token) return render(req, reply.status(400), 'signin', { error: t.signIn.missing, base });
    const digest = tokenDigest(token);
    const baseConfig = baseConfigOf(config, base);
    // an unknown base and a wrong token read the same, so the page does not say which bases exist
    const rule = baseConfig ? matchTokenDigest(baseConfig, digest, env) : undefined;
    if (!rule) return render(req, reply.status(401), 'signin', { error: t.signIn.wrong, base });
    req.session.set('base', base);
    req.session.set('digest', digest.toString('hex'));
    req.session.set('_csrf', undefined); // a fresh CSRF secret for the signed-in session
    return reply.redirect(`${PREFIX}/execucoes`, 303);
  });

  app.post('/sair', { preHandler: app.csrfProtection }, async (req, reply) => {
    req.session.delete();
    return reply.redirect(`${PREFIX}/entrar?motivo=saiu`, 303);
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/execucoes', async (req, reply) => {
    const operator = signedIn(req, reply);
    if (!operator) return reply;
    const q = req.query;
    const filter: RunFilter = {};
    const bad = (parameter: string) => new PageError(400, `${t.errors.badRequest} ${parameter}`);
    if (q.empresa)
      filter.empresa =
        int(q.empresa) ??
        (() => {
          throw bad('empresa');
        })();
    if (q.integracao)
      filter.integracao =
        int(q.integracao) ??
        (() => {
          throw bad('integracao');
        })();
    if (q.resultado) {
      if (!(OUTCOMES as readonly string[]).includes(q.resultado)) throw bad('resultado');
      filter.outcome = q.resultado as Outcome;
    }
    for (const key of ['de', 'ate'] as const) {
      if (q[key] && !/^\d{4}-\d{2}-\d{2}$/.test(q[key]!)) throw bad(key);
    }
    if (q.de) filter.from = q.de;
    if (q.ate) filter.to = q.ate;
    if (q.pagina && !/^[A-Za-z0-9_-]{1,8192}$/.test(q.pagina)) throw bad('pagina');
    if (filter.empresa !== undefined && !maySee(operator, filter.empresa)) throw new PageError(403, t.errors.company);
    const pool = crm.pool(operator.base);
    // the integrations a caller may request, by name, for the filter and the list
    const integrations = (await readConfigRows(pool)).integracoes
      .filter((row) => !isComponentLink(row.link) && maySee(operator, row.empresa_id))
      .sort((a, b) => a.id - b.id)
      .map((row) => ({ id: row.id, nome: row.nome }));
    const page = await listRuns(client, pool, {
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      base: operator.base,
      filter,
      allowed: operator.empresas,
      pageSize,
      pageToken: q.pagina,
    });
    const filters = { empresa: q.empresa ?? '', integracao: q.integracao ?? '', resultado: q.resultado ?? '', de: q.de ?? '', ate: q.ate ?? '' };
    const kept = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
    const nextUrl = page.next ? `${PREFIX}/execucoes?${new URLSearchParams([...kept, ['pagina', page.next]]).toString()}` : undefined;
    const firstUrl = q.pagina ? `${PREFIX}/execucoes?${kept.toString()}` : undefined;
    return render(
      req,
      reply,
      'runs',
      {
        page,
        filters,
        integrations,
        integrationName: (id: number | null) => integrations.find((i) => i.id === id)?.nome ?? '',
        outcomes: OUTCOMES,
        nextUrl,
        firstUrl,
        pageSize,
        temporalUrl: (workflowId: string, runId: string) => temporalRunUrl(config.temporal.uiUrl, config.temporal.namespace, workflowId, runId),
      },
      operator,
    );
  });

  app.get<{ Params: { workflowId: string } }>('/execucoes/:workflowId', async (req, reply) => {
    const operator = signedIn(req, reply);
    if (!operator) return reply;
    const { workflowId } = req.params;
    const { handle, description } = await runOf(client, operator, workflowId);
    const pool = crm.pool(operator.base);
    const execucaoId = description.raw.workflowExecutionInfo?.firstRunId || description.runId;
    const [view, exchanges] = await Promise.all([runView(handle, pool), exchangesOfExecution(pool, execucaoId)]);
    const byRecord = new Map(exchanges.map((e) => [`${e.integracao_id}\u0000${e.chave}`, e]));
    const integrations = view.integrations.map((integration) => ({
      ...integration,
      records: integration.records.map((record) => {
        const exchange = byRecord.get(`${integration.id}\u0000${record.key}`);
        return {
          ...record,
          request: exchange?.requisicao ? maskSecrets(pretty(exchange.requisicao), config.secrets) : '',
          answer: exchange?.resposta !== undefined && exchange.resposta !== null ? maskSecrets(pretty(exchange.resposta), config.secrets) : '',
        };
      }),
    }));
    const temporalUrl = temporalRunUrl(config.temporal.uiUrl, config.temporal.namespace, workflowId, description.runId);
    return render(req, reply, 'run', { view, integrations, temporalUrl }, operator);
  });

  app.get('/configuracao', async (req, reply) => {
    const operator = signedIn(req, reply);
    if (!operator) return reply;
    const view = await configView(operator.baseConfig, operator.empresas);
    return render(req, reply, 'config', { view }, operator);
  });

  recordPages(app, { config, client, crm, render, signedIn });
}
