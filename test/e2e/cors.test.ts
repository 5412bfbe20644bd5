/**
 * fixtures/cors end to end, on the engine COVET_ENGINE names (cors.native.test.ts runs it on the
 * native one): CORS and the security headers of covet.config.ts over real HTTP, with curl (the
 * raw header block) and undici (what a client sees). The fixture's own config is a list of
 * origins with credentials and HSTS; configs/*.config.ts are the other kinds (any origin, a
 * RegExp, a function, and none of it: the bytes of a server without CORS or security headers).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'undici';
import { buildApp, defaultEngine, startApp, type RunningApp } from '../harness.ts';
import { curl, type CurlReply } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/cors', import.meta.url));
const ENGINE = defaultEngine();
const config = (name: string) => fileURLToPath(new URL(`../../fixtures/cors/configs/${name}.config.ts`, import.meta.url));

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

/** The security headers every answer carries by default, in the order they are written, and HSTS as the fixture configures it. */
const SECURITY: [string, string][] = [
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
  ['cross-origin-opener-policy', 'same-origin'],
  ['cross-origin-resource-policy', 'same-origin'],
  ['referrer-policy', 'no-referrer'],
  ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
];

let app: RunningApp | undefined;
const apps: RunningApp[] = [];

async function start(name?: string): Promise<RunningApp> {
  const a = await startApp(APP_DIR, name ? { config: config(name) } : {});
  apps.push(a);
  return a;
}

test.before(async () => {
  app = await start();
});

test.after(async () => {
  for (const a of apps) await a.stop();
});

/** `curl` against the app, with headers. */
function get(target: string, headers: Record<string, string> = {}, method = 'GET', base = app!.url): Promise<CurlReply> {
  return curl(base, target, ['-X', method, ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`])]);
}

const preflight = (target: string, origin: string, method: string, extra: Record<string, string> = {}, base?: string) =>
  get(target, { origin, 'access-control-request-method': method, ...extra }, 'OPTIONS', base);

/** Every header of a name (curl keeps repeats). */
const all = (r: CurlReply, name: string) => r.headers.filter(([n]) => n === name).map(([, v]) => v);
/** The names of the CORS headers an answer has. */
const corsNames = (r: CurlReply) => r.headers.map(([n]) => n).filter((n) => n.startsWith('access-control-'));

function allowedActual(r: CurlReply, origin: string): void {
  assert.equal(all(r, 'access-control-allow-origin'), [origin], r.headers.join('\n'));
  assert.equal(all(r, 'access-control-allow-credentials'), ['true']);
  assert.equal(all(r, 'access-control-expose-headers'), ['x-request-id']);
  assert.equal(all(r, 'vary'), ['Origin']);
}

// ---------------------------------------------------------------- a list of origins, with credentials

test(`an allowed origin's answer carries its CORS headers, Vary: Origin and the security headers (${ENGINE})`, async () => {
  const r = await get('/items', { origin: APP });
  assert.is(r.status, 200);
  allowedActual(r, APP);
  assert.is(r.header('x-request-id'), 'req-1');
  for (const [name, value] of SECURITY) assert.equal(all(r, name), [value], name);
  // undici reads the same
  const u = await request(`${app!.url}/items`, { headers: { origin: 'http://localhost:5173' } });
  await u.body.text();
  assert.is(u.headers['access-control-allow-origin'], 'http://localhost:5173');
  assert.is(u.headers['access-control-allow-credentials'], 'true');
  assert.is(u.headers.vary, 'Origin');
});

test(`a disallowed origin, an origin that is only close, "null" and no Origin: no CORS header, the same status, and still Vary: Origin (${ENGINE})`, async () => {
  for (const origin of [EVIL, 'https://app.example.com.evil.net', 'http://app.example.com', 'https://APP.example.com', 'null', `${APP} x`, undefined]) {
    const r = await get('/items', origin === undefined ? {} : { origin });
    assert.is(r.status, 200, String(origin));
    assert.equal(corsNames(r), [], `${origin}: ${r.headers.join('\n')}`);
    assert.equal(all(r, 'vary'), ['Origin'], String(origin));
    assert.is(r.json[0].name, 'one');
  }
});

test(`every answer of an allowed origin carries the CORS headers: 201, 204, HttpError 404, unknown path 404, 405, 422, 400, 500 (${ENGINE})`, async () => {
  const cases: [string, string, string[], number][] = [
    ['POST', '/items', ['-H', 'content-type: application/json', '--data', '{"name":"two"}'], 201],
    ['DELETE', '/items/99', [], 204],
    ['GET', '/items/99', [], 404],
    ['GET', '/no/such/path', [], 404],
    ['PUT', '/items', [], 405],
    ['POST', '/items', ['-H', 'content-type: application/json', '--data', '{"name":7}'], 422],
    ['POST', '/items', ['-H', 'content-type: application/json', '--data', '{"name":'], 400],
    ['GET', '/crash', [], 500],
  ];
  for (const [method, target, args, status] of cases) {
    const r = await curl(app!.url, target, ['-X', method, '-H', `origin: ${APP}`, ...args]);
    assert.is(r.status, status, `${method} ${target}: ${r.text}`);
    allowedActual(r, APP);
    for (const [name, value] of SECURITY) assert.equal(all(r, name), [value], `${method} ${target} ${name}`);
    if (status === 405) assert.is(r.header('allow'), 'GET, HEAD, POST');
  }
  // And a disallowed origin's errors carry none of them.
  const bad = await get('/no/such/path', { origin: EVIL });
  assert.is(bad.status, 404);
  assert.equal(corsNames(bad), []);
});

test(`a preflight is answered 204 with the path's exact methods, never reaching a handler (${ENGINE})`, async () => {
  const r = await preflight('/items', APP, 'POST', { 'access-control-request-headers': 'Content-Type, X-Custom' });
  assert.is(r.status, 204);
  assert.is(r.text, '');
  assert.equal(all(r, 'access-control-allow-origin'), [APP]);
  assert.equal(all(r, 'access-control-allow-methods'), ['GET, HEAD, POST']);
  assert.equal(all(r, 'access-control-allow-headers'), ['Content-Type, X-Custom'], 'the requested headers, reflected');
  assert.equal(all(r, 'access-control-allow-credentials'), ['true']);
  assert.equal(all(r, 'access-control-max-age'), ['300']);
  assert.equal(all(r, 'vary'), ['Access-Control-Request-Headers, Origin']);
  assert.equal(all(r, 'access-control-expose-headers'), [], 'an actual answer\'s header, not a preflight\'s');
  // A path with params, and its own OPTIONS route: the preflight still never reaches it.
  const item = await preflight('/items/1', 'http://localhost:5173', 'DELETE');
  assert.is(item.status, 204);
  assert.is(item.text, '');
  assert.equal(all(item, 'access-control-allow-methods'), ['DELETE, GET, HEAD, OPTIONS']);
  assert.equal(all(item, 'access-control-allow-headers'), [], 'none asked, none given');
  const crash = await preflight('/crash', APP, 'GET');
  assert.is(crash.status, 204);
  assert.equal(all(crash, 'access-control-allow-methods'), ['GET, HEAD']);
});

test(`a preflight of a disallowed origin gets no CORS header and the answer it would without CORS (${ENGINE})`, async () => {
  const r = await preflight('/items', EVIL, 'POST');
  assert.is(r.status, 405);
  assert.is(r.header('allow'), 'GET, HEAD, POST');
  assert.equal(corsNames(r), []);
  const own = await preflight('/items/1', EVIL, 'DELETE');
  assert.is(own.status, 200, 'the OPTIONS route answers it');
  assert.equal(own.json, { id: 1, options: 'GET, DELETE' });
  assert.equal(corsNames(own), []);
  // Not a preflight (no Access-Control-Request-Method): the route, with the actual answer's CORS headers.
  const plain = await get('/items/1', { origin: APP }, 'OPTIONS');
  assert.is(plain.status, 200);
  assert.equal(plain.json, { id: 1, options: 'GET, DELETE' });
  assert.equal(all(plain, 'access-control-allow-origin'), [APP]);
  assert.equal(all(plain, 'vary'), ['Accept, Origin'], "the route's Vary and CORS's, joined");
  const noRoute = await get('/items', { origin: APP }, 'OPTIONS');
  assert.is(noRoute.status, 405);
  assert.equal(all(noRoute, 'access-control-allow-origin'), [APP]);
  // A preflight at a path that does not exist: 404 (the browser fails it).
  assert.is((await preflight('/nope', APP, 'GET')).status, 404);
});

test(`the docs page keeps its own Content-Security-Policy, one of it; the document has the API's (${ENGINE})`, async () => {
  const page = await get('/docs');
  assert.is(page.status, 200);
  const csp = all(page, 'content-security-policy');
  assert.is(csp.length, 1, csp.join(' | '));
  assert.match(csp[0]!, /^default-src 'self'; script-src 'self'/);
  assert.equal(all(page, 'x-content-type-options'), ['nosniff']);
  const doc = await get('/openapi.json');
  assert.equal(all(doc, 'content-security-policy'), [SECURITY[0]![1]]);
});

test(`the header block of an allowed origin's answer, in order (${ENGINE})`, async () => {
  const r = await get('/items/1', { origin: APP });
  const names = r.headers.map(([n]) => n).filter((n) => !['date', 'connection', 'keep-alive'].includes(n));
  const fixed = [...SECURITY.map(([n]) => n), 'vary', 'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers'];
  // The native engine writes the prepared block after server and date; the node one hands the
  // fixed lines to node:http as text after the status line (its own pairs it checks per answer).
  assert.equal(names, ENGINE === 'native' ? ['server', 'content-type', ...fixed, 'content-length'] : [...fixed, 'server', 'content-type', 'content-length']);
});

// ---------------------------------------------------------------- the other kinds of origins

test(`origins '*': the same headers for every origin, fixed (no Vary); methods and allowHeaders as configured (${ENGINE})`, async () => {
  const any = await start('any');
  for (const origin of [APP, EVIL, undefined]) {
    const r = await get('/items/99', origin === undefined ? {} : { origin }, 'GET', any.url);
    assert.is(r.status, 404);
    assert.equal(all(r, 'access-control-allow-origin'), ['*']);
    assert.equal(all(r, 'access-control-allow-credentials'), []);
    assert.equal(all(r, 'vary'), []);
    // The default security headers, without HSTS (not configured here).
    assert.equal(all(r, 'strict-transport-security'), []);
    assert.equal(all(r, 'x-frame-options'), ['DENY']);
  }
  const p = await preflight('/items', EVIL, 'POST', { 'access-control-request-headers': 'x-other' }, any.url);
  assert.is(p.status, 204);
  assert.equal(all(p, 'access-control-allow-origin'), ['*']);
  assert.equal(all(p, 'access-control-allow-methods'), ['GET, POST'], 'the path\'s methods among the configured ones');
  assert.equal(all(p, 'access-control-allow-headers'), ['content-type, x-api-key'], 'the configured list, not the requested one');
  assert.equal(all(p, 'vary'), []);
  assert.equal(all(p, 'access-control-max-age'), ['600']);
  const item = await preflight('/items/1', APP, 'DELETE', {}, any.url);
  assert.equal(all(item, 'access-control-allow-methods'), ['GET'], 'DELETE is not a configured method');
});

test(`origins as a RegExp; securityHeaders changed (X-Frame-Options SAMEORIGIN, no CSP) (${ENGINE})`, async () => {
  const pattern = await start('pattern');
  const ok = await get('/items', { origin: 'https://shop.example.com' }, 'GET', pattern.url);
  assert.equal(all(ok, 'access-control-allow-origin'), ['https://shop.example.com']);
  assert.equal(all(ok, 'access-control-allow-credentials'), []);
  assert.equal(all(ok, 'vary'), ['Origin']);
  assert.equal(all(ok, 'x-frame-options'), ['SAMEORIGIN']);
  assert.equal(all(ok, 'content-security-policy'), []);
  for (const origin of ['https://shop.example.com.evil.net', 'http://shop.example.com', 'https://example.com']) {
    const r = await get('/items', { origin }, 'GET', pattern.url);
    assert.equal(corsNames(r), [], origin);
  }
});

test(`origins as a function of covet.config.ts, which the server imports; a hostile origin is never written back (${ENGINE})`, async () => {
  const fn = await start('function');
  for (const origin of ['https://partner.example.org', 'https://a.trusted.test']) {
    const r = await get('/items', { origin }, 'GET', fn.url);
    assert.equal(all(r, 'access-control-allow-origin'), [origin]);
    assert.equal(all(r, 'access-control-allow-credentials'), ['true']);
  }
  // The function would say yes to these; their text cannot be an origin, so it is never asked.
  for (const origin of ['evil x.trusted.test', 'https://evil.net,https://a.trusted.test']) {
    const r = await get('/items', { origin }, 'GET', fn.url);
    assert.is(r.status, 200);
    if (origin.includes(' ')) assert.equal(corsNames(r), [], origin);
    else assert.equal(all(r, 'access-control-allow-origin'), [origin], 'one field value, written as received');
  }
  const p = await preflight('/items', 'https://partner.example.org', 'POST', {}, fn.url);
  assert.is(p.status, 204);
  assert.equal(all(p, 'access-control-allow-origin'), ['https://partner.example.org']);
});

test(`securityHeaders: false and no cors: the header block of a server without either (${ENGINE})`, async () => {
  const plain = await start('plain');
  const r = await get('/items/1', { origin: APP }, 'GET', plain.url);
  assert.is(r.status, 200);
  // What each engine wrote before security headers and CORS existed, the date aside.
  const head = r.headers.map(([n, v]) => `${n}: ${n === 'date' ? '…' : v}`);
  const before = ENGINE === 'native'
    ? ['server: covet', 'date: …', 'content-type: application/json', 'content-length: 21', 'connection: keep-alive', 'keep-alive: timeout=5']
    : ['server: covet', 'content-type: application/json', 'content-length: 21', 'date: …', 'connection: keep-alive', 'keep-alive: timeout=5'];
  assert.equal(head, before);
  assert.is(r.text, '{"id":1,"name":"one"}');
  const p = await preflight('/items', APP, 'POST', {}, plain.url);
  assert.is(p.status, 405, 'no CORS: a preflight is an OPTIONS request like any other');
  // And its bundle holds no CORS code; the one with CORS does.
  const bundle = (name?: string) => buildApp(APP_DIR, name ? { config: config(name) } : {}).then((server) => readFileSync(path.join(path.dirname(server), 'app.mjs'), 'utf8'));
  assert.not.match(await bundle('plain'), /corsPolicy|CorsResponse|access-control-/);
  assert.match(await bundle(), /function corsPolicy\(/);
});

test.run();
