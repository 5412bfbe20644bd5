/**
 * The handler-side API: what `import … from 'covet'` gives a user.
 *
 * Type tags are phantom intersection types: `number & Int & Min<0>` is a plain
 * number at run time; the compiler reads the tags through the checker. Each
 * tag carries its meaning in an optional property whose name starts with
 * `__covet_`, so tags survive aliases, generics and `Pick`/`Omit` unchanged,
 * and two tags never conflict in an intersection.
 */

// ---------------------------------------------------------------- errors

export interface HttpErrorOptions {
  /**
   * Extra response headers, e.g. `{ 'www-authenticate': 'Bearer' }`. A name that is not a
   * token, a value with a byte a header field may not hold (CR, LF, NUL, another control
   * character, a character above U+00FF: often client input), or one of the headers the
   * server manages (connection, keep-alive, content-length, transfer-encoding, date,
   * server) is the handler's bug: the answer is a 500 instead, and the reason is logged,
   * as `ctx.setHeader` throws for them.
   */
  headers?: Record<string, string>;
}

/**
 * Throw from a handler to answer an error: `throw new HttpError(404, 'user 7 not found')`
 * answers 404 with `{"detail":"user 7 not found"}`. `detail` may be any JSON value.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, detail?: unknown, options?: HttpErrorOptions) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status must be an integer from 400 to 599, got ${String(status)}`);
    }
    this.name = 'HttpError';
    this.status = status;
    this.detail = detail === undefined ? defaultReason(status) : detail;
    this.headers = options?.headers;
  }
}

function defaultReason(status: number): string {
  return REASONS[status] ?? 'Error';
}

/** Reason phrases for the statuses Covet answers itself. */
export const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

// ---------------------------------------------------------------- answers from hooks

/**
 * An answer that is not an error, from an `@onRequest` hook that ends the request early
 * (`return new Answer(304)`, a redirect, a cached body) or from an `@onError` hook that maps a
 * failure: `status` 200 to 599, `body` sent as JSON (`JSON.stringify`) unless it is undefined
 * (no body), `headers` as `HttpError`'s.
 */
export class Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, body?: unknown, options?: HttpErrorOptions) {
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`Answer status must be an integer from 200 to 599, got ${String(status)}`);
    }
    this.status = status;
    this.body = body;
    this.headers = options?.headers;
  }
}

/** What an `@onResponse` hook is told about the answer that was written. */
export interface ResponseInfo {
  /** The status written (a 422, an error's status, the handler's status). */
  readonly status: number;
  /** Milliseconds from the route's dispatch to the answer being handed to the engine. */
  readonly durationMs: number;
  /** The route as declared: `GET /users/:id` (never the raw path). */
  readonly route: string;
  /** The request method as received. */
  readonly method: string;
  /** What failed, when the answer is an error's (also when a hook mapped it); undefined otherwise. */
  readonly error: unknown;
}

// ---------------------------------------------------------------- dependencies

/**
 * What a provider hands out: the awaited return value, or the first value a generator
 * (`function*`, `async function*`) yields. An `Answer` an `@onRequest` hook returns ends the
 * request instead, so it is never handed out.
 */
export type Provided<R> =
  R extends AsyncGenerator<infer Y, unknown, unknown> ? Y : R extends Generator<infer Y, unknown, unknown> ? Y : Exclude<Awaited<R>, Answer>;

/**
 * A parameter that receives a provider's value: `user: Dep<typeof currentUser>`. The provider's
 * own parameters bind like a handler's (path, query, header, cookie, body, `Ctx`, other `Dep`s);
 * per request it runs once, whoever asks, before anything that asks. The compiler reads the
 * provider from this type as written (`Dep<typeof fn>`, or an alias of it).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Dep<F extends (...args: any[]) => unknown> = Provided<ReturnType<F>>;

// ---------------------------------------------------------------- request context

// ---------------------------------------------------------------- response cookies

/**
 * The attributes of a `Set-Cookie` (`ctx.setCookie`), serialised by the `cookie` package. Defaults:
 * `path: '/'` and `sameSite: 'lax'`, nothing else (no Max-Age or Expires: a session cookie).
 */
export interface CookieOptions {
  /** Seconds until the cookie expires (`Max-Age`, an integer; 0 or less: expire now). */
  maxAge?: number;
  /** When the cookie expires (`Expires`; `maxAge` wins in browsers when both are given). */
  expires?: Date;
  /** The paths the cookie is sent for. Default `'/'`: the whole site, not the browser's default (the request path's folder). */
  path?: string;
  /** The host and its subdomains the cookie is sent to (default: this host only, not its subdomains). */
  domain?: string;
  /** Sent over HTTPS only. Browsers refuse `sameSite: 'none'` and `partitioned` without it. */
  secure?: boolean;
  /** Hidden from the page's JavaScript (`document.cookie`): what a session cookie wants. */
  httpOnly?: boolean;
  /**
   * Whether cross-site requests carry it: `'strict'`, `'lax'` (the default: top-level navigations do),
   * `'none'` (every request; needs `secure`), `true` (`'strict'`), or `false` (no SameSite attribute,
   * which leaves it to the browser). Case is ignored, as the `cookie` package does.
   */
  sameSite?: boolean | 'strict' | 'lax' | 'none' | 'Strict' | 'Lax' | 'None';
  /** CHIPS: kept per top-level site (`Partitioned`; needs `secure`). */
  partitioned?: boolean;
  /** Chrome's eviction priority (`Priority=Low|Medium|High`). */
  priority?: 'low' | 'medium' | 'high' | 'Low' | 'Medium' | 'High';
}

/** The request context: declare a parameter of type `Ctx` to receive it. */
export interface Ctx {
  /** The request method as received (`HEAD` requests run `GET` handlers). */
  readonly method: string;
  /** The decoded-free path, without the query string. */
  readonly path: string;
  /** The raw query string without `?` (empty when none). */
  readonly query: string;
  /** A request header by lower-case name (`undefined` when absent). */
  header(name: string): string | undefined;
  /** All request headers as `[name, value]` pairs, names lower-cased, in arrival order. */
  headers(): [string, string][];
  /** The client's address. */
  readonly ip: string;
  /** Aborts when the client goes away before the response is sent. */
  readonly signal: AbortSignal;
  /** The success status to answer with (defaults to the route's `@status`). */
  status: number;
  /**
   * Sets a response header of the success answer, replacing what the answer had under that
   * name: `setHeader('set-cookie', line)` replaces the cookies `setCookie` added before it too
   * (prefer `setCookie`, which writes one `Set-Cookie` per cookie). Throws a TypeError for a name
   * that is not a token, a value with a byte a header field may not hold (CR, LF, NUL, other
   * controls, above U+00FF) and a header the server manages. Uncaught, that is a 500, logged.
   */
  setHeader(name: string, value: string): void;
  /**
   * Adds a `Set-Cookie` to the success answer: `value` is percent-encoded (`encodeURIComponent`;
   * a `Cookie<…>` parameter decodes it), `options` as `CookieOptions` says. Setting the same cookie
   * (name, domain, path) again replaces it; other cookies each get their own header. Throws a
   * TypeError for a name that is not a cookie name or an invalid option.
   */
  setCookie(name: string, value: string, options?: CookieOptions): void;
  /**
   * Tells the browser to drop a cookie: the same name, `path` and `domain` (give those it was set
   * with; `path` defaults to `'/'` as in `setCookie`), an empty value, `Max-Age=0` and an `Expires`
   * in 1970. Replaces a `setCookie` of the same cookie in this answer.
   */
  clearCookie(name: string, options?: CookieOptions): void;
  /**
   * Runs `fn` after the success answer has been written (and after every provider's cleanup, and
   * the onResponse hooks): a follow-up the client need not wait for. A failure (a throw, a
   * rejection) is logged with the route and reaches no client. An error answer (a throw, an
   * HttpError) drops the tasks. Shutdown waits for running tasks, up to a limit (10 s by default).
   * A task must not use what a provider's cleanup has released (a pooled connection, a
   * transaction): hold plain values and long-lived objects (the pool itself).
   */
  background(fn: () => unknown): void;
}

// ---------------------------------------------------------------- parameter sources

/** A request header: `apiKey: Header<string, 'x-api-key'>`. Default name: the parameter name in kebab-case. */
export type Header<T, Name extends string = ''> = T & { readonly __covet_header?: Name };
/** A cookie: `session: Cookie<string, 'sid'>`. Default name: the parameter name. */
export type Cookie<T, Name extends string = ''> = T & { readonly __covet_cookie?: Name };
/** An explicit query parameter (only needed to rename it: `Query<string, 'page-size'>`). */
export type Query<T, Name extends string = ''> = T & { readonly __covet_query?: Name };

// ---------------------------------------------------------------- credentials
// A credential parameter is extracted from the request as its scheme says and handed over
// unverified: a provider verifies it (`jwtVerifier` below, `safeEqual`, a database lookup) and
// hands out the identity. Required unless optional (`?`, `| undefined`): a missing or malformed
// required credential answers 401 before anything else of the route runs. Every route whose
// graph reads one lists its scheme in OpenAPI (`components.securitySchemes`, the route's
// `security`). `Scheme` names the scheme there; two credentials with one name must agree.

/** `Authorization: Bearer <token>`: the token. OpenAPI: `http`, `bearer`, bearerFormat JWT. */
export type BearerToken<Scheme extends string = 'bearerAuth'> = string & {
  readonly __covet_credential?: { type: 'bearer'; scheme: Scheme };
};

/**
 * A bearer token issued by OAuth2's password flow: read as `BearerToken` is. OpenAPI: `oauth2`,
 * flow `password` with `tokenUrl` (a route of the app that takes `Form<OAuth2PasswordRequest>`)
 * and `Scopes` (each scope → its description), which is what Swagger UI's Authorize needs.
 */
export type OAuth2Token<TokenUrl extends string, ScopeDescriptions extends Record<string, string> = {}, Scheme extends string = 'oauth2'> = string & {
  readonly __covet_credential?: { type: 'oauth2'; tokenUrl: TokenUrl; scopes: ScopeDescriptions; scheme: Scheme };
};

/** An API key in a header (`ApiKey<'header', 'x-api-key'>`), a query parameter or a cookie: the raw value. */
export type ApiKey<In extends 'header' | 'query' | 'cookie', Name extends string, Scheme extends string = ''> = string & {
  readonly __covet_credential?: { type: 'apiKey'; in: In; name: Name; scheme: Scheme };
};

/** HTTP Basic (`Authorization: Basic …`), decoded; compare the password with `safeEqual`. */
export type BasicCredentials<Realm extends string = 'api', Scheme extends string = 'basicAuth'> = {
  readonly username: string;
  readonly password: string;
} & { readonly __covet_credential?: { type: 'basic'; realm: Realm; scheme: Scheme } };

/** The scopes the route requires (its JSDoc `@scopes a b`): a provider checks a token against them. */
export type Scopes = readonly string[] & { readonly __covet_scopes?: true };

/** An `application/x-www-form-urlencoded` body: `body: Form<OAuth2PasswordRequest>`. */
export type Form<T> = T & { readonly __covet_form?: true };

/** The form of an OAuth2 password-flow token request (RFC 6749 §4.3.2), as Swagger UI's Authorize posts it. */
export interface OAuth2PasswordRequest {
  grant_type: 'password';
  username: string;
  password: string;
  /** Space-separated scopes asked for. */
  scope?: string;
  client_id?: string;
  client_secret?: string;
}

/** A token endpoint's answer (RFC 6749 §5.1). */
export interface OAuth2TokenResponse {
  access_token: string;
  token_type: 'bearer' | 'Bearer';
  /** Seconds the token is valid for. */
  expires_in?: number;
  /** The scopes granted, space-separated, when they differ from those asked for. */
  scope?: string;
}

// ---------------------------------------------------------------- auth helpers (runtime-min/auth.ts)
// jwtVerifier (bearer JWTs, checked with jose), signJwt (token endpoints), safeEqual (API keys,
// passwords). An app that imports none of them bundles none of it, nor jose.

export { jwtVerifier, signJwt, safeEqual } from './auth.ts';
export type { JwtVerifier, JwtVerifierOptions, SignJwtOptions, VerifiedClaims, KeyInput, JWTPayload } from './auth.ts';

// ---------------------------------------------------------------- rate limits (runtime-min/ratelimit.ts)
// `rateLimit({ name, limit, windowSec, store?, onStoreError? })` makes a limiter that a hook or a
// provider applies with `take(key, ctx)`; `redisStore(url)` shares its counts through Redis. Both
// libraries (rate-limiter-flexible, node-redis) are loaded on first use: an app that makes no
// limiter bundles neither.
export { rateLimit, redisStore, type RateLimiter, type RateLimitOptions, type RedisStore, type RedisStoreOptions } from './ratelimit.ts';

// ---------------------------------------------------------------- shutdown (runtime-min/closeables.ts)
// `closeAtShutdown(what, close)`: the app's long-lived clients (a database pool) closed when the
// server stops, after the in-flight requests and the background tasks; the registry the runtime's
// own clients (the rate limits' Redis) use.
export { closeAtShutdown } from './closeables.ts';

// ---------------------------------------------------------------- readiness (runtime-min/health.ts)
// `readinessCheck(name, fn, { timeoutMs })`: `/readyz` answers 503 while `fn` throws, rejects or
// outlasts its timeout (a database ping), and from the moment a stop signal arrives.
export { readinessCheck, type ReadinessCheckOptions } from './health.ts';

// ---------------------------------------------------------------- type tags

/**
 * A safe integer: what `Number.isSafeInteger` accepts, -(2^53 - 1) to 2^53 - 1. Anything else is a
 * 422 wherever it is read (path, query, header, cookie, body); send larger ids as strings.
 */
export type Int = { readonly __covet_int?: true };
/** An e-mail address (`local@domain`, as HTML's `input type=email` accepts). */
export type Email = { readonly __covet_format?: 'email' };
/** An RFC 9562 UUID in its canonical hyphenated form. */
export type Uuid = { readonly __covet_format?: 'uuid' };
/** An absolute `http:` or `https:` URL. */
export type Url = { readonly __covet_format?: 'url' };
/** An RFC 3339 date-time string (kept as a string; use `Date` to receive a Date). */
export type DateTime = { readonly __covet_format?: 'date-time' };
/** An RFC 3339 full-date string `YYYY-MM-DD`. */
export type DateOnly = { readonly __covet_format?: 'date' };
export type Min<N extends number> = { readonly __covet_minimum?: N };
export type Max<N extends number> = { readonly __covet_maximum?: N };
export type ExclusiveMin<N extends number> = { readonly __covet_exclusiveMinimum?: N };
export type ExclusiveMax<N extends number> = { readonly __covet_exclusiveMaximum?: N };
export type MultipleOf<N extends number> = { readonly __covet_multipleOf?: N };
export type MinLength<N extends number> = { readonly __covet_minLength?: N };
export type MaxLength<N extends number> = { readonly __covet_maxLength?: N };
/** An ECMAScript regular expression the whole string must match somewhere in (like JSON Schema's `pattern`). */
export type Pattern<R extends string> = { readonly __covet_pattern?: R };
export type MinItems<N extends number> = { readonly __covet_minItems?: N };
export type MaxItems<N extends number> = { readonly __covet_maxItems?: N };
export type UniqueItems = { readonly __covet_uniqueItems?: true };
/**
 * A response body sent as is, `text/plain; charset=utf-8`, instead of JSON:
 * `export function hello(): PlainText { return 'Hello, World!'; }`.
 */
export type PlainText = string & { readonly __covet_media?: 'text/plain' };
/** The value used when the property or parameter is absent. */
export type Default<V extends string | number | boolean | null> = { readonly __covet_default?: V };

// ---------------------------------------------------------------- the config file
// Its one table of options, with each one's variable, flag and default, is runtime-min/config.ts.

/** What `covet.config.ts` in the app's folder exports as default, through `defineConfig` (every part optional). */
export interface CovetConfig {
  server?: {
    /** TCP port, 0 for any free one. Default 3000. */
    port?: number;
    /** Address to listen on. Default `0.0.0.0`. */
    host?: string;
    /** Processes serving the port; `'auto'` is one per core of the machine the server starts on. Default 1. */
    workers?: number | 'auto';
  };
  /** The HTTP engine the server is built with. Default: native when its binary loads on the build machine, else node. */
  engine?: 'native' | 'node';
  limits?: {
    /** Largest request body in bytes; larger ones are answered 413. Default 1 MiB. */
    maxBodySize?: number;
    /** Bytes the bodies of unfinished requests may hold together; past it, 503. Default 256 MiB, or four bodies of maxBodySize if that is more. */
    maxBodyMemory?: number;
    /** Largest request head in bytes (request target, header names and values); larger ones are answered 431. Default 16 KiB. */
    maxHeaderSize?: number;
    /** Milliseconds a client has to send a whole request head; then 408. Default 10 000. */
    headersTimeoutMs?: number;
    /** Milliseconds a connection may go with answers unsent and none taken by the client; then it is closed. Default 60 000. */
    sendTimeoutMs?: number;
    /** Milliseconds an idle keep-alive connection is kept (1000 to 3 600 000; said in whole seconds in `keep-alive: timeout=`). Default 5000. */
    keepAliveTimeoutMs?: number;
  };
  shutdown?: {
    /** Milliseconds in-flight requests get to finish on SIGTERM/SIGINT. Default 10 000. */
    graceMs?: number;
    /** Milliseconds shutdown then waits for pending background tasks (`ctx.background`). Default 10 000. */
    backgroundMs?: number;
    /**
     * Milliseconds between the stop signal and the stop of accepting: `/readyz` answers 503 at
     * once, and the server goes on serving this long (set it to your load balancer's or
     * Kubernetes endpoints' propagation time). Default 0.
     */
    readinessDelayMs?: number;
  };
  /** The health routes: paths of the generated router (build-time); `false` turns one off. */
  health?: {
    /** Liveness: 200 `{"status":"ok"}` while the process serves. Default `/healthz`. */
    livenessPath?: string | false;
    /** Readiness: 200, or 503 while draining or while a `readinessCheck` fails. Default `/readyz`. */
    readinessPath?: string | false;
  };
  docs?: {
    /** Serve the OpenAPI document and the Swagger UI page. Default true. */
    enabled?: boolean;
    /** Path of the Swagger UI page (its assets are below it). Default `/docs`. */
    path?: string;
    /** Path of the OpenAPI document. Default `/openapi.json`. */
    openapiPath?: string;
  };
  /**
   * Cross-origin requests from browsers (CORS). Absent: none are allowed (no CORS header is
   * written, preflights answer 405 as any unknown method does).
   */
  cors?: {
    /**
     * The origins whose pages may call the API: `'*'` (any, without credentials), a list of
     * origins as browsers send them (`'https://app.example.com'`, scheme, host and port, no path),
     * a RegExp an origin must match (anchor it: `/^https:\/\/[a-z0-9-]+\.example\.com$/`), or a
     * function `(origin) => boolean` (the server then imports this file to call it).
     */
    origins: '*' | readonly string[] | RegExp | ((origin: string) => boolean);
    /** The methods cross-origin pages may use (a preflight lists those of its path among them). Default: every method of each path. */
    methods?: readonly string[];
    /** The request headers cross-origin pages may send. Default: whatever a preflight asks for. */
    allowHeaders?: readonly string[];
    /** Response headers, besides the CORS-safelisted ones, that pages may read. Default none. */
    exposeHeaders?: readonly string[];
    /** Allow cookies and `Authorization` (`Access-Control-Allow-Credentials: true`); not with `origins: '*'`. Default false. */
    credentials?: boolean;
    /** Seconds a browser may cache a preflight's answer (`Access-Control-Max-Age`). Default 600. */
    maxAgeSec?: number;
  };
  /**
   * The security headers every answer carries (helmet's defaults, for an API); `false`: none.
   * Each one is a header value, or `false` to leave that header out.
   */
  securityHeaders?:
    | false
    | {
        /** `Strict-Transport-Security`. Default: off (turn it on where the API is served over HTTPS only). */
        hsts?: false | { maxAgeSec: number; includeSubDomains?: boolean; preload?: boolean };
        /** `X-Frame-Options`. Default `'DENY'`. */
        frameOptions?: false | 'DENY' | 'SAMEORIGIN';
        /** `Referrer-Policy`. Default `'no-referrer'`. */
        referrerPolicy?: false | string;
        /** `Cross-Origin-Resource-Policy`. Default `'same-origin'`. */
        crossOriginResourcePolicy?: false | 'same-origin' | 'same-site' | 'cross-origin';
        /** `Cross-Origin-Opener-Policy`. Default `'same-origin'`. */
        crossOriginOpenerPolicy?: false | 'same-origin' | 'same-origin-allow-popups' | 'unsafe-none';
        /** `Content-Security-Policy` of the API's answers (the docs page has its own). Default `"default-src 'none'; frame-ancestors 'none'"`. */
        contentSecurityPolicy?: false | string;
        /** `X-Content-Type-Options: nosniff`. Default true. */
        noSniff?: boolean;
      };
}

/**
 * Types `covet.config.ts`'s default export: a wrong key or value is a TypeScript error in the
 * editor. Returns its argument.
 *
 * ```ts
 * import { defineConfig } from 'covet';
 * export default defineConfig({ server: { port: 8080 }, limits: { maxBodySize: 64 * 1024 } });
 * ```
 */
export function defineConfig(config: CovetConfig): CovetConfig {
  return config;
}

