/**
 * Providers and hooks end to end, over real sockets (COVET_ENGINE picks the engine; the .native
 * variant runs this suite on the C one): resolution order and once per request, a provider's 422
 * and 401, early Answers, cleanup order on success and failure, a cleanup that fails, onError
 * mapping, hooks that throw, onResponse's status and duration, async providers and hooks.
 *
 * The app is test/e2e/lifecycle-app, its dispatch generated from the IR written by hand beside it
 * (lifecycle-app/ir.ts) and bundled the way pipeline/build.ts bundles.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emitApp } from '../../codegen/app/index.ts';
import { NATIVE_ADDON } from '../../pipeline/build.ts';
import { defaultEngine, startServer, type RunningApp } from '../harness.ts';
import { ir } from './lifecycle-app/ir.ts';
import { client, expectBody, expectDetail, expectInvalid, expectStatus, waitForOutput } from './http.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const APP_DIR = fileURLToPath(new URL('./lifecycle-app', import.meta.url));
const engine = defaultEngine();

/** The generated module of the app, bundled into a temporary folder (with the addon beside it for the native engine). */
async function bundle(): Promise<string> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'covet-lifecycle-'));
  const { source } = emitApp(ir, { engine, version: '0.0.0-test' });
  const plugin: esbuild.Plugin = {
    name: 'covet-test',
    setup(b) {
      b.onResolve({ filter: /^covet:generated$/ }, () => ({ path: 'gen', namespace: 'gen' }));
      b.onLoad({ filter: /.*/, namespace: 'gen' }, () => ({ contents: source, resolveDir: APP_DIR, loader: 'js' }));
      b.onResolve({ filter: /^covet:runtime$/ }, () => ({ path: path.join(REPO, 'runtime-min/index.ts') }));
      b.onResolve({ filter: /^covet:app\// }, (args) => ({ path: path.join(APP_DIR, args.path.slice('covet:app/'.length)) }));
      b.onResolve({ filter: /^covet$/ }, () => ({ path: path.join(REPO, 'runtime-min/api.ts') }));
    },
  };
  const file = path.join(out, 'server.mjs');
  await esbuild.build({ stdin: { contents: 'import "covet:generated";', resolveDir: APP_DIR }, bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: file, plugins: [plugin], logLevel: 'silent' });
  if (engine === 'native') copyFileSync(NATIVE_ADDON, path.join(out, 'covet_runtime.node'));
  writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
  return file;
}

let app: RunningApp | undefined;
const call = client(() => app);
const ADA = { authorization: 'Bearer ada' };

/** What the providers and hooks did since the last look (GET /log empties it). */
async function log(): Promise<{ events: string[]; responses: { status: number; durationMs: number; route: string; method: string; error: string | null }[] }> {
  const reply = await call('GET', '/log');
  expectStatus(reply, 200);
  return reply.json;
}

test.before(async () => {
  app = await startServer(await bundle());
});

test.after(async () => {
  await app?.stop();
  app = undefined;
});

test('providers resolve in dependency order, each once per request, and reach the handler', async () => {
  await log();
  expectBody(await call('GET', '/me', { headers: { ...ADA, 'x-request-id': 'r-1' } }), 200, '{"name":"ada","team":"core","requestId":"r-1","path":"/me"}');
  // currentUser is asked for by team and by the handler: it runs once, before both.
  assert.equal((await log()).events, ['requestId', 'currentUser', 'team', 'me']);
  const reply = await call('GET', '/me', { headers: { authorization: 'Bearer bob' } });
  expectBody(reply, 200, '{"name":"bob","team":"guests","requestId":"generated","path":"/me"}');
  assert.is(reply.headers.get('x-request-id'), 'generated', 'the onRequest hook set a header through the Ctx the handler shares');
  await log();
});

test("a provider's header parameter: 422 with FastAPI's loc, before the provider runs", async () => {
  await log();
  expectInvalid(await call('GET', '/me'), [{ loc: ['header', 'authorization'], type: 'missing', msg: 'Field required' }]);
  const { events, responses } = await log();
  assert.equal(events, ['requestId'], 'the hook before it ran; currentUser, team and the handler did not');
  assert.is(responses[0]?.status, 422);
});

test("a provider's HttpError answers before the handler's body is validated (401, not 422), with its headers", async () => {
  await log();
  const reply = await call('POST', '/items', { headers: { authorization: 'Bearer eve' }, json: { name: '' } });
  expectDetail(reply, 401, 'not signed in');
  assert.is(reply.headers.get('www-authenticate'), 'Bearer');
  assert.equal((await log()).events, ['currentUser']);
  // Signed in, the same body is the handler's 422 (and the transaction, already begun, rolls back).
  expectInvalid(await call('POST', '/items', { headers: ADA, json: { name: '' } }), [{ loc: ['body', 'name'], type: 'string_too_short' }]);
  assert.equal((await log()).events, ['currentUser', 'begin', 'connect', 'release', 'rollback: HTTP 422']);
});

test('an onRequest hook answers early: 304 with its ETag and no body, else the handler runs', async () => {
  await log();
  const reply = await call('GET', '/cached', { headers: { 'if-none-match': '"v1"' } });
  expectStatus(reply, 304);
  assert.is(reply.headers.get('etag'), '"v1"');
  assert.is(reply.text, '');
  expectBody(await call('GET', '/cached'), 200, '{"version":"v1"}');
  const { events, responses } = await log();
  assert.equal(events, ['notModified', 'notModified']);
  assert.equal(responses.map((r) => r.status), [304, 200], 'onResponse saw the early answer too');
});

test('an early Answer redirects with a Location header and a JSON body', async () => {
  const reply = await call('GET', '/old', {});
  // fetch follows redirects by default; a 308 to /me then answers /me's 422 (no authorization)
  assert.ok(reply.status === 422, `followed the redirect to /me: ${reply.status}`);
  const raw = await fetch(app!.url + '/old', { redirect: 'manual' });
  assert.is(raw.status, 308);
  assert.is(raw.headers.get('location'), '/me');
  assert.is(await raw.text(), '{"detail":"moved"}');
  await log();
});

test('cleanup runs in reverse order after the handler: the transaction commits on success', async () => {
  await log();
  expectBody(await call('POST', '/items', { headers: ADA, json: { name: 'milk' } }), 200, '{"added":"milk"}');
  assert.equal((await log()).events, ['currentUser', 'begin', 'connect', 'addItem', 'release', 'commit']);
  const list = await call('GET', '/items');
  assert.ok((list.json as string[]).includes('milk by ada on 1'), list.text);
});

test('a handler error: cleanups see it (rollback, nothing committed), 500 with nothing leaked, logged with the route', async () => {
  await log();
  const reply = await call('POST', '/items', { headers: ADA, json: { name: 'eggs', fail: true } });
  expectDetail(reply, 500, 'Internal Server Error');
  assert.not.match(reply.text, /secret/);
  assert.equal((await log()).events, ['currentUser', 'begin', 'connect', 'addItem', 'release', 'rollback: secret handler detail']);
  const list = await call('GET', '/items');
  assert.not.ok((list.json as string[]).some((i) => i.startsWith('eggs')), 'the rolled-back item is not visible');
  const out = await waitForOutput(app!, (o) => o.includes('secret handler detail'));
  assert.match(out, /POST \/items \(addItem in routes\.ts:\d+\) failed: Error: secret handler detail/);
});

test('onError maps an error to an answer (409), after the rollback', async () => {
  await log();
  expectBody(await call('POST', '/items', { headers: ADA, json: { name: 'dup' } }), 409, '{"detail":"already there"}');
  const { events, responses } = await log();
  assert.equal(events, ['currentUser', 'begin', 'connect', 'addItem', 'release', 'rollback: dup']);
  assert.is(responses[0]?.status, 409);
  assert.is(responses[0]?.error, 'dup', 'onResponse sees the failure the hook mapped');
});

test('a cleanup that fails answers 500 with nothing leaked, logged with the provider', async () => {
  await log();
  const reply = await call('GET', '/leaky');
  expectDetail(reply, 500, 'Internal Server Error');
  assert.not.match(reply.text, /secret/);
  const out = await waitForOutput(app!, (o) => o.includes('secret cleanup detail'));
  assert.match(out, /GET \/leaky \(leakyRoute in routes\.ts:\d+\), in leaky \(db\.ts:\d+\), in its cleanup failed: Error: secret cleanup detail/);
  assert.is((await log()).responses[0]?.status, 500);
});

test('a hook that throws: 500 with nothing leaked, logged with the hook, and the server goes on serving', async () => {
  await log();
  const reply = await call('GET', '/hook-throws');
  expectDetail(reply, 500, 'Internal Server Error');
  assert.not.match(reply.text, /secret/);
  const out = await waitForOutput(app!, (o) => o.includes('secret hook detail') && o.includes('async hook failed after 500'));
  assert.match(out, /GET \/hook-throws \(hookThrows in routes\.ts:\d+\), in broken \(auth\.ts:\d+\) failed: Error: secret hook detail/);
  // The async onResponse hook's rejection is logged with the route and the hook, nothing else.
  assert.match(out, /GET \/hook-throws \(hookThrows in routes\.ts:\d+\), in rejects \(hooks\.ts:\d+\) failed: Error: async hook failed after 500/);
  expectBody(await call('GET', '/me', { headers: ADA }), 200, '{"name":"ada","team":"core","requestId":"generated","path":"/me"}');
  await log();
});

test('onResponse sees the status, the duration, the route and the method of a 200, a 422 and a 500', async () => {
  await log();
  await call('GET', '/me', { headers: ADA });
  await call('GET', '/me');
  await call('POST', '/items', { headers: ADA, json: { name: 'x', fail: true } });
  const { responses } = await log();
  assert.equal(
    responses.map((r) => [r.status, r.method, r.route, r.error]),
    [
      [200, 'GET', 'GET /me', null],
      [422, 'GET', 'GET /me', 'HTTP 422'],
      [500, 'POST', 'POST /items', 'secret handler detail'],
    ],
  );
  // /me waits 5 ms in its async provider: the duration covers it (and is a plain number).
  assert.ok(responses.every((r) => typeof r.durationMs === 'number' && r.durationMs >= 0));
  assert.ok(responses[0]!.durationMs >= 4, `duration ${responses[0]!.durationMs}`);
});

test('a malformed body in a route with cleanups: 400, and the transaction rolls back', async () => {
  await log();
  const reply = await call('POST', '/items', { headers: { ...ADA, 'content-type': 'application/json' }, body: '{"name":' });
  expectStatus(reply, 400);
  assert.match(reply.json.detail, /^Malformed JSON in request body: /);
  const { events } = await log();
  assert.equal(events.slice(0, 4), ['currentUser', 'begin', 'connect', 'release']);
  assert.match(events[4]!, /^rollback: Malformed JSON/);
});

test('providers and parameters named like the generated code (a default export, __covet_rt, failure, at, performance, reply_…) stay data', async () => {
  const reply = await call('GET', '/names?at=q&performance=p', { headers: { 'x-failure': 'f', 'x-reply': 'r' } });
  expectBody(reply, 200, '{"failure":"f/q","status":"GET","performance":"p","reply":"r"}');
  expectInvalid(await call('GET', '/names'), [{ loc: ['header', 'x-failure'], type: 'missing', msg: 'Field required' }]);
});

test('generated dispatch: a route whose graph is all sync is a sync function, one with an async provider is async', () => {
  const { source } = emitApp(ir, { engine: 'node', version: '0' });
  assert.match(source, /\nfunction route_cached\(req, res\) \{/);
  assert.match(source, /\nasync function route_me\(req, res\) \{/);
  assert.match(source, /\nfunction route_items\(req, res\) \{\n  try \{\n    reply_200_unknown\(res, items_handler\(\), null\);/, 'a route without a lifecycle is generated as before');
});

test.run();
