/**
 * runtime-min/auth.ts with real keys (node:crypto), real tokens (jose's SignJWT, and signJwt) and
 * a real key-set server (node:http on a free port, one that answers and one that never does):
 * the algorithms a key allows, the hostile tokens of issue 13 (alg none, RS/HS confusion, expired,
 * oversized, malformed, mutated), the claim checks with their RFC 6750 challenges, scopes, the
 * cache of verified tokens, JWKS fetching, caching and failing, signJwt and safeEqual.
 */
import { generateKeyPairSync, createPublicKey, createSecretKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { base64url, exportJWK, SignJWT, type JWTPayload } from 'jose';
import { HttpError } from './api.ts';
import { jwtVerifier, safeEqual, signJwt } from './auth.ts';

const SECRET = 'a-test-secret-of-more-than-32-bytes!';
const now = () => Math.floor(Date.now() / 1000);

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed = generateKeyPairSync('ed25519');
const RSA_PUBLIC_PEM = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;

/** A token signed with jose directly (not with signJwt), so that a bug of signJwt cannot hide one of the verifier. */
async function token(alg: string, key: KeyObject | Uint8Array, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ exp: now() + 600, sub: 'ada', ...claims }).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(key);
}
const hs = (claims?: JWTPayload) => token('HS256', new TextEncoder().encode(SECRET), claims);

function fail(message: string): never {
  assert.unreachable(message);
  throw new Error(message);
}

/** The HttpError `promise` rejects with; fails when it resolves or rejects with anything else. */
async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HttpError) return err;
    fail(`rejected with ${String(err)}, not an HttpError`);
  }
  fail('resolved; a refusal was expected');
}

/** Asserts a 401 with `error="invalid_token"` and this description (also the detail). */
async function invalid(promise: Promise<unknown>, description: string): Promise<void> {
  const err = await refusal(promise);
  assert.is(err.status, 401);
  assert.is(err.detail, description);
  assert.is(err.headers?.['www-authenticate'], `Bearer error="invalid_token", error_description="${description}"`);
}

const ALG = "the token's algorithm (alg) is not one this key verifies";
const SIGNATURE = "the token's signature does not verify";
const MALFORMED = 'the token is not a JWT in compact form';

// ---------------------------------------------------------------- HMAC

test('HS256: a good token resolves to its claims, frozen (nested values too)', async () => {
  const jwt = jwtVerifier<{ sub: string; roles: string[] }>({ secret: SECRET });
  const claims = await jwt.verify(await hs({ roles: ['admin'] }));
  assert.is(claims.sub, 'ada');
  assert.equal(claims.roles, ['admin']);
  assert.ok(Object.isFrozen(claims) && Object.isFrozen(claims.roles));
});

test('a secret shorter than 32 bytes fails at construction; 32 bytes allow HS256 only, 64 all three', async () => {
  assert.throws(() => jwtVerifier({ secret: 'short' }), /the secret is 5 bytes; HS256 needs at least 32 \(RFC 7518 §3\.2\)/);
  assert.throws(() => jwtVerifier({ secret: process.env.COVET_UNSET_VARIABLE! }), /give the key: secret/);
  const k32 = randomBytes(32);
  const only256 = jwtVerifier({ secret: k32 });
  assert.ok(await only256.verify(await token('HS256', k32)));
  await invalid(only256.verify(await token('HS512', new Uint8Array(k32))), ALG);
  const k64 = randomBytes(64);
  const all = jwtVerifier({ secret: createSecretKey(k64) });
  for (const alg of ['HS256', 'HS384', 'HS512']) assert.ok(await all.verify(await token(alg, k64)), alg);
  const narrowed = jwtVerifier({ secret: k64, algorithms: ['HS512'] });
  await invalid(narrowed.verify(await token('HS256', k64)), ALG);
  assert.throws(() => jwtVerifier({ secret: k64, algorithms: ['RS256'] }), /algorithms \[RS256\] allows none of what the key verifies \(HS256, HS384, HS512\)/);
});

test('the wrong secret: the signature does not verify', async () => {
  const jwt = jwtVerifier({ secret: SECRET + 'x' });
  await invalid(jwt.verify(await hs()), SIGNATURE);
});

// ---------------------------------------------------------------- the hostile tokens of issue 13

test('alg none (an unsecured JWT, any case of "none") is refused: the key decides the algorithm', async () => {
  const jwt = jwtVerifier({ secret: SECRET });
  const payload = base64url.encode(JSON.stringify({ sub: 'admin', exp: now() + 600 }));
  for (const alg of ['none', 'None', 'NONE']) {
    const header = base64url.encode(JSON.stringify({ alg, typ: 'JWT' }));
    await invalid(jwt.verify(`${header}.${payload}.`), ALG);
    // a signature part copied from a real token does not help
    await invalid(jwt.verify(`${header}.${payload}.${(await hs()).split('.')[2]}`), ALG);
  }
  const es = jwtVerifier({ publicKey: ec.publicKey });
  await invalid(es.verify(`${base64url.encode('{"alg":"none"}')}.${payload}.`), ALG);
});

test('RS/HS confusion: a token HMAC-signed with the public key (PEM, DER or JWK bytes) as the secret is refused', async () => {
  const jwt = jwtVerifier({ publicKey: RSA_PUBLIC_PEM });
  const secrets = [
    new TextEncoder().encode(RSA_PUBLIC_PEM),
    new Uint8Array(rsa.publicKey.export({ type: 'spki', format: 'der' })),
    new TextEncoder().encode(JSON.stringify(rsa.publicKey.export({ format: 'jwk' }))),
  ];
  for (const secret of secrets) {
    for (const alg of ['HS256', 'HS384', 'HS512']) await invalid(jwt.verify(await token(alg, secret)), ALG);
  }
  // the same with the key set: jose refuses symmetric algorithms for a JWKS
  const set = await keySet([{ ...(await exportJWK(rsa.publicKey)), kid: 'r1', alg: 'RS256' }]);
  try {
    const remote = jwtVerifier({ jwksUrl: set.url });
    await invalid(remote.verify(await token('HS256', secrets[0]!, {}, { kid: 'r1' })), ALG);
  } finally {
    await set.close();
  }
});

test('expired, not yet valid, wrong issuer, audience or subject: 401 invalid_token saying which check failed', async () => {
  const jwt = jwtVerifier({ secret: SECRET, issuer: 'todo', audience: 'todo-api', subject: 'ada' });
  const good = { iss: 'todo', aud: 'todo-api' };
  assert.ok(await jwt.verify(await hs(good)));
  await invalid(jwt.verify(await hs({ ...good, exp: now() - 1 })), 'the token has expired (exp)');
  await invalid(jwt.verify(await hs({ ...good, nbf: now() + 60 })), 'the token is not valid yet (nbf)');
  await invalid(jwt.verify(await hs({ ...good, iss: 'evil' })), "the token's issuer (iss) is not the expected one");
  await invalid(jwt.verify(await hs({ iss: 'todo' })), 'the token lacks a required claim or has an invalid one'); // no aud
  await invalid(jwt.verify(await hs({ ...good, aud: ['other', 'another'] })), "the token's audience (aud) is not this API");
  await invalid(jwt.verify(await hs({ ...good, sub: 'eve' })), "the token's subject (sub) is not the expected one");
  await invalid(jwt.verify(await hs({ ...good, exp: 'tomorrow' as never })), 'the token lacks a required claim or has an invalid one');
  assert.ok(await jwt.verify(await hs({ ...good, aud: ['other', 'todo-api'] })), 'one audience of a list is enough');
});

test('exp is required unless requiredClaims says otherwise; clockToleranceSec and maxTokenAgeSec', async () => {
  const noExp = await new SignJWT({ sub: 'ada' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  await invalid(jwtVerifier({ secret: SECRET }).verify(noExp), 'the token lacks a required claim or has an invalid one');
  assert.ok(await jwtVerifier({ secret: SECRET, requiredClaims: [] }).verify(noExp));
  const lenient = jwtVerifier({ secret: SECRET, clockToleranceSec: 30 });
  assert.ok(await lenient.verify(await hs({ exp: now() - 10 })), 'expired 10 s ago, tolerance 30 s');
  assert.ok(await lenient.verify(await hs({ nbf: now() + 10 })), 'valid in 10 s, tolerance 30 s');
  await invalid(lenient.verify(await hs({ exp: now() - 40 })), 'the token has expired (exp)');
  const young = jwtVerifier({ secret: SECRET, maxTokenAgeSec: 60 });
  assert.ok(await young.verify(await hs({ iat: now() - 30 })));
  await invalid(young.verify(await hs({ iat: now() - 120 })), 'the token was issued too long ago (iat)');
  await invalid(young.verify(await hs()), 'the token lacks a required claim or has an invalid one'); // no iat
  assert.throws(() => jwtVerifier({ secret: SECRET, clockToleranceSec: -1 }), /clockToleranceSec must be a number of seconds, 0 or more/);
});

test('a missing token: 401 Bearer without an error (RFC 6750 §3.1), detail "Not authenticated"; a realm is quoted', async () => {
  const err = await refusal(jwtVerifier({ secret: SECRET }).verify(undefined));
  assert.is(err.status, 401);
  assert.is(err.detail, 'Not authenticated');
  assert.is(err.headers?.['www-authenticate'], 'Bearer');
  const realm = await refusal(jwtVerifier({ secret: SECRET, realm: 'the "todo" api' }).verify(''));
  assert.is(realm.headers?.['www-authenticate'], 'Bearer realm="the \\"todo\\" api"');
  const bad = await refusal(jwtVerifier({ secret: SECRET, realm: 'todo' }).verify('x.y.z'));
  assert.is(bad.headers?.['www-authenticate'], `Bearer realm="todo", error="invalid_token", error_description="${MALFORMED}"`);
});

test('oversized and malformed tokens are refused before jose parses them, and never echoed', async () => {
  const jwt = jwtVerifier({ secret: SECRET, maxTokenLength: 1024 });
  const good = await hs();
  await invalid(jwt.verify(good + 'A'.repeat(1024)), 'the token is too long');
  const huge = `${'e'.repeat(4_000_000)}.${'e'.repeat(10)}.${'e'.repeat(10)}`;
  const t0 = performance.now();
  await invalid(jwtVerifier({ secret: SECRET }).verify(huge), 'the token is too long');
  assert.ok(performance.now() - t0 < 50, 'a 4 MB token costs a length check');
  const malformed = ['abc', 'a.b', 'a.b.c.d', 'a.b.c.d.e', 'a..c', '.b.c', `${good} `, `${good}\n`, good.replace('.', '%2E'), 'eyJ=.eyJ=.c', 'ä.b.c', good.replace(/^./, '!')];
  for (const t of malformed) {
    const err = await refusal(jwt.verify(t));
    assert.is(err.status, 401, JSON.stringify(t));
    assert.is(err.detail, MALFORMED);
  }
  // base64url that is not JSON, JSON that is not an object, a header without alg, a JWE
  const part = (v: string) => base64url.encode(v);
  const sig = good.split('.')[2];
  for (const [h, p] of [['{', '{}'], ['[]', '{}'], ['{"typ":"JWT"}', '{}'], ['{"alg":"HS256"}', '[1]'], ['{"alg":"HS256"}', 'null']]) {
    const err = await refusal(jwt.verify(`${part(h!)}.${part(p!)}.${sig}`));
    assert.is(err.status, 401, `${h} ${p}`);
    assert.ok(!String(err.detail).includes(part(p!)) && !String(err.headers?.['www-authenticate']).includes(sig!), 'nothing of the token is echoed');
  }
  await invalid(jwt.verify(123 as never), MALFORMED);
});

test('fuzz: 3000 mutations of a good token (flipped, cut, spliced characters) are each a 401 or the same claims, never another error', async () => {
  const jwts = [jwtVerifier({ secret: SECRET, cache: false }), jwtVerifier({ publicKey: ec.publicKey, cache: false })];
  const tokens = [await hs({ scope: 'a b' }), await token('ES256', ec.privateKey)];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ "\\\u0000\u00e9\u2028{}';
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let i = 0; i < 3000; i++) {
    const k = i % 2;
    let t = tokens[k]!;
    const op = rnd(4);
    const at = rnd(t.length);
    if (op === 0) t = t.slice(0, at) + alphabet[rnd(alphabet.length)] + t.slice(at + 1);
    else if (op === 1) t = t.slice(0, at);
    else if (op === 2) t = t.slice(0, at) + tokens[1 - k]!.slice(rnd(tokens[1 - k]!.length)) ;
    else t = t.slice(0, at) + alphabet[rnd(alphabet.length)] + t.slice(at);
    try {
      const claims = await jwts[k]!.verify(t);
      assert.is(claims.sub, 'ada', `accepted ${JSON.stringify(t)}`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 401) fail(`${JSON.stringify(t)}: ${String(err)}`);
    }
  }
});

// ---------------------------------------------------------------- scopes

test('scopes: from "scope" (space-separated) or "scp" (array or string); a missing one is 403 insufficient_scope naming what the route needs', async () => {
  const jwt = jwtVerifier({ secret: SECRET });
  assert.ok(await jwt.verify(await hs({ scope: 'todos:read todos:write' }), ['todos:write']));
  assert.ok(await jwt.verify(await hs({ scp: ['todos:write'] }), ['todos:write']));
  assert.ok(await jwt.verify(await hs({ scp: 'a todos:write' }), ['todos:write', 'a']));
  assert.ok(await jwt.verify(await hs(), []), 'no scopes asked: none needed');
  for (const claims of [{}, { scope: 'todos:read' }, { scope: 'todos:writer' }, { scp: [1, 'x'] }, { scope: 42 }]) {
    const err = await refusal(jwt.verify(await hs(claims as JWTPayload), ['todos:write', 'todos:read']));
    assert.is(err.status, 403, JSON.stringify(claims));
    assert.is(err.detail, 'the token lacks a required scope');
    assert.is(err.headers?.['www-authenticate'], 'Bearer error="insufficient_scope", error_description="the token lacks a required scope", scope="todos:write todos:read"');
  }
});

// ---------------------------------------------------------------- asymmetric keys

test('ES256, ES384, EdDSA, RS256, PS256: PEM, JWK, KeyObject and CryptoKey keys verify their own algorithms only', async () => {
  const cases: [string, KeyObject, KeyObject, string[]][] = [
    ['ES256', ec.privateKey, ec.publicKey, ['ES384', 'RS256']],
    ['ES384', ec384.privateKey, ec384.publicKey, ['ES256']],
    ['EdDSA', ed.privateKey, ed.publicKey, ['ES256']],
    ['RS256', rsa.privateKey, rsa.publicKey, ['ES256', 'EdDSA']],
    ['PS256', rsa.privateKey, rsa.publicKey, ['ES256']],
  ];
  for (const [alg, privateKey, publicKey, others] of cases) {
    const forms = [publicKey.export({ type: 'spki', format: 'pem' }) as string, publicKey.export({ format: 'jwk' }), publicKey, KeyObject_toCryptoKey(publicKey, alg)];
    for (const form of forms) {
      const jwt = jwtVerifier({ publicKey: await form });
      assert.is((await jwt.verify(await token(alg, privateKey))).sub, 'ada', alg);
      // another key of the same type: the signature, not the algorithm, fails
      await invalid(jwt.verify(await token(alg, alg.startsWith('ES384') ? generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey : alg.startsWith('ES') ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : alg === 'EdDSA' ? generateKeyPairSync('ed25519').privateKey : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)), SIGNATURE);
    }
    const jwt = jwtVerifier({ publicKey });
    // a token whose header claims another algorithm, with a signature part taken from a real token
    for (const other of others) {
      const real = (await token(alg, privateKey)).split('.');
      await invalid(jwt.verify(`${base64url.encode(JSON.stringify({ alg: other }))}.${real[1]}.${real[2]}`), ALG);
    }
  }
});

/** A CryptoKey for `alg` from a KeyObject (a promise: the verifier is given what an app would hold). */
function KeyObject_toCryptoKey(key: KeyObject, alg: string): Promise<webcrypto.CryptoKey> {
  const params: Record<string, webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams | webcrypto.Algorithm> = {
    ES256: { name: 'ECDSA', namedCurve: 'P-256' },
    ES384: { name: 'ECDSA', namedCurve: 'P-384' },
    EdDSA: { name: 'Ed25519' },
    RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  };
  return webcrypto.subtle.importKey('jwk', key.export({ format: 'jwk' }) as webcrypto.JsonWebKey, params[alg]!, true, ['verify']);
}

test('wrong keys fail at construction: a private key as publicKey, a small RSA key, two keys, none, an unknown option value', () => {
  assert.throws(() => jwtVerifier({ publicKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }), /publicKey is a private or secret key/);
  assert.throws(() => jwtVerifier({ publicKey: ec.privateKey }), /publicKey is a private key/);
  assert.throws(() => jwtVerifier({ publicKey: ec.privateKey.export({ format: 'jwk' }) }), /publicKey is a private or secret key/);
  assert.throws(() => jwtVerifier({ publicKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey }), /the RSA key is 1024 bits; JWS needs at least 2048/);
  assert.throws(() => jwtVerifier({ publicKey: generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey }), /curve secp256k1/);
  assert.throws(() => jwtVerifier({ publicKey: generateKeyPairSync('x25519').publicKey }), /a x25519 key does not sign JWTs here/);
  assert.throws(() => jwtVerifier({ publicKey: 'not a pem' }), /publicKey must be a PEM SPKI key, a JWK, a KeyObject or a CryptoKey/);
  assert.throws(() => jwtVerifier({ secret: SECRET, publicKey: ec.publicKey }), /give one of secret, publicKey and jwksUrl, not secret and publicKey/);
  assert.throws(() => jwtVerifier({}), /give the key/);
  assert.throws(() => jwtVerifier({ jwksUrl: 'keys.json' }), /jwksUrl must be an absolute http\(s\) URL/);
  assert.throws(() => jwtVerifier({ jwksUrl: 'file:///etc/keys.json' }), /jwksUrl must be an http\(s\) URL, got file:/);
  assert.throws(() => jwtVerifier({ publicKey: ec.publicKey, algorithms: ['HS256'] }), /allows none of what the key verifies \(ES256\)/);
});

// ---------------------------------------------------------------- the cache of verified tokens

test('cache: a token that verified is not verified again (the same frozen claims) until its exp; cache: false verifies each time', async () => {
  const jwt = jwtVerifier({ secret: SECRET });
  const t = await hs({ exp: now() + 2 });
  const first = await jwt.verify(t, []);
  assert.is(await jwt.verify(t), first, 'the remembered claims');
  const scoped = await refusal(jwt.verify(t, ['admin']));
  assert.is(scoped.status, 403, 'a hit still checks the scopes');
  const off = jwtVerifier({ secret: SECRET, cache: false });
  assert.is.not(await off.verify(t), await off.verify(t));
  await new Promise((r) => setTimeout(r, (now() + 3 - Date.now() / 1000) * 1000));
  await invalid(jwt.verify(t), 'the token has expired (exp)');
});

test('cache: a token that ends like a remembered one (the same signature, another payload) is verified, and refused', async () => {
  const jwt = jwtVerifier({ secret: SECRET });
  const good = await hs({ name: 'ada' });
  const claims = await jwt.verify(good);
  const [h, p, sig] = good.split('.');
  const forged = `${h}.${base64url.encode(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), name: 'admin' }))}.${sig}`;
  assert.is(forged.slice(-32), good.slice(-32));
  await invalid(jwt.verify(forged), SIGNATURE);
  await invalid(jwt.verify(forged), SIGNATURE);
  assert.is(await jwt.verify(good), claims, 'the good one is still remembered');
});

test('cache: bounded by max (the oldest goes first) and ttlSec', async () => {
  const jwt = jwtVerifier({ secret: SECRET, cache: { max: 2 } });
  const [a, b, c] = await Promise.all([hs({ jti: 'a' }), hs({ jti: 'b' }), hs({ jti: 'c' })]);
  const ca = await jwt.verify(a);
  const cb = await jwt.verify(b);
  await jwt.verify(c); // a goes
  assert.is(await jwt.verify(b), cb);
  assert.is.not(await jwt.verify(a), ca);
  const short = jwtVerifier({ secret: SECRET, cache: { ttlSec: 0.05 } });
  const first = await short.verify(a);
  assert.is(await short.verify(a), first);
  await new Promise((r) => setTimeout(r, 80));
  assert.is.not(await short.verify(a), first);
});

// ---------------------------------------------------------------- a remote key set

interface KeySet {
  url: string;
  fetches(): number;
  setKeys(keys: object[]): void;
  close(): Promise<void>;
}

/** A JWKS server on a free port; `hang` leaves every request unanswered. */
async function keySet(keys: object[], hang = false): Promise<KeySet> {
  let served = keys;
  let fetches = 0;
  const server = http.createServer((req, res) => {
    fetches++;
    if (hang) return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => fetches,
    setKeys: (k) => (served = k),
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

test('JWKS: tokens of each key verify by kid; the set is fetched once and cached; an unknown kid refetches it (after the cooldown), then 401', async () => {
  const set = await keySet([
    { ...(await exportJWK(ec.publicKey)), kid: 'e1', alg: 'ES256', use: 'sig' },
    { ...(await exportJWK(rsa.publicKey)), kid: 'r1' },
    { ...(await exportJWK(ed.publicKey)), kid: 'd1' },
  ]);
  try {
    const jwt = jwtVerifier({ jwksUrl: set.url, issuer: 'idp', cache: false, jwksCooldownSec: 0 });
    assert.is((await jwt.verify(await token('ES256', ec.privateKey, { iss: 'idp' }, { kid: 'e1' }))).sub, 'ada');
    assert.ok(await jwt.verify(await token('RS256', rsa.privateKey, { iss: 'idp' }, { kid: 'r1' })));
    assert.ok(await jwt.verify(await token('PS384', rsa.privateKey, { iss: 'idp' }, { kid: 'r1' })));
    assert.ok(await jwt.verify(await token('EdDSA', ed.privateKey, { iss: 'idp' }, { kid: 'd1' })));
    assert.is(set.fetches(), 1, 'one fetch for four tokens');
    await invalid(jwt.verify(await token('ES256', ec.privateKey, { iss: 'idp' }, { kid: 'nope' })), "no key of the key set matches the token's kid and alg");
    assert.is(set.fetches(), 2, 'an unknown kid fetched the set again');
    await invalid(jwt.verify(await token('ES256', ec.privateKey, { iss: 'idp' }, { kid: 'r1' })), "no key of the key set matches the token's kid and alg");
    await invalid(jwt.verify(await token('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, { iss: 'idp' }, { kid: 'e1' })), SIGNATURE);
    // a key rotated in is found by the refetch an unknown kid causes
    const fresh = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    set.setKeys([{ ...(await exportJWK(fresh.publicKey)), kid: 'e2' }]);
    assert.ok(await jwt.verify(await token('ES256', fresh.privateKey, { iss: 'idp' }, { kid: 'e2' })));
  } finally {
    await set.close();
  }
});

test('JWKS: several keys match a token without kid: each is tried, the one that signed it verifies', async () => {
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const set = await keySet([{ ...(await exportJWK(other.publicKey)) }, { ...(await exportJWK(ec.publicKey)) }]);
  try {
    const jwt = jwtVerifier({ jwksUrl: set.url });
    assert.is((await jwt.verify(await token('ES256', ec.privateKey))).sub, 'ada');
    assert.is((await jwt.verify(await token('ES256', other.privateKey, { jti: 'o' }))).sub, 'ada');
    await invalid(jwt.verify(await token('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)), SIGNATURE);
  } finally {
    await set.close();
  }
});

test('JWKS: a set that never answers fails the request with 503 within jwksTimeoutMs, logged once; others meanwhile answer', async () => {
  const set = await keySet([], true);
  const logged: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => (logged.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const jwt = jwtVerifier({ jwksUrl: set.url, jwksTimeoutMs: 300 });
    const local = jwtVerifier({ secret: SECRET });
    const t0 = performance.now();
    const pending = [1, 2, 3].map(async () => refusal(jwt.verify(await token('ES256', ec.privateKey, {}, { kid: 'e1' }))));
    // while the key set hangs, other verifications go on
    for (let i = 0; i < 20; i++) assert.ok(await local.verify(await hs({ jti: String(i) })));
    assert.ok(performance.now() - t0 < 250, 'the HS256 verifications did not wait for the key set');
    for (const err of await Promise.all(pending)) {
      assert.is(err.status, 503);
      assert.is(err.detail, 'the keys that verify tokens could not be fetched; try again later');
      assert.is(err.headers?.['retry-after'], '5');
    }
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 280 && elapsed < 1500, `failed after the timeout (${Math.round(elapsed)} ms)`);
    assert.is(set.fetches(), 1, 'the waiting requests shared one fetch');
    assert.is((await refusal(jwt.verify(await token('ES256', ec.privateKey, {}, { kid: 'e1' })))).status, 503);
    const lines = logged.filter((l) => l.includes('jwtVerifier'));
    assert.is(lines.length, 1, lines.join(''));
    assert.match(lines[0]!, new RegExp(`^covet: jwtVerifier: the key set at ${set.url.replace(/[.]/g, '\\.')} cannot be fetched \\(.*\\); tokens that need it are answered 503 until it can\\n$`));
  } finally {
    process.stderr.write = write;
    await set.close();
  }
});

test('JWKS: a refused connection, a non-200 and a body that is not a key set are 503; the set answering again is logged', async () => {
  const logged: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => (logged.push(String(chunk)), true)) as typeof process.stderr.write;
  const closed = await keySet([]);
  await closed.close();
  const jwk = { ...(await exportJWK(ec.publicKey)), kid: 'e1' };
  let failing = true;
  const odd = http.createServer((req, res) => {
    if (req.url === '/404') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/bad' ? '{"keys": 7}' : JSON.stringify(failing ? { nothing: 1 } : { keys: [jwk] }));
  });
  await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
  const oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
  try {
    const t = await token('ES256', ec.privateKey, {}, { kid: 'e1' });
    for (const url of [closed.url, `${oddUrl}/404`, `${oddUrl}/bad`]) {
      assert.is((await refusal(jwtVerifier({ jwksUrl: url }).verify(t))).status, 503, url);
    }
    assert.is(logged.filter((l) => l.includes('cannot be fetched')).length, 3, logged.join(''));
    // down, then up: the verifier fetches again at the next token and says so, once
    const jwt = jwtVerifier({ jwksUrl: `${oddUrl}/keys`, cache: false });
    assert.is((await refusal(jwt.verify(t))).status, 503);
    assert.is((await refusal(jwt.verify(t))).status, 503);
    assert.is(logged.filter((l) => l.includes('cannot be fetched')).length, 4, 'one line per outage, not per request');
    failing = false;
    assert.ok(await jwt.verify(t));
    assert.ok(await jwt.verify(t));
    assert.equal(logged.filter((l) => l.includes('answers again')), [`covet: jwtVerifier: the key set at ${oddUrl}/keys answers again\n`]);
  } finally {
    process.stderr.write = write;
    odd.closeAllConnections();
    await new Promise((r) => odd.close(r));
  }
});

// ---------------------------------------------------------------- signJwt

test('signJwt: HS256 by default, iat and exp set, options become claims; the verifier accepts what it signs', async () => {
  const t = await signJwt({ scope: 'todos:write', name: 'Ada' }, { secret: SECRET, expiresIn: 3600, issuer: 'todo', audience: 'todo-api', subject: 'u1', jwtId: 'j1' });
  const [header] = t.split('.');
  assert.equal(JSON.parse(Buffer.from(header!, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
  const claims = await jwtVerifier<{ name: string }>({ secret: SECRET, issuer: 'todo', audience: 'todo-api' }).verify(t, ['todos:write']);
  assert.is(claims.name, 'Ada');
  assert.is(claims.sub, 'u1');
  assert.is(claims.jti, 'j1');
  assert.ok(claims.exp! - claims.iat! === 3600 && Math.abs(claims.iat! - now()) <= 1);
  const later = await signJwt({}, { secret: SECRET, expiresIn: '2h', notBefore: 60 });
  const lc = JSON.parse(Buffer.from(later.split('.')[1]!, 'base64url').toString());
  assert.is(lc.exp - lc.iat, 7200);
  assert.is(lc.nbf - lc.iat, 60);
});

test('signJwt: private keys give their algorithm (ES256, ES384, EdDSA, RS256; PS256 when asked), with a kid for key sets', async () => {
  const cases: [KeyObject | string, string | undefined, string, KeyObject][] = [
    [ec.privateKey, undefined, 'ES256', ec.publicKey],
    [ec384.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, undefined, 'ES384', ec384.publicKey],
    [ed.privateKey, undefined, 'EdDSA', ed.publicKey],
    [rsa.privateKey, undefined, 'RS256', rsa.publicKey],
    [rsa.privateKey, 'PS256', 'PS256', rsa.publicKey],
  ];
  for (const [privateKey, alg, expected, publicKey] of cases) {
    const t = await signJwt({}, { privateKey, alg, expiresIn: 60, keyId: 'k1' });
    assert.equal(JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()), { alg: expected, typ: 'JWT', kid: 'k1' });
    assert.ok(await jwtVerifier({ publicKey }).verify(t), expected);
  }
  const err = await signJwt({}, { privateKey: ec.privateKey, alg: 'HS256', expiresIn: 60 }).then(() => null, (e: Error) => e);
  assert.match(String(err), /alg HS256 does not go with this key; it signs with ES256/);
});

test('signJwt: wrong options are TypeErrors that say what to give', async () => {
  const rejects = async (p: () => Promise<unknown>, re: RegExp) => {
    try {
      await p();
    } catch (err) {
      assert.instance(err, TypeError);
      assert.match((err as Error).message, re);
      return;
    }
    assert.unreachable('resolved');
  };
  await rejects(() => signJwt({}, { secret: SECRET } as never), /expiresIn is required/);
  await rejects(() => signJwt({}, { expiresIn: 60 }), /give one of secret and privateKey; is the variable it is read from set\?/);
  await rejects(() => signJwt({}, { secret: 'short', expiresIn: 60 }), /HS256 needs at least 32/);
  await rejects(() => signJwt({}, { privateKey: ec.publicKey, expiresIn: 60 }), /privateKey is a public key/);
  await rejects(() => signJwt({}, { secret: SECRET, alg: 'HS512', expiresIn: 60 }), /alg HS512 does not go with this key; it signs with HS256/);
  await rejects(() => signJwt([] as never, { secret: SECRET, expiresIn: 60 }), /claims must be an object/);
});

// ---------------------------------------------------------------- safeEqual

test('safeEqual: equal strings only; lengths may differ; non-strings are never equal', () => {
  assert.ok(safeEqual('s3cret-key', 's3cret-key'));
  assert.ok(safeEqual('', ''));
  assert.ok(safeEqual('ünïcode', 'ünïcode'));
  assert.not.ok(safeEqual('s3cret-key', 's3cret-kez'));
  assert.not.ok(safeEqual('s3cret-key', 's3cret-key-longer'));
  assert.not.ok(safeEqual('s3cret', ''));
  assert.not.ok(safeEqual(undefined as never, undefined as never));
  assert.not.ok(safeEqual('x', 1 as never));
});

test('the public key from createPublicKey of a private one is accepted (what the error message tells users to do)', async () => {
  const jwt = jwtVerifier({ publicKey: createPublicKey(ec.privateKey) });
  assert.ok(await jwt.verify(await token('ES256', ec.privateKey)));
});

test.run();
