// WS connector (SPEC §5.5, §8): calls one SOAP operation through node-soap and sorts every failure by one
// question, "can the receiver have processed this request?", which is what keeps "never send twice" true:
//   not sent (refused, DNS, TLS, connect timeout, 429/503 + Retry-After) → TransportError, retryable
//   sent, answer lost (timeout after writing, reset mid-answer, 2xx unreadable) → UnknownOutcome
//   answered with a SOAP Fault → RecordError;  answered 3xx/4xx/5xx without a fault → TransportError, final
// Business errors inside a 200 answer (Senior G5's tipoRetorno/retorno) are not judged here: src/answer/ does.
import http from 'node:http';
import https from 'node:https';
import axios from 'axios';
import * as soap from 'soap';
import type { WsConnection } from '../config/types';
import { ConfigError, RecordError, TransportError, UnknownOutcome } from '../errors';
import { maskSecrets, secretArgValues } from './mask';
import type { Receiver, SendResult } from './types';

/**
 * Parsed WSDLs by URL, shared by every WS receiver of a worker. Each receiver builds its own soap Client
 * over the shared WSDL, so connections that share a WSDL keep their own endpoint and security.
 */
export interface WsdlCache {
  /** The WSDL for `url`, loaded once; a failed load is forgotten, so the next call tries again. */
  get(url: string, load: () => Promise<soap.WSDL>): Promise<soap.WSDL>;
  readonly size: number;
}

export function createWsdlCache(): WsdlCache {
  const entries = new Map<string, Promise<soap.WSDL>>();
  return {
    get(url, load) {
      let entry = entries.get(url);
      if (!entry) {
        const loading = load();
        entries.set(url, loading);
        loading.catch(() => entries.get(url) === loading && entries.delete(url));
        entry = loading;
      }
      return entry;
    },
    get size() {
      return entries.size;
    },
  };
}

interface Operation {
  service: string;
  port: string;
  name: string;
  /** rpc input parts in WSDL order (empty for document style). */
  parts: string[];
}

type SoapCallback = (err: unknown, result?: unknown, raw?: unknown, header?: unknown, rawRequest?: string) => void;
type SoapMethod = (args: unknown, callback: SoapCallback, options: object) => void;

/**
 * A Receiver for a `WS` connection. The operation's arguments are `{ ...conn.args, ...body }`: the
 * connection's fixed arguments (user, password, encryption) with the mapped fields laid over them, so a
 * mapped field replaces a fixed argument only when it has the same key. They are sent in the order of the
 * WSDL's parts.
 */
export function createWsReceiver(name: string, conn: WsConnection, deps: { wsdlCache?: WsdlCache } = {}): Receiver {
  const wsdlCache = deps.wsdlCache ?? createWsdlCache();
  const secrets = [
    ...secretArgValues(conn.args),
    conn.security?.basic?.password ?? '',
    conn.security?.wsSecurity?.password ?? '',
  ].filter((s) => s !== '');
  const mask = (text: string) => maskSecrets(text, secrets);
  // No keep-alive: a pooled socket the server has just closed turns a clean send into an unknown outcome.
  const agents = { httpAgent: new http.Agent({ keepAlive: false }), httpsAgent: new https.Agent({ keepAlive: false }) };
  const clients = new Map<string, Promise<soap.Client>>();

  function clientFor(wsdlUrl: string): Promise<soap.Client> {
    let client = clients.get(wsdlUrl);
    if (!client) {
      const building = wsdlCache.get(wsdlUrl, () => loadWsdl(wsdlUrl)).then(buildClient);
      clients.set(wsdlUrl, building);
      building.catch(() => clients.get(wsdlUrl) === building && clients.delete(wsdlUrl));
      client = building;
    }
    return client;
  }

  async function loadWsdl(url: string): Promise<soap.WSDL> {
    const where = `WS ${name}: WSDL ${safeUrl(url)}`;
    let response;
    try {
      response = await axios.get<string>(url, {
        ...agents,
        timeout: conn.timeoutMs,
        responseType: 'text',
        transformResponse: (data: string) => data,
        validateStatus: () => true,
        headers: conn.security?.basic ? { Authorization: basicAuth(conn.security.basic) } : {},
      });
    } catch (err) {
      throw new TransportError(mask(`${where} could not be fetched (${describe(err)}); nothing was sent`), true);
    }
    if (response.status !== 200) {
      // Nothing was sent yet, so a server-side failure is worth another try; a 4xx is a wrong link.
      const retryable = response.status >= 500 || response.status === 429;
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      throw new TransportError(mask(`${where}: HTTP ${response.status}: ${excerpt(response.data)}`), retryable, retryAfterMs);
    }
    try {
      return await parseWsdl(response.data, url);
    } catch (err) {
      throw new TransportError(mask(`${where} is not a readable WSDL (${describe(err)}): ${excerpt(response.data)}`), false);
    }
  }

  function buildClient(wsdl: soap.WSDL): soap.Client {
    const client = new soap.Client(wsdl, conn.endpoint);
    const { basic, wsSecurity } = conn.security ?? {};
    if (wsSecurity) {
      client.setSecurity(new soap.WSSecurity(wsSecurity.user, wsSecurity.password, { passwordType: wsSecurity.passwordType ?? 'PasswordText' }));
      if (basic) client.addHttpHeader('Authorization', basicAuth(basic));
    } else if (basic) {
      client.setSecurity(new soap.BasicAuthSecurity(basic.user, basic.password));
    }
    return client;
  }

  return {
    async send({ link, operation, body }): Promise<SendResult> {
      const wsdlUrl = joinUrl(conn.url, link);
      const client = await clientFor(wsdlUrl);
      const op = resolveOperation(listOperations(client.wsdl), operation, name, safeUrl(wsdlUrl));
      const args = orderArgs({ ...conn.args, ...body }, op.parts);
      const method = (client as unknown as Record<string, Record<string, Record<string, SoapMethod>>>)[op.service][op.port][op.name];

      const phase = { written: false, timedOut: false };
      const controller = new AbortController();
      const timer = setTimeout(() => {
        phase.timedOut = true;
        controller.abort();
      }, conn.timeoutMs);
      try {
        return await new Promise<SendResult>((resolve, reject) => {
          const options = { ...agents, signal: controller.signal, transport: trackingTransport(phase) };
          method(args, (err, result, _raw, _header, rawRequest) => {
            if (err) reject(classifyCallError(err, phase, conn.timeoutMs, `WS ${name} ${op.name}`, mask));
            else resolve({ answer: result, sent: mask(rawRequest ?? '') });
          }, options);
        });
      } catch (err) {
        if (err instanceof TransportError || err instanceof UnknownOutcome || err instanceof RecordError) throw err;
        // node-soap threw before sending (e.g. arguments it cannot serialize): this record cannot be sent.
        throw new RecordError(mask(`WS ${name} ${op.name}: request not built: ${describe(err)}`));
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      agents.httpAgent.destroy();
      agents.httpsAgent.destroy();
    },
  };
}

// The http(s) transport axios uses, plus one observation: has the whole request left for the network?
// ('finish' = every byte handed to the OS.) Until then the receiver cannot have processed it.
function trackingTransport(phase: { written: boolean }) {
  return {
    request(options: http.RequestOptions, callback: (res: http.IncomingMessage) => void): http.ClientRequest {
      const req = (options.protocol === 'https:' ? https : http).request(options, callback);
      req.once('finish', () => (phase.written = true));
      return req;
    },
  };
}

// Failures that happen before a connection exists, whatever the phase tracking says.
const NOT_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_)/;

interface SoapCallError {
  code?: string;
  message?: string;
  body?: unknown;
  response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
  root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } };
}

export function classifyCallError(
  err: unknown,
  phase: { written: boolean; timedOut: boolean },
  timeoutMs: number,
  where: string,
  mask: (text: string) => string = (t) => t,
): TransportError | UnknownOutcome | RecordError {
  const e = (err ?? {}) as SoapCallError;
  const status = e.response?.status;
  if (status !== undefined) {
    const body = typeof e.body === 'string' ? e.body : e.response?.data;
    const retryAfterMs = parseRetryAfter(e.response?.headers?.['retry-after']);
    if ((status === 429 || status === 503) && retryAfterMs !== undefined) {
      return new TransportError(mask(`${where}: HTTP ${status}, retry after ${retryAfterMs} ms`), true, retryAfterMs);
    }
    const fault = e.root?.Envelope?.Body?.Fault;
    if (fault) {
      const code = text(fault.faultcode ?? (fault.Code as { Value?: unknown } | undefined)?.Value);
      const reason = text(fault.faultstring ?? (fault.Reason as { Text?: unknown } | undefined)?.Text);
      return new RecordError(mask(`${where}: SOAP Fault ${code}: ${reason}`));
    }
    if (status >= 300) return new TransportError(mask(`${where}: HTTP ${status}: ${excerpt(body)}`), false);
    return new UnknownOutcome(mask(`${where}: HTTP ${status} with an unreadable answer: ${excerpt(body)}`));
  }
  if (phase.timedOut) {
    return phase.written
      ? new UnknownOutcome(`${where}: no answer within ${timeoutMs} ms after the request was sent`)
      : new TransportError(`${where}: no connection within ${timeoutMs} ms; nothing was sent`, true);
  }
  if (!phase.written || NOT_SENT.test(e.code ?? '')) {
    return new TransportError(mask(`${where}: receiver unreachable (${describe(err)}); nothing was sent`), true);
  }
  return new UnknownOutcome(mask(`${where}: connection lost after the request was sent (${describe(err)})`));
}

export function listOperations(wsdl: soap.WSDL): Operation[] {
  type Methods = Record<string, { input?: { parts?: Record<string, unknown> } }>;
  const services = wsdl.definitions.services as unknown as Record<string, { ports: Record<string, { binding: { methods: Methods } }> }>;
  const operations: Operation[] = [];
  for (const [service, { ports }] of Object.entries(services)) {
    for (const [port, { binding }] of Object.entries(ports)) {
      for (const [opName, method] of Object.entries(binding.methods)) {
        operations.push({ service, port, name: opName, parts: Object.keys(method.input?.parts ?? {}) });
      }
    }
  }
  return operations;
}

/** `porta_ws` is a plain operation name (unique in the WSDL) or `Service.Port.Operation`. */
export function resolveOperation(operations: Operation[], wanted: string | undefined, receiver: string, wsdl: string): Operation {
  const qualified = (op: Operation) => `${op.service}.${op.port}.${op.name}`;
  const exact = operations.find((op) => qualified(op) === wanted);
  if (exact) return exact;
  const byName = operations.filter((op) => op.name === wanted);
  if (byName.length === 1) return byName[0];
  const issue = (message: string) =>
    new ConfigError([{ table: 'integracao', column: 'porta_ws', message: `connection ${receiver}, WSDL ${wsdl}: ${message}` }]);
  if (byName.length > 1) {
    throw issue(`operation "${wanted}" is ambiguous; write one of ${byName.map(qualified).join(', ')}`);
  }
  const available = operations.map(qualified).join(', ') || 'none';
  throw issue(wanted ? `operation "${wanted}" does not exist; available: ${available}` : `no operation given; available: ${available}`);
}

function orderArgs(args: Record<string, unknown>, parts: string[]): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const part of parts) if (part in args) ordered[part] = args[part];
  return Object.assign(ordered, args);
}

function parseWsdl(textBody: string, url: string): Promise<soap.WSDL> {
  return new Promise((resolve, reject) => {
    const wsdl = new soap.WSDL(textBody, url, {});
    wsdl.onReady((err) => (err ? reject(err) : resolve(wsdl)));
  });
}

/** `link` is appended to the connection's URL; an absolute `http(s)://` link is used as is. */
export function joinUrl(base: string, link: string): string {
  if (/^https?:\/\//i.test(link)) return link;
  return `${base.replace(/\/+$/, '')}/${link.replace(/^\/+/, '')}`;
}

/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A short readable excerpt of an answer body: tags stripped, whitespace collapsed, at most 200 chars. */
export function excerpt(body: unknown, max = 200): string {
  const raw = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
  const plain = raw
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  if (!plain) return '(empty body)';
  return plain.length <= max ? plain : `${plain.slice(0, max - 1)}…`;
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string } | undefined;
  const message = e?.message ?? String(err);
  return e?.code && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}

function text(value: unknown): string {
  if (value && typeof value === 'object' && '$value' in value) return String((value as { $value: unknown }).$value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value ?? '');
}

function basicAuth({ user, password }: { user: string; password: string }): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}
