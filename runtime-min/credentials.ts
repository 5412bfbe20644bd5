/**
 * Credential extraction (the `BearerToken`, `OAuth2Token`, `ApiKey`, `BasicCredentials`
 * parameters): one scheme object per security scheme, made once at module level by the generated
 * server, whose `read` turns the raw header / query / cookie value into the credential,
 * `undefined` when the request carries none, or throws the 401 for a malformed one. `missing()` is
 * the 401 for a required credential that is absent. Unverified: a provider verifies it.
 *
 * 401s are FastAPI's (`{"detail":"Not authenticated"}`) with the challenge RFC 9110 §11.6.1 says a
 * 401 must carry: `Bearer` (RFC 6750 §3: no error attribute when the request had no credential;
 * `error="invalid_request"` when it was malformed), `Basic realm="…", charset="UTF-8"` (RFC 7617),
 * and `APIKey` for keys, which no RFC covers (FastAPI's choice too).
 */
import { HttpError } from './api.ts';
import type { EngineResponse } from './engine.ts';
import { fail } from './rt.ts';

/** Longer Authorization headers and keys are malformed (a JWT with many claims is ~1–2 KiB). */
export const MAX_CREDENTIAL_LENGTH = 8192;
export const NOT_AUTHENTICATED = 'Not authenticated';

/** RFC 6750 §2.1 b64token (= RFC 9110's token68). */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const CONTROL = /[\x00-\x1f\x7f]/;
const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

export interface CredentialScheme<T> {
  /** The credential, `undefined` when there is none; a malformed one throws its 401. */
  read(value: string | undefined): T | undefined;
  /** The 401 for a required credential that is absent. */
  missing(): HttpError;
}

/** `value` splits as `<scheme> <rest>` with the scheme word `word` (case-insensitive): the rest, '' when only the word; undefined for another scheme. */
function afterScheme(value: string, word: string): string | undefined {
  const n = word.length;
  if (value.length < n || value.slice(0, n).toLowerCase() !== word) return undefined;
  if (value.length === n) return '';
  if (value.charCodeAt(n) !== 32) return undefined;
  let i = n + 1;
  while (value.charCodeAt(i) === 32) i++;
  return value.slice(i);
}

function quoted(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/** `Authorization: Bearer <token68>` (`BearerToken`, `OAuth2Token`). */
export class BearerScheme implements CredentialScheme<string> {
  read(value: string | undefined): string | undefined {
    if (value === undefined || value === '') return undefined;
    if (value.length > MAX_CREDENTIAL_LENGTH) throw this.malformed(`the Authorization header is longer than ${MAX_CREDENTIAL_LENGTH} characters`);
    const token = afterScheme(value, 'bearer');
    // Another scheme (Basic …): no bearer token, as when there is no header.
    if (token === undefined) return undefined;
    if (token === '') throw this.malformed('the Bearer credentials have no token');
    if (!TOKEN68.test(token)) throw this.malformed('the bearer token is not in token68 syntax (RFC 6750 section 2.1)');
    return token;
  }

  missing(): HttpError {
    return new HttpError(401, NOT_AUTHENTICATED, { headers: { 'www-authenticate': 'Bearer' } });
  }

  private malformed(description: string): HttpError {
    return new HttpError(401, NOT_AUTHENTICATED, { headers: { 'www-authenticate': `Bearer error="invalid_request", error_description=${quoted(description)}` } });
  }
}

export interface Basic {
  readonly username: string;
  readonly password: string;
}

/** `Authorization: Basic base64(user-id ":" password)` (RFC 7617, UTF-8; the first colon splits). */
export class BasicScheme implements CredentialScheme<Basic> {
  private readonly challenge: string;

  constructor(realm: string) {
    this.challenge = `Basic realm=${quoted(realm)}, charset="UTF-8"`;
  }

  read(value: string | undefined): Basic | undefined {
    if (value === undefined || value === '') return undefined;
    if (value.length > MAX_CREDENTIAL_LENGTH) throw this.missing();
    const encoded = afterScheme(value, 'basic');
    if (encoded === undefined) return undefined;
    if (!BASE64.test(encoded) || encoded.length % 4 === 1) throw this.missing();
    let text: string;
    try {
      text = utf8.decode(Buffer.from(encoded, 'base64'));
    } catch {
      throw this.missing();
    }
    const colon = text.indexOf(':');
    if (colon === -1 || CONTROL.test(text)) throw this.missing();
    return Object.freeze({ username: text.slice(0, colon), password: text.slice(colon + 1) });
  }

  /** Basic has no error attribute: a malformed credential gets the same challenge. */
  missing(): HttpError {
    return new HttpError(401, NOT_AUTHENTICATED, { headers: { 'www-authenticate': this.challenge } });
  }
}

/** An API key's raw value (header, query parameter or cookie); empty counts as absent. */
export class ApiKeyScheme implements CredentialScheme<string> {
  read(value: string | undefined): string | undefined {
    if (value === undefined || value === '') return undefined;
    if (value.length > MAX_CREDENTIAL_LENGTH) throw this.missing();
    return value;
  }

  missing(): HttpError {
    return new HttpError(401, NOT_AUTHENTICATED, { headers: { 'www-authenticate': 'APIKey' } });
  }
}

/** Sentinel: the credential's 401 was answered (a route without a lifecycle returns). */
export const UNAUTHORIZED: unique symbol = Symbol('covet.unauthorized');

/**
 * For a route without a lifecycle: the credential, `undefined` when absent and optional, or
 * `UNAUTHORIZED` after answering the 401.
 */
export function credential<T>(res: EngineResponse, scheme: CredentialScheme<T>, value: string | undefined, required: boolean, route: string): T | undefined | typeof UNAUTHORIZED {
  try {
    const v = scheme.read(value);
    if (v === undefined && required) throw scheme.missing();
    return v;
  } catch (err) {
    fail(res, err, route);
    return UNAUTHORIZED;
  }
}

/** The credential, or throws its 401 (a route with a lifecycle: the failure goes through its hooks). */
export function requireCredential<T>(scheme: CredentialScheme<T>, value: string | undefined): T {
  const v = scheme.read(value);
  if (v === undefined) throw scheme.missing();
  return v;
}
