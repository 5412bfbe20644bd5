/**
 * fixtures/auth end to end, over real sockets (COVET_ENGINE picks the engine; the .native variant
 * runs this suite on the C one): jwtVerifier behind providers with HS256, ES256, EdDSA and RS256
 * keys made here with node:crypto, a JWKS served by a second local server (node:http) and one that
 * never answers; the hostile list of issue 13 (alg none, RS/HS confusion, expired, wrong iss/aud,
 * oversized and malformed Authorization headers), each a 401 with its RFC 6750 challenge and the
 * server still serving; a missing scope's 403; the hanging key set failing its own requests with
 * 503 while many concurrent others answer; signJwt and safeEqual behind POST /login. The
 * providers take `BearerToken` (and `Scopes`): the credential parameter's own 401s (no header, not
 * `Bearer <token68>`) are answered before the verifier runs.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { base64url, exportJWK, SignJWT, type JWTPayload } from 'jose';
import { startApp, type RunningApp } from '../harness.ts';
import { client, curl, expectBody, expectDetail, expectStatus, type Reply } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/auth', import.meta.url));

const SECRET = randomBytes(32).toString('base64url');
const PASSWORD = 'correct horse battery staple';
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const idp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }) as string;
const now = () => Math.floor(Date.now() / 1000);

let app: RunningApp | undefined;
let jwks: http.Server | undefined;
let hanging: http.Server | undefined;
let jwksFetches = 0;
const call = client(() => app);

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
}

test.before(async () => {
  const keys = { keys: [{ ...(await exportJWK(idp.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }] };
  jwks = http.createServer((_req, res) => {
    jwksFetches++;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(keys));
  });
  hanging = http.createServer(() => {
    /* never answers */
  });
  const env = {
    AUTH_HS256_SECRET: SECRET,
    AUTH_ES256_PUBLIC_KEY: pem(ec.publicKey),
    AUTH_EDDSA_PUBLIC_KEY: pem(ed.publicKey),
    AUTH_RS256_PUBLIC_KEY: pem(rsa.publicKey),
    AUTH_JWKS_URL: await listen(jwks),
    AUTH_HANGING_JWKS_URL: await listen(hanging),
    AUTH_PASSWORD: PASSWORD,
  };
  app = await startApp(APP_DIR, { env });
});

test.after(async () => {
  await app?.stop();
  app = undefined;
  for (const server of [jwks, hanging]) {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  }
});

/** A token signed here with jose; HS256 ones carry the issuer and audience GET /hs/me wants. */
function sign(alg: string, key: KeyObject | Uint8Array, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  const base = alg.startsWith('HS') ? { iss: 'covet-test', aud: 'fixture' } : {};
  return new SignJWT({ sub: 'ada', name: 'Ada', exp: now() + 600, ...base, ...claims }).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(key);
}
const secretBytes = () => new TextEncoder().encode(SECRET);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ADA = '{"sub":"ada","name":"Ada"}';

/** A 401 with `{"detail": description}` and `WWW-Authenticate: Bearer error="invalid_token", error_description="…"`. */
function expectInvalidToken(reply: Reply, description: string): void {
  expectDetail(reply, 401, description);
  assert.is(reply.headers.get('www-authenticate'), `Bearer error="invalid_token", error_description="${description}"`);
}

test('HS256, ES256, EdDSA and RS256 tokens each pass their own route', async () => {
  expectBody(await call('GET', '/hs/me', { headers: bearer(await sign('HS256', secretBytes())) }), 200, ADA);
  expectBody(await call('GET', '/es/me', { headers: bearer(await sign('ES256', ec.privateKey)) }), 200, ADA);
  expectBody(await call('GET', '/ed/me', { headers: bearer(await sign('EdDSA', ed.privateKey)) }), 200, ADA);
  expectBody(await call('GET', '/rs/me', { headers: bearer(await sign('RS256', rsa.privateKey)) }), 200, ADA);
  // the scheme word in any case, several spaces (RFC 6750 §2.1, RFC 9110 §11.1)
  const t = await sign('ES256', ec.privateKey);
  expectBody(await call('GET', '/es/me', { headers: { authorization: `bearer   ${t}` } }), 200, ADA);
  // a key of another route's type is not accepted there
  expectInvalidToken(await call('GET', '/es/me', { headers: bearer(await sign('EdDSA', ed.privateKey)) }), "the token's algorithm (alg) is not one this key verifies");
  expectInvalidToken(await call('GET', '/rs/me', { headers: bearer(await sign('PS256', rsa.privateKey)) }), "the token's algorithm (alg) is not one this key verifies");
});

test('no Authorization header: 401 {"detail":"Not authenticated"} with WWW-Authenticate: Bearer and no error (RFC 6750 §3.1)', async () => {
  for (const path of ['/hs/me', '/es/me', '/jwks/me']) {
    const reply = await call('GET', path);
    expectDetail(reply, 401, 'Not authenticated');
    assert.is(reply.headers.get('www-authenticate'), 'Bearer', path);
  }
});

test('alg none: refused on every route, whatever the case of "none"', async () => {
  const payload = base64url.encode(JSON.stringify({ sub: 'admin', iss: 'covet-test', aud: 'fixture', exp: now() + 600 }));
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    const unsecured = `${base64url.encode(JSON.stringify({ alg, typ: 'JWT' }))}.${payload}.`;
    for (const path of ['/hs/me', '/es/me', '/ed/me', '/rs/me', '/jwks/me']) {
      expectInvalidToken(await call('GET', path, { headers: bearer(unsecured) }), "the token's algorithm (alg) is not one this key verifies");
    }
  }
});

test('RS/HS confusion: a token HMAC-signed with the public key as the secret is refused (RS256 and ES256 routes, and the key set)', async () => {
  for (const [path, key] of [['/rs/me', rsa.publicKey], ['/es/me', ec.publicKey], ['/jwks/me', idp.publicKey]] as const) {
    for (const secret of [new TextEncoder().encode(pem(key)), new Uint8Array(key.export({ type: 'spki', format: 'der' }))]) {
      const forged = await sign('HS256', secret, { iss: 'idp' }, { kid: 'idp-1' });
      expectInvalidToken(await call('GET', path, { headers: bearer(forged) }), "the token's algorithm (alg) is not one this key verifies");
    }
  }
});

test('expired, not yet valid, wrong issuer, wrong audience, wrong key: 401 saying which check failed, never echoing the token', async () => {
  const cases: [JWTPayload, string][] = [
    [{ exp: now() - 5 }, 'the token has expired (exp)'],
    [{ nbf: now() + 3600 }, 'the token is not valid yet (nbf)'],
    [{ iss: 'someone-else' }, "the token's issuer (iss) is not the expected one"],
    [{ aud: 'another-api' }, "the token's audience (aud) is not this API"],
  ];
  for (const [claims, description] of cases) {
    const token = await sign('HS256', secretBytes(), claims);
    const reply = await call('GET', '/hs/me', { headers: bearer(token) });
    expectInvalidToken(reply, description);
    assert.not.ok(reply.text.includes(token.split('.')[1]!) || reply.headers.get('www-authenticate')!.includes(token.split('.')[1]!), 'the token is not echoed');
  }
  expectInvalidToken(await call('GET', '/hs/me', { headers: bearer(await sign('HS256', randomBytes(32))) }), "the token's signature does not verify");
  expectInvalidToken(await call('GET', '/es/me', { headers: bearer(await sign('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)) }), "the token's signature does not verify");
});

test('oversized and malformed Authorization headers: a clear 4xx each, and the server keeps serving', async () => {
  const good = await sign('HS256', secretBytes());
  // past fixtures/auth's maxTokenLength (4096): the verifier refuses it unparsed
  expectInvalidToken(await call('GET', '/hs/me', { headers: bearer(good + 'A'.repeat(5000)) }), 'the token is too long');
  // past BearerToken's 8 KiB, inside the engine's 16 KiB head limit: the credential parameter's 401
  const long = await call('GET', '/hs/me', { headers: bearer(good + 'A'.repeat(9000)) });
  expectStatus(long, 401);
  assert.match(long.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_request", error_description="/);
  // a header past the head limit: the engine's 431, before any of the app runs
  const huge = await curl(app!.url, '/hs/me', ['-H', `authorization: Bearer ${'A'.repeat(40_000)}`]);
  expectStatus(huge, 431);
  const malformed = ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer "quoted"', `Bearer ${good}, Bearer ${good}`, 'Bearer é'];
  for (const value of malformed) {
    const reply = await curl(app!.url, '/hs/me', ['-H', `authorization: ${value}`]);
    expectStatus(reply, 401);
    assert.match(reply.header('www-authenticate') ?? '', /^Bearer error="invalid_request"/, value);
  }
  // another scheme is no bearer token: the challenge of a missing one
  for (const value of ['Basic YWRhOnB3', 'Token abc']) {
    const reply = await curl(app!.url, '/hs/me', ['-H', `authorization: ${value}`]);
    expectStatus(reply, 401);
    assert.is(reply.header('www-authenticate'), 'Bearer', value);
  }
  for (const token of ['abc', 'a.b', 'a.b.c.d.e', `${good.split('.')[0]}.${good.split('.')[1]}`, `${good}x`]) {
    const reply = await call('GET', '/hs/me', { headers: bearer(token) });
    expectStatus(reply, 401);
    assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token", error_description="/, token);
  }
  // two Authorization headers: both engines keep the first, as node:http does for this header
  expectStatus(await curl(app!.url, '/hs/me', ['-H', `authorization: Bearer ${good}`, '-H', 'authorization: Bearer forged']), 200);
  expectStatus(await curl(app!.url, '/hs/me', ['-H', 'authorization: Bearer forged', '-H', `authorization: Bearer ${good}`]), 401);
  expectBody(await call('GET', '/open'), 200, '{"ok":true}');
  expectBody(await call('GET', '/hs/me', { headers: bearer(good) }), 200, ADA);
});

test('a missing scope: 403 insufficient_scope naming the scope; with it, 201', async () => {
  const reader = await sign('HS256', secretBytes(), { scope: 'todos:read' });
  const reply = await call('POST', '/hs/todos', { headers: bearer(reader) });
  expectDetail(reply, 403, 'the token lacks a required scope');
  assert.is(reply.headers.get('www-authenticate'), 'Bearer error="insufficient_scope", error_description="the token lacks a required scope", scope="todos:write"');
  const writer = await sign('HS256', secretBytes(), { scope: 'todos:read todos:write' });
  expectBody(await call('POST', '/hs/todos', { headers: bearer(writer) }), 201, ADA);
  expectBody(await call('POST', '/hs/todos', { headers: bearer(await sign('HS256', secretBytes(), { scp: ['todos:write'] })) }), 201, ADA);
});

test('JWKS: tokens of the identity provider verify with its key set, fetched once; an unknown kid is a 401', async () => {
  const before = jwksFetches;
  for (let i = 0; i < 5; i++) {
    const token = await sign('ES256', idp.privateKey, { iss: 'idp', jti: String(i) }, { kid: 'idp-1' });
    expectBody(await call('GET', '/jwks/me', { headers: bearer(token) }), 200, ADA);
  }
  assert.ok(jwksFetches - before <= 1, `fetched ${jwksFetches - before} times for five tokens`);
  expectInvalidToken(await call('GET', '/jwks/me', { headers: bearer(await sign('ES256', idp.privateKey, { iss: 'idp' }, { kid: 'idp-2' })) }), "no key of the key set matches the token's kid and alg");
  expectInvalidToken(await call('GET', '/jwks/me', { headers: bearer(await sign('ES256', idp.privateKey, { iss: 'else' }, { kid: 'idp-1' })) }), "the token's issuer (iss) is not the expected one");
});

test('a key set that never answers: its requests get 503 with Retry-After after the timeout, logged once; 200 concurrent others answer meanwhile', async () => {
  const token = await sign('ES256', idp.privateKey, {}, { kid: 'idp-1' });
  const good = bearer(await sign('HS256', secretBytes()));
  const t0 = performance.now();
  let stalledAt = 0;
  const stalled = Promise.all([1, 2, 3].map(() => call('GET', '/hanging/me', { headers: bearer(token) }))).finally(() => (stalledAt = performance.now()));
  const others = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? call('GET', '/hs/me', { headers: good }) : call('GET', '/open'))));
  const othersAt = performance.now();
  for (const [i, reply] of others.entries()) expectBody(reply, 200, i % 2 ? ADA : '{"ok":true}');
  assert.is(stalledAt, 0, `the others answered while the key set hung (in ${Math.round(othersAt - t0)} ms)`);
  for (const reply of await stalled) {
    expectDetail(reply, 503, 'the keys that verify tokens could not be fetched; try again later');
    assert.is(reply.headers.get('retry-after'), '5');
    assert.is(reply.headers.get('www-authenticate'), null);
  }
  const elapsed = stalledAt - t0;
  assert.ok(elapsed >= 1950 && elapsed < 5000, `503 after the 2000 ms timeout (${Math.round(elapsed)} ms)`);
  const lines = app!.output().split('\n').filter((l) => l.includes('jwtVerifier'));
  assert.is(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /^covet: jwtVerifier: the key set at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json cannot be fetched \(.+\); tokens that need it are answered 503 until it can$/);
});

test('POST /login: safeEqual checks the password, signJwt issues a token that GET /hs/me accepts', async () => {
  expectDetail(await call('POST', '/login', { json: { username: 'ada', password: 'wrong' } }), 401, 'wrong username or password');
  expectDetail(await call('POST', '/login', { json: { username: 'ada', password: PASSWORD + ' ' } }), 401, 'wrong username or password');
  const reply = await call('POST', '/login', { json: { username: 'ada', password: PASSWORD } });
  expectStatus(reply, 200);
  assert.equal(Object.keys(reply.json), ['access_token', 'token_type', 'expires_in']);
  assert.is(reply.json.token_type, 'bearer');
  const me = await call('GET', '/hs/me', { headers: bearer(reply.json.access_token) });
  expectBody(me, 200, '{"sub":"ada","name":"Ada Lovelace"}');
  // its scope is todos:read: not enough to write
  expectStatus(await call('POST', '/hs/todos', { headers: bearer(reply.json.access_token) }), 403);
});

test.run();
