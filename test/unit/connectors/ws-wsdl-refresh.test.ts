// WSDL revalidation through the WS receiver, on real HTTP servers on 127.0.0.1 (no database or Temporal):
// an unchanged WSDL is confirmed with a conditional GET and kept; a changed one is picked up after maxAgeMs.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createWsdlCache, createWsReceiver } from '../../../src/connectors/ws';
import { startG5Receiver } from '../../../src/dev/g5-receiver';
import { G5_WSDL_PATH, g5Wsdl } from '../../../src/dev/g5-wsdl';

const customer = (ideExt: number) => ({
  link: '/contrato?wsdl',
  operation: 'GravarClientes',
  body: { parameters: { dadosGeraisCliente: [{ nomCli: 'ACME Ltda', cgcCpf: '11222333000181', ideExt }] } },
});

test('a WSDL older than maxAgeMs is revalidated: kept when unchanged (304), replaced when it changed', async () => {
  const [a, b] = await Promise.all([startG5Receiver({ password: 'p' }), startG5Receiver({ password: 'p' })]);
  let wsdl = g5Wsdl(a.baseUrl + G5_WSDL_PATH);
  const log: string[] = [];
  const contract = createServer((req, res) => {
    const etag = `"${wsdl.length}-${wsdl.includes(a.baseUrl) ? 'a' : 'b'}"`;
    const fresh = req.headers['if-none-match'] === etag;
    log.push(fresh ? '304' : '200');
    if (fresh) return void res.writeHead(304, { ETag: etag }).end();
    res.writeHead(200, { 'Content-Type': 'text/xml', ETag: etag }).end(wsdl);
  });
  await new Promise<void>((r) => contract.listen(0, '127.0.0.1', r));
  let now = 0;
  const cache = createWsdlCache({ maxAgeMs: 60_000, now: () => now });
  const ws = createWsReceiver(
    'g5',
    {
      type: 'WS',
      url: `http://127.0.0.1:${(contract.address() as AddressInfo).port}`,
      args: { user: 'integrador', password: 'p', encryption: 0 },
      timeoutMs: 3000,
      concurrency: 1,
      safeToResend: false,
    },
    { wsdlCache: cache },
  );
  try {
    await ws.send(customer(1));
    now += 30_000;
    await ws.send(customer(2));
    assert.deepEqual(log, ['200'], 'fresh: read once');
    now += 31_000;
    await ws.send(customer(3));
    assert.deepEqual(log, ['200', '304'], 'stale: revalidated with If-None-Match');
    assert.equal(a.received.length, 3);

    wsdl = g5Wsdl(b.baseUrl + G5_WSDL_PATH); // the receiver publishes a new contract (another address)
    await ws.send(customer(4));
    assert.equal(b.received.length, 0, 'not before maxAgeMs');
    now += 61_000;
    await ws.send(customer(5));
    assert.deepEqual(log, ['200', '304', '200']);
    assert.equal(b.received.length, 1, 'the new contract is used');
    assert.equal(a.received.length, 4);
  } finally {
    await ws.close?.();
    contract.closeAllConnections();
    await new Promise((r) => contract.close(r));
    await Promise.all([a.close(), b.close()]);
  }
});
