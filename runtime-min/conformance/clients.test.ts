/**
 * Real clients against fixtures/conformance (engine from COVET_ENGINE, like
 * conformance.test.ts): curl, Node's fetch (undici) and a short wrk run.
 * A missing curl or wrk is reported as a skip with the reason, not a pass.
 */
import { execFile, spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../../test/harness.ts';
import { APP_DIR, ENGINE, SERVER_ARGS } from './server.ts';
import { serves } from './wire.ts';

let app: RunningApp | undefined;

test.before(async () => {
  app = await startApp(APP_DIR, { engine: ENGINE, args: SERVER_ARGS });
});

test.after(async () => {
  await app?.stop();
});

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function skipUnless(cmd: string, why: string): boolean {
  if (have(cmd)) return false;
  console.log(`  skipped: ${cmd} is not installed (${why}; \`node scripts/setup.mjs\` as root installs it)`);
  return true;
}

// ---------------------------------------------------------------- curl

test('curl: two URLs in one call reuse one keep-alive connection', async () => {
  if (skipUnless('curl', 'curl client checks')) return;
  const r = await run('curl', ['-sS', '-v', `${app!.url}/`, `${app!.url}/request?second`]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '{"ok":true}{"method":"GET","path":"/request","query":"second"}');
  assert.match(r.stderr, /Re-using existing connection/i, r.stderr);
  assert.is((r.stderr.match(/Connected to /g) ?? []).length, 1, r.stderr);
});

test('curl --http1.0: answered, then the connection is closed', async () => {
  if (skipUnless('curl', 'curl client checks')) return;
  const r = await run('curl', ['-sS', '-i', '--http1.0', `${app!.url}/request?old`]);
  assert.is(r.code, 0, r.stderr);
  const [head, body] = r.stdout.split('\r\n\r\n');
  assert.match(head!, /^HTTP\/1\.1 200 OK/);
  assert.match(head!, /^connection: close$/im);
  assert.is(body, '{"method":"GET","path":"/request","query":"old"}');
});

test('curl: POST with Expect: 100-continue and a chunked body', async () => {
  if (skipUnless('curl', 'curl client checks')) return;
  const r = await run('curl', [
    '-sS', '-H', 'content-type: application/json', '-H', 'Expect: 100-continue', '-H', 'Transfer-Encoding: chunked',
    '--data-binary', '{"text":"from curl"}', `${app!.url}/echo`,
  ]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '{"text":"from curl","length":9}');
});

test('curl -I: HEAD shows the GET headers', async () => {
  if (skipUnless('curl', 'curl client checks')) return;
  const r = await run('curl', ['-sS', '-I', `${app!.url}/`]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^HTTP\/1\.1 200 OK/);
  assert.match(r.stdout, /^content-length: 11\r?$/im);
});

// ---------------------------------------------------------------- fetch (undici)

test('fetch: GET, POST, HEAD, 404, 405, 413 and 422', async () => {
  const base = app!.url;
  let res = await fetch(`${base}/request?via=fetch`);
  assert.is(res.status, 200);
  assert.equal(await res.json(), { method: 'GET', path: '/request', query: 'via=fetch' });
  res = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'fetched' }) });
  assert.equal(await res.json(), { text: 'fetched', length: 7 });
  res = await fetch(`${base}/`, { method: 'HEAD' });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-length'), '11');
  assert.is(await res.text(), '');
  res = await fetch(`${base}/nowhere`);
  assert.is(res.status, 404);
  await res.arrayBuffer();
  res = await fetch(`${base}/`, { method: 'PUT' });
  assert.is(res.status, 405);
  assert.is(res.headers.get('allow'), 'GET, HEAD');
  await res.arrayBuffer();
  res = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(600) }) });
  assert.is(res.status, 200);
  await res.arrayBuffer();
  res = await fetch(`${base}/sleep/-1`);
  assert.is(res.status, 422);
  await res.arrayBuffer();
  res = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(2000) }) });
  assert.is(res.status, 413);
  assert.equal(await res.json(), { detail: 'Payload Too Large' });
});

test('fetch: 50 concurrent requests over the keep-alive pool, each answered correctly', async () => {
  const results = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const res = await fetch(`${app!.url}/sleep/${(i * 7) % 40}`);
      return (await res.json()) as { slept: number };
    }),
  );
  assert.equal(results.map((r) => r.slept), Array.from({ length: 50 }, (_, i) => (i * 7) % 40));
});

test('fetch: an aborted request does not disturb the server', async () => {
  const controller = new AbortController();
  const pending = fetch(`${app!.url}/sleep/500`, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await pending.then(
    () => assert.unreachable('the fetch should have been aborted'),
    (err: Error) => assert.is(err.name, 'AbortError'),
  );
  await serves(app!.port);
});

// ---------------------------------------------------------------- wrk

test('wrk: a short keep-alive load run with no errors and no non-2xx answers', async () => {
  if (skipUnless('wrk', 'the load check')) return;
  const r = await run('wrk', ['-t2', '-c16', '-d1s', '--timeout', '2s', `${app!.url}/request?load`], 15_000);
  assert.is(r.code, 0, r.stderr + r.stdout);
  const total = /(\d+) requests in/.exec(r.stdout);
  assert.ok(total && Number(total[1]) > 500, r.stdout);
  assert.not.match(r.stdout, /Non-2xx|Socket errors/, r.stdout);
  await serves(app!.port);
});

test('clients left no handler failures behind', () => {
  assert.not.match(app!.output(), /failed:|Error/, app!.output());
});

test.run();
