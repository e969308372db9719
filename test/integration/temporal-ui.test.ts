// The Temporal UI as an operator sees it, in a real headless Chromium (Debian's `chromium`, driven by
// puppeteer-core; no browser is downloaded): after a refused, an accepted and an empty run, the workflow
// list shows each run's outcome (IntegradorResultado) and summary (IntegradorResumo) without opening it,
// the query `IntegradorResultado = "erro"` finds the failed one, and the run's page shows its activity
// summaries. UPDATE_SCREENSHOTS=1 also writes the pages to docs/images/temporal-ui-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { findTemporalCli, startTemporalDevServer, type TemporalDevServer } from '../../src/dev/temporal-dev-server';
import type { SetEnv } from './helpers/set-env';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..');
const SCREENSHOT = join(ROOT, 'docs', 'images', 'temporal-ui-runs.png');
const RUN_SCREENSHOT = join(ROOT, 'docs', 'images', 'temporal-ui-run.png');
const METADATA_SCREENSHOT = join(ROOT, 'docs', 'images', 'temporal-ui-metadata.png');

// tsconfig has no DOM library: what the browser callbacks read, typed by hand
type Rendered = { innerText: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The list's rows as text, one per workflow, keyed by workflow id. */
async function rows(page: Page): Promise<Map<string, string>> {
  const texts = await page.$$eval('table tbody tr', (trs) => trs.map((tr) => (tr as unknown as Rendered).innerText.replace(/\s+/g, ' ').trim()));
  return new Map(texts.map((text) => [/set-demo-\S+/.exec(text)?.[0] ?? text, text]));
}

/** Waits for the element, then clicks it in the page (a drawer still sliding in is not "clickable" for the mouse). */
async function click(page: Page, selector: string): Promise<void> {
  await page.waitForSelector(selector, { timeout: 30_000 });
  await page.$eval(selector, (element) => (element as unknown as { click(): void }).click());
  await sleep(100);
}

/** Waits until the list shows `count` rows (the UI loads them after the page). */
async function waitForRows(page: Page, count: number): Promise<Map<string, string>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await rows(page);
    if (found.size >= count || Date.now() > deadline) return found;
    await sleep(250);
  }
}

describe('runs in the Temporal UI', () => {
  let temporal: TemporalDevServer;
  let env: SetEnv;
  let browser: Browser;
  let shots: string;
  const ids: Record<'ok' | 'erro' | 'vazio', string> = { ok: '', erro: '', vazio: '' };

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    temporal = await startTemporalDevServer({ ui: true });
    // this file's SET environment uses the dev server with its UI, not the headless one of the test command
    process.env.INTEGRADOR_TEST_TEMPORAL_ADDRESS = temporal.address;
    const { integrar, startSetEnv } = await import('./helpers/set-env');
    env = await startSetEnv();
    const ask = (contaId: number) => integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId });
    const [ok, erro, vazio] = [await ask(1), await ask(6), await ask(99999)];
    assert.deepEqual([ok.statusCode, erro.statusCode, vazio.statusCode], [200, 502, 200], erro.body);
    ids.ok = ok.json().workflowId;
    ids.erro = erro.json().workflowId;
    ids.vazio = vazio.json().workflowId;
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    shots = mkdtempSync(join(tmpdir(), 'integrador-ui-'));
  });
  after(async () => {
    await browser?.close();
    await env?.close();
    await temporal?.stop();
    if (shots) rmSync(shots, { recursive: true, force: true });
  });

  test('the SDK sees what the UI lists: outcome, summary and details of each run', async () => {
    const erro = await env.client.handle(ids.erro).describe();
    assert.equal(erro.status.name, 'COMPLETED', 'a refused record is an outcome, not a workflow failure');
    assert.equal(await erro.staticSummary(), '19 SET-WS-CONTAS · base demo · empresa 1 · contaId');
    assert.match((await erro.staticDetails()) ?? '', /\*\*runs\*\* 19 SET-WS-CONTAS \(WS g5\)/);
    const outcome = async (id: string) => (await env.client.handle(id).describe()).searchAttributes.IntegradorResultado;
    assert.deepEqual([await outcome(ids.ok), await outcome(ids.erro), await outcome(ids.vazio)], [['ok'], ['erro'], ['vazio']]);
    const failed: string[] = [];
    for await (const run of env.client.temporal.workflow.list({ query: `IntegradorResultado = 'erro'` })) failed.push(run.workflowId);
    assert.deepEqual(failed, [ids.erro]);
    // the operator's command, as docs/operations.md writes it
    const listed = execFileSync(
      findTemporalCli(),
      ['workflow', 'list', '--address', temporal.address, '--query', "IntegradorResultado = 'erro'", '-o', 'json'],
      {
        encoding: 'utf8',
      },
    );
    assert.deepEqual(
      (JSON.parse(listed) as Array<{ execution: { workflowId: string } }>).map((run) => run.execution.workflowId),
      [ids.erro],
    );
  });

  test('the workflow list shows outcome and summary as columns, and the query finds the failed run', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1920, height: 540 });
    await page.goto(`${temporal.uiUrl}/namespaces/default/workflows`, { waitUntil: 'networkidle0' });
    await waitForRows(page, 3);

    // the operator's column choice (kept by the UI in the browser): outcome and summary instead of run id and type
    await click(page, '[data-testid="workflows-summary-table-configuration-button"]');
    for (const column of ['Run ID', 'Type', 'End']) await click(page, `[data-testid="orderable-list-item-${column}-remove-button"]`);
    for (const column of ['IntegradorResultado', 'IntegradorResumo']) await click(page, `[data-testid="orderable-list-item-${column}-add-button"]`);
    await page.keyboard.press('Escape');
    await sleep(500);
    await page.reload({ waitUntil: 'networkidle0' });

    const headers = await page.$$eval('table thead th', (ths) => ths.map((th) => (th as unknown as Rendered).innerText.trim()));
    assert.ok(headers.includes('IntegradorResultado') && headers.includes('IntegradorResumo'), headers.join(' | '));
    const listed = await waitForRows(page, 3);
    const row = (id: string) => listed.get(id) ?? assert.fail(`${id} not listed: ${[...listed.values()].join('\n')}`);
    assert.match(row(ids.erro), /COMPLETED .*erro .*19 SET-WS-CONTAS · base demo · empresa 1 · contaId/);
    assert.match(row(ids.ok), /COMPLETED .*\bok\b .*19 SET-WS-CONTAS · base demo · empresa 1 · contaId/);
    assert.match(row(ids.vazio), /COMPLETED .*vazio .*19 SET-WS-CONTAS/);
    await page.screenshot({ path: join(shots, 'list.png') });
    if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: SCREENSHOT });

    await page.goto(`${temporal.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('IntegradorResultado = "erro"')}`, {
      waitUntil: 'networkidle0',
    });
    await sleep(1000);
    const failed = await waitForRows(page, 1);
    assert.deepEqual([...failed.keys()], [ids.erro]);
    await page.close();
  });

  test('the run page shows the activity summaries in its timeline', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1500, height: 900 });
    await page.goto(`${temporal.uiUrl}/namespaces/default/workflows/${ids.erro}`, { waitUntil: 'networkidle0' });
    const deadline = Date.now() + 30_000;
    let text = '';
    while (Date.now() < deadline && !/^sendRecords$/m.test(text)) {
      await sleep(250);
      text = await page.$eval('body', (body) => (body as unknown as Rendered).innerText);
    }
    // a run from /integrar takes the plan /integrar checked (its input, shown on the page), so no loadPlan;
    // the query and the single chunk are local activities: the UI (2.54) names them in the timeline
    // without their summaries (docs/delivery.md, "One record, fast")
    assert.ok(text.includes('"plan"'), 'the plan is in the run input');
    assert.match(text, /^queryRecords$/m, `the local query is in the timeline:\n${text}`);
    assert.match(text, /^sendRecords$/m, `the local send is in the timeline:\n${text}`);
    assert.match(text, /CNPJ\/CPF inválido: 12345678000100/);
    if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: RUN_SCREENSHOT });
    await page.close();
  });

  test('the run page shows its summary, details and outcome (user metadata)', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1500, height: 800 });
    await page.goto(`${temporal.uiUrl}/namespaces/default/workflows/${ids.erro}`, { waitUntil: 'networkidle0' });
    await click(page, '[data-testid="user-metadata-tab"]');
    // the UI renders the markdown in sandboxed frames: read every frame's text
    const wanted = [
      '19 SET-WS-CONTAS · base demo · empresa 1 · contaId',
      'runs 19 SET-WS-CONTAS (WS g5)',
      'parameters (names only): contaId',
      // current details, set when the run ended (the worker answers the UI's metadata query)
      'erro: integracao 19 (SET-WS-CONTAS) failed: CNPJ/CPF inválido: 12345678000100',
      '19 SET-WS-CONTAS: erro (1 record(s))',
    ];
    const deadline = Date.now() + 30_000;
    let text = '';
    while (Date.now() < deadline && !wanted.every((w) => text.includes(w))) {
      await sleep(250);
      const texts = await Promise.all(page.frames().map((frame) => frame.$eval('body', (body) => (body as unknown as Rendered).innerText).catch(() => '')));
      text = texts.join('\n').replace(/[ \t]+/g, ' ');
    }
    for (const line of wanted) assert.ok(text.includes(line), `no "${line}" in the user metadata:\n${text}`);
    if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: METADATA_SCREENSHOT });
    await page.close();
  });
});
