/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFinishedSweep, FIXTURE_SETUPS, type FinishedSweep } from '../support/finished-sweep';
import { addReplicate } from '../support/add-replicate';
import { graphql, startServer, type ServerProcess } from '../support/server-process';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.join(__dirname, '..', '..', 'test-output', 'dashboard.png');
const BEST_UMAP_SCREENSHOT = path.join(__dirname, '..', '..', 'test-output', 'best-setup-umap-moa.png');

/**
 * Debian's Chromium, headless. The machine has no outside network: without these flags
 * Chromium stalls on refused connections (updates, sync, QUIC probes).
 */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('the dashboard in headless Chromium', () => {
  let sweep: FinishedSweep;
  let server: ServerProcess;
  let browser: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    sweep = await buildFinishedSweep('e2e_dashboard');
    await addReplicate(sweep.env.DATABASE_URL, sweep.runIds);
    server = await startServer(['serve', '--port', '0'], sweep.env);
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'morphospace-chromium-'));
    // a fresh profile per run: the persistent-context form is how playwright takes --user-data-dir
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1400, height: 1000 } });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    if (server) expect(await server.stop('SIGTERM')).toBe(0);
    await sweep?.drop();
  });

  it('shows the runs, and every plot holds data', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    for (const id of ['heatmap', 'resources', 'umap']) {
      await page.waitForFunction((plot) => Number(document.getElementById(plot)?.dataset.points ?? 0) > 0, id, { timeout: 60_000 }).catch(async (error: Error) => {
        const shown = await page.$eval(`#${id}`, (element) => element.textContent ?? '');
        throw new Error(`the ${id} plot got no data: ${error.message}; it shows "${shown.slice(0, 300)}"; page errors: ${problems.join(' | ') || 'none'}`);
      });
    }
    await page.waitForSelector('#nearest tbody tr td:nth-child(2)', { timeout: 60_000 });

    const runs = await page.$$eval('#runs tbody tr', (rows) => rows.map((row) => ({ setup: (row as HTMLTableRowElement).cells[0].textContent, status: (row as HTMLElement).dataset.status })));
    // a second replicate of the first setup and both baselines beside the fixture's runs
    expect(runs.map((run) => run.setup).sort()).toEqual([...FIXTURE_SETUPS, FIXTURE_SETUPS[0], 'baseline/untrained', 'baseline/classical'].sort());
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);

    const points = await page.evaluate(() => Object.fromEntries(['heatmap', 'resources', 'umap'].map((id) => [id, Number(document.getElementById(id)!.dataset.points)])));
    // heatmap: every defined (setup, metric) cell, baselines included; resources: one bar per trained run; UMAP: the cell line's images
    expect(points.heatmap).toBeGreaterThanOrEqual(5 * 10);
    expect(points.resources).toBe(4);
    expect(points.umap).toBeGreaterThan(20);
    expect(await page.$$eval('#heatmap svg rect', (rects) => rects.length)).toBeGreaterThanOrEqual(points.heatmap);
    expect(await page.$$eval('#resources svg rect', (rects) => rects.length)).toBeGreaterThanOrEqual(4);
    const rowLabels = await page.$$eval('#heatmap svg text', (texts) => texts.map((text) => text.textContent ?? ''));
    expect(rowLabels).toEqual(expect.arrayContaining(['baseline/untrained (baseline)', 'baseline/classical (baseline)', `${FIXTURE_SETUPS[0]} ×2`]));
    // the baselines' cells are grey and dashed (Plot sets a constant style on the mark's group): unranked
    expect(await page.$$eval('#heatmap svg g[stroke-dasharray] rect', (rects) => rects.length)).toBeGreaterThanOrEqual(2 * 10);
    expect(await page.$$eval('#umap svg circle', (circles) => circles.length)).toBe(points.umap);
    const neighbours = await page.$$eval('#nearest tbody tr', (rows) => rows.map((row) => (row as HTMLTableRowElement).cells[1]?.textContent));
    expect(neighbours.length).toBe(5);
    expect(neighbours).not.toContain('Methotrexate');
    // MoA accuracy: one row per cell line and the pooled one; the confusion has a header row and one row per MoA
    await page.waitForSelector('#moa-accuracy[data-rows="3"]', { timeout: 60_000 });
    const moaRows = await page.$$eval('#moa-accuracy tbody tr', (rows) => rows.map((row) => Array.from((row as HTMLTableRowElement).cells, (cell) => cell.textContent)));
    expect(moaRows.map((row) => row[0])).toEqual(['ACHN', 'HT29', 'MDAMB231', 'all (pooled)']);
    expect(moaRows[3][3]).toMatch(/^\d+\.\d% \(\d+\/24\)$/);
    // the tiny screen has every treatment on both plates: NSCB has no candidate, and the note says why
    expect(moaRows[3][5]).toBe('– (0/0)');
    expect(await page.$eval('#moa-note', (note) => note.textContent)).toMatch(/shares a batch|NSCB/);
    expect(await page.$$eval('#moa-confusion tr', (rows) => rows.length)).toBeGreaterThanOrEqual(3);

    // the UMAP opens on the best setup overall; coloured by mechanism of action it redraws the same points
    const { body } = await graphql(server.url, `{ comparisonReport(sweep: "${sweep.sweepId}") { best { task setup runIds } } }`);
    const overall = body.data.comparisonReport.best.find((best: { task: string }) => best.task === 'overall');
    expect(FIXTURE_SETUPS).toContain(overall.setup);
    expect(await page.$eval('#umap-run', (select) => (select as HTMLSelectElement).value)).toBe(overall.runIds[0]);
    expect(await page.$eval('#umap-run', (select) => (select as HTMLSelectElement).selectedOptions[0].textContent)).toMatch(/^★ .* \(best overall\)$/);
    await page.selectOption('#umap-colour', 'moa');
    // the legend names mechanisms of action (the controls as "control") once the plot is redrawn
    await page.waitForFunction(() => (document.getElementById('umap')?.textContent ?? '').includes('control'), undefined, { timeout: 30_000 });
    expect(await page.$$eval('#umap svg circle', (circles) => circles.length)).toBe(points.umap);
    fs.mkdirSync(path.dirname(BEST_UMAP_SCREENSHOT), { recursive: true });
    await (await page.$('#umap-section'))!.screenshot({ path: BEST_UMAP_SCREENSHOT });
    expect(fs.statSync(BEST_UMAP_SCREENSHOT).size).toBeGreaterThan(10_000);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
  }, 180_000);

  it('follows the sweep over the socket, polls while it is down, and goes back to it on reconnection', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"][data-live="socket"]', { timeout: 60_000 });
    // connecting reads the runs once, a moment later (what changed before the socket was up)
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const polls = () => page.evaluate(() => performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('/graphql')).length);
    const requestsOnSocket = await polls();
    // no polling while the socket is up: longer than one polling interval without a request
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(await polls()).toBe(requestsOnSocket);
    // the dashboard's own client, cut as a dropped network would
    await page.evaluate('live.client.terminate()');
    await page.waitForSelector('body[data-live="polling"]');
    await page.waitForSelector('body[data-live="socket"]', { timeout: 30_000 });
    // back on the socket it reads the runs once, for what changed meanwhile (250 ms after connecting: wait for it)
    await page.waitForFunction(
      (before) => performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('/graphql')).length > before,
      requestsOnSocket,
      { timeout: 10_000 },
    );
    await page.close();
  }, 120_000);
});
