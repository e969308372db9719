// The console's record pages in a real browser (Debian's chromium, puppeteer-core) on real parts: Pendências
// lists the incerto left by a receiver that dropped the connection after processing and the erro records
// with the receiver's reason, each with its settle forms and a confirmation page; Prévia shows what a run
// would send (the SOAP envelope) while the G5 receiver gets nothing. Screenshots as in console.test.ts.
// Named to sort after console.test.ts: its runs (base demo, same Temporal) must not reach that file's run list.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { seedDemoChain } from '../../src/dev/demo-seed';
import { G5_PASSWORD, integrar, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.CONSOLE_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'console-shots-'));
type El = { innerText: string; value: string };
const XSS = '<img src=x onerror=alert(1)>';
const LIMITED_TOKEN = 'limited-' + createHash('sha256').update(TOKEN).digest('hex').slice(0, 8);

describe('console pendências and prévia in chromium', { skip: !existsSync(CHROMIUM) && `no chromium at ${CHROMIUM}` }, () => {
  let env: SetEnv;
  let browser: Browser;
  let page: Page;
  let base: string;
  let xssId: number;
  const runs: Record<string, string> = {};
  const dialogs: string[] = [];

  const text = (selector: string) => page.$eval(selector, (el) => (el as unknown as El).innerText);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });
  const go = async (path: string) => (await page.goto(`${base}${path}`, { waitUntil: 'load' }))!.status();
  const submit = async (selector: string) => {
    const [res] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
    return res!.status();
  };
  const signIn = async (token: string) => {
    await go('/console/entrar');
    if (await page.$('#sair')) await submit('#sair');
    await go('/console/entrar');
    await page.type('#base', 'demo');
    await page.type('#token', token);
    return submit('#entrar');
  };
  const row = (key: string) => `tr.pending-record[data-key="${key}"]`;
  const actions = (key: string) => `${row(key)} + tr.pending-actions`;
  const ledgerStatus = async (key: string) =>
    (await env.crm.query('SELECT status FROM integrador.envio WHERE integracao_id = 19 AND chave = $1', [key])).rows.map((r) => r.status);

  before(async () => {
    env = await startSetEnv({
      tokens: [{ sha256: createHash('sha256').update(LIMITED_TOKEN).digest('hex'), empresas: [2] }],
      // a customer whose CNPJ is markup, sent as typed (without the SOMENTE_DIGITOS rule): G5 refuses it
      // and its reason quotes the value
      seed: async (crm) => {
        await crm.query(
          `INSERT INTO contas (nome, fantasia, tipo_pessoa, cnpj, endereco, numero, bairro, cidade, uf, cep, telefone, email)
           SELECT 'Cliente marcado', fantasia, tipo_pessoa, $1, endereco, numero, bairro, cidade, uf, cep, telefone, email FROM contas WHERE id = 1`,
          [XSS],
        );
        await crm.query(`DELETE FROM integrador.regras WHERE campos_integracao_id = 108 AND tipo = 'SOMENTE_DIGITOS'`);
        await seedDemoChain(crm); // 19 → 21 → 22, as `integrador dev` seeds it, for the preview's stand-ins
      },
    });
    await env.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
    xssId = (await env.crm.query('SELECT id FROM contas WHERE cnpj = $1', [XSS])).rows[0].id;
    const ask = (contaId: number) => ({ base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId });
    const refused = await integrar(env, ask(6)); // wrong CNPJ check digits → erro with G5's reason
    assert.equal(refused.statusCode, 502, refused.body);
    runs.erro = refused.json().workflowId;
    runs.xss = (await integrar(env, ask(xssId))).json().workflowId;
    env.receiver.setBehaviour({ failWith: 'dropConnection', failTimes: 1 }); // processed, answer lost → incerto
    const dropped = await integrar(env, ask(2));
    assert.equal(dropped.json().integrations[0].records[0].status, 'incerto', dropped.body);
    runs.incerto = dropped.json().workflowId;
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=pt-BR'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1366, height: 800 });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    assert.equal(await signIn(TOKEN), 200);
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  test('Pendências lists the incerto and the erro records with the receiver reason, escaped, linked to their runs', async () => {
    assert.equal(await go('/console/pendencias'), 200);
    assert.match(await text('header nav'), /Pendências/);
    assert.doesNotMatch(await text('header nav'), /em breve/);
    const listed = await page.$$eval('tr.pending-record', (rows) => rows.map((r) => `${r.getAttribute('data-status')}:${r.getAttribute('data-key')}`));
    assert.deepEqual([...listed].sort(), ['erro:6', `erro:${xssId}`, 'incerto:2'].sort());
    assert.match(await text(`${row('2')} td.message`), /unknown outcome/);
    assert.match(await text(`${row('6')} td.message`), /CNPJ\/CPF inválido: 12\.345\.678\/0001-00/);
    // the receiver's reason quotes the markup: shown as text, no element, no dialog
    const reason = await text(`${row(String(xssId))} td.message`);
    assert.ok(reason.includes(XSS), reason);
    assert.equal(await page.$('main img'), null);
    assert.deepEqual(dialogs, []);
    // each record links to its run
    const href = await page.$eval(`${row('2')} a.run-link`, (a) => a.getAttribute('href'));
    assert.equal(href, `/console/execucoes/${encodeURIComponent(runs.incerto!)}#integracao-19`);
    // an incerto has the three forms (confirmar asks for 19's indice_valor_retorno, codCli); an erro only reenviar
    assert.ok(await page.$(`${actions('2')} form.confirmar input[name="valor.codCli"]`));
    assert.ok(await page.$(`${actions('2')} form.reenviar`));
    assert.ok(await page.$(`${actions('2')} form.descartar input[name=motivo]`));
    assert.ok(await page.$(`${actions('6')} form.reenviar`));
    assert.equal(await page.$(`${actions('6')} form.confirmar`), null);
    assert.equal(await page.$(`${actions('6')} form.descartar`), null);
    await shot('pendencias');
    // the company filter, and a bad one
    await go('/console/pendencias?empresa=1');
    assert.equal((await page.$$('tr.pending-record')).length, 3);
    await go('/console/pendencias?empresa=2');
    assert.ok(await page.$('#sem-pendencias'));
    assert.equal(await go('/console/pendencias?empresa=abc'), 400);
    assert.match(await text('#erro'), /empresa/);
    await go('/console/pendencias');
    await Promise.all([page.waitForNavigation(), page.click(`${row('6')} a.run-link`)]);
    assert.match(await text('tr.record td.message'), /inválido/);
    // and the run page leads back to Pendências
    await Promise.all([page.waitForNavigation(), page.click('tr.record a.to-pending')]);
    assert.match(page.url(), /\/console\/pendencias$/);
  });

  test('each settle action asks for confirmation first; confirmar then writes the CRM row back and audits it', async () => {
    // descartar carries its reason to the confirmation page, escaped; cancelling goes back to the list
    await go('/console/pendencias');
    await page.type(`${actions('2')} input[name=motivo]`, `duplicado ${XSS}`);
    assert.equal(await submit(`${actions('2')} form.descartar button`), 200);
    assert.match(await text('#pergunta'), /Descartar/);
    assert.equal(await text('#motivo'), `duplicado ${XSS}`);
    assert.equal(await page.$('main img'), null);
    await submit('#cancelar');
    assert.match(page.url(), /\/console\/pendencias$/);
    // reenviar on an erro asks too
    assert.equal(await submit(`${actions('6')} form.reenviar button`), 200);
    assert.match(await text('#pergunta'), /mais uma vez/);
    assert.deepEqual(await ledgerStatus('6'), ['erro'], 'nothing changes before the confirmation');

    // what the browser's required fields stop is checked by the server too
    const cookie = (await browser.cookies()).find((c) => c.name === 'integrador_console')!;
    const csrf = await page.$eval('input[name=_csrf]', (el) => (el as unknown as El).value);
    const act = async (fields: Record<string, string>) => {
      const res = await fetch(`${base}/console/pendencias/acao`, {
        method: 'POST',
        headers: { cookie: `integrador_console=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ _csrf: csrf, workflowId: runs.incerto!, integracaoId: '19', chave: '2', ...fields }).toString(),
      });
      return [res.status, await res.text()] as const;
    };
    const [noValue, noValueText] = await act({ acao: 'confirmar', 'valor.codCli': ' ' });
    assert.equal(noValue, 400);
    assert.match(noValueText, /Informe o valor de codCli/);
    const [noReason, noReasonText] = await act({ acao: 'descartar', motivo: '' });
    assert.equal(noReason, 400);
    assert.match(noReasonText, /Informe o motivo/);
    const [onErro, onErroText] = await act({ acao: 'descartar', motivo: 'x', workflowId: runs.erro!, chave: '6' });
    assert.equal(onErro, 409);
    assert.match(onErroText, /descartar não se aplica a um registro erro/);
    assert.equal((await act({ acao: 'apagar' }))[0], 400);
    assert.deepEqual(await ledgerStatus('2'), ['incerto'], 'refused actions change nothing');

    // confirmar: the receiver did get customer 2; its code goes into the CRM with the gravado mark
    await go('/console/pendencias');
    await page.type(`${actions('2')} input[name="valor.codCli"]`, '1001');
    assert.equal(await submit(`${actions('2')} form.confirmar button`), 200);
    assert.match(await text('#pergunta'), /gravado no receptor/);
    assert.match(await text('main dl'), /codCli = 1001/);
    assert.deepEqual(await ledgerStatus('2'), ['incerto'], 'nothing changes before the confirmation');
    await shot('pendencias-confirmar');
    assert.equal(await submit('#executar'), 200);
    assert.equal(await page.$eval('#resultado', (el) => el.getAttribute('data-kind')), 'done', await text('#resultado'));
    assert.match(await text('#resultado'), /gravado/);
    assert.equal(await text('#status-agora'), 'gravado');
    assert.deepEqual(await ledgerStatus('2'), ['gravado']);
    const crmRow = await env.crm.query('SELECT id_erp FROM contas WHERE id = 2');
    assert.equal(String(crmRow.rows[0].id_erp), '1001', 'the CRM row is written back');
    const audit = await env.crm.query(
      `SELECT l.acao, l.por, l.valores FROM integrador.liquidacao l JOIN integrador.envio e ON e.id = l.envio_id
        WHERE e.integracao_id = 19 AND e.chave = '2'`,
    );
    assert.deepEqual(audit.rows, [{ acao: 'confirmar', por: 'token 1', valores: { codCli: '1001' } }]);
    await shot('pendencias-resultado');
    // the record has left the pending list
    await go('/console/pendencias');
    assert.equal(await page.$(row('2')), null);
    assert.deepEqual(dialogs, []);
  });

  test('Prévia shows what integration 19 would send, SOAP envelope included, and the receiver gets nothing', async () => {
    const received = env.receiver.received.length;
    assert.equal(await go('/console/previa'), 200);
    await page.select('#integracao', '19');
    await page.type('#empresa', '1');
    await page.type('#parametros', 'contaId=1');
    assert.equal(await submit('#simular'), 200);
    assert.match(await text('#nada-enviado'), /nada foi enviado/);
    const record = '#previa-19 .preview-record[data-key="1"]';
    assert.equal(await page.$eval(record, (el) => el.getAttribute('data-status')), 'previa');
    assert.match(await text(`${record} pre.request`), /"cgcCpf": "11\.222\.333\/0001-81"/);
    const envelope = await text(`${record} pre.envelope`);
    assert.match(envelope, /<soap:Envelope/);
    assert.match(envelope, /GravarClientes>/);
    assert.match(envelope, /<password>\*\*\*<\/password>/);
    assert.ok(!envelope.includes(G5_PASSWORD), 'the password masked');
    await shot('previa');
    // markup from the CRM is text in the preview too
    await page.$eval('#parametros', (el) => ((el as unknown as El).value = ''));
    await page.type('#parametros', `contaId=${xssId}`);
    assert.equal(await submit('#simular'), 200);
    const marked = await text('#previa-19 pre.envelope');
    assert.ok(marked.includes(`<cgcCpf>&lt;img src=x onerror=alert(1)&gt;</cgcCpf>`), marked);
    assert.ok((await text('#previa-19 pre.request')).includes(XSS));
    assert.equal(await page.$('main img'), null);
    assert.deepEqual(dialogs, []);
    // a later integration uses the stand-in given for what an earlier one would capture
    await page.select('#integracao', '21');
    await page.$eval('#parametros', (el) => ((el as unknown as El).value = ''));
    await page.type('#parametros', 'contaId=1');
    await page.type('#valores', 'codCli=1001');
    assert.equal(await submit('#simular'), 200);
    assert.match(await text('#previa-resultado'), /Plano: 19 SET-WS-CONTAS → 21 SET-WS-CONTATOS/);
    assert.match(await text('#previa-21'), /Valores substitutos usados: codCli=1001/);
    assert.match(await text('#previa-21 pre.envelope'), /<codCli>1001<\/codCli>/);
    await page.$eval('#valores', (el) => ((el as unknown as El).value = ''));
    await page.select('#integracao', '19');
    // a bad line and a missing required parameter are explained on the form
    await page.$eval('#parametros', (el) => ((el as unknown as El).value = ''));
    await page.type('#parametros', 'contaId');
    assert.equal(await submit('#simular'), 400);
    assert.match(await text('#erro-previa'), /parametros, linha 1/);
    await page.$eval('#parametros', (el) => ((el as unknown as El).value = ''));
    assert.equal(await submit('#simular'), 400);
    assert.match(await text('#erro-previa'), /contaId/);
    assert.equal(env.receiver.received.length, received, 'the G5 receiver got no request');
  });

  test('a cross-site POST to the preview or settle forms is refused', async () => {
    const received = env.receiver.received.length;
    const cookie = (await browser.cookies()).find((c) => c.name === 'integrador_console')!;
    await go('/console/previa');
    const csrf = await page.$eval('input[name=_csrf]', (el) => (el as unknown as El).value);
    const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${base}/console${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: `integrador_console=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
      });
    const preview = { integracao: '19', empresa: '1', parametros: 'contaId=1' };
    const settleForm = { workflowId: runs.incerto!, integracaoId: '19', chave: '2', acao: 'reenviar', confirmado: 'sim' };
    for (const [path, fields] of [
      ['/previa', preview],
      ['/pendencias/acao', settleForm],
    ] as const) {
      assert.equal((await post(path, fields)).status, 403, `${path} without the CSRF token`);
      assert.equal((await post(path, { ...fields, _csrf: 'forged' })).status, 403, `${path} with a forged token`);
      assert.equal((await post(path, { ...fields, _csrf: csrf }, { origin: 'http://evil.example' })).status, 403, `${path} from another origin`);
    }
    assert.equal((await post('/previa', { ...preview, _csrf: csrf }, { origin: base })).status, 200, 'the same request from the console passes');

    // another site's page posting the settle form with the operator's browser
    const evil: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      const inputs = Object.entries(settleForm)
        .map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`)
        .join('');
      res.end(`<form id="f" method="post" action="${base}/console/pendencias/acao">${inputs}</form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const evilPage = await browser.newPage();
      const [res] = await Promise.all([evilPage.waitForNavigation(), evilPage.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`)]);
      assert.equal(res!.status(), 403);
      assert.match(await evilPage.$eval('#erro', (el) => (el as unknown as El).innerText), /outros sites/);
      await evilPage.close();
    } finally {
      evil.close();
    }
    assert.equal(env.receiver.received.length, received, 'nothing sent');
    assert.deepEqual(await ledgerStatus('6'), ['erro']);
  });

  test('a token limited to another company sees none of these records and cannot act on them or preview them', async () => {
    assert.equal(await signIn(LIMITED_TOKEN), 200);
    assert.equal(await go('/console/pendencias'), 200);
    assert.ok(await page.$('#sem-pendencias'));
    assert.equal(await page.$('tr.pending-record'), null);
    assert.equal(await go('/console/pendencias?empresa=1'), 403);
    // a settle form for company 1's record, posted with this session's own CSRF token
    await go('/console/pendencias');
    const cookie = (await browser.cookies()).find((c) => c.name === 'integrador_console')!;
    const csrf = await page.$eval('input[name=_csrf]', (el) => (el as unknown as El).value);
    const res = await fetch(`${base}/console/pendencias/acao`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `integrador_console=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams({ _csrf: csrf, workflowId: runs.erro!, integracaoId: '19', chave: '6', acao: 'reenviar' }).toString(),
    });
    assert.equal(res.status, 404);
    assert.match(await res.text(), /não está entre as pendências/);
    // the preview form starts with the token's only company and offers none of company 1's integrations
    await go('/console/previa');
    assert.equal(await page.$eval('#empresa', (el) => (el as unknown as El).value), '2');
    assert.equal(await page.$('#integracao option[value="19"]'), null);
    const previa = (empresa: string) =>
      fetch(`${base}/console/previa`, {
        method: 'POST',
        headers: { cookie: `integrador_console=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ _csrf: csrf, integracao: '19', empresa, parametros: 'contaId=1' }).toString(),
      });
    for (const empresa of ['1', '2']) {
      const refused = await previa(empresa);
      assert.equal(refused.status, 403, empresa);
      assert.match(await refused.text(), /não pode ver esta empresa|não pode usar esta integração/);
    }
  });
});
