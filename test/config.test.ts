/**
 * covet.config.ts end to end: fixtures/config (limits smaller than the defaults, docs off) built
 * with its config and served on the engine named by COVET_ENGINE (config.native.test.ts runs this
 * on the native engine), checked over HTTP; the environment over the config and a flag over
 * both; a wrong value in the environment failing the start. On the node engine only (they are
 * about the build, not the engine): a wrong config failing the build with its diagnostic, and
 * server.workers from the config under the supervisor.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build, formatDiagnostics } from '../pipeline/build-api.ts';
import { buildApp, defaultEngine, startServer, type RunningApp } from './harness.ts';

const APP_DIR = fileURLToPath(new URL('../fixtures/config', import.meta.url));
const ENGINE = defaultEngine();
let server: string;
let app: RunningApp;

test.before(async () => {
  server = await buildApp(APP_DIR);
  app = await startServer(server);
});

test.after(async () => {
  await app?.stop();
});

const echo = (url: string, length: number) =>
  fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(length) }) });
const pad = (url: string, length: number) => fetch(`${url}/pad`, { headers: { 'x-pad': 'x'.repeat(length) } });

test(`limits.maxBodySize 2048 from covet.config.ts: a larger body is 413, a smaller one served (${ENGINE})`, async () => {
  const small = await echo(app.url, 2000 - 11); // {"text":"…"} is 11 bytes more
  assert.is(small.status, 200);
  assert.equal(await small.json(), { length: 1989 });
  const big = await echo(app.url, 2048 - 10);
  assert.is(big.status, 413);
  assert.equal(await big.json(), { detail: 'Payload Too Large' });
  assert.is((await echo(app.url, 10)).status, 200, 'the server keeps serving');
});

test(`limits.maxHeaderSize 4096 from covet.config.ts: a larger head is 431, a smaller one served (${ENGINE})`, async () => {
  const small = await pad(app.url, 3000);
  assert.is(small.status, 200);
  assert.equal(await small.json(), { length: 3000 });
  const big = await pad(app.url, 4200);
  assert.is(big.status, 431);
  await big.arrayBuffer();
  // The default (16 KiB) would take 8000 bytes: the configured limit is the one in force.
  assert.is((await pad(app.url, 8000)).status, 431);
  assert.is((await pad(app.url, 10)).status, 200, 'the server keeps serving');
});

test(`limits.keepAliveTimeoutMs 1500: answers say timeout=1, an idle connection closes after it, well before the default 5 s (${ENGINE})`, async () => {
  const socket = net.connect(app.port, '127.0.0.1');
  let data = '';
  socket.setEncoding('latin1').on('data', (d: string) => (data += d));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  socket.write('GET /pad HTTP/1.1\r\nHost: config\r\n\r\n');
  for (let i = 0; i < 100 && !data.endsWith('{"length":0}'); i++) await new Promise((r) => setTimeout(r, 20));
  const answered = Date.now();
  assert.match(data, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(data, /\r\nkeep-alive: timeout=1\r\n/i);
  const at = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 4500))]);
  socket.destroy();
  assert.ok(at !== -1, 'the idle connection was still open after 4.5 s');
  assert.ok(at - answered >= 1000, `closed ${at - answered} ms after the answer, before the timeout`);
});

test(`docs.enabled false: no /docs, no /openapi.json (${ENGINE})`, async () => {
  assert.is((await fetch(`${app.url}/docs`)).status, 404);
  assert.is((await fetch(`${app.url}/openapi.json`)).status, 404);
});

test(`the environment overrides covet.config.ts, a flag overrides both (${ENGINE})`, async () => {
  const other = await startServer(server, { env: { COVET_MAX_BODY_SIZE: '65536', COVET_MAX_HEADER_SIZE: '2048' }, args: ['--max-header-size', '16384'] });
  try {
    assert.is((await echo(other.url, 10_000)).status, 200, 'COVET_MAX_BODY_SIZE over limits.maxBodySize');
    assert.is((await echo(other.url, 70_000)).status, 413);
    assert.is((await pad(other.url, 8000)).status, 200, '--max-header-size over COVET_MAX_HEADER_SIZE and limits.maxHeaderSize');
  } finally {
    await other.stop();
  }
});

test(`a wrong value in the environment: exit code 2, the option's name and what it takes (${ENGINE})`, () => {
  const r = spawnSync(process.execPath, [server, '--port', '0'], { env: { ...process.env, COVET_MAX_HEADER_SIZE: '4k' }, encoding: 'utf8', timeout: 20_000 });
  assert.is(r.status, 2, r.stderr);
  assert.ok(r.stderr.startsWith('covet: max header size must be a number of bytes from 1024 to 1048576, got "4k"\n'), r.stderr);
  assert.ok(r.stderr.includes('(from COVET_MAX_HEADER_SIZE; the option limits.maxHeaderSize in covet.config.ts'), r.stderr);
  const flag = spawnSync(process.execPath, [server, '--port', '0', '--shutdown-grace', 'soon'], { encoding: 'utf8', timeout: 20_000 });
  assert.is(flag.status, 2, flag.stderr);
  assert.match(flag.stderr, /^covet: shutdown grace must be a positive number of milliseconds, got "soon"\n {2}\(from --shutdown-grace; the option shutdown.graceMs/);
});

if (ENGINE === 'node') {
  /** A throwaway app folder with one route and this covet.config.ts. */
  const appWith = (config: string): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-config-'));
    writeFileSync(path.join(dir, 'app.ts'), "/** @route GET / */\nexport function root(): string {\n  return 'ok';\n}\n");
    writeFileSync(path.join(dir, 'covet.config.ts'), config);
    return dir;
  };

  test('a wrong value in covet.config.ts fails the build: COVET921 at the property, with what it takes', async () => {
    const dir = appWith(`import { defineConfig } from 'covet';

export default defineConfig({
  server: { workers: 0 },
  limits: {
    maxBodySize: -1,
    maxBodySise: 10,
  },
  docs: { path: 'docs' },
});
`);
    const report = await build({ app: dir, out: path.join(dir, 'dist'), engine: 'node' });
    assert.is(report.ok, false);
    assert.is(report.server, null);
    assert.fixture(
      formatDiagnostics(report, { cwd: dir }),
      `covet.config.ts:4:22 - error COVET921: server.workers must be a positive integer or auto (one per core), got 0
  fix: set server.workers to a positive integer or auto (one per core) (e.g. 4 or 'auto'), or remove it for the default

    3 | export default defineConfig({
  > 4 |   server: { workers: 0 },
      |                      ^
    5 |   limits: {

covet.config.ts:6:18 - error COVET921: limits.maxBodySize must be a number of bytes, got -1
  fix: set limits.maxBodySize to a number of bytes (e.g. 1048576), or remove it for the default

    5 |   limits: {
  > 6 |     maxBodySize: -1,
      |                  ^
    7 |     maxBodySise: 10,

covet.config.ts:7:5 - error COVET921: limits.maxBodySise is not an option of covet.config.ts
  fix: did you mean maxBodySize? the options here are maxBodySize, maxBodyMemory, maxHeaderSize, headersTimeoutMs, sendTimeoutMs, keepAliveTimeoutMs

    6 |     maxBodySize: -1,
  > 7 |     maxBodySise: 10,
      |     ^
    8 |   },

covet.config.ts:9:17 - error COVET921: docs.path is not a usable path (it must start with "/", e.g. /docs), got "docs"
  fix: set docs.path to a path such as /docs (e.g. '/docs'), or remove it for the default

     8 |   },
  >  9 |   docs: { path: 'docs' },
       |                 ^
    10 | });

covet: 4 errors; nothing was built
`,
    );
  });

  test('CORS and HSTS mistakes fail the build at the property: COVET922 to COVET926', async () => {
    const build1 = async (config: string) => {
      const dir = appWith(`import { defineConfig } from 'covet';\n\nexport default defineConfig(${config});\n`);
      const report = await build({ app: dir, out: path.join(dir, 'dist'), engine: 'node' });
      assert.is(report.ok, false, config);
      return report.diagnostics.map((d) => `${d.id} ${d.file}:${d.line}:${d.column} ${d.message} | ${d.hint}`);
    };
    assert.equal(await build1("{ cors: { origins: '*', credentials: true } }"), [
      "COVET922 covet.config.ts:3:66 cors.credentials is true with cors.origins '*': browsers refuse `Access-Control-Allow-Origin: *` on a request with credentials, and reflecting any origin instead would let every site act as the user | list the origins that may send credentials (origins: ['https://app.example.com']), or a RegExp or function that decides; or set credentials: false",
    ]);
    assert.equal(await build1("{ cors: { origins: ['https://app.example.com/', 'app.example.com', 'HTTPS://App.example.com:443'] } }"), [
      'COVET923 covet.config.ts:3:48 cors.origins has "HTTPS://App.example.com:443", which is not an origin: browsers write it in lower case and without the default port | write "https://app.example.com"',
      'COVET923 covet.config.ts:3:48 cors.origins has "app.example.com", which is not an origin: it has no scheme (https://) or is not a URL | write the origin as browsers send it in the Origin header: scheme, host and port only (e.g. \'https://app.example.com\', \'http://localhost:5173\')',
      'COVET923 covet.config.ts:3:48 cors.origins has "https://app.example.com/", which is not an origin: it ends with "/" | write "https://app.example.com"',
    ]);
    assert.equal((await build1('{ cors: { origins: /example\\.com$/g } }')).map((d) => d.split(' | ')[0]), [
      'COVET924 covet.config.ts:3:48 cors.origins is /example\\.com$/g, whose g or y flag makes test() remember where it stopped: the same origin would be allowed, then refused',
    ]);
    assert.equal((await build1('{ securityHeaders: { hsts: { maxAgeSec: 600, preload: true } } }')).map((d) => d.split(' | ')[0]), [
      'COVET925 covet.config.ts:3:56 securityHeaders.hsts has preload: true without includeSubDomains: true and a maxAgeSec of at least 31536000 (a year), which the HSTS preload list requires',
    ]);
    assert.equal((await build1('{ cors: { credentials: true } as never }')).map((d) => d.split(' | ')[0]), [
      'COVET926 covet.config.ts:3:31 cors has no origins: no page of another origin would be allowed',
    ]);
  });

  test('covet build --config names a file that is not there: a usage error (exit 2) that says so', () => {
    const r = spawnSync(process.execPath, [path.join(APP_DIR, '..', '..', 'bin', 'covet.mjs'), 'build', APP_DIR, '--config', 'no-such.config.ts'], { encoding: 'utf8' });
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, /option '--config <file>' argument 'no-such\.config\.ts' is invalid\. no-such\.config\.ts is not a file; pass the path of a covet\.config\.ts/);
  });

  test('a config file without a default export, or that throws: COVET920', async () => {
    const none = await build({ app: appWith('export const config = {};\n'), engine: 'node', out: path.join(os.tmpdir(), 'covet-config-none') });
    assert.equal(none.diagnostics.map((d) => `${d.id} ${d.file}:${d.line} ${d.message}`), ['COVET920 covet.config.ts:1 covet.config.ts has no default export']);
    const throws = await build({ app: appWith("throw new Error('no');\nexport default {};\n"), engine: 'node', out: path.join(os.tmpdir(), 'covet-config-throws') });
    assert.equal(throws.diagnostics.map((d) => `${d.id} ${d.message}`), ['COVET920 covet.config.ts cannot be read: it throws: no']);
  });

  test('server.workers from a config file (--config): the supervisor starts them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-config-workers-'));
    const config = path.join(dir, 'workers.config.ts');
    writeFileSync(config, "import { defineConfig } from 'covet';\nexport default defineConfig({ server: { workers: 2 }, engine: 'node' });\n");
    const report = await build({ app: APP_DIR, out: path.join(dir, 'dist'), config });
    assert.ok(report.ok, formatDiagnostics(report));
    assert.is(report.engine, 'node', "the config's engine");
    const supervised = await startServer(report.server!);
    try {
      assert.match(supervised.output(), /listening on http:\/\/127\.0\.0\.1:\d+ \(engine: node, 2 workers, pid \d+\)/);
      assert.is((await echo(supervised.url, 1000)).status, 200);
      // The file named is the config: the app folder's covet.config.ts (maxBodySize 2048) is not read.
      assert.is((await echo(supervised.url, 3000)).status, 200);
    } finally {
      assert.is(await supervised.stop(), 0);
    }
  });
}

test.run();
