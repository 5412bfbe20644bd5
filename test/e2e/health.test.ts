/**
 * The health routes over HTTP, on both engines (fixtures/health, whose readiness checks the test
 * drives through PUT /state): liveness, readiness with its checks (a failure, a timeout, the
 * cache that keeps a probe storm off the database), the methods, the OpenAPI document that leaves
 * them out, paths moved or turned off by covet.config.ts, and the build errors for a route at
 * their path or a path that cannot be theirs. Readiness during a drain is restarts.test.ts's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate } from '../../pipeline/build.ts';
import { DEFAULT_HEALTH } from '../../codegen/app/health.ts';
import { readConfig } from '../../pipeline/config.ts';
import { startApp, type RunningApp } from '../harness.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/health', import.meta.url));
/** A round of checks answers the probes of the next second (runtime-min/health.ts, CHECK_CACHE_MS). */
const PAST_CACHE_MS = 1_100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const engine of ['node', 'native'] as const) {
  const it = suite(`health routes, ${engine} engine`);
  let app: RunningApp | undefined;
  const get = async (target: string, init?: RequestInit) => {
    const r = await fetch(`${app!.url}${target}`, init);
    return { status: r.status, body: await r.text(), headers: r.headers };
  };
  const setState = (database: boolean, cacheDelayMs: number) =>
    get('/state', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ database, cacheDelayMs }) });

  it.before(async () => {
    app = await startApp(APP_DIR, { engine });
  });
  it.after(async () => {
    await app?.stop();
  });

  it('GET /healthz: 200 {"status":"ok"}, not cached; HEAD: no body; POST: 405 with Allow', async () => {
    const live = await get('/healthz');
    assert.is(live.status, 200);
    assert.is(live.body, '{"status":"ok"}');
    assert.is(live.headers.get('content-type'), 'application/json');
    assert.is(live.headers.get('cache-control'), 'no-store');
    const head = await get('/healthz', { method: 'HEAD' });
    assert.is(head.status, 200);
    assert.is(head.body, '');
    const post = await get('/healthz', { method: 'POST' });
    assert.is(post.status, 405);
    assert.is(post.headers.get('allow'), 'GET, HEAD');
    assert.is((await get('/healthz/')).status, 200, 'one trailing slash, as for any route');
    assert.is((await get('/healthz?probe=1')).status, 200, 'a query is ignored');
  });

  it('GET /readyz: 200 with every check; a failing check: 503 naming it and why; a slow one: timed out; then ready again', async () => {
    assert.equal(await get('/readyz').then((r) => [r.status, r.body]), [200, '{"status":"ready","checks":{"database":{"ok":true},"cache":{"ok":true}}}']);
    await setState(false, 0);
    await sleep(PAST_CACHE_MS);
    assert.equal(await get('/readyz').then((r) => [r.status, r.body]), [503, '{"status":"not ready","checks":{"database":{"ok":false,"error":"connection refused"},"cache":{"ok":true}}}']);
    await setState(true, 1_000);
    await sleep(PAST_CACHE_MS);
    const started = Date.now();
    assert.equal(await get('/readyz').then((r) => [r.status, r.body]), [503, '{"status":"not ready","checks":{"database":{"ok":true},"cache":{"ok":false,"error":"timed out after 200 ms"}}}']);
    assert.ok(Date.now() - started < 900, 'answered at the check\'s timeout, not when it finished');
    await setState(true, 0);
    await sleep(PAST_CACHE_MS);
    assert.is((await get('/readyz')).status, 200);
    assert.is((await get('/healthz')).status, 200, 'liveness never depended on the checks');
  });

  it('a storm of probes runs each check once per second: 50 concurrent /readyz, one database ping', async () => {
    await sleep(PAST_CACHE_MS);
    const before = JSON.parse((await get('/pings')).body).pings as number;
    const answers = await Promise.all(Array.from({ length: 50 }, () => get('/readyz')));
    assert.ok(answers.every((a) => a.status === 200));
    const after = JSON.parse((await get('/pings')).body).pings as number;
    assert.is(after - before, 1);
  });

  it('not in the OpenAPI document: they are the server\'s routes, not the API\'s', async () => {
    const doc = JSON.parse((await get('/openapi.json')).body) as { paths: Record<string, unknown> };
    assert.equal(Object.keys(doc.paths).sort(), ['/pings', '/sleep/{ms}', '/state']);
  });

  it.run();

  const moved = suite(`health routes moved and off (configs/paths.config.ts), ${engine} engine`);
  moved('liveness at /internal/alive, no readiness route: /healthz and /readyz are 404', async () => {
    const running = await startApp(APP_DIR, { engine, config: path.join(APP_DIR, 'configs', 'paths.config.ts') });
    try {
      const at = (target: string) => fetch(`${running.url}${target}`).then(async (r) => [r.status, await r.text()]);
      assert.equal(await at('/internal/alive'), [200, '{"status":"ok"}']);
      assert.equal((await at('/healthz'))[0], 404);
      assert.equal((await at('/readyz'))[0], 404);
    } finally {
      await running.stop();
    }
  });
  moved.run();
}

const build = suite('health routes at build time');

build('a route of the app at a health path is COVET911 at its handler, with the option that moves it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'covet-health-taken-'));
  try {
    writeFileSync(path.join(dir, 'app.ts'), "\n/** @route GET /readyz */\nexport function ready(): string {\n  return 'mine';\n}\n");
    const { ir, diagnostics } = generate(dir, { health: DEFAULT_HEALTH });
    assert.is(ir, null);
    assert.equal(
      diagnostics.map((d) => `${d.file}:${d.line} ${d.id} ${d.message} (${d.hint})`),
      ['app.ts:3 COVET911 ready: GET /readyz is at the path of the readiness route, which the server answers itself (move the route, or move the readiness route (health.readinessPath in covet.config.ts), or turn it off (health.readinessPath: false))'],
    );
    assert.ok(generate(dir, { health: { livenessPath: '/healthz', readinessPath: false } }).ir, 'turning readiness off resolves it');
    assert.ok(generate(dir, { health: { livenessPath: '/healthz', readinessPath: '/ready' } }).ir, 'so does moving it');
    assert.ok(generate(dir, {}).ir, 'without health routes (covet inspect) nothing clashes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

build('covet.config.ts: a health path that is no path, or is another route\'s, is COVET921 at its line', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'covet-health-config-'));
  try {
    const config = (health: string) => writeFileSync(path.join(dir, 'covet.config.ts'), `import { defineConfig } from 'covet';\n\nexport default defineConfig({\n  health: ${health},\n});\n`);
    const problems = async () => (await readConfig(dir, undefined)).diagnostics.map((d) => `${d.line} ${d.id} ${d.message}`);
    config("{ livenessPath: 'healthz' }");
    assert.match((await problems()).join('\n'), /^4 COVET921 health\.livenessPath is not a usable path \(it must start with "\/"/);
    config("{ livenessPath: '/docs' }");
    assert.match((await problems()).join('\n'), /^4 COVET921 health\.livenessPath is a path of the docs/);
    config("{ readinessPath: '/healthz' }");
    assert.match((await problems()).join('\n'), /^4 COVET921 health\.readinessPath is the path of the liveness route/);
    config('{ livenessPath: true }');
    assert.match((await problems()).join('\n'), /^4 COVET921 health\.livenessPath must be a path such as \/healthz, or false/);
    config('{ livenessPath: false, readinessPath: false }');
    assert.equal(await problems(), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

build.run();
