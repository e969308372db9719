// The operator console in a real browser: Debian's chromium driven by puppeteer-core, against the API on a
// 127.0.0.1 port with real PostgreSQL, Temporal dev server, worker and G5 receiver (helpers/set-env).
// Screenshots of each page go to CONSOLE_SCREENSHOTS_DIR (docs/images with `npm run screenshots:console`).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { integrar, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.CONSOLE_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'console-shots-'));
/** What page.$eval hands back, without the DOM library in this project's types. */
type El = { innerText: string; value: string };
const XSS = '<img src=x onerror=alert(1)>';
const LIMITED_TOKEN = 'limited-' + createHash('sha256').update(TOKEN).digest('hex').slice(0, 8);

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('operator console in chromium', { skip: !existsSync(CHROMIUM) && `no chromium at ${CHROMIUM}` }, () => {
  let env: SetEnv;
  let browser: Browser;
  let page: Page;
  let base: string;
  let refusedRun: string;
  let xssRun: string;
  const dialogs: string[] = [];

  const text = (selector: string) => page.$eval(selector, (el) => (el as unknown as El).innerText);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });
  const go = async (path: string) => {
    const res = await page.goto(`${base}${path}`, { waitUntil: 'load' });
    return res!.status();
  };
  const signIn = async (token: string, baseName = 'demo') => {
    await go('/console/entrar');
    await page.type('#base', baseName);
    await page.type('#token', token);
    const [res] = await Promise.all([page.waitForNavigation(), page.click('#entrar')]);
    return res!;
  };
  const signOut = () => Promise.all([page.waitForNavigation(), page.click('#sair')]);

  before(async () => {
    env = await startSetEnv({
      temporal: { uiUrl: 'http://127.0.0.1:8233' },
      tokens: [{ sha256: createHash('sha256').update(LIMITED_TOKEN).digest('hex'), empresas: [2] }],
      seed: async (crm) => {
        // a customer whose name is markup, and an integration whose connection does not exist
        await crm.query(
          `INSERT INTO contas (nome, fantasia, tipo_pessoa, cnpj, endereco, numero, bairro, cidade, uf, cep, telefone, email)
           SELECT $1, $1, tipo_pessoa, cnpj, endereco, numero, bairro, cidade, uf, cep, telefone, email FROM contas WHERE id = 1`,
          [XSS],
        );
        await crm.query(
          `INSERT INTO integrador.integracao (id, nome, tipo_servico, empresa_id, link, tabela, consulta, conexao_integracao_id, porta_ws, parametros_obrigatorios)
           VALUES (90, 'SET-WS-QUEBRADA', 'SET', 1, '/x?wsdl', 'contas', 'SELECT c.id FROM contas AS c WHERE c.id = #contaId#', 999, 'GravarClientes', 'contaId')`,
        );
      },
    });
    await env.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
    const xssId = (await env.crm.query('SELECT id FROM contas WHERE nome = $1', [XSS])).rows[0].id;
    const refused = await integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId: 6 });
    assert.equal(refused.statusCode, 502, refused.body);
    refusedRun = refused.json().workflowId;
    const xss = await integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId: xssId });
    xssRun = xss.json().workflowId;
    const ok = await integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId: 1 });
    assert.equal(ok.statusCode, 200, ok.body);
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=pt-BR'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1366, height: 800 });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  test('a wrong token is refused with a clear message and nothing else', async () => {
    const res = await signIn('not-the-token');
    assert.equal(res.status(), 401);
    assert.match(await text('#erro-entrar'), /Base ou token incorretos/);
    assert.equal(await page.$('nav'), null, 'no navigation for a stranger');
    await shot('entrar-recusado');
    // an unknown base reads the same
    assert.equal((await signIn(TOKEN, 'nao-existe')).status(), 401);
    assert.match(await text('#erro-entrar'), /Base ou token incorretos/);
    // and the pages stay closed
    await go('/console/execucoes');
    assert.match(page.url(), /\/console\/entrar\?motivo=sessao$/);
  });

  test('signs in with an HttpOnly, SameSite=Strict session cookie that does not hold the token', async () => {
    await go('/console/entrar');
    await shot('entrar');
    const res = await signIn(TOKEN);
    assert.equal(res.status(), 200);
    assert.match(page.url(), /\/console\/execucoes$/);
    const cookie = (await browser.cookies()).find((c) => c.name === 'integrador_console');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/console');
    assert.ok(cookie.expires > Date.now() / 1000 && cookie.expires < Date.now() / 1000 + 9 * 3600, 'expires within the session lifetime');
    assert.ok(!decodeURIComponent(cookie.value).includes(TOKEN));
    assert.ok(!cookie.value.includes(createHash('sha256').update(TOKEN).digest('hex')), 'encrypted, not even the digest in clear');
  });

  test('lists runs newest first, filters them, and finds the refused customer with the receiver reason', async () => {
    await until('the three runs in the list', async () => {
      await go('/console/execucoes');
      return (await page.$$('table.runs tbody tr')).length >= 3 ? true : undefined;
    });
    const started = await page.$$eval('table.runs tbody tr td:first-child', (cells) => cells.map((c) => (c as unknown as El).innerText));
    assert.deepEqual([...started].sort().reverse(), started, 'newest first');
    await shot('execucoes');
    const ui = await page.$$eval('table.runs tbody a[target=_blank]', (as) => as.map((a) => a.getAttribute('href')));
    assert.equal(ui.length, 3);
    assert.match(ui[0]!, /^http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/set-demo-1-19-[0-9a-f]+\/[0-9a-f-]{36}\/history$/);

    assert.match(await text('table.runs tbody'), /19 SET-WS-CONTAS/);
    // the filter form, as an operator fills it
    await page.type('input[name=empresa]', '1');
    await page.select('select[name=integracao]', '19');
    await page.select('select[name=resultado]', 'erro');
    await Promise.all([page.waitForNavigation(), page.click('form.filters button')]);
    assert.equal(new URL(page.url()).search, '?empresa=1&integracao=19&resultado=erro&de=&ate=');
    const links = await page.$$eval('a.run-link', (as) => as.map((a) => (a as unknown as El).innerText));
    assert.deepEqual(links, [refusedRun]);
    assert.match(await text('table.runs tbody'), /erro 1/);
    await go(`/console/execucoes?resultado=ok&de=2000-01-01&ate=2000-01-02`);
    assert.match(await text('main'), /Nenhuma execução/);
    assert.equal(await go('/console/execucoes?empresa=abc'), 400);
    assert.match(await text('#erro'), /empresa/);

    await go('/console/execucoes?resultado=erro');
    await Promise.all([page.waitForNavigation(), page.click('a.run-link')]);
    assert.equal(decodeURIComponent(new URL(page.url()).pathname), `/console/execucoes/${refusedRun}`);
    const record = await text('tr.record');
    assert.match(record, /erro/);
    assert.match(await text('tr.record td.message'), /inválido/);
    await page.click('tr.exchange summary');
    assert.match(await text('tr.exchange pre.request'), /cgcCpf/);
    assert.doesNotMatch(await text('tr.exchange pre.request'), new RegExp(env.config.secrets[0] ?? 'no-secret'));
    assert.match(await text('tr.exchange pre.answer'), /inválido/);
    await shot('execucao');
  });

  test('pages through runs with the Temporal page token', async () => {
    const small = await startPaged(env);
    try {
      await small.goto('/console/execucoes');
      assert.equal(await small.count(), 2);
      await small.next();
      assert.ok((await small.count()) >= 1);
    } finally {
      await small.close();
    }
  });

  test('a CRM value with markup is shown as text and runs nothing', async () => {
    await go(`/console/execucoes/${encodeURIComponent(xssRun)}`);
    await page.click('tr.exchange summary');
    assert.ok((await text('tr.exchange pre.request')).includes(XSS));
    assert.equal(await page.$('tr.exchange pre.request img'), null, 'no element made from the value');
    assert.equal(await page.$('main img'), null);
    assert.deepEqual(dialogs, []);
  });

  test('the configuration page shows the broken integration and draws each plan with the bundled mermaid', async () => {
    const requests: string[] = [];
    const onRequest = (req: { url(): string }) => requests.push(req.url());
    page.on('request', onRequest);
    await go('/console/configuracao');
    await page.waitForSelector('body[data-mermaid]');
    page.off('request', onRequest);
    assert.equal(await page.$eval('body', (b) => b.getAttribute('data-mermaid')), 'done');
    const issue = await page.$$eval('tr.issue', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => (td as unknown as El).innerText)));
    assert.ok(
      issue.some(([table, id, column, message]) => table === 'integracao' && id === '90' && column === 'conexao_integracao_id' && /999/.test(message!)),
      JSON.stringify(issue),
    );
    assert.ok(await page.$('#plano-19 svg'), 'the plan of 19 drawn as SVG');
    assert.ok(
      requests.every((url) => url.startsWith(base)),
      `nothing from the internet: ${requests.filter((u) => !u.startsWith(base)).join(', ')}`,
    );
    await shot('configuracao');
  });

  test('a cross-site POST is refused: from another site, without the CSRF token, with a wrong Origin', async () => {
    // another site (localhost is not 127.0.0.1) whose page posts to the console's sign-out
    const evil: Server = createServer((req, res) => {
      res.setHeader('content-type', 'text/html');
      if (req.url === '/link') return void res.end(`<a id="l" href="${base}/console/execucoes">console</a>`);
      res.end(`<form id="f" method="post" action="${base}/console/sair"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const evilPage = await browser.newPage();
      const [res] = await Promise.all([evilPage.waitForNavigation(), evilPage.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`)]);
      assert.equal(res!.status(), 403);
      assert.match(await evilPage.$eval('#erro', (el) => (el as unknown as El).innerText), /outros sites/);
      await evilPage.setViewport({ width: 1366, height: 500 });
      await evilPage.screenshot({ path: join(SHOTS, 'console-pedido-recusado.png') });
      // a plain link from another site keeps the session (the page reloads itself to send the cookie)
      await evilPage.goto(`http://localhost:${(evil.address() as AddressInfo).port}/link`);
      await Promise.all([evilPage.waitForNavigation(), evilPage.click('#l')]);
      await evilPage.waitForSelector('nav');
      assert.match(evilPage.url(), /\/console\/execucoes$/);
      await evilPage.close();
    } finally {
      evil.close();
    }
    // still signed in
    assert.equal(await go('/console/execucoes'), 200);
    assert.ok(await page.$('nav'));

    const cookie = (await browser.cookies()).find((c) => c.name === 'integrador_console')!;
    const csrf = await page.$eval('input[name=_csrf]', (el) => (el as unknown as El).value);
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/console/sair`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: `integrador_console=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    assert.equal((await post('')).status, 403, 'no CSRF token');
    assert.equal((await post('_csrf=forged')).status, 403, 'a forged CSRF token');
    assert.equal((await post(`_csrf=${encodeURIComponent(csrf)}`, { origin: 'http://evil.example' })).status, 403, 'another origin');
    assert.equal((await post(`_csrf=${encodeURIComponent(csrf)}`, { origin: base })).status, 303, 'the same request from the console passes');
  });

  test("a token limited to other companies sees none of this company's runs or plans", async () => {
    await go('/console/entrar');
    if (await page.$('#sair')) await signOut();
    assert.equal((await signIn(LIMITED_TOKEN)).status(), 200);
    assert.match(await text('header'), /empresas 2/);
    assert.match(await text('main'), /Nenhuma execução/);
    assert.equal(await go(`/console/execucoes/${encodeURIComponent(refusedRun)}`), 403);
    assert.equal(await go('/console/execucoes?empresa=1'), 403);
    await go('/console/configuracao');
    assert.equal(await page.$('#plano-19'), null);
    assert.equal(await page.$('tr.issue'), null);
  });

  test('signing out ends the session', async () => {
    await go('/console/execucoes');
    await signOut();
    assert.match(page.url(), /\/console\/entrar\?motivo=saiu$/);
    assert.match(await text('main'), /Você saiu/);
    await go('/console/execucoes');
    assert.match(page.url(), /\/console\/entrar\?motivo=sessao$/);
  });
});

/** A second app on the same parts with two runs per page, to follow the next-page link. */
async function startPaged(env: SetEnv) {
  const { consolePlugin } = await import('../../src/console');
  const Fastify = (await import('fastify')).default;
  const formbody = (await import('@fastify/formbody')).default;
  const app = Fastify();
  await app.register(formbody);
  await app.register(consolePlugin, { prefix: '/console', config: env.config, client: env.client, crm: env.pools, pageSize: 2 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let cookie = '';
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`, { headers: { cookie }, redirect: 'manual' });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    return res;
  };
  const form = await (await get('/console/entrar')).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
  const signed = await fetch(`${url}/console/entrar`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, base: 'demo', token: TOKEN }).toString(),
  });
  assert.equal(signed.status, 303);
  cookie = signed.headers.get('set-cookie')!.split(';')[0]!;
  let html = '';
  return {
    async goto(path: string) {
      html = await (await get(path)).text();
    },
    count: async () => (html.match(/class="run-link"/g) ?? []).length,
    async next() {
      const href = /href="([^"]+)" id="proxima"/.exec(html)?.[1];
      assert.ok(href, 'a next-page link');
      html = await (await get(href.replace(/&amp;/g, '&'))).text();
    },
    close: () => app.close(),
  };
}
