/**
 * The built todo-app serves its OpenAPI document at /openapi.json and Swagger UI at /docs, from
 * the files of its dist/, on the engine the suite builds with (docs.native.test.ts runs it on the
 * native one). On the node engine, which every machine has, a real browser (Debian's chromium,
 * headless, driven by playwright-core) also loads the page with every request outside the server
 * refused, finds the app's operations, runs "Try it out" on GET /health and sees 200; its
 * screenshot is kept in .covet/test-output/ (gitignored) and checked not to be blank.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildApp, defaultEngine, startServer, type RunningApp } from '../harness.ts';
import { generate } from '../../pipeline/build.ts';
import { DEFAULT_DOCS } from '../../codegen/app/docs.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const APP_DIR = path.join(REPO, 'fixtures', 'todo-app');
const OUTPUT = path.join(REPO, '.covet', 'test-output');
const CHROMIUM = '/usr/bin/chromium';
const engine = defaultEngine();
const dataDir = mkdtempSync(path.join(tmpdir(), 'covet-docs-'));

let app: RunningApp | undefined;
let dist = '';

test.before(async () => {
  const server = await buildApp(APP_DIR);
  dist = path.dirname(server);
  app = await startServer(server, { env: { TODO_DB: path.join(dataDir, 'todo.db'), TODO_SECRET: 'docs' } });
});

test.after(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function get(p: string, init?: RequestInit) {
  const res = await fetch(app!.url + p, init);
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

test(`GET /openapi.json answers dist/openapi.json as application/json (${engine} engine)`, async () => {
  const r = await get('/openapi.json');
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'application/json');
  assert.ok(r.body.equals(readFileSync(path.join(dist, 'openapi.json'))));
  const doc = JSON.parse(r.body.toString('utf8'));
  assert.is(doc.openapi, '3.1.0');
  assert.ok(doc.paths['/todos/{id}'].get.responses['404'], '@throws 404 is in the served document');
});

test(`GET /docs answers the Swagger UI page and its assets from dist/docs/, nothing from elsewhere (${engine} engine)`, async () => {
  for (const p of ['/docs', '/docs/']) {
    const page = await get(p);
    assert.is(page.status, 200, p);
    assert.is(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = page.body.toString('utf8');
    assert.not.match(html, /https?:\/\//, 'the page names no other origin');
    assert.match(html, /src="\/docs\/swagger-ui-bundle\.js"/);
  }
  for (const [file, type] of [
    ['swagger-ui.css', 'text/css; charset=utf-8'],
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['swagger-initializer.js', 'text/javascript; charset=utf-8'],
    ['favicon-32x32.png', 'image/png'],
  ] as const) {
    const r = await get(`/docs/${file}`);
    assert.is(r.status, 200, file);
    assert.is(r.headers.get('content-type'), type, file);
    assert.ok(r.body.equals(readFileSync(path.join(dist, 'docs', file))), `${file}: the bytes of dist/docs/${file}`);
  }
  assert.match(readFileSync(path.join(dist, 'docs', 'swagger-initializer.js'), 'utf8'), /url: "\/openapi\.json"/);
  const head = await get('/docs', { method: 'HEAD' });
  assert.is(head.status, 200);
  assert.is(head.body.length, 0);
  assert.is((await get('/docs/LICENSE')).status, 404, 'only the files the page loads are served');
  const post = await get('/docs', { method: 'POST' });
  assert.is(post.status, 405);
  assert.is(post.headers.get('allow'), 'GET, HEAD');
  assert.is((await get('/health')).status, 200, "the app's own routes are unchanged");
});

if (engine === 'node') {
  test('a route of the app at a docs path is COVET910 at its handler', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'covet-docs-taken-'));
    writeFileSync(path.join(dir, 'app.ts'), "\n/** @route GET /openapi.json */\nexport function spec(): string {\n  return 'mine';\n}\n");
    const { ir, emitted, diagnostics } = generate(dir, { docs: DEFAULT_DOCS });
    assert.is(ir, null);
    assert.is(emitted, null);
    assert.equal(
      diagnostics.map((d) => `${d.file}:${d.line} ${d.id} ${d.message}`),
      ['app.ts:3 COVET910 spec: GET /openapi.json is at the path of the OpenAPI document, which the server answers itself'],
    );
    assert.ok(generate(dir, { docs: { docsPath: '/docs', openapiPath: '/api/openapi.json' } }).ir, 'moving the document resolves it');
    rmSync(dir, { recursive: true, force: true });
  });

  test('covet build --docs-path refuses a path that is not one (usage error, exit 2)', () => {
    const r = spawnSync(process.execPath, ['bin/covet.mjs', 'build', 'fixtures/routing', '--docs-path', 'docs/:x'], { cwd: REPO, encoding: 'utf8' });
    assert.is(r.status, 2);
    assert.match(r.stderr, /docs\/:x is not a usable path: it must start with "\/"/);
  });

  test('Swagger UI in chromium: lists the operations, "Try it out" on GET /health gives 200, offline; screenshot not blank', async () => {
    if (!existsSync(CHROMIUM)) {
      console.log(`  skipped: no browser at ${CHROMIUM} (scripts/setup.mjs installs Debian's chromium)`);
      return;
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const elsewhere: string[] = [];
      const problems: string[] = [];
      // Offline: any request that is not to this server is refused and recorded.
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(app!.url + '/')) return route.continue();
        elsewhere.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${app!.url}/docs`);
      await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
      const doc = JSON.parse(readFileSync(path.join(dist, 'openapi.json'), 'utf8'));
      const operations = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((item) => Object.values(item));
      assert.is(await page.locator('.opblock').count(), operations.length, 'one block per operation');
      for (const id of ['listTodos', 'getTodo', 'createUser', 'health']) {
        assert.is(await page.locator(`[id$="-${id}"].opblock`).count(), 1, `operation ${id} is listed`);
      }
      const health = page.locator('[id$="-health"].opblock');
      await health.locator('.opblock-summary').click();
      await health.getByRole('button', { name: 'Try it out' }).click();
      await health.getByRole('button', { name: 'Execute' }).click();
      const status = health.locator(".live-responses-table tbody .response-col_status");
      await status.first().waitFor({ timeout: 30_000 });
      assert.is((await status.first().innerText()).trim(), '200');
      const body = await health.locator(".live-responses-table tbody .response-col_description").first().innerText();
      assert.match(body, /"status": "ok"/, body);
      mkdirSync(OUTPUT, { recursive: true });
      const shot = path.join(OUTPUT, 'docs.png');
      await status.first().scrollIntoViewIfNeeded(); // the shot shows the 200 in the response panel
      const png = await page.screenshot({ path: shot, fullPage: false });
      console.log(`  screenshot: ${path.relative(process.cwd(), shot)}`);
      assert.ok(png.length > 20_000, `a page, not a blank image (${png.length} bytes)`);
      // Distinct colours, counted by the browser from the PNG itself.
      const blank = await context.newPage();
      const colours = await blank.evaluate(async (data) => {
        // Runs in the browser (this project's types have no DOM lib).
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const { Image, document } = globalThis as any;
        const img = new Image();
        img.src = `data:image/png;base64,${data}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const g = canvas.getContext('2d');
        g.drawImage(img, 0, 0);
        const px: Uint8ClampedArray = g.getImageData(0, 0, img.width, img.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < px.length; i += 4) seen.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
        return seen.size;
      }, png.toString('base64'));
      assert.ok(colours > 50, `${colours} distinct colours`);
      assert.equal(elsewhere, [], 'the page asked for nothing outside the server');
      assert.equal(problems, [], 'no errors in the page');
    } finally {
      await browser.close();
    }
  });

  test('Swagger UI in chromium: Authorize with the OAuth2 password flow, then "Try it out" on GET /me/todos gives 200 (401 before)', async () => {
    if (!existsSync(CHROMIUM)) {
      console.log(`  skipped: no browser at ${CHROMIUM} (scripts/setup.mjs installs Debian's chromium)`);
      return;
    }
    const made = await fetch(`${app!.url}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Swagger', email: 'swagger@docs.test' }) });
    assert.is(made.status, 201);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const tokenRequests: { body: string; type: string }[] = [];
      const bearer: (string | undefined)[] = [];
      await context.route('**/*', (route) => {
        const request = route.request();
        if (!request.url().startsWith(app!.url + '/')) return route.abort();
        if (request.url() === `${app!.url}/token`) tokenRequests.push({ body: request.postData() ?? '', type: request.headers()['content-type'] ?? '' });
        if (request.url().startsWith(`${app!.url}/me/todos`)) bearer.push(request.headers()['authorization']);
        return route.continue();
      });
      const page = await context.newPage();
      await page.goto(`${app!.url}/docs`);
      const op = page.locator('[id$="-myTodos"].opblock');
      await op.waitFor({ timeout: 60_000 });
      // The lock icon: Swagger UI read the route's security from the document.
      assert.is(await op.locator('.authorization__btn').count(), 1, 'GET /me/todos shows its lock');
      await op.locator('.opblock-summary').click();
      await op.getByRole('button', { name: 'Try it out' }).click();
      const execute = async (): Promise<string> => {
        await op.getByRole('button', { name: 'Execute' }).click();
        const status = op.locator('.live-responses-table tbody .response-col_status').first();
        await status.waitFor({ timeout: 30_000 });
        return (await status.innerText()).trim();
      };
      assert.is(await execute(), '401', 'without authorizing');
      await op.getByRole('button', { name: 'Clear' }).click();

      await page.locator('.auth-wrapper .authorize').click();
      const modal = page.locator('.dialog-ux .modal-ux');
      await modal.locator('#oauth_username').fill('swagger@docs.test');
      await modal.locator('#oauth_password').fill('todo-demo');
      await modal.locator('button.modal-btn.authorize').click();
      await modal.locator('button.modal-btn', { hasText: 'Logout' }).waitFor({ timeout: 30_000 });
      await modal.locator('button.btn-done').click();
      assert.is(tokenRequests.length, 1, 'Authorize posted the token form once');
      assert.match(tokenRequests[0]!.type, /^application\/x-www-form-urlencoded/);
      const form = new URLSearchParams(tokenRequests[0]!.body);
      assert.is(form.get('grant_type'), 'password');
      assert.is(form.get('username'), 'swagger@docs.test');

      assert.is(await execute(), '200', 'after authorizing');
      const body = await op.locator('.live-responses-table tbody .response-col_description').first().innerText();
      assert.match(body, /"items": \[\]/, body);
      assert.is(bearer.length, 2);
      assert.is(bearer[0], undefined);
      assert.match(bearer[1] ?? '', /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    } finally {
      await browser.close();
    }
  });
}

test.run();
