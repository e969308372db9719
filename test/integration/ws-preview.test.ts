// The WS connector's preview against the demo G5 receiver: the envelope `send` would post, built by
// node-soap over the same WSDL and security, with every secret masked, and no POST reaching the receiver.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WsConnection } from '../../src/config/types';
import { createWsReceiver } from '../../src/connectors/ws';
import { startG5Receiver, type G5Receiver } from '../../src/dev/g5-receiver';
import { ConfigError } from '../../src/errors';

const PASSWORD = 'S3nh@<G5>&"x"';
const WSS_PASSWORD = 'wss-Pass<word>';
const LINK = '/g5-senior-services/sapiens_Synccom_senior_g5_co_ger_cad_clientes?wsdl';
const body = { parameters: { dadosGeraisCliente: [{ nomCli: 'ACME & Filhos <Ltda>', cgcCpf: '11222333000181', ideExt: 42 }] } };

function connection(url: string, over: Partial<WsConnection> = {}): WsConnection {
  return { type: 'WS', url, args: { user: 'integrador', password: PASSWORD, encryption: 0 }, timeoutMs: 5000, concurrency: 1, safeToResend: false, ...over };
}

describe('WS preview', () => {
  let g5: G5Receiver;
  before(async () => {
    g5 = await startG5Receiver({ user: 'integrador', password: PASSWORD });
  });
  after(async () => {
    await g5?.close();
  });

  test('builds the envelope send would post, in WSDL part order, with the password masked; nothing is posted', async () => {
    const ws = createWsReceiver('g5', connection(g5.baseUrl));
    try {
      const wire = await ws.preview!({ link: LINK, operation: 'GravarClientes', body });
      assert.equal(wire.url, `${g5.baseUrl}${g5.wsdlPath}`);
      assert.match(wire.operation, /\.GravarClientes$/);
      assert.match(wire.envelope!, /<tns:GravarClientes><user>integrador<\/user><password>\*\*\*<\/password><encryption>0<\/encryption><parameters>/);
      assert.match(wire.envelope!, /<nomCli>ACME &amp; Filhos &lt;Ltda&gt;<\/nomCli>/);
      assert.ok(!wire.envelope!.includes('S3nh@'), 'no form of the password is left');
      assert.equal(g5.received.length, 0);
      assert.equal(g5.wsdlRequests, 1, 'the WSDL was read once');
      // the envelope is the one send posts: send it for real and compare with what node-soap sent
      const sent = await ws.send({ link: LINK, operation: 'GravarClientes', body });
      assert.equal(wire.envelope, sent.sent);
      assert.equal(g5.received.length, 1);
    } finally {
      await ws.close?.();
    }
  });

  test('WS-Security goes in the header with its password masked', async () => {
    const ws = createWsReceiver('g5', connection(g5.baseUrl, { security: { wsSecurity: { user: 'wss-user', password: WSS_PASSWORD } } }));
    try {
      const wire = await ws.preview!({ link: LINK, operation: 'GravarClientes', body });
      assert.match(wire.envelope!, /<soap:Header>.*<wsse:Username>wss-user<\/wsse:Username>.*\*\*\*.*<\/soap:Header>/);
      assert.ok(!wire.envelope!.includes('wss-Pass'), wire.envelope);
    } finally {
      await ws.close?.();
    }
  });

  test('an operation the WSDL lacks is a configuration error, as in a run', async () => {
    const ws = createWsReceiver('g5', connection(g5.baseUrl));
    try {
      await assert.rejects(ws.preview!({ link: LINK, operation: 'GravarFornecedores', body }), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /operation "GravarFornecedores" does not exist/);
        return true;
      });
    } finally {
      await ws.close?.();
    }
  });
});
