/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFinishedSweep, FIXTURE_SETUPS, type FinishedSweep } from '../support/finished-sweep';
import { startServer, type ServerProcess } from '../support/server-process';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.join(__dirname, '..', '..', 'test-output', 'dashboard.png');

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
      await page.waitForFunction((plot) => Number(document.getElementById(plot)?.dataset.points ?? 0) > 0, id, { timeout: 60_000 });
    }
    await page.waitForSelector('#nearest tbody tr td:nth-child(2)', { timeout: 60_000 });

    const runs = await page.$$eval('#runs tbody tr', (rows) => rows.map((row) => ({ setup: (row as HTMLTableRowElement).cells[0].textContent, status: (row as HTMLElement).dataset.status })));
    expect(runs.map((run) => run.setup).sort()).toEqual([...FIXTURE_SETUPS].sort());
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);

    const points = await page.evaluate(() => Object.fromEntries(['heatmap', 'resources', 'umap'].map((id) => [id, Number(document.getElementById(id)!.dataset.points)])));
    // heatmap: every defined (setup, metric) cell; resources: one bar per run; UMAP: the cell line's images
    expect(points.heatmap).toBeGreaterThanOrEqual(3 * 10);
    expect(points.resources).toBe(3);
    expect(points.umap).toBeGreaterThan(20);
    expect(await page.$$eval('#heatmap svg rect', (rects) => rects.length)).toBeGreaterThanOrEqual(points.heatmap);
    expect(await page.$$eval('#resources svg rect', (rects) => rects.length)).toBeGreaterThanOrEqual(3);
    expect(await page.$$eval('#umap svg circle', (circles) => circles.length)).toBe(points.umap);
    const neighbours = await page.$$eval('#nearest tbody tr', (rows) => rows.map((row) => (row as HTMLTableRowElement).cells[1]?.textContent));
    expect(neighbours.length).toBe(5);
    expect(neighbours).not.toContain('Methotrexate');

    // colour by mechanism of action redraws the same points
    await page.selectOption('#umap-colour', 'moa');
    await page.waitForFunction(() => document.querySelector('#umap svg circle') !== null);
    expect(await page.$$eval('#umap svg circle', (circles) => circles.length)).toBe(points.umap);

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
    // back on the socket it read the runs once, for what changed meanwhile
    expect(await polls()).toBeGreaterThan(requestsOnSocket);
    await page.close();
  }, 120_000);
});
