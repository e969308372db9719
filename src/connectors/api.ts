// API connector (SPEC §5.5, §8): one JSON request per record over axios, every failure sorted by the same
// question as the WS connector, "can the receiver have processed this request?":
//   not sent (refused, DNS, TLS, connect timeout, 429/503 + Retry-After) → TransportError, retryable
//   sent, answer lost (timeout after writing, reset, 504, 2xx with an unreadable body) → UnknownOutcome
//   2xx → the JSON body is the answer, judged by src/answer/ (indice_erro_retorno)
//   3xx/4xx/5xx with a JSON body → RecordError with the status and what the body says (the receiver
//     refused it: a non-2xx is never a success, whatever the error keys say)
//   3xx/4xx/5xx without a readable body → TransportError, final, with the status and a short excerpt
import axios from 'axios';
import type { ApiConnection } from '../config/types';
import { ConfigError, ReceiverRefusal, RecordError, TransportError, UnknownOutcome } from '../errors';
import {
  basicAuth,
  classifyNetworkFailure,
  createAgents,
  DEFAULT_MAX_ANSWER_BYTES,
  startSend,
  bodyExcerpt,
  joinUrl,
  retryLater,
  safeUrl,
  trackingTransport,
} from './http';
import { maskSecrets, SECRET_KEY } from './mask';
import type { Receiver, SendResult, WirePreview } from './types';

const METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'] as const;
export type ApiMethod = (typeof METHODS)[number];

/**
 * `link` (variables already rendered and URL-encoded) is `[METHOD ]path`, POST by default. The path is
 * appended to the connection's URL; an absolute URL is refused so the connection's credentials never go
 * to a host the connection file does not name.
 */
export function parseApiLink(link: string, connection: string): { method: ApiMethod; path: string } {
  const issue = (message: string) => new ConfigError([{ table: 'integracao', column: 'link', message: `connection ${connection}: ${message}` }]);
  const match = /^\s*(?:([A-Za-z]+)\s+)?(\S+)\s*$/.exec(link);
  if (!match) throw issue(`"${link}" is not "[METHOD ]path"`);
  const method = (match[1] ?? 'POST').toUpperCase() as ApiMethod;
  if (!METHODS.includes(method)) throw issue(`method ${match[1]} is not one of ${METHODS.join(', ')}`);
  const path = match[2]!;
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) throw issue(`"${path}" must be a path under the connection's url, not an absolute URL`);
  return { method, path };
}

/** A Receiver for an `API` connection: the mapped fields are the JSON body. */
export function createApiReceiver(name: string, conn: ApiConnection): Receiver {
  const secrets = Object.freeze(apiSecrets(conn)); // frozen: its masking forms are worked out once
  const mask = (text: string) => maskSecrets(text, secrets);
  const agents = createAgents();
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', ...conn.headers };
  if (conn.auth?.bearer) headers.Authorization = `Bearer ${conn.auth.bearer}`;
  if (conn.auth?.basic) headers.Authorization = basicAuth(conn.auth.basic);
  if (conn.auth?.apiKey) headers[conn.auth.apiKey.header] = conn.auth.apiKey.value;

  // the request as it goes on the wire; send and preview share it
  const prepare = (link: string, body: Record<string, unknown> | unknown[]) => {
    const { method, path } = parseApiLink(link, name);
    const url = joinUrl(conn.url, path);
    const where = `API ${name} ${method} ${path}`;
    if (
      path
        .split('?')[0]!
        .split('/')
        .some((segment) => segment === '.' || segment === '..')
    ) {
      throw new RecordError(mask(`${where}: the rendered path has a "." or ".." segment; not sent`));
    }
    const data = method === 'GET' ? undefined : JSON.stringify(body);
    return { method, url, where, data, sent: mask(`${method} ${safeUrl(url)}\n${data ?? ''}`) };
  };

  return {
    async preview({ link, body }): Promise<WirePreview> {
      const { method, url, data } = prepare(link, body);
      return { url: safeUrl(url), operation: method, ...(data === undefined ? {} : { body: mask(data) }) };
    },
    async send({ link, body, batch }): Promise<SendResult> {
      const { method, url, where, data, sent } = prepare(link, batch ?? body);

      const { phase, signal, clear } = startSend(conn.timeoutMs);
      let response;
      try {
        response = await axios.request<string>({
          method,
          url,
          data,
          headers,
          ...agents,
          transport: trackingTransport(phase),
          signal,
          responseType: 'text',
          transformResponse: (text: string) => text,
          validateStatus: () => true,
          maxRedirects: 0,
          maxContentLength: conn.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES,
        });
      } catch (err) {
        throw classifyNetworkFailure(err, phase, conn.timeoutMs, where, mask);
      } finally {
        clear();
      }
      return { answer: judge(response.status, response.headers as Record<string, unknown>, response.data, where, mask), sent };
    },
    async close() {
      agents.httpAgent.destroy();
      agents.httpsAgent.destroy();
    },
  };
}

/** The answer for a 2xx, or the error that says what the status means for this record. */
export function judge(status: number, headers: Record<string, unknown>, text: string, where: string, mask: (t: string) => string = (t) => t): unknown {
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    if (body.empty) return {};
    if (body.ok) return body.value;
    throw new UnknownOutcome(mask(`${where}: HTTP ${status} with an unreadable answer: ${bodyExcerpt(text)}`));
  }
  const later = retryLater(status, headers, where);
  if (later) throw later;
  // The gateway gave up waiting for the receiver, which may have processed the request.
  if (status === 504) throw new UnknownOutcome(mask(`${where}: HTTP 504 from a gateway: ${bodyExcerpt(text)}`));
  if (body.ok && body.value !== null && typeof body.value === 'object') {
    throw new ReceiverRefusal(mask(`${where}: HTTP ${status}: ${explain(body.value)}`), status, body.value);
  }
  throw new TransportError(mask(`${where}: HTTP ${status}: ${bodyExcerpt(text)}`), false);
}

type Parsed = { ok: true; empty: false; value: unknown } | { ok: false; empty: boolean };

function parseJson(text: string | undefined): Parsed {
  if (text === undefined || text.trim() === '') return { ok: false, empty: true };
  try {
    return { ok: true, empty: false, value: JSON.parse(text) };
  } catch {
    return { ok: false, empty: false };
  }
}

// Keys APIs commonly explain an error with, in the order they are quoted.
const EXPLAINING_KEYS = ['mensagem', 'message', 'msg', 'erro', 'error', 'errors', 'detail', 'title', 'descricao', 'motivo', 'reason'];

/** What a refusal body says: its explaining keys' values (top level or one level down), else a JSON excerpt. */
export function explain(body: unknown): string {
  const texts: string[] = [];
  const levels = [body, ...(body && typeof body === 'object' && !Array.isArray(body) ? Object.values(body) : [])];
  for (const level of levels) {
    if (!level || typeof level !== 'object' || Array.isArray(level)) continue;
    for (const key of EXPLAINING_KEYS) {
      const value = (level as Record<string, unknown>)[key];
      if (value === undefined || value === null || value === '') continue;
      const text = typeof value === 'string' ? value.trim() : JSON.stringify(value);
      if (text && !texts.includes(text)) texts.push(text);
    }
    if (texts.length) break;
  }
  const joined = texts.length ? texts.join(' | ') : JSON.stringify(body);
  return joined.length <= 300 ? joined : `${joined.slice(0, 299)}…`;
}

function apiSecrets(conn: ApiConnection): string[] {
  const secrets = [conn.auth?.bearer, conn.auth?.basic?.password, conn.auth?.apiKey?.value];
  for (const [header, value] of Object.entries(conn.headers)) {
    if (SECRET_KEY.test(header) || /^authorization$/i.test(header)) secrets.push(value);
  }
  try {
    const password = new URL(conn.url).password;
    if (password) secrets.push(password, decodeURIComponent(password));
  } catch {
    // validated at load; nothing to add
  }
  return secrets.filter((s): s is string => typeof s === 'string' && s !== '');
}
