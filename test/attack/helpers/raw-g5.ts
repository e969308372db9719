// A raw node:http "receiver" on 127.0.0.1 that serves the real G5 WSDL but answers every POST the way the
// test says: broken XML, HTML error pages, faults, JSON, G5 answers missing the keys the integration reads,
// a huge body, or nothing at all. It counts every POST, so a test can prove what was (not) sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { G5_NAMESPACE, G5_WSDL_PATH, g5Wsdl } from '../../../src/dev/g5-wsdl';

export type RawAnswer = 'ok' | 'notXml' | 'html500' | 'html200' | 'truncated' | 'fault' | 'json' | 'noRetornos' | 'noCodCli' | 'huge' | 'hang';

export interface RawG5 {
  baseUrl: string;
  /** Bodies of every POST received (the SOAP envelopes the engine sent). */
  received: string[];
  answerWith(mode: RawAnswer): void;
  close(): Promise<void>;
}

/** Size of the `huge` answer: 20 MB of text inside a well-formed G5 answer. */
export const HUGE_BYTES = 20 * 1024 * 1024;

const envelope = (result: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="${G5_NAMESPACE}">` +
  `<soap:Body><tns:GravarClientesResponse><result>${result}</result></tns:GravarClientesResponse></soap:Body></soap:Envelope>`;

const retorno = (fields: string) => `<retornosClientes>${fields}<retorno>OK</retorno></retornosClientes>`;
export const OK_ANSWER = envelope(
  `<erroExecucao></erroExecucao><mensagemRetorno>Processado</mensagemRetorno>${retorno('<codCli>777</codCli><ideExt>1</ideExt>')}<tipoRetorno>1</tipoRetorno>`,
);
const NO_RETORNOS = envelope('<erroExecucao></erroExecucao><mensagemRetorno>Processado</mensagemRetorno><tipoRetorno>1</tipoRetorno>');
const NO_COD_CLI = envelope(
  `<erroExecucao></erroExecucao><mensagemRetorno>Processado</mensagemRetorno>${retorno('<ideExt>1</ideExt>')}<tipoRetorno>1</tipoRetorno>`,
);
const FAULT =
  '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
  '<faultcode>soap:Server</faultcode><faultstring>Sapiens: cliente bloqueado</faultstring></soap:Fault></soap:Body></soap:Envelope>';
const HTML =
  '<!DOCTYPE html><html><head><title>Erro</title></head><body><h1>HTTP Status 500 - Internal Server Error</h1><p>java.lang.NullPointerException<br>at br.com.senior.Sapiens</p></body></html>';

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, Connection: 'close' });
  res.end(body);
}

function answer(mode: RawAnswer, res: ServerResponse): void {
  switch (mode) {
    case 'ok':
      return send(res, 200, 'text/xml', OK_ANSWER);
    case 'notXml':
      return send(res, 200, 'text/plain', 'Sapiens: serviço em manutenção, tente mais tarde');
    case 'html500':
      return send(res, 500, 'text/html', HTML);
    case 'html200':
      return send(res, 200, 'text/html', HTML);
    case 'truncated':
      return send(res, 200, 'text/xml', OK_ANSWER.slice(0, Math.floor(OK_ANSWER.length / 2)));
    case 'fault':
      return send(res, 500, 'text/xml', FAULT);
    case 'json':
      return send(res, 200, 'application/json', JSON.stringify({ retornosClientes: [{ codCli: 1, retorno: 'OK' }] }));
    case 'noRetornos':
      return send(res, 200, 'text/xml', NO_RETORNOS);
    case 'noCodCli':
      return send(res, 200, 'text/xml', NO_COD_CLI);
    case 'huge': {
      // a well-formed success answer whose message is 20 MB long, streamed in 1 MB pieces
      const [head, tail] = OK_ANSWER.split('Processado');
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', Connection: 'close' });
      res.write(head);
      const piece = 'A'.repeat(1024 * 1024);
      for (let i = 0; i < HUGE_BYTES / piece.length; i++) res.write(piece);
      res.end(tail);
      return;
    }
    case 'hang':
      return; // never answers; the socket is closed by the client's timeout or by close()
  }
}

export async function startRawG5(): Promise<RawG5> {
  let mode: RawAnswer = 'ok';
  const received: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET') {
      if (req.url?.toLowerCase().includes('wsdl')) return send(res, 200, 'text/xml', g5Wsdl(baseUrl + G5_WSDL_PATH));
      return send(res, 404, 'text/plain', 'not found');
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      answer(mode, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    received,
    answerWith(next) {
      mode = next;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
