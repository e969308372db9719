// A demo REST/JSON receiver (customers), built on node:http, for `integrador dev` and the integration tests.
// `POST /clientes` creates a customer (CNPJ/CPF check digits validated like the G5 receiver) and answers
// 201 `{ "id": 5001, "status": "OK" }`, or 422 `{ "status": "ERRO", "mensagem": "..." }`; a JSON array of
// customers is a batch, answered 200 with one item per customer in order (`idExterno` echoed); `PUT /clientes/:id`
// updates one. It can be told to misbehave (late, 503/429 with Retry-After, HTML 500, dropped connection,
// non-JSON 200) so the API connector's error classification can be tested for real.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidDocument } from './g5-receiver';

export type RestFailureMode = 503 | 429 | 'html500' | 'dropConnection' | 'notJson';

export interface RestBehaviour {
  /** Answer this many ms late (after the request was processed). */
  delayMs: number;
  /** How the next `failTimes` requests fail; undefined = answer normally. */
  failWith?: RestFailureMode;
  /** With failWith 503/429: the Retry-After header in seconds (absent: no header). */
  retryAfterSeconds?: number;
  /** How many next requests fail; then failWith is cleared. Default: every one until changed. */
  failTimes: number;
}

export interface RestRequest {
  at: number;
  method: string;
  path: string;
  body: unknown;
  headers: IncomingMessage['headers'];
}

export interface RestReceiver {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** Every request that reached the service and was processed (dropped-after-processing included). */
  received: RestRequest[];
  /** Every request, refused ones (503/429/500, bad token) included, in arrival order. */
  attempts: RestRequest[];
  /** How many times each `idExterno` was processed: a duplicate send shows up as 2. */
  countsByExternalId(): Map<string, number>;
  setBehaviour(b: Partial<RestBehaviour>): void;
  close(): Promise<void>;
}

export interface RestReceiverOptions {
  port?: number;
  /** When set, requests need `Authorization: Bearer <token>`; others get 401. */
  bearer?: string;
  /** The first customer id (default 5001). */
  firstId?: number;
}

interface Customer {
  id: number;
  documento: string;
  dados: Record<string, unknown>;
}

export async function startRestReceiver(opts: RestReceiverOptions = {}): Promise<RestReceiver> {
  let behaviour: RestBehaviour = { delayMs: 0, failTimes: Infinity };
  const received: RestRequest[] = [];
  const attempts: RestRequest[] = [];
  const customers = new Map<number, Customer>();
  const idsByDocument = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let nextId = opts.firstId ?? 5001;

  function takeFailure(): RestFailureMode | undefined {
    const mode = behaviour.failWith;
    if (mode === undefined) return undefined;
    behaviour.failTimes -= 1;
    if (behaviour.failTimes <= 0) behaviour = { ...behaviour, failWith: undefined };
    return mode;
  }

  // The business: what a request does to the customers, and the answer.
  function handle(method: string, path: string, body: unknown): { status: number; json: unknown } {
    const refuse = (status: number, mensagem: string) => ({ status, json: { status: 'ERRO', mensagem } });
    if (method === 'POST' && path === '/clientes' && Array.isArray(body)) {
      // a batch: one answer item per customer, in order, with idExterno echoed; refusals do not fail the others
      const items = body.map((one) => {
        const result = handle(method, path, one);
        const idExterno = one && typeof one === 'object' ? (one as Record<string, unknown>).idExterno : undefined;
        return { ...(result.json as object), idExterno };
      });
      return { status: 200, json: items };
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return refuse(400, 'corpo JSON inválido');
    const data = body as Record<string, unknown>;
    const put = /^\/clientes\/([^/]+)$/.exec(path);
    if (method === 'POST' && path === '/clientes') {
      const problem = validate(data);
      if (problem) return refuse(422, problem);
      const documento = digits(data.documento);
      let id = idsByDocument.get(documento);
      if (id === undefined) {
        id = nextId++;
        idsByDocument.set(documento, id);
      }
      customers.set(id, { id, documento, dados: data });
      return { status: 201, json: { id, status: 'OK' } };
    }
    if (method === 'PUT' && put) {
      const id = Number(decodeURIComponent(put[1]!));
      const existing = customers.get(id);
      if (!existing) return refuse(404, `Cliente ${put[1]} não encontrado`);
      const problem = validate({ ...existing.dados, ...data });
      if (problem) return refuse(422, problem);
      customers.set(id, { ...existing, dados: { ...existing.dados, ...data } });
      return { status: 200, json: { id, status: 'OK' } };
    }
    return refuse(404, `rota ${method} ${path} não existe`);
  }

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const text = await readBody(req);
    const path = (req.url ?? '/').split('?')[0]!;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const request: RestRequest = { at: Date.now(), method: req.method ?? 'GET', path, body, headers: req.headers };
    attempts.push(request);
    if (opts.bearer !== undefined && req.headers.authorization !== `Bearer ${opts.bearer}`) {
      return answer(res, 401, { status: 'ERRO', mensagem: 'token inválido' });
    }
    const failure = takeFailure();
    if (failure === 503 || failure === 429) {
      const headers: Record<string, string> = behaviour.retryAfterSeconds !== undefined ? { 'Retry-After': String(behaviour.retryAfterSeconds) } : {};
      return answerText(res, failure, 'text/html', '<html><body>Serviço indisponível</body></html>', headers);
    }
    if (failure === 'html500') {
      return answerText(res, 500, 'text/html', '<html><head><title>Erro</title></head><body><h1>HTTP 500</h1><p>NullPointerException</p></body></html>');
    }
    received.push(request);
    const result = handle(request.method, path, body);
    if (behaviour.delayMs > 0) await sleep(behaviour.delayMs, timers);
    if (failure === 'dropConnection') {
      req.socket.destroy(); // processed, but the answer never leaves: the caller cannot know
      return;
    }
    if (failure === 'notJson') return answerText(res, 200, 'text/plain', 'recebido');
    answer(res, result.status, result.json);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });

  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    attempts,
    countsByExternalId() {
      const counts = new Map<string, number>();
      for (const r of received) {
        for (const one of Array.isArray(r.body) ? r.body : [r.body]) {
          const key = String((one as { idExterno?: unknown } | undefined)?.idExterno);
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
      return counts;
    },
    setBehaviour(b) {
      behaviour = { ...behaviour, ...b };
      if (b.failWith !== undefined && b.failTimes === undefined) behaviour.failTimes = Infinity;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function validate(data: Record<string, unknown>): string | undefined {
  if (typeof data.nome !== 'string' || !data.nome.trim()) return 'Nome do cliente não informado';
  const documento = data.documento === undefined || data.documento === null ? '' : String(data.documento);
  if (!isValidDocument(digits(documento))) return `CNPJ/CPF inválido: ${documento}`;
  return undefined;
}

function digits(value: unknown): string {
  return String(value ?? '').replace(/\D/g, '');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, json: unknown) {
  answerText(res, status, 'application/json', JSON.stringify(json));
}

function answerText(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, Connection: 'close', ...headers });
  res.end(body);
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
}
