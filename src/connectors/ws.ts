// WS connector (SPEC §5.5, §8): calls one SOAP operation through node-soap and sorts every failure by one
// question, "can the receiver have processed this request?", which is what keeps "never send twice" true:
//   not sent (refused, DNS, TLS, connect timeout, 429/503 + Retry-After) → TransportError, retryable
//   sent, answer lost (timeout after writing, reset mid-answer, 2xx unreadable) → UnknownOutcome
//   answered with a SOAP Fault → RecordError;  answered 3xx/4xx/5xx without a fault → TransportError, final
// Business errors inside a 200 answer (Senior G5's tipoRetorno/retorno) are not judged here: src/answer/ does.
import { createHash } from 'node:crypto';
import axios from 'axios';
import * as soap from 'soap';
import type { WsConnection } from '../config/types';
import { ConfigError, RecordError, TransportError, UnknownOutcome } from '../errors';
import {
  basicAuth,
  classifyNetworkFailure,
  createAgents,
  DEFAULT_MAX_ANSWER_BYTES,
  startSend,
  errorText,
  bodyExcerpt,
  joinUrl,
  parseRetryAfter,
  retryLater,
  safeUrl,
  trackingTransport,
  type SendPhase,
} from './http';
import { maskSecrets, secretArgValues } from './mask';
import type { Receiver, SendResult, WirePreview } from './types';

/**
 * Parsed WSDLs by URL, shared by every WS receiver of a worker. Each receiver builds its own soap Client
 * over the shared WSDL, so connections that share a WSDL keep their own endpoint and security.
 * A WSDL older than `maxAgeMs` is revalidated on its next use (a conditional GET; an unchanged text keeps
 * the parsed WSDL), so a receiver that publishes a new contract is picked up without restarting workers.
 */
export interface WsdlCache {
  /**
   * The WSDL for `url`. `load(previous)` fetches it; on revalidation it gets the cached WSDL and may return
   * it when nothing changed. A failed first load is forgotten (the next call tries again); a failed
   * revalidation keeps serving the cached WSDL.
   */
  get(url: string, load: (previous?: soap.WSDL) => Promise<soap.WSDL>): Promise<soap.WSDL>;
  /** Forgets `url`: the next `get` loads it again (used when the contract seems to have changed). */
  invalidate(url: string): void;
  readonly size: number;
}

export const DEFAULT_WSDL_MAX_AGE_MS = 5 * 60_000;

export function createWsdlCache(opts: { maxAgeMs?: number; now?: () => number } = {}): WsdlCache {
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_WSDL_MAX_AGE_MS;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { wsdl: Promise<soap.WSDL>; at: number }>();
  const remember = (url: string, wsdl: Promise<soap.WSDL>) => {
    entries.set(url, { wsdl, at: now() });
    wsdl.catch(() => entries.get(url)?.wsdl === wsdl && entries.delete(url));
    return wsdl;
  };
  return {
    get(url, load) {
      const entry = entries.get(url);
      if (!entry) return remember(url, load());
      if (now() - entry.at < maxAgeMs) return entry.wsdl;
      return remember(
        url,
        entry.wsdl.then((old) => load(old).catch(() => old)),
      );
    },
    invalidate(url) {
      entries.delete(url);
    },
    get size() {
      return entries.size;
    },
  };
}

// What a revalidation compares with: the validators the server sent and a digest of the text.
const fingerprints = new WeakMap<soap.WSDL, { etag?: string; lastModified?: string; sha256: string }>();

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
  // frozen: its masking forms are worked out once
  const secrets = Object.freeze(
    [...secretArgValues(conn.args), conn.security?.basic?.password ?? '', conn.security?.wsSecurity?.password ?? ''].filter((s) => s !== ''),
  );
  const mask = (text: string) => maskSecrets(text, secrets);
  const agents = createAgents();
  // One client per WSDL URL, rebuilt when the cache hands out a different (changed) WSDL.
  const clients = new Map<string, { wsdl: soap.WSDL; client: soap.Client }>();

  async function clientFor(wsdlUrl: string): Promise<soap.Client> {
    const wsdl = await wsdlCache.get(wsdlUrl, (previous) => loadWsdl(wsdlUrl, previous));
    let built = clients.get(wsdlUrl);
    if (!built || built.wsdl !== wsdl) {
      built = { wsdl, client: buildClient(wsdl) };
      clients.set(wsdlUrl, built);
    }
    return built.client;
  }

  async function loadWsdl(url: string, previous?: soap.WSDL): Promise<soap.WSDL> {
    const where = `WS ${name}: WSDL ${safeUrl(url)}`;
    const known = previous && fingerprints.get(previous);
    const headers: Record<string, string> = conn.security?.basic ? { Authorization: basicAuth(conn.security.basic) } : {};
    if (known?.etag) headers['If-None-Match'] = known.etag;
    if (known?.lastModified) headers['If-Modified-Since'] = known.lastModified;
    let response;
    try {
      response = await axios.get<string>(url, {
        ...agents,
        timeout: conn.timeoutMs,
        responseType: 'text',
        transformResponse: (data: string) => data,
        validateStatus: () => true,
        headers,
      });
    } catch (err) {
      throw new TransportError(mask(`${where} could not be fetched (${errorText(err)}); nothing was sent`), true);
    }
    if (response.status === 304 && previous) return previous;
    if (response.status !== 200) {
      // Nothing was sent yet, so a server-side failure is worth another try; a 4xx is a wrong link.
      const retryable = response.status >= 500 || response.status === 429;
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      throw new TransportError(mask(`${where}: HTTP ${response.status}: ${bodyExcerpt(response.data)}`), retryable, retryAfterMs);
    }
    const validators = {
      etag: headerText(response.headers['etag']),
      lastModified: headerText(response.headers['last-modified']),
      sha256: createHash('sha256').update(response.data).digest('hex'),
    };
    if (previous && known?.sha256 === validators.sha256) {
      fingerprints.set(previous, validators);
      return previous;
    }
    try {
      const wsdl = await parseWsdl(response.data, url);
      fingerprints.set(wsdl, validators);
      return wsdl;
    } catch (err) {
      throw new TransportError(mask(`${where} is not a readable WSDL (${errorText(err)}): ${bodyExcerpt(response.data)}`), false);
    }
  }

  function buildClient(wsdl: soap.WSDL, options?: soap.IOptions): soap.Client {
    const client = new soap.Client(wsdl, conn.endpoint, options);
    const { basic, wsSecurity } = conn.security ?? {};
    if (wsSecurity) {
      client.setSecurity(new soap.WSSecurity(wsSecurity.user, wsSecurity.password, { passwordType: wsSecurity.passwordType ?? 'PasswordText' }));
      if (basic) client.addHttpHeader('Authorization', basicAuth(basic));
    } else if (basic) {
      client.setSecurity(new soap.BasicAuthSecurity(basic.user, basic.password));
    }
    return client;
  }

  // operations resolved by client (a WSDL's client) and porta_ws: every record of a run names the same one
  const resolved = new WeakMap<soap.Client, Map<string | undefined, Operation>>();
  const resolveOn = (client: soap.Client, wsdlUrl: string, operation: string | undefined): Operation => {
    let byName = resolved.get(client);
    if (!byName) resolved.set(client, (byName = new Map()));
    let op = byName.get(operation);
    if (!op) {
      op = resolveOperation(listOperations(client.wsdl), operation, name, safeUrl(wsdlUrl));
      byName.set(operation, op);
    }
    return op;
  };

  async function operationFor(wsdlUrl: string, operation: string | undefined): Promise<{ client: soap.Client; op: Operation }> {
    let client = await clientFor(wsdlUrl);
    try {
      return { client, op: resolveOn(client, wsdlUrl, operation) };
    } catch (err) {
      // The operation may be new in a contract published after the cached WSDL: read it again once.
      if (!(err instanceof ConfigError)) throw err;
      wsdlCache.invalidate(wsdlUrl);
      client = await clientFor(wsdlUrl);
      return { client, op: resolveOn(client, wsdlUrl, operation) };
    }
  }

  const methodOf = (client: soap.Client, op: Operation) =>
    (client as unknown as Record<string, Record<string, Record<string, SoapMethod>>>)[op.service][op.port][op.name];

  return {
    async send({ link, operation, body }): Promise<SendResult> {
      const wsdlUrl = joinUrl(conn.url, link);
      const { client, op } = await operationFor(wsdlUrl, operation);
      const args = orderArgs({ ...conn.args, ...body }, op.parts);
      const method = methodOf(client, op);

      const { phase, signal, clear } = startSend(conn.timeoutMs);
      try {
        return await new Promise<SendResult>((resolve, reject) => {
          const options = { ...agents, signal, transport: trackingTransport(phase), maxContentLength: conn.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES };
          method(
            args,
            (err, result, raw, _header, rawRequest) => {
              if (err && isClientFault(err)) wsdlCache.invalidate(wsdlUrl); // maybe a changed contract: read it again next time
              if (err) reject(classifyCallError(err, phase, conn.timeoutMs, `WS ${name} ${op.name}`, mask));
              // node-soap hands back the whole HTTP response when the body is not XML (JSON, plain text)
              else if (!looksLikeXml(raw))
                reject(new UnknownOutcome(mask(`WS ${name} ${op.name}: HTTP 200 with an unreadable answer: ${bodyExcerpt(raw ?? '')}`)));
              else resolve(maskedWhenRead(result, rawRequest ?? '', mask));
            },
            options,
          );
        });
      } catch (err) {
        if (err instanceof TransportError || err instanceof UnknownOutcome || err instanceof RecordError) throw err;
        // node-soap threw before sending (e.g. arguments it cannot serialize): this record cannot be sent.
        throw new RecordError(mask(`WS ${name} ${op.name}: request not built: ${errorText(err)}`));
      } finally {
        clear();
      }
    },
    /**
     * The envelope `send` would post, built by node-soap itself without posting it: a client over the same
     * cached WSDL, with the same security, whose HTTP client keeps the request and answers with an error
     * instead of sending. Only the WSDL is fetched (as `send` does); the operation is never called.
     */
    async preview({ link, operation, body }): Promise<WirePreview> {
      const wsdlUrl = joinUrl(conn.url, link);
      const { client, op } = await operationFor(wsdlUrl, operation);
      let kept: { location: string; xml: string; headers: Record<string, unknown> } | undefined;
      const httpClient = {
        request(location: string, xml: string, callback: (err: unknown) => void, headers: Record<string, unknown>) {
          kept = { location, xml, headers };
          callback(new NotSent());
        },
      } as unknown as soap.IOptions['httpClient'];
      const capture = buildClient(client.wsdl, { httpClient });
      const args = orderArgs({ ...conn.args, ...body }, op.parts);
      try {
        await new Promise<void>((resolve, reject) => methodOf(capture, op)(args, (err) => (err instanceof NotSent ? resolve() : reject(err)), {}));
      } catch (err) {
        throw new RecordError(mask(`WS ${name} ${op.name}: request not built: ${errorText(err)}`));
      }
      if (!kept) throw new RecordError(`WS ${name} ${op.name}: request not built`);
      const soapAction = headerText(kept.headers.SOAPAction)?.replace(/^"(.*)"$/, '$1'); // SOAP 1.1 sends it quoted
      return {
        url: safeUrl(kept.location),
        operation: `${op.service}.${op.port}.${op.name}`,
        ...(soapAction ? { soapAction } : {}),
        envelope: mask(kept.xml),
      };
    },
    async close() {
      agents.httpAgent.destroy();
      agents.httpsAgent.destroy();
    },
  };
}

/**
 * The answer with the envelope as `sent`, masked when first read: the ledger keeps it only for a refused
 * request, and a batch call's envelope holds every record of the call.
 */
function maskedWhenRead(answer: unknown, envelope: string, mask: (text: string) => string): SendResult {
  let masked: string | undefined;
  return {
    answer,
    get sent() {
      return (masked ??= mask(envelope));
    },
  };
}

/** Stops node-soap's request in `preview`, after the envelope was built. */
class NotSent extends Error {}

interface SoapCallError {
  code?: string;
  message?: string;
  body?: unknown;
  response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
  root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } };
}

export function classifyCallError(
  err: unknown,
  phase: SendPhase,
  timeoutMs: number,
  where: string,
  mask: (text: string) => string = (t) => t,
): TransportError | UnknownOutcome | RecordError {
  const e = (err ?? {}) as SoapCallError;
  const status = e.response?.status;
  if (status !== undefined) {
    const body = typeof e.body === 'string' ? e.body : e.response?.data;
    const later = retryLater(status, e.response?.headers, where);
    if (later) return later;
    const fault = e.root?.Envelope?.Body?.Fault;
    if (fault) {
      const code = text(fault.faultcode ?? (fault.Code as { Value?: unknown } | undefined)?.Value);
      const reason = text(fault.faultstring ?? (fault.Reason as { Text?: unknown } | undefined)?.Text);
      return new RecordError(mask(`${where}: SOAP Fault ${code}: ${reason}`));
    }
    if (status >= 300) return new TransportError(mask(`${where}: HTTP ${status}: ${bodyExcerpt(body)}`), false);
    return new UnknownOutcome(mask(`${where}: HTTP ${status} with an unreadable answer: ${bodyExcerpt(body)}`));
  }
  return classifyNetworkFailure(err, phase, timeoutMs, where, mask);
}

function looksLikeXml(raw: unknown): boolean {
  return typeof raw === 'string' && raw.trimStart().startsWith('<');
}

/** A SOAP 1.1 `Client` / SOAP 1.2 `Sender` fault: the receiver did not understand the request. */
function isClientFault(err: unknown): boolean {
  const fault = (err as SoapCallError | undefined)?.root?.Envelope?.Body?.Fault;
  if (!fault) return false;
  const code = text(fault.faultcode ?? (fault.Code as { Value?: unknown } | undefined)?.Value);
  return /(^|:)(Client|Sender)(\.|$)/.test(code);
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

function text(value: unknown): string {
  if (value && typeof value === 'object' && '$value' in value) return String((value as { $value: unknown }).$value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value ?? '');
}

function headerText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export { bodyExcerpt, joinUrl, parseRetryAfter };
