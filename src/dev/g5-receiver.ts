// A demo Senior-G5-like SOAP receiver (`GravarClientes`), built on node-soap's server, for `integrador dev`
// and the integration tests. It validates CNPJ/CPF check digits, assigns customer codes, answers HTTP 200
// for business errors as G5 does, and can be told to misbehave (late, fault, HTML 500, dropped connection,
// non-XML body, 503 with Retry-After) so the connector's error classification can be tested for real.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { G5_PORT, G5_SERVICE, G5_WSDL_PATH, g5Wsdl } from './g5-wsdl';

export type FailureMode = 'fault' | 'html500' | 'dropConnection' | 'notXml' | 503;

export interface Behaviour {
  /** Answer this many ms late (after the request was processed). */
  delayMs: number;
  /** How the next `failTimes` POSTs fail; undefined = answer normally. */
  failWith?: FailureMode;
  /** With failWith 503: the Retry-After header in seconds (absent: no header). */
  retryAfterSeconds?: number;
  /** How many next POSTs fail; then failWith is cleared. Default: every one until changed. */
  failTimes: number;
}

export interface ReceivedRequest {
  at: number;
  /** The operation's arguments as node-soap parsed them (`user`, `password`, `encryption`, `parameters`). */
  args: unknown;
  /** The HTTP Authorization header, when the caller sent one. */
  authorization?: string;
}

export interface G5Receiver {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  wsdlPath: typeof G5_WSDL_PATH;
  /** Every POST that reached the service (processed, faulted, or dropped after processing). */
  received: ReceivedRequest[];
  /** How many times the WSDL was fetched. */
  readonly wsdlRequests: number;
  countsByIdeExt(): Map<string, number>;
  setBehaviour(b: Partial<Behaviour>): void;
  close(): Promise<void>;
}

export interface G5ReceiverOptions {
  port?: number;
  user?: string;
  password?: string;
}

interface Customer {
  nomCli?: string;
  cgcCpf?: string | number;
  ideExt?: string | number;
  definicoesCliente?: unknown;
}

interface CustomerReturn {
  codCli?: number;
  cgcCpf?: string;
  ideExt?: string | number;
  retorno: string;
}

const FIRST_CODE = 1001;

export async function startG5Receiver(opts: G5ReceiverOptions = {}): Promise<G5Receiver> {
  const user = opts.user ?? 'integrador';
  const password = opts.password ?? 'senha';
  let behaviour: Behaviour = { delayMs: 0, failTimes: Infinity };
  let wsdlRequests = 0;
  const received: ReceivedRequest[] = [];
  const codesByDocument = new Map<string, number>();
  // Failures the service itself acts out (fault, dropConnection), handed over by the pre-handler.
  const failureOf = new WeakMap<IncomingMessage, FailureMode>();
  const timers = new Set<NodeJS.Timeout>();

  // Returns the failure for this POST, if one is due, and counts it down.
  function takeFailure(): FailureMode | undefined {
    const mode = behaviour.failWith;
    if (mode === undefined) return undefined;
    behaviour.failTimes -= 1;
    if (behaviour.failTimes <= 0) behaviour = { ...behaviour, failWith: undefined };
    return mode;
  }

  function gravarClientes(args: GravarArgs, req: IncomingMessage): Promise<{ result: unknown }> {
    received.push({ at: Date.now(), args, authorization: req.headers.authorization });
    if (args.user !== user || args.password !== password) {
      return Promise.resolve({
        result: { tipoRetorno: 2, mensagemRetorno: 'Erro na requisição', erroExecucao: 'Usuário ou senha inválidos' },
      });
    }
    const customers = asArray(args.parameters?.dadosGeraisCliente);
    const retornosClientes = customers.map((c) => saveCustomer(c, codesByDocument));
    return Promise.resolve({
      result: { tipoRetorno: 1, mensagemRetorno: 'Processado', erroExecucao: '', retornosClientes },
    });
  }

  const services = {
    [G5_SERVICE]: {
      [G5_PORT]: {
        // node-soap calls (args, callback, headers, req, res); a returned promise is the answer.
        GravarClientes: async (args: GravarArgs, _cb: unknown, _headers: unknown, req: IncomingMessage) => {
          const failure = failureOf.get(req);
          if (failure === 'fault') {
            received.push({ at: Date.now(), args, authorization: req.headers.authorization });
            throw { Fault: { faultcode: 'soap:Server', faultstring: 'Falha interna do Sapiens', statusCode: 500 } };
          }
          const answer = await gravarClientes(args, req);
          if (behaviour.delayMs > 0) await sleep(behaviour.delayMs, timers);
          if (failure === 'dropConnection') {
            req.socket.destroy(); // processed, but the answer never leaves: the caller cannot know
            return new Promise<never>(() => {});
          }
          return answer;
        },
      },
    },
  };

  const http = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const server = await new Promise<soap.Server>((resolve, reject) => {
    const s = soap.listen(http, {
      path: G5_WSDL_PATH,
      services,
      xml: g5Wsdl(baseUrl + G5_WSDL_PATH),
      suppressStack: true,
      callback: (err: unknown) => (err ? reject(err) : resolve(s)),
    });
  });
  // Runs before node-soap handles a request (a documented synchronous hook); returning false ends it here.
  server.authorizeConnection = (req: IncomingMessage, res?: ServerResponse) => {
    if (req.method === 'GET' || !res) {
      if (req.url?.toLowerCase().includes('?wsdl')) wsdlRequests += 1;
      return true;
    }
    const failure = takeFailure();
    if (failure === 'html500') {
      answer(res, 500, 'text/html', '<html><head><title>Erro</title></head><body><h1>HTTP Status 500 – Internal Server Error</h1><p>java.lang.NullPointerException at br.com.senior.Sapiens</p></body></html>');
      return false;
    }
    if (failure === 'notXml') {
      answer(res, 200, 'text/plain', 'Sapiens: serviço em manutenção');
      return false;
    }
    if (failure === 503) {
      const headers: Record<string, string> = {};
      if (behaviour.retryAfterSeconds !== undefined) headers['Retry-After'] = String(behaviour.retryAfterSeconds);
      answer(res, 503, 'text/html', '<html><body>Service Unavailable</body></html>', headers);
      return false;
    }
    if (failure) failureOf.set(req, failure);
    return true;
  };

  return {
    baseUrl,
    wsdlPath: G5_WSDL_PATH,
    received,
    get wsdlRequests() {
      return wsdlRequests;
    },
    countsByIdeExt() {
      const counts = new Map<string, number>();
      for (const r of received) {
        for (const c of asArray((r.args as GravarArgs).parameters?.dadosGeraisCliente)) {
          const key = String(c.ideExt);
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
      for (const timer of timers) clearTimeout(timer); // a delayed answer never comes: nobody waits for it
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        http.close((err) => (err ? reject(err) : resolve()));
        http.closeAllConnections();
      });
    },
  };
}

interface GravarArgs {
  user?: string;
  password?: string;
  encryption?: number;
  parameters?: { dadosGeraisCliente?: Customer | Customer[]; sigInt?: string };
}

function saveCustomer(c: Customer, codesByDocument: Map<string, number>): CustomerReturn {
  const cgcCpf = c.cgcCpf === undefined || c.cgcCpf === null ? '' : String(c.cgcCpf);
  const base = { cgcCpf, ideExt: c.ideExt };
  if (!c.nomCli || !String(c.nomCli).trim()) return { ...base, retorno: 'Nome do cliente não informado' };
  const digits = cgcCpf.replace(/\D/g, '');
  if (!isValidDocument(digits)) return { ...base, retorno: `CNPJ/CPF inválido: ${cgcCpf}` };
  let codCli = codesByDocument.get(digits);
  if (codCli === undefined) {
    codCli = FIRST_CODE + codesByDocument.size;
    codesByDocument.set(digits, codCli);
  }
  return { codCli, ...base, retorno: 'OK' };
}

/** CNPJ (14 digits) or CPF (11 digits) with valid check digits; repeated digits are invalid. */
export function isValidDocument(digits: string): boolean {
  if (!/^(\d{11}|\d{14})$/.test(digits) || /^(\d)\1+$/.test(digits)) return false;
  const n = [...digits].map(Number);
  const check = (len: number, weights: number[]) => {
    const sum = weights.reduce((acc, w, i) => acc + w * n[i], 0);
    const rest = sum % 11;
    return (rest < 2 ? 0 : 11 - rest) === n[len];
  };
  if (n.length === 11) {
    return check(9, [10, 9, 8, 7, 6, 5, 4, 3, 2]) && check(10, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  }
  return check(12, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) && check(13, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
}

function answer(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, Connection: 'close', ...headers });
  res.end(body);
}

function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
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
