/**
 * fixtures/lifecycle end to end, over real sockets (COVET_ENGINE picks the engine; the .native
 * variant runs this suite on the C one): providers resolved in order and once per request, a
 * provider's 422 and 401, early Answers, cleanup order on success and on failure, a cleanup that
 * fails, onError mapping, hooks that throw, onResponse's status and duration, async providers and
 * hooks. The app records what ran; GET /log hands the record out and empties it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppIR } from '../../ir/ir.ts';
import { emitApp } from '../../codegen/app/index.ts';
import { startApp, type RunningApp } from '../harness.ts';
import { client, expectBody, expectDetail, expectInvalid, expectStatus, waitForOutput } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/lifecycle', import.meta.url));

let app: RunningApp | undefined;
const call = client(() => app);
const ALICE = { authorization: 'Bearer alice', 'x-request-id': 'r1' };

/** What ran since the last look. */
async function log(): Promise<string[]> {
  const reply = await call('GET', '/log');
  expectStatus(reply, 200);
  return reply.json;
}

test.before(async () => {
  app = await startApp(APP_DIR);
});

test.after(async () => {
  await app?.stop();
  app = undefined;
});

test('hooks and providers resolve in dependency order, each once per request (currentUser is asked for four times)', async () => {
  await log();
  const reply = await call('GET', '/accounts/1?limit=5', { headers: { ...ALICE, cookie: 'sid=s1' } });
  expectBody(reply, 200, '{"id":1,"owner":"alice","balance":100,"theme":"light","session":"s1","limit":5,"offset":0,"requestId":"r1"}');
  assert.is(reply.headers.get('x-request-id'), 'r1', 'the onRequest hook set a header through the Ctx the handler shares');
  assert.equal(await log(), ['requestId r1', 'currentUser', 'signedIn alice', 'account 1', 'pagination 5 0', 'settings', 'session s1', 'getAccount', 'timing GET /accounts/:accountId 200']);
});

test("a provider's required header: 422 with FastAPI's loc, before the provider runs", async () => {
  await log();
  expectInvalid(await call('GET', '/edge/key'), [{ loc: ['header', 'x-api-key'], type: 'missing', msg: 'Field required' }]);
  assert.equal(await log(), ['requestId none', 'teapot HTTP 422', 'measured GET GET /edge/key 422 ms HTTP 422', 'timing GET /edge/key 422']);
  expectBody(await call('GET', '/edge/key', { headers: { 'x-api-key': 'k1' } }), 200, '{"key":"k1"}');
  await log();
});

test("a provider's query parameters: 422 with every failure of that provider", async () => {
  expectInvalid(await call('GET', '/accounts/1?limit=0&offset=-1', { headers: ALICE }), [
    { loc: ['query', 'limit'], type: 'greater_than_equal' },
    { loc: ['query', 'offset'], type: 'greater_than_equal' },
  ]);
  await log();
});

test("a provider's HttpError answers before the handler's body is validated (401, not 422), with its headers", async () => {
  await log();
  const reply = await call('POST', '/edge/items', { headers: { 'x-api-key': 'wrong' }, json: { name: '' } });
  expectDetail(reply, 401, 'bad key');
  assert.is(reply.headers.get('www-authenticate'), 'ApiKey');
  assert.equal(await log(), ['requestId none', 'apiKey', 'teapot bad key', 'measured POST POST /edge/items 401 ms bad key', 'timing POST /edge/items 401']);
  // With the key, the same body is the handler's 422, and the staging, already begun, rolls back.
  expectInvalid(await call('POST', '/edge/items', { headers: { 'x-api-key': 'k1' }, json: { name: '' } }), [{ loc: ['body', 'name'], type: 'string_too_short' }]);
  assert.equal((await log()).slice(0, 3), ['requestId none', 'apiKey', 'staging rollback HTTP 422']);
});

test('an onRequest hook answers early: 304 with its ETag and no body; the handler and later providers do not run', async () => {
  await log();
  const reply = await call('GET', '/cached', { headers: { 'if-none-match': '"v1"' } });
  expectStatus(reply, 304);
  assert.is(reply.headers.get('etag'), '"v1"');
  assert.is(reply.text, '');
  assert.equal(await log(), ['requestId none', 'timing GET /cached 304']);
  expectBody(await call('GET', '/cached'), 200, '{"version":"v1"}');
  assert.equal(await log(), ['requestId none', 'cached', 'timing GET /cached 200']);
});

test('an early Answer redirects: 308 with its Location and JSON body', async () => {
  await log();
  const reply = await fetch(`${app!.url}/moved`, { redirect: 'manual' });
  assert.is(reply.status, 308);
  assert.is(reply.headers.get('location'), '/cached');
  assert.is(reply.headers.get('content-type'), 'application/json');
  assert.is(await reply.text(), '{"detail":"moved"}');
  assert.equal(await log(), ['requestId none', 'timing GET /moved 308']);
});

test('an app hook answers before anything else: 503 with Retry-After and the Ctx headers, nothing after it runs', async () => {
  await log();
  const reply = await call('POST', '/accounts/1/transfers', { headers: { ...ALICE, 'x-maintenance': 'on' }, json: { to: 2, amount: 1 } });
  expectDetail(reply, 503, 'down for maintenance');
  assert.is(reply.headers.get('retry-after'), '60');
  assert.is(reply.headers.get('x-request-id'), 'r1', 'an Answer carries the headers set with ctx.setHeader before it');
  assert.equal(await log(), ['requestId r1', 'maintenance answers 503', 'timing POST /accounts/:accountId/transfers 503']);
});

test('cleanups run in reverse order after the handler, before the answer: the commit on success', async () => {
  await log();
  expectBody(await call('POST', '/accounts/1/transfers', { headers: ALICE, json: { to: 2, amount: 10 } }), 201, '{"tx":1,"balance":90}');
  assert.equal(await log(), [
    'requestId r1', 'currentUser', 'signedIn alice', 'account 1', 'transaction begin alice', 'audit open', 'lock',
    'transfer 10', 'lock release', 'audit close 1', 'transaction commit 1->2:10', 'timing POST /accounts/:accountId/transfers 201',
  ]);
});

test('a handler error: the cleanups see it (rollback), onError hooks are asked (module, then app), 409', async () => {
  await log();
  expectDetail(await call('POST', '/accounts/1/transfers', { headers: ALICE, json: { to: 2, amount: 1000 } }), 409, 'balance 100 is below 1000');
  assert.equal(await log(), [
    'requestId r1', 'currentUser', 'signedIn alice', 'account 1', 'transaction begin alice', 'audit open', 'lock', 'transfer 1000',
    'lock release', 'audit close 1', 'transaction rollback balance 100 is below 1000', 'conflict', 'timing POST /accounts/:accountId/transfers 409',
  ]);
  // The module's hook passes; the app's maps a TeapotError to an Answer.
  expectDetail(await call('POST', '/accounts/1/transfers', { headers: ALICE, json: { to: 2, amount: 418 } }), 418, "I'm a teapot");
  assert.equal((await log()).slice(-3), ['conflict', 'teapot teapot', 'timing POST /accounts/:accountId/transfers 418']);
});

test('a transaction-like provider: committed on success, rolled back on a handler error, seen through another route; 500 with nothing leaked', async () => {
  await log();
  expectBody(await call('POST', '/edge/items', { headers: { 'x-api-key': 'k1' }, json: { name: 'milk' } }), 200, '{"staged":1}');
  const failed = await call('POST', '/edge/items', { headers: { 'x-api-key': 'k1' }, json: { name: 'eggs', fail: true } });
  expectDetail(failed, 500, 'Internal Server Error');
  assert.not.match(failed.text, /secret/);
  expectBody(await call('GET', '/edge/items'), 200, '["milk"]');
  const entries = await log();
  assert.ok(entries.includes('staging commit milk'), entries.join('\n'));
  assert.ok(entries.includes('staging rollback secret handler detail'), entries.join('\n'));
  assert.ok(entries.includes('measured POST POST /edge/items 500 ms secret handler detail'), 'onResponse saw the 500 and its error');
  const out = await waitForOutput(app!, (o) => o.includes('secret handler detail'));
  assert.match(out, /POST \/edge\/items \(addItem in edge\.ts:\d+\) failed: Error: secret handler detail/);
});

test('a cleanup that fails answers 500 with nothing leaked, logged with the route and the provider', async () => {
  const reply = await call('GET', '/broken/cleanup');
  expectDetail(reply, 500, 'Internal Server Error');
  assert.not.match(reply.text, /secret/);
  const out = await waitForOutput(app!, (o) => o.includes('secret cleanup detail'));
  assert.match(out, /GET \/broken\/cleanup \(brokenCleanup in broken\.ts:\d+\), in leaky \(broken\.ts:\d+\), in its cleanup failed: Error: secret cleanup detail/);
  await log();
});

test('a hook that throws: 500 with nothing leaked, logged with the hook; an async onResponse rejection is logged; the server goes on', async () => {
  await log();
  const reply = await call('GET', '/broken', { headers: { 'x-break': 'hook' } });
  expectDetail(reply, 500, 'Internal Server Error');
  assert.not.match(reply.text, /secret/);
  const out = await waitForOutput(app!, (o) => o.includes('secret hook detail') && o.includes('rejected after GET /broken 500'));
  assert.match(out, /GET \/broken \(broken in broken\.ts:\d+\), in fragile \(broken\.ts:\d+\) failed: Error: secret hook detail/);
  assert.match(out, /GET \/broken \(broken in broken\.ts:\d+\), in rejects \(broken\.ts:\d+\) failed: Error: rejected after GET \/broken 500/);
  assert.equal(await log(), ['requestId none', 'teapot secret hook detail', 'timing GET /broken 500']);
  expectBody(await call('GET', '/broken'), 200, '{"ok":true}');
  expectBody(await call('GET', '/plain'), 200, '"plain"');
  await log();
});

test('onResponse sees the status, a duration, the route, the method and the error of a 200, a 422 and a 500', async () => {
  await log();
  await call('GET', '/edge/key', { headers: { 'x-api-key': 'k1' } });
  await call('GET', '/edge/key');
  await call('POST', '/edge/items', { headers: { 'x-api-key': 'k1' }, json: { name: 'x', fail: true } });
  const measured = (await log()).filter((e) => e.startsWith('measured'));
  assert.equal(measured, [
    'measured GET GET /edge/key 200 ms -',
    'measured GET GET /edge/key 422 ms HTTP 422',
    'measured POST POST /edge/items 500 ms secret handler detail',
  ]);
});

test('a malformed body in a route with cleanups: 400, and the staging rolls back', async () => {
  await log();
  const reply = await call('POST', '/edge/items', { headers: { 'x-api-key': 'k1', 'content-type': 'application/json' }, body: '{"name":' });
  expectStatus(reply, 400);
  assert.match(reply.json.detail, /^Malformed JSON in request body: /);
  assert.ok((await log()).some((e) => e.startsWith('staging rollback Malformed JSON')));
});

test('a provider and parameters named like the generated code (__covet_rt, failure, at, performance, reply_…) stay data', async () => {
  expectBody(await call('GET', '/odd?at=q&performance=p', { headers: { 'x-failure': 'f', 'x-reply': 'r' } }), 200, '{"failure":"f/q","performance":"p","reply":"r"}');
  expectInvalid(await call('GET', '/odd'), [{ loc: ['header', 'x-failure'], type: 'missing', msg: 'Field required' }]);
  await log();
});

test('the dispatch: sync where the graph is, async where a provider is; a route without a lifecycle unchanged', () => {
  const ir = JSON.parse(readFileSync(new URL('../../fixtures/lifecycle/expected/ir.json', import.meta.url), 'utf8')) as AppIR;
  const { source } = emitApp(ir, { engine: 'node', version: '0' });
  assert.match(source, /\nfunction route_cached\(req, res\) \{/);
  assert.match(source, /\nasync function route_getAccount\(req, res, path_accountId\) \{/);
  const plain = { ...ir, routes: ir.routes.filter((r) => r.id === 'plain').map(({ lifecycle: _, ...r }) => r) };
  assert.match(emitApp(plain, { engine: 'node', version: '0' }).source, /\nfunction route_plain\(req, res\) \{\n  try \{\n    reply_\w+\(res, plain_handler\(\), null\);/);
});

test.run();
