/**
 * The auth helpers `covet` exports (api.ts's section "auth helpers"): `jwtVerifier` (bearer JWTs
 * checked with jose), `signJwt` (for token endpoints) and `safeEqual` (constant-time comparison
 * of API keys and passwords). Bundled only into apps that import one of them: nothing here runs
 * at module load, so esbuild drops the module, and jose with it, from every other app.
 *
 * How a verifier decides (one table, `REJECTIONS`, says what each failure answers):
 *   - the key fixes the algorithms: a secret HS* (those its length allows, RFC 7518 §3.2), an RSA
 *     key RS* and PS*, an RSA-PSS key PS*, an EC key the ES* of its curve, an Ed25519 key EdDSA; a
 *     JWKS every asymmetric one (jose matches each key's type to the token's `alg`). The token's
 *     `alg` is only ever checked against that list, never used to choose how to verify;
 *   - a token longer than `maxTokenLength` or not in the JWS compact form is refused before
 *     jose parses anything;
 *   - jose checks the signature and exp, nbf, iss, aud, the required claims; the verifier then
 *     checks the route's scopes against the `scope` / `scp` claim;
 *   - a token that verified is remembered (by its exact text) until the first of: its exp, its
 *     maxTokenAge, the cache's ttl; a hit re-checks the times and the scopes only.
 */
import { createHash, createPrivateKey, createPublicKey, KeyObject, timingSafeEqual, webcrypto } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWK, type JWTPayload, type JWTVerifyOptions, type JWTVerifyGetKey } from 'jose';
import { HttpError } from './api.ts';
import { say } from './log.ts';

export type { JWTPayload } from 'jose';

/** A key as the options take it: PEM text (SPKI for a public key, PKCS#8 for a private one), a JWK, a KeyObject or a CryptoKey. */
export type KeyInput = string | JWK | KeyObject | webcrypto.CryptoKey;

export interface JwtVerifierOptions {
  /** An HMAC secret (HS256/384/512): at least 32 bytes (UTF-8 for a string). */
  secret?: string | Uint8Array | KeyObject;
  /** A public key (RS*, PS*, ES*, EdDSA): PEM (SPKI), a JWK, a KeyObject or a CryptoKey. */
  publicKey?: KeyInput;
  /** A JSON Web Key Set's URL (an identity provider's `jwks_uri`), fetched when needed and cached. */
  jwksUrl?: string | URL;
  /** Narrows the algorithms the key allows (never widens them). */
  algorithms?: readonly string[];
  /** The `iss` the token must carry (one of them, for a list). */
  issuer?: string | readonly string[];
  /** An `aud` the token must carry (one of them, for a list). */
  audience?: string | readonly string[];
  /** The `sub` the token must carry. */
  subject?: string;
  /** Claims the token must have. Default `['exp']`: a token without an expiry is refused; `[]` allows it. */
  requiredClaims?: readonly string[];
  /** Seconds of clock difference allowed in the exp, nbf and iat checks. Default 0 (jose's). */
  clockToleranceSec?: number;
  /** Refuse tokens issued (`iat`) longer ago than this many seconds (iat is then required). */
  maxTokenAgeSec?: number;
  /** The `realm` of the `WWW-Authenticate` challenge (none by default). */
  realm?: string;
  /** Longest token accepted, in characters; longer ones are refused unparsed. Default 8192. */
  maxTokenLength?: number;
  /**
   * Tokens that verified, remembered by their exact text so that the next request with the same
   * token skips the signature check: `max` entries (default 1000; the oldest goes first), each for
   * at most `ttlSec` seconds (default 600) and never past its exp. `false`: verify every time.
   */
  cache?: false | { max?: number; ttlSec?: number };
  /** JWKS only: milliseconds a fetch of the key set may take; then the request answers 503. Default 5000. */
  jwksTimeoutMs?: number;
  /** JWKS only: seconds a fetched key set is used before it is fetched again. Default 600. */
  jwksCacheMaxAgeSec?: number;
  /** JWKS only: seconds after a fetch during which a token with an unknown `kid` does not trigger another. Default 30. */
  jwksCooldownSec?: number;
}

/** The claims `verify` hands out: the token's payload, frozen (it may be shared by the requests that carry the same token). */
export type VerifiedClaims<Claims> = Readonly<Claims & JWTPayload>;

export interface JwtVerifier<Claims> {
  /**
   * Verifies a bearer token and, given the route's scopes (a `Scopes` parameter), that the token
   * grants each. Resolves to its claims; rejects only with an `HttpError`: 401 (missing or invalid
   * token, `WWW-Authenticate: Bearer …` as RFC 6750 §3 says), 403 (a scope is missing), 503 (a JWKS
   * that cannot be fetched).
   */
  verify(token: string | undefined, scopes?: readonly string[]): Promise<VerifiedClaims<Claims>>;
}

// ---------------------------------------------------------------- what each failure answers

/** Each refusal: status, the RFC 6750 error code (none for a missing token), and the description (also the body's detail). */
const REJECTIONS = {
  missing: { status: 401, error: null, description: 'Not authenticated' },
  tooLong: { status: 401, error: 'invalid_token', description: 'the token is too long' },
  malformed: { status: 401, error: 'invalid_token', description: 'the token is not a JWT in compact form' },
  algorithm: { status: 401, error: 'invalid_token', description: "the token's algorithm (alg) is not one this key verifies" },
  signature: { status: 401, error: 'invalid_token', description: "the token's signature does not verify" },
  expired: { status: 401, error: 'invalid_token', description: 'the token has expired (exp)' },
  tooOld: { status: 401, error: 'invalid_token', description: 'the token was issued too long ago (iat)' },
  notYet: { status: 401, error: 'invalid_token', description: 'the token is not valid yet (nbf)' },
  issuer: { status: 401, error: 'invalid_token', description: "the token's issuer (iss) is not the expected one" },
  audience: { status: 401, error: 'invalid_token', description: "the token's audience (aud) is not this API" },
  subject: { status: 401, error: 'invalid_token', description: "the token's subject (sub) is not the expected one" },
  claim: { status: 401, error: 'invalid_token', description: 'the token lacks a required claim or has an invalid one' },
  noKey: { status: 401, error: 'invalid_token', description: "no key of the key set matches the token's kid and alg" },
  scope: { status: 403, error: 'insufficient_scope', description: 'the token lacks a required scope' },
  keysUnavailable: { status: 503, error: null, description: 'the keys that verify tokens could not be fetched; try again later' },
} as const;

type Rejection = keyof typeof REJECTIONS;

/** A claim's name, as jose's claim errors give it, to the refusal for it. */
const CLAIM_REJECTIONS: Record<string, Rejection> = { exp: 'expired', nbf: 'notYet', iss: 'issuer', aud: 'audience', sub: 'subject' };

/** RFC 9110 §5.6.4 quoted-string: backslash before `"` and `\` (the texts here have neither; a realm or a scope might). */
function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** The challenge of a refusal: `Bearer realm="…", error="…", error_description="…"` (RFC 6750 §3). */
function challenge(realm: string | undefined, kind: Rejection, scopes?: readonly string[]): string {
  const { error, description } = REJECTIONS[kind];
  const parts: string[] = [];
  if (realm !== undefined) parts.push(`realm=${quoted(realm)}`);
  if (error !== null) parts.push(`error=${quoted(error)}`, `error_description=${quoted(description)}`);
  if (scopes !== undefined) parts.push(`scope=${quoted(scopes.join(' '))}`);
  return parts.length ? `Bearer ${parts.join(', ')}` : 'Bearer';
}

// ---------------------------------------------------------------- keys and their algorithms

const HMAC_BYTES = { HS256: 32, HS384: 48, HS512: 64 } as const;
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const PSS_ALGS = ['PS256', 'PS384', 'PS512'];
const CURVE_ALGS: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
const EDDSA_ALGS = ['EdDSA', 'Ed25519'];
/** What a JWKS may sign with: every asymmetric algorithm (jose matches each key's type to the token's alg). */
const JWKS_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

function secretBytes(secret: string | Uint8Array | KeyObject, who: string): Uint8Array {
  if (typeof secret === 'string') return new TextEncoder().encode(secret);
  if (secret instanceof Uint8Array) return secret;
  if (secret instanceof KeyObject && secret.type === 'secret') return secret.export();
  throw new TypeError(`${who}: secret must be a string, a Uint8Array or a secret KeyObject, got ${describe(secret)}`);
}

/** The HS* algorithms a secret of this many bytes may use: RFC 7518 §3.2 wants a key as long as the hash. */
function hmacAlgorithms(bytes: Uint8Array, who: string): string[] {
  const algs = Object.entries(HMAC_BYTES).filter(([, n]) => bytes.length >= n).map(([alg]) => alg);
  if (algs.length === 0) {
    throw new TypeError(`${who}: the secret is ${bytes.length} bytes; HS256 needs at least 32 (RFC 7518 §3.2). Make one with crypto.randomBytes(32).toString('base64url')`);
  }
  return algs;
}

function asKeyObject(key: KeyInput, kind: 'public' | 'private', who: string): KeyObject {
  const option = kind === 'public' ? 'publicKey' : 'privateKey';
  if (kind === 'public' && ((typeof key === 'string' && key.includes('PRIVATE KEY')) || (isJwk(key) && (key.d !== undefined || key.k !== undefined)))) {
    // createPublicKey would quietly derive the public half: a verifier should never hold what signs.
    throw new TypeError(`${who}: publicKey is a private or secret key; give the public key (crypto.createPublicKey(privateKey) derives it), or use secret for an HMAC key`);
  }
  let object: KeyObject;
  try {
    if (key instanceof KeyObject) object = key;
    else if (typeof key === 'string') object = kind === 'public' ? createPublicKey(key) : createPrivateKey(key);
    else if (isCryptoKey(key)) object = KeyObject.from(key);
    else if (key !== null && typeof key === 'object') object = kind === 'public' ? createPublicKey({ key: key as never, format: 'jwk' }) : createPrivateKey({ key: key as never, format: 'jwk' });
    else throw new TypeError(`got ${describe(key)}`);
  } catch (err) {
    throw new TypeError(`${who}: ${option} must be a PEM ${kind === 'public' ? 'SPKI' : 'PKCS#8'} key, a JWK, a KeyObject or a CryptoKey (${err instanceof Error ? err.message : String(err)})`);
  }
  if (object.type !== kind) {
    throw new TypeError(kind === 'public'
      ? `${who}: publicKey is a ${object.type} key; give the public key (crypto.createPublicKey(privateKey) derives it) so that the verifier cannot sign`
      : `${who}: privateKey is a ${object.type} key; signing needs the private key`);
  }
  return object;
}

/** The algorithms an asymmetric key can verify (or sign) with. */
function keyAlgorithms(key: KeyObject, who: string): string[] {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    if ((details.modulusLength ?? 0) < 2048) throw new TypeError(`${who}: the RSA key is ${details.modulusLength} bits; JWS needs at least 2048 (RFC 7518 §3.3)`);
    return type === 'rsa' ? RSA_ALGS : PSS_ALGS;
  }
  if (type === 'ec') {
    const alg = CURVE_ALGS[details.namedCurve ?? ''];
    if (!alg) throw new TypeError(`${who}: the EC key is on curve ${details.namedCurve}; JWS signs with P-256, P-384 or P-521 (ES256, ES384, ES512)`);
    return [alg];
  }
  if (type === 'ed25519') return EDDSA_ALGS;
  throw new TypeError(`${who}: a ${type} key does not sign JWTs here; use an RSA (2048 bits or more), EC (P-256/384/521) or Ed25519 key, or an HMAC secret`);
}

function narrow(allowed: string[], asked: readonly string[] | undefined, who: string): string[] {
  if (asked === undefined) return allowed;
  const kept = allowed.filter((alg) => asked.includes(alg));
  if (kept.length === 0) throw new TypeError(`${who}: algorithms [${asked.join(', ')}] allows none of what the key verifies (${allowed.join(', ')})`);
  return kept;
}

function isJwk(value: unknown): value is JWK {
  return value !== null && typeof value === 'object' && !(value instanceof KeyObject) && !isCryptoKey(value);
}

function isCryptoKey(value: unknown): value is webcrypto.CryptoKey {
  return (value as { [Symbol.toStringTag]?: unknown } | null)?.[Symbol.toStringTag] === 'CryptoKey';
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? `an instance of ${(value as object).constructor?.name ?? 'Object'}` : typeof value;
}

// ---------------------------------------------------------------- the verifier

interface Remembered {
  /** The whole token: the cache's key is its tail, a hit must be this exact text. */
  token: string;
  claims: VerifiedClaims<unknown>;
  scopes: ReadonlySet<string>;
  /** Seconds: the first second at which a check on time would fail (exp, iat + maxTokenAge, with the tolerance). */
  validUntilSec: number;
  /** Seconds: before this second, nbf (with the tolerance) would fail. */
  validFromSec: number;
  /** Milliseconds: when the cache forgets the entry. */
  forgetAtMs: number;
}

/** Deep-freezes a JSON value in place. */
function freeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) freeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

/** The scopes a token grants: `scope` (space-separated, RFC 8693 §4.2) and `scp` (an array or a space-separated string, as identity providers send it). */
function grantedScopes(claims: JWTPayload): Set<string> {
  const granted = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string') {
      for (const s of value.split(' ')) if (s !== '') granted.add(s);
    } else if (Array.isArray(value)) {
      for (const s of value) if (typeof s === 'string' && s !== '') granted.add(s);
    }
  };
  add(claims.scope);
  add(claims.scp);
  return granted;
}

/** Base64url segments: `header.payload.signature` (the signature may be empty, as `alg: none` leaves it; jose then refuses the alg). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * A bearer-token verifier. Check the options once, at module load:
 * ```ts
 * const jwt = jwtVerifier<Claims>({ secret: process.env.JWT_SECRET!, issuer: 'todo', audience: 'todo-api' });
 * export const currentUser = (token: BearerToken, scopes: Scopes) => jwt.verify(token, scopes);
 * ```
 * A wrong option (no key or two, a secret shorter than 32 bytes, a private key given as publicKey,
 * an RSA key under 2048 bits, algorithms that the key does not allow) throws a TypeError here,
 * so that the server does not start.
 */
export function jwtVerifier<Claims extends object = Record<string, unknown>>(options: JwtVerifierOptions): JwtVerifier<Claims> {
  const who = 'jwtVerifier';
  if (options === null || typeof options !== 'object') throw new TypeError(`${who}: options must be an object, got ${describe(options)}`);
  const given = (['secret', 'publicKey', 'jwksUrl'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) {
    throw new TypeError(given.length === 0
      ? `${who}: give the key: secret (HS256), publicKey (RS256, ES256, EdDSA …) or jwksUrl (an identity provider's key set); is the variable it is read from set?`
      : `${who}: give one of secret, publicKey and jwksUrl, not ${given.join(' and ')}`);
  }
  const tolerance = options.clockToleranceSec ?? 0;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new TypeError(`${who}: clockToleranceSec must be a number of seconds, 0 or more, got ${String(options.clockToleranceSec)}`);
  const maxAge = options.maxTokenAgeSec;
  if (maxAge !== undefined && (!Number.isFinite(maxAge) || maxAge <= 0)) throw new TypeError(`${who}: maxTokenAgeSec must be a positive number of seconds, got ${String(maxAge)}`);
  const maxLength = options.maxTokenLength ?? 8192;
  if (!Number.isInteger(maxLength) || maxLength < 16) throw new TypeError(`${who}: maxTokenLength must be an integer of 16 or more, got ${String(options.maxTokenLength)}`);
  const cacheMax = options.cache === false ? 0 : options.cache?.max ?? 1000;
  const cacheTtlSec = options.cache === false ? 0 : options.cache?.ttlSec ?? 600;
  if (!Number.isInteger(cacheMax) || cacheMax < 0) throw new TypeError(`${who}: cache.max must be an integer of 0 or more, got ${String(cacheMax)}`);
  if (!Number.isFinite(cacheTtlSec) || cacheTtlSec < 0) throw new TypeError(`${who}: cache.ttlSec must be a number of seconds, 0 or more, got ${String(cacheTtlSec)}`);
  const realm = options.realm;

  let key: JWTVerifyGetKey | KeyObject;
  let algorithms: string[];
  let jwks: { url: string; down: boolean } | null = null;
  let ttlMs = cacheTtlSec * 1000;
  if (options.secret !== undefined) {
    const bytes = secretBytes(options.secret, who);
    algorithms = narrow(hmacAlgorithms(bytes, who), options.algorithms, who);
    // One CryptoKey per HS algorithm, imported at the first token that uses it: jose verifies
    // fastest with a CryptoKey (a Uint8Array or KeyObject would be imported on every call).
    const imported = new Map<string, Promise<webcrypto.CryptoKey>>();
    key = (header) => {
      const alg = header.alg!;
      let k = imported.get(alg);
      if (k === undefined) {
        k = webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, ['verify']);
        imported.set(alg, k);
      }
      return k;
    };
  } else if (options.publicKey !== undefined) {
    const object = asKeyObject(options.publicKey, 'public', who);
    algorithms = narrow(keyAlgorithms(object, who), options.algorithms, who);
    key = object; // jose turns it into a CryptoKey per algorithm once (a WeakMap on the KeyObject)
  } else {
    let url: URL;
    try {
      url = new URL(String(options.jwksUrl));
    } catch {
      throw new TypeError(`${who}: jwksUrl must be an absolute http(s) URL, got ${JSON.stringify(String(options.jwksUrl))}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`${who}: jwksUrl must be an http(s) URL, got ${url.protocol}`);
    const timeout = options.jwksTimeoutMs ?? 5000;
    if (!Number.isInteger(timeout) || timeout <= 0) throw new TypeError(`${who}: jwksTimeoutMs must be a positive integer, got ${String(options.jwksTimeoutMs)}`);
    const maxAgeMs = (options.jwksCacheMaxAgeSec ?? 600) * 1000;
    const remote = createRemoteJWKSet(url, {
      timeoutDuration: timeout,
      cacheMaxAge: maxAgeMs,
      cooldownDuration: (options.jwksCooldownSec ?? 30) * 1000,
    });
    // A key the set no longer has must stop verifying once the set is fetched again: a
    // remembered token is forgotten no later than the set is.
    ttlMs = Math.min(ttlMs, maxAgeMs);
    const state = { url: `${url.origin}${url.pathname}`, down: false };
    jwks = state;
    algorithms = narrow(JWKS_ALGS, options.algorithms, who);
    key = async (header, token) => {
      try {
        const k = await remote(header, token);
        if (state.down) {
          state.down = false;
          say('warn', `covet: jwtVerifier: the key set at ${state.url} answers again`);
        }
        return k;
      } catch (err) {
        // The token's fault (no key for its kid or alg): its 401, below. Anything else is the key set's.
        if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || err instanceof errors.JOSENotSupported) throw err;
        throw new KeysUnavailable(err);
      }
    };
  }

  const verifyOptions: JWTVerifyOptions = {
    algorithms,
    issuer: options.issuer as string | string[] | undefined,
    audience: options.audience as string | string[] | undefined,
    subject: options.subject,
    requiredClaims: [...(options.requiredClaims ?? ['exp'])],
    clockTolerance: tolerance,
    maxTokenAge: maxAge,
  };
  const cache = new Map<string, Remembered>();
  const challenges = new Map<Rejection, string>();
  const reject = (kind: Rejection, scopes?: readonly string[]): HttpError => {
    const { status, description } = REJECTIONS[kind];
    if (kind === 'keysUnavailable') return new HttpError(status, description, { headers: { 'retry-after': '5' } });
    let header = scopes === undefined ? challenges.get(kind) : undefined;
    if (header === undefined) {
      header = challenge(realm, kind, scopes);
      if (scopes === undefined) challenges.set(kind, header);
    }
    return new HttpError(status, description, { headers: { 'www-authenticate': header } });
  };

  const checkScopes = (entry: Remembered, scopes: readonly string[] | undefined): VerifiedClaims<Claims> => {
    if (scopes !== undefined) {
      for (let i = 0; i < scopes.length; i++) if (!entry.scopes.has(scopes[i]!)) throw reject('scope', scopes);
    }
    return entry.claims as VerifiedClaims<Claims>;
  };

  const verifyWithJose = async (token: string): Promise<Remembered> => {
    let payload: JWTPayload;
    try {
      payload = (await joseVerify(token, key, verifyOptions)).payload;
    } catch (err) {
      throw rejection(err, reject, jwks);
    }
    const claims = freeze(payload);
    const nowMs = Date.now();
    let until = Infinity;
    if (typeof claims.exp === 'number') until = claims.exp + tolerance;
    if (maxAge !== undefined && typeof claims.iat === 'number') until = Math.min(until, claims.iat + maxAge + tolerance);
    const from = typeof claims.nbf === 'number' ? claims.nbf - tolerance : -Infinity;
    return { token, claims, scopes: grantedScopes(claims), validUntilSec: until, validFromSec: from, forgetAtMs: nowMs + ttlMs };
  };

  return {
    async verify(token, scopes) {
      if (token === undefined || token === null || token === '') throw reject('missing');
      if (typeof token !== 'string') throw reject('malformed');
      if (token.length > maxLength) throw reject('tooLong');
      // The cache is keyed by the token's last 32 characters (its signature's): V8 hashes those
      // three times faster than a whole token of 200; a hit must then be the same text.
      const tail = cacheMax > 0 ? token.slice(-32) : '';
      if (cacheMax > 0) {
        const hit = cache.get(tail);
        if (hit !== undefined && hit.token === token) {
          const nowMs = Date.now();
          const nowSec = Math.floor(nowMs / 1000);
          if (nowSec < hit.validUntilSec && nowSec >= hit.validFromSec && nowMs < hit.forgetAtMs) return checkScopes(hit, scopes);
          cache.delete(tail); // jose says below which check fails now
        }
      }
      if (!COMPACT_JWS.test(token)) throw reject('malformed');
      const entry = await verifyWithJose(token);
      if (cacheMax > 0) {
        cache.delete(tail); // another token with the same tail (a forgery's): the newest verified one stays
        if (cache.size >= cacheMax) cache.delete(cache.keys().next().value!);
        cache.set(tail, entry);
      }
      return checkScopes(entry, scopes);
    },
  };
}

/** jose's jwtVerify, trying each candidate when a key set has several keys for the token's kid and alg. */
async function joseVerify(token: string, key: JWTVerifyGetKey | KeyObject, options: JWTVerifyOptions) {
  try {
    return typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
  } catch (err) {
    if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err;
    for await (const candidate of err as unknown as AsyncIterable<webcrypto.CryptoKey>) {
      try {
        return await jwtVerify(token, candidate, options);
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** A key set that could not be fetched (a timeout, a refused connection, not a key set): answered 503. */
class KeysUnavailable extends Error {
  constructor(readonly reason: unknown) {
    super('the key set could not be fetched');
  }
}

/** The HttpError for what jose (or the key set) threw. An error that is neither is a bug of the app's setup: rethrown, a 500. */
function rejection(err: unknown, reject: (kind: Rejection) => HttpError, jwks: { url: string; down: boolean } | null): unknown {
  if (err instanceof KeysUnavailable) {
    if (jwks && !jwks.down) {
      jwks.down = true;
      const reason = err.reason instanceof Error ? `${err.reason.message}${err.reason.cause instanceof Error ? `: ${err.reason.cause.message}` : ''}` : String(err.reason);
      say('warn', `covet: jwtVerifier: the key set at ${jwks.url} cannot be fetched (${reason}); tokens that need it are answered 503 until it can`);
    }
    return reject('keysUnavailable');
  }
  if (err instanceof errors.JWTExpired) return reject(err.claim === 'iat' ? 'tooOld' : 'expired');
  // a claim that failed its check says which; one missing or of the wrong type is "a required claim or an invalid one"
  if (err instanceof errors.JWTClaimValidationFailed) return reject((err.reason === 'check_failed' && CLAIM_REJECTIONS[err.claim]) || 'claim');
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return reject('algorithm');
  if (err instanceof errors.JWSSignatureVerificationFailed) return reject('signature');
  if (err instanceof errors.JWKSNoMatchingKey) return reject('noKey');
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return reject('malformed');
  return err;
}

// ---------------------------------------------------------------- signing

export interface SignJwtOptions {
  /** An HMAC secret (HS256 by default): at least 32 bytes. */
  secret?: string | Uint8Array | KeyObject;
  /** A private key (PEM PKCS#8, a JWK, a KeyObject or a CryptoKey); its type gives the default alg (RS256, ES256/384/512, EdDSA). */
  privateKey?: KeyInput;
  /** The algorithm, among those the key allows. */
  alg?: string;
  /** Seconds until the token expires, or a duration jose reads (`'15m'`, `'2h'`, `'7d'`). Required: every token should end. */
  expiresIn: number | string;
  issuer?: string;
  audience?: string | string[];
  subject?: string;
  /** Seconds (or a duration) from now before which the token is not valid (nbf). */
  notBefore?: number | string;
  /** The `kid` header: which key of a published key set signed it. */
  keyId?: string;
  /** A unique id for the token (`jti`). */
  jwtId?: string;
}

/**
 * Signs a JWT for a token endpoint (jose's SignJWT): `iat` now, `exp` from `expiresIn`, and the
 * given iss, aud, sub, nbf, jti. Claims given in `claims` are kept, except those the options set.
 * ```ts
 * const access_token = await signJwt({ scope: 'todos:write' }, { secret, expiresIn: 3600, issuer: 'todo', audience: 'todo-api', subject: user.id });
 * ```
 */
export async function signJwt(claims: Record<string, unknown>, options: SignJwtOptions): Promise<string> {
  const who = 'signJwt';
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new TypeError(`${who}: claims must be an object, got ${describe(claims)}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`${who}: options must be an object, got ${describe(options)}`);
  if ((options.secret === undefined) === (options.privateKey === undefined)) {
    throw new TypeError(`${who}: give one of secret and privateKey${options.secret === undefined ? '; is the variable it is read from set?' : ', not both'}`);
  }
  let key: Uint8Array | KeyObject;
  let allowed: string[];
  if (options.secret !== undefined) {
    const bytes = secretBytes(options.secret, who);
    allowed = hmacAlgorithms(bytes, who);
    key = bytes;
  } else {
    const object = asKeyObject(options.privateKey!, 'private', who);
    allowed = keyAlgorithms(object, who);
    key = object;
  }
  const alg = options.alg ?? allowed[0]!;
  if (!allowed.includes(alg)) throw new TypeError(`${who}: alg ${alg} does not go with this key; it signs with ${allowed.join(', ')}`);
  if (typeof options.expiresIn !== 'number' && typeof options.expiresIn !== 'string') throw new TypeError(`${who}: expiresIn is required: seconds, or a duration such as '1h'`);
  const later = (value: number | string): number | string => (typeof value === 'number' ? Math.floor(Date.now() / 1000) + value : value);
  const jwt = new SignJWT(claims as JWTPayload).setProtectedHeader(options.keyId === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: options.keyId }).setIssuedAt().setExpirationTime(later(options.expiresIn));
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  if (options.subject !== undefined) jwt.setSubject(options.subject);
  if (options.notBefore !== undefined) jwt.setNotBefore(later(options.notBefore));
  if (options.jwtId !== undefined) jwt.setJti(options.jwtId);
  return jwt.sign(key);
}

// ---------------------------------------------------------------- comparing secrets

/**
 * Whether two strings are equal, in time that does not depend on where they differ nor on
 * whether their lengths do: both are hashed (SHA-256) and the digests compared with
 * `crypto.timingSafeEqual`. For API keys and passwords: `safeEqual(key, process.env.API_KEY!)`.
 * Anything that is not a string (an unset variable) is never equal.
 */
export function safeEqual(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
