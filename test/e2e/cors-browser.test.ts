/**
 * CORS in a real browser (Debian's chromium, headless, driven by playwright-core): a page served
 * by a second local server, on another origin, calls fixtures/cors built with CORS for that
 * origin (a RegExp of `http://localhost:<port>`, with credentials). Its GET, and its POST of JSON
 * (which the browser preflights), succeed and it reads the exposed x-request-id; the same page
 * from an origin the RegExp refuses (`http://127.0.0.1:<port>`), and any page against the same
 * app built without CORS, are blocked by the browser. On the engine COVET_ENGINE names
 * (cors-browser.native.test.ts: the native one).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultEngine, startApp, type RunningApp } from '../harness.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/cors', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const ENGINE = defaultEngine();
const dir = mkdtempSync(path.join(tmpdir(), 'covet-cors-browser-'));
const config = path.join(dir, 'browser.config.ts');
writeFileSync(config, "import { defineConfig } from 'covet';\n\nexport default defineConfig({ cors: { origins: /^http:\\/\\/localhost:\\d+$/, credentials: true, exposeHeaders: ['x-request-id'] } });\n");

let api: RunningApp | undefined;
let plain: RunningApp | undefined;
let pages: http.Server | undefined;
let pagePort = 0;

test.before(async () => {
  api = await startApp(APP_DIR, { config });
  plain = await startApp(APP_DIR, { config: fileURLToPath(new URL('../../fixtures/cors/configs/plain.config.ts', import.meta.url)) });
  // The other origin: a page that only exists to run the fetches.
  pages = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other origin</title><p>page</p>'));
  await new Promise<void>((resolve) => pages!.listen(0, '127.0.0.1', resolve));
  pagePort = (pages.address() as AddressInfo).port;
});

test.after(async () => {
  await api?.stop();
  await plain?.stop();
  await new Promise((resolve) => pages?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** What the page's fetches got: the answers, or the browser's TypeError. */
interface Seen {
  get: { status: number; requestId: string | null; body: unknown } | string;
  post: { status: number; body: unknown } | string;
}

const run = async (apiUrl: string) => {
  try {
    const r = await fetch(`${apiUrl}/items/1`, { credentials: 'include' });
    const get = { status: r.status, requestId: r.headers.get('x-request-id'), body: await r.json() };
    const listed = await fetch(`${apiUrl}/items`, { credentials: 'include' });
    get.requestId = listed.headers.get('x-request-id');
    let post: Seen['post'];
    try {
      const p = await fetch(`${apiUrl}/items`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'from the page' }) });
      post = { status: p.status, body: await p.json() };
    } catch (e) {
      post = String(e);
    }
    return { get, post };
  } catch (e) {
    return { get: String(e), post: 'not tried' };
  }
};

test(`a page of an allowed origin reads the answers and POSTs JSON through a preflight; others are blocked by the browser (${ENGINE})`, async () => {
  if (!existsSync(CHROMIUM)) {
    console.log(`  skipped: no browser at ${CHROMIUM} (scripts/setup.mjs installs Debian's chromium)`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    const from = async (origin: string, apiUrl: string): Promise<Seen> => {
      await page.goto(`${origin}/`);
      // The function runs in the page (its text is sent to the browser).
      return (await page.evaluate(`(${run.toString()})(${JSON.stringify(apiUrl)})`)) as Seen;
    };
    const allowed = await from(`http://localhost:${pagePort}`, api!.url);
    assert.equal(allowed.get, { status: 200, requestId: 'req-1', body: { id: 1, name: 'one' } }, JSON.stringify(allowed));
    assert.equal(allowed.post, { status: 201, body: { id: 2, name: 'from the page' } }, JSON.stringify(allowed));

    const refused = await from(`http://127.0.0.1:${pagePort}`, api!.url);
    assert.match(String(refused.get), /TypeError: Failed to fetch/, JSON.stringify(refused));

    const none = await from(`http://localhost:${pagePort}`, plain!.url);
    assert.match(String(none.get), /TypeError: Failed to fetch/, JSON.stringify(none));
    // The API itself answered each of them: the browser is what blocked the page.
    assert.is((await fetch(`${api!.url}/items/1`, { headers: { origin: `http://127.0.0.1:${pagePort}` } })).status, 200);
  } finally {
    await browser.close();
  }
});

test.run();
