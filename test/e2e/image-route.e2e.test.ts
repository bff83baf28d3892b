import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChannelImage } from '../../src/data/channels/channel-image.reader';
import { presetByName } from '../../src/data/synthetic/screen.presets';
import { encodeGreyPng } from '../../src/data/synthetic/png.encoder';
import { openDatabase } from '../../src/db/database';
import { ImageFileRepository } from '../../src/db/repositories/image-file.repository';
import { createLogger } from '../../src/logger';
import { createServices, type ServiceJobSender } from '../../src/services';
import { registerChannelScreen } from '../support/channel-screen';
import { startServer, type ServerProcess } from '../support/server-process';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

/** GET /images/<id>.png?channel=<name>: one channel of a 3-channel image, and clear refusals. */
describe('the image route', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let server: ServerProcess;
  let imageId: number;
  const expected = new Map<string, Buffer>();

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_image_route');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-e2e-image-'));
    const config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir });
    const database = await openDatabase(config, createLogger('silent'), { migrate: true });
    const queue: ServiceJobSender = { send: async () => null, unfinishedJobs: async () => [] };
    const services = createServices(config, database, queue);
    const preset = presetByName('tiny', { imageSize: 64, sitesPerWell: 1 });
    await registerChannelScreen(services, { preset, seed: 3, name: 'tiny3', channels: ['dna', 'tubulin', 'actin'], dir: dataDir });
    [{ id: imageId }] = (await database.dataSource.query(`SELECT id FROM images ORDER BY id LIMIT 1`)) as Array<{ id: number }>;
    const image = await new ImageFileRepository(database.dataSource).find(imageId);
    const read = await readChannelImage(image!.root, { path: image!.path, channelPaths: image!.channelPaths, plate: image!.plate }, image!.screen);
    ['dna', 'tubulin', 'actin'].forEach((channel, c) => expected.set(channel, encodeGreyPng(read.data.subarray(c * 64 * 64, (c + 1) * 64 * 64), 64, 64)));
    await database.close();
    server = await startServer(['serve', '--port', '0'], { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  }, 120_000);
  afterAll(async () => {
    if (server) expect(await server.stop('SIGTERM')).toBe(0);
    await testDatabase?.drop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  const get = (pathAndQuery: string) => fetch(`${server.url}${pathAndQuery}`);
  const codeOf = async (response: Response) => ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code;

  it('serves each channel alone as the PNG training would read, the first by default', async () => {
    for (const channel of ['dna', 'tubulin', 'actin']) {
      const response = await get(`/images/${imageId}.png?channel=${channel}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('x-morphospace-channels')).toBe('dna,tubulin,actin');
      expect(Buffer.from(await response.arrayBuffer()).equals(expected.get(channel)!), channel).toBe(true);
    }
    expect(expected.get('dna')!.equals(expected.get('tubulin')!)).toBe(false);
    const plain = await get(`/images/${imageId}.png`);
    expect(plain.headers.get('x-morphospace-channel')).toBe('dna');
  });

  it('refuses an unknown channel or a bad id with 400 BAD_USER_INPUT, a missing image with 404 NOT_FOUND', async () => {
    const unknown = await get(`/images/${imageId}.png?channel=mito`);
    expect(unknown.status).toBe(400);
    expect(await codeOf(unknown)).toBe('BAD_USER_INPUT');
    const bad = await get(`/images/x1.png`);
    expect(bad.status).toBe(400);
    expect(await codeOf(bad)).toBe('BAD_USER_INPUT');
    const missing = await get(`/images/999999999.png`);
    expect(missing.status).toBe(404);
    expect(await codeOf(missing)).toBe('NOT_FOUND');
  });

  it('asks for a key when the GraphQL queries do', async () => {
    const guarded = await startServer(['serve', '--port', '0'], { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_REQUIRE_READER: 'true', LOG_LEVEL: 'warn' });
    try {
      const anonymous = await fetch(`${guarded.url}/images/${imageId}.png?channel=dna`);
      expect(anonymous.status).toBe(401);
      expect(await codeOf(anonymous)).toBe('UNAUTHENTICATED');
    } finally {
      expect(await guarded.stop('SIGTERM')).toBe(0);
    }
  });

  it("shows the image in the dashboard with a channel picker: each channel alone and a composite", async () => {
    const userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-chromium-'));
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
    const browser = await chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', headless: true, args: flags });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${server.url}/`);
      await page.fill('#image-id', String(imageId));
      await page.click('#image-form button');
      await page.waitForFunction(() => document.getElementById('image-note')?.textContent !== '', undefined, { timeout: 10_000 });
      expect(await page.textContent('#image-note')).toBe(`image ${imageId}: dna`);
      expect(await page.$$eval('#image-channel option', (options) => options.map((option) => (option as HTMLOptionElement).value))).toEqual(['dna', 'tubulin', 'actin', '(composite)']);
      expect(await page.$eval('#image-view img', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).src])).toEqual([64, `${server.url}/images/${imageId}.png?channel=dna`]);
      await page.selectOption('#image-channel', 'tubulin');
      await page.waitForSelector('#image-view[data-channel="tubulin"] img');
      await page.selectOption('#image-channel', '(composite)');
      await page.waitForSelector('#image-view[data-channel="(composite)"] canvas');
      // the composite's blue is the DNA channel: the same pixels as the DNA PNG
      const [blue, dnaGrey] = await page.evaluate(async (id) => {
        const canvas = document.querySelector('#image-view canvas') as HTMLCanvasElement;
        const composite = canvas.getContext('2d')!.getImageData(0, 0, 64, 64).data;
        const img = new Image();
        img.src = `/images/${id}.png?channel=dna`;
        await img.decode();
        const scratch = Object.assign(document.createElement('canvas'), { width: 64, height: 64 });
        const context = scratch.getContext('2d')!;
        context.drawImage(img, 0, 0);
        const grey = context.getImageData(0, 0, 64, 64).data;
        return [Array.from({ length: 64 * 64 }, (_, i) => composite[i * 4 + 2]), Array.from({ length: 64 * 64 }, (_, i) => grey[i * 4])];
      }, imageId);
      expect(blue).toEqual(dnaGrey);
      await page.fill('#image-id', '999999999');
      await page.click('#image-form button');
      await page.waitForFunction(() => document.getElementById('image-note')?.textContent === 'no image 999999999');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await fs.rm(userDataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
