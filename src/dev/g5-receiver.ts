// A demo Senior-G5-like SOAP receiver, built on node-soap's server, for `integrador dev` and the integration
// tests: customers (`GravarClientes`), their contacts (`GravarContatos`) and sales orders (`GravarPedidos`),
// each service with its own WSDL path on one HTTP server, as Senior publishes them. It validates CNPJ/CPF check digits, assigns customer codes, answers HTTP 200
// for business errors as G5 does, and can be told to misbehave (late, fault, HTML 500, dropped connection,
// non-XML body, 503 with Retry-After) so the connector's error classification can be tested for real.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import {
  G5_CONTATOS_PORT,
  G5_CONTATOS_WSDL_PATH,
  G5_PEDIDOS_PORT,
  G5_PEDIDOS_WSDL_PATH,
  G5_PORT,
  G5_SERVICE,
  G5_WSDL_PATH,
  g5ContatosWsdl,
  g5PedidosWsdl,
  g5Wsdl,
} from './g5-wsdl';

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
  /** With failWith: how many next POSTs are answered normally before the failures start (default 0). */
  passFirst?: number;
  /** When failWith is not set: each POST fails with probability `rate`, with one of `modes` (seeded, repeatable). */
  randomFailures?: { rate: number; modes: FailureMode[]; seed?: number };
  /** Batches: answer the feedback items in reverse order (matched only by ideExt then). */
  reverseItems?: boolean;
  /** Batches: leave the last feedback item out of each answer (a count mismatch), after processing it. */
  dropLastItem?: boolean;
}

export type G5Operation = 'GravarClientes' | 'GravarContatos' | 'GravarPedidos';

export interface ReceivedRequest {
  at: number;
  operation: G5Operation;
  /** The operation's arguments as node-soap parsed them (`user`, `password`, `encryption`, `parameters`). */
  args: unknown;
  /** The HTTP Authorization header, when the caller sent one. */
  authorization?: string;
}

export interface G5Receiver {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  wsdlPath: typeof G5_WSDL_PATH;
  /** The WSDL path of each service (append `?wsdl`); `wsdlPath` is the customers' one. */
  paths: { clientes: typeof G5_WSDL_PATH; contatos: typeof G5_CONTATOS_WSDL_PATH; pedidos: typeof G5_PEDIDOS_WSDL_PATH };
  /** Every POST that reached the service (processed, faulted, or dropped after processing). */
  received: ReceivedRequest[];
  /** How many times the WSDL was fetched. */
  readonly wsdlRequests: number;
  /** The most POSTs in flight at once (from arrival until the answer is sent or the socket closes). */
  readonly maxInFlight: number;
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
  let inFlight = 0;
  let maxInFlight = 0;
  const received: ReceivedRequest[] = [];
  const codesByDocument = new Map<string, number>();
  // Failures the service itself acts out (fault, dropConnection), handed over by the pre-handler.
  const failureOf = new WeakMap<IncomingMessage, FailureMode>();
  const timers = new Set<NodeJS.Timeout>();

  let random = seeded(0);
  // Returns the failure for this POST, if one is due, and counts it down.
  function takeFailure(): FailureMode | undefined {
    const mode = behaviour.failWith;
    const chance = behaviour.randomFailures;
    if (mode === undefined && chance?.modes.length) {
      return random() < chance.rate ? chance.modes[Math.floor(random() * chance.modes.length)] : undefined;
    }
    if (mode === undefined) return undefined;
    if (behaviour.passFirst) {
      behaviour.passFirst -= 1;
      return undefined;
    }
    behaviour.failTimes -= 1;
    if (behaviour.failTimes <= 0) behaviour = { ...behaviour, failWith: undefined };
    return mode;
  }

  const contacts = new Map<string, { codCli: number; seqCto: number }>();
  const orders = new Map<string, number>();
  const issued = () => new Set(codesByDocument.values());

  const handlers: Record<G5Operation, (args: GravarArgs) => Record<string, unknown>> = {
    // many customers per call, one item each with ideExt echoed (G5.md); the test knobs bend the answer
    GravarClientes: (args) => {
      const items = asArray(args.parameters?.dadosGeraisCliente).map((c) => saveCustomer(c, codesByDocument));
      if (behaviour.dropLastItem) items.pop();
      if (behaviour.reverseItems) items.reverse();
      return { retornosClientes: items };
    },
    GravarContatos: (args) => ({ retornosContatos: asArray(args.parameters?.contato).map((c) => saveContact(c, issued(), contacts)) }),
    GravarPedidos: (args) => ({ respostaPedido: asArray(args.parameters?.pedido).map((p) => saveOrder(p, issued(), contacts, orders)) }),
  };

  // node-soap calls (args, callback, headers, req, res); a returned promise is the answer.
  const operation = (name: G5Operation) => async (args: GravarArgs, _cb: unknown, _headers: unknown, req: IncomingMessage) => {
    received.push({ at: Date.now(), operation: name, args, authorization: req.headers.authorization });
    const failure = failureOf.get(req);
    if (failure === 'fault') {
      throw { Fault: { faultcode: 'soap:Server', faultstring: 'Falha interna do Sapiens', statusCode: 500 } };
    }
    const answer =
      args.user !== user || args.password !== password
        ? { result: { tipoRetorno: 2, mensagemRetorno: 'Erro na requisição', erroExecucao: 'Usuário ou senha inválidos' } }
        : { result: { tipoRetorno: 1, mensagemRetorno: 'Processado', erroExecucao: '', ...handlers[name](args) } };
    if (behaviour.delayMs > 0) await sleep(behaviour.delayMs, timers);
    if (failure === 'dropConnection') {
      req.socket.destroy(); // processed, but the answer never leaves: the caller cannot know
      return new Promise<never>(() => {});
    }
    return answer;
  };

  const http = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const listen = (path: string, port: string, name: G5Operation, wsdl: (location: string) => string) =>
    new Promise<soap.Server>((resolve, reject) => {
      const s = soap.listen(http, {
        path,
        services: { [G5_SERVICE]: { [port]: { [name]: operation(name) } } },
        xml: wsdl(baseUrl + path),
        suppressStack: true,
        callback: (err: unknown) => (err ? reject(err) : resolve(s)),
      });
    });
  // Each listen wraps the request listeners before it and passes on other paths, so the last one sees
  // every request first: its hook below serves all three services.
  await listen(G5_WSDL_PATH, G5_PORT, 'GravarClientes', g5Wsdl);
  await listen(G5_CONTATOS_WSDL_PATH, G5_CONTATOS_PORT, 'GravarContatos', g5ContatosWsdl);
  const server = await listen(G5_PEDIDOS_WSDL_PATH, G5_PEDIDOS_PORT, 'GravarPedidos', g5PedidosWsdl);
  // Runs before node-soap handles a request (a documented synchronous hook); returning false ends it here.
  server.authorizeConnection = (req: IncomingMessage, res?: ServerResponse) => {
    if (req.method === 'GET' || !res) {
      if (req.url?.toLowerCase().includes('?wsdl')) wsdlRequests += 1;
      return true;
    }
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    const failure = takeFailure();
    if (failure === 'html500') {
      answer(
        res,
        500,
        'text/html',
        '<html><head><title>Erro</title></head><body><h1>HTTP Status 500 – Internal Server Error</h1><p>java.lang.NullPointerException at br.com.senior.Sapiens</p></body></html>',
      );
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
    paths: { clientes: G5_WSDL_PATH, contatos: G5_CONTATOS_WSDL_PATH, pedidos: G5_PEDIDOS_WSDL_PATH },
    received,
    get wsdlRequests() {
      return wsdlRequests;
    },
    get maxInFlight() {
      return maxInFlight;
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
      if (b.randomFailures) random = seeded(b.randomFailures.seed ?? 1);
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
  parameters?: { dadosGeraisCliente?: Customer | Customer[]; contato?: Contact | Contact[]; pedido?: Order | Order[]; sigInt?: string };
}

interface Contact {
  codCli?: number | string;
  nomCto?: string;
  cpfCto?: string;
  datNas?: string;
  ideExt?: string | number;
}

interface Order {
  codCli?: number | string;
  seqCto?: number | string;
  datEmi?: string;
  datPrv?: string;
  ideExt?: string | number;
  produto?: OrderItem | OrderItem[];
}

interface OrderItem {
  codPro?: string;
  qtdPed?: string;
  preUni?: string;
  perDsc?: string;
}

const FIRST_ORDER = 5001;
const DATE = /^(0[1-9]|[12]\d|3[01])\/(0[1-9]|1[0-2])\/\d{4}$/;
/** G5 takes decimals sent as text with a comma: `350,20`, `3,00`. */
const COMMA_DECIMAL = /^-?\d+(,\d+)?$/;

/** A contact of a customer the ERP knows; the same ideExt gets its seqCto back. */
function saveContact(c: Contact, customers: Set<number>, contacts: Map<string, { codCli: number; seqCto: number }>) {
  const codCli = Number(c.codCli);
  const base = { codCli: Number.isFinite(codCli) ? codCli : undefined, ideExt: c.ideExt };
  if (!customers.has(codCli)) return { ...base, retorno: `Cliente ${c.codCli ?? '(vazio)'} não cadastrado` };
  if (!c.nomCto || !String(c.nomCto).trim()) return { ...base, retorno: 'Nome do contato não informado' };
  if (c.cpfCto && !isValidDocument(String(c.cpfCto).replace(/\D/g, ''))) return { ...base, retorno: `CPF do contato inválido: ${c.cpfCto}` };
  if (c.datNas && !DATE.test(String(c.datNas))) return { ...base, retorno: `Data de nascimento inválida: ${c.datNas} (use dd/MM/yyyy)` };
  const key = `${codCli}/${c.ideExt}`;
  let saved = contacts.get(key);
  if (!saved) {
    saved = { codCli, seqCto: [...contacts.values()].filter((x) => x.codCli === codCli).length + 1 };
    contacts.set(key, saved);
  }
  return { ...base, seqCto: saved.seqCto, retorno: 'OK' };
}

/** A sales order: known customer (and contact), dates dd/MM/yyyy, items with comma decimals. */
function saveOrder(p: Order, customers: Set<number>, contacts: Map<string, { codCli: number; seqCto: number }>, orders: Map<string, number>) {
  const base = { ideExt: p.ideExt };
  const codCli = Number(p.codCli);
  if (!customers.has(codCli)) return { ...base, retorno: `Cliente ${p.codCli ?? '(vazio)'} não cadastrado` };
  if (p.seqCto !== undefined && p.seqCto !== null && p.seqCto !== '') {
    const known = [...contacts.values()].some((x) => x.codCli === codCli && x.seqCto === Number(p.seqCto));
    if (!known) return { ...base, retorno: `Contato ${p.seqCto} não cadastrado para o cliente ${codCli}` };
  }
  for (const [name, value] of [
    ['datEmi', p.datEmi],
    ['datPrv', p.datPrv],
  ] as const) {
    if (value !== undefined && value !== null && !DATE.test(String(value))) return { ...base, retorno: `${name} inválida: ${value} (use dd/MM/yyyy)` };
  }
  if (!p.datEmi) return { ...base, retorno: 'Data de emissão não informada' };
  const items = asArray(p.produto);
  if (items.length === 0) return { ...base, retorno: 'Pedido sem produtos' };
  for (const item of items) {
    for (const [name, value] of [
      ['qtdPed', item.qtdPed],
      ['preUni', item.preUni],
    ] as const) {
      if (!COMMA_DECIMAL.test(String(value ?? '')))
        return { ...base, retorno: `Produto ${item.codPro}: ${name} inválido: ${value} (decimal com vírgula, como 350,20)` };
    }
  }
  const key = `${codCli}/${p.ideExt}`;
  let numPed = orders.get(key);
  if (numPed === undefined) {
    numPed = FIRST_ORDER + orders.size;
    orders.set(key, numPed);
  }
  return { ...base, numPed, retorno: 'OK' };
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

/** mulberry32: a small seeded PRNG, so a random failure pattern can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
