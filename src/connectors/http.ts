// HTTP plumbing shared by the WS and API connectors: the "has the request left?" observation, the failure
// classification that follows from it (SPEC §8), Retry-After, and short safe excerpts for messages.
import http from 'node:http';
import https from 'node:https';
import { TransportError, UnknownOutcome } from '../errors';

/** What is known about one send when it fails. */
export interface SendPhase {
  /** Every byte of the request was handed to the OS ('finish'): from here on it may have been processed. */
  written: boolean;
  /** Our own timer fired and aborted the call. */
  timedOut: boolean;
}

/** One send's phase and deadline: the signal aborts the call after `timeoutMs`; `clear()` when it is over. */
export function startSend(timeoutMs: number): { phase: SendPhase; signal: AbortSignal; clear(): void } {
  const phase: SendPhase = { written: false, timedOut: false };
  const controller = new AbortController();
  const timer = setTimeout(() => {
    phase.timedOut = true;
    controller.abort();
  }, timeoutMs);
  return { phase, signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** No keep-alive: a pooled socket the server has just closed turns a clean send into an unknown outcome. */
export function createAgents() {
  return { httpAgent: new http.Agent({ keepAlive: false }), httpsAgent: new https.Agent({ keepAlive: false }) };
}

/** The http(s) transport axios uses, plus one observation: has the whole request left for the network? */
export function trackingTransport(phase: Pick<SendPhase, 'written'>) {
  return {
    request(options: http.RequestOptions, callback: (res: http.IncomingMessage) => void): http.ClientRequest {
      const req = (options.protocol === 'https:' ? https : http).request(options, callback);
      req.once('finish', () => (phase.written = true));
      return req;
    },
  };
}

// Failures that happen before a connection exists, whatever the phase tracking says.
export const NOT_SENT =
  /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_)/;

/**
 * A failure without an HTTP answer: before the request was written (refused, DNS, TLS, connect timeout) it
 * cannot have been processed and is retryable; after, the outcome is unknown.
 */
export function classifyNetworkFailure(
  err: unknown,
  phase: SendPhase,
  timeoutMs: number,
  where: string,
  mask: (text: string) => string = (t) => t,
): TransportError | UnknownOutcome {
  const code = (err as { code?: string } | undefined)?.code ?? '';
  if (phase.timedOut) {
    return phase.written
      ? new UnknownOutcome(`${where}: no answer within ${timeoutMs} ms after the request was sent`)
      : new TransportError(`${where}: no connection within ${timeoutMs} ms; nothing was sent`, true);
  }
  if (!phase.written || NOT_SENT.test(code)) {
    return new TransportError(mask(`${where}: receiver unreachable (${errorText(err)}); nothing was sent`), true);
  }
  return new UnknownOutcome(mask(`${where}: connection lost after the request was sent (${errorText(err)})`));
}

/** 429/503 with a readable Retry-After: the receiver refused the request without processing it. */
export function retryLater(status: number, headers: Record<string, unknown> | undefined, where: string): TransportError | undefined {
  const retryAfterMs = parseRetryAfter(headers?.['retry-after']);
  if ((status === 429 || status === 503) && retryAfterMs !== undefined) {
    return new TransportError(`${where}: HTTP ${status}, retry after ${retryAfterMs} ms`, true, retryAfterMs);
  }
  return undefined;
}

/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A short readable excerpt of an answer body: tags stripped, whitespace collapsed, at most 200 chars. */
export function bodyExcerpt(body: unknown, max = 200): string {
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

/** `code: message` of an error, without repeating the code. */
export function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string } | undefined;
  const message = e?.message ?? String(err);
  return e?.code && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}

/** `link` is appended to the connection's URL; an absolute `http(s)://` link is used as is. */
export function joinUrl(base: string, link: string): string {
  if (/^https?:\/\//i.test(link)) return link;
  return `${base.replace(/\/+$/, '')}/${link.replace(/^\/+/, '')}`;
}

/** A URL without its user and password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

export function basicAuth({ user, password }: { user: string; password: string }): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Answers larger than this are not read unless a connection says otherwise (maxAnswerBytes). */
export const DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;
