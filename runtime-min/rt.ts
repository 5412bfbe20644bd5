/**
 * What generated dispatch code calls: error answers, body parsing, query and
 * cookie decoding, the request context. Everything here is monomorphic and
 * small; the route-specific work is in the generated code.
 */
import { HttpError, type Ctx } from './api.ts';
import { APP_ERRORS, errorBody } from './errors.ts';
import { MANAGED_HEADERS, managedHeader, type Engine, type EngineRequest, type EngineResponse, type PreparedHeaders } from './engine.ts';

/** One validation failure, FastAPI's shape. */
export interface ValidationError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** Header pairs of a JSON answer and of an answer without a body (for `Ctx.setHeader` merging). */
export const JSON_HEADER_PAIRS: readonly string[] = Object.freeze(['content-type', 'application/json']);
export const EMPTY_HEADER_PAIRS: readonly string[] = Object.freeze([]);
export const TEXT_HEADER_PAIRS: readonly string[] = Object.freeze(['content-type', 'text/plain; charset=utf-8']);

let engine: Engine | undefined;
let H_JSON: PreparedHeaders;

/**
 * Binds the helpers to the engine (prepares the shared header blocks). Called once, by the
 * generated module as it loads (templates/server.hbs), before its own headers are prepared.
 */
export function bindEngine(e: Engine): void {
  if (engine !== undefined && engine !== e) throw new Error('covet: the runtime is already bound to another engine');
  engine = e;
  H_JSON = e.headers(['content-type', 'application/json']);
}

/** The engine bindEngine was given (`serve` checks that it serves with that one). */
export function boundEngine(): Engine | undefined {
  return engine;
}

export function prepareHeaders(pairs: readonly string[]): PreparedHeaders {
  return engine!.headers(pairs);
}

/** Thrown by extraction code for input that is not even well-formed (bad percent-encoding); answers 400. */
export class BadRequest extends Error {}

function detailBody(detail: unknown): string {
  return JSON.stringify({ detail });
}

/** Answers `{"detail": …}` with `status`; returns the status (what an `@onResponse` hook is told). */
export function sendError(res: EngineResponse, status: number, detail: unknown): number {
  if (res.closed) return status;
  res.send(status, H_JSON, detailBody(detail));
  return status;
}

export function notFound(_req: EngineRequest, res: EngineResponse): void {
  sendError(res, APP_ERRORS.NOT_FOUND.status, APP_ERRORS.NOT_FOUND.detail);
}

export function methodNotAllowed(_req: EngineRequest, res: EngineResponse, allow: string): void {
  if (res.closed) return;
  res.send(405, engine!.headers(['content-type', 'application/json', 'allow', allow]), errorBody(APP_ERRORS.METHOD_NOT_ALLOWED));
}

export function badRequest(_req: EngineRequest, res: EngineResponse, message: string): void {
  sendError(res, 400, message);
}

export function invalid(res: EngineResponse, errors: ValidationError[]): number {
  return sendError(res, 422, errors);
}

/** `application/json` or any `+json` media type, parameters ignored. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  let end = value.indexOf(';');
  if (end === -1) end = value.length;
  const type = value.slice(0, end).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** Sentinel for a body that is not JSON. */
export const NOT_JSON: unique symbol = Symbol('covet.notJson');
/** Sentinel for a request whose body was already answered (415/400). */
export const ANSWERED: unique symbol = Symbol('covet.answered');

/**
 * The request body as parsed JSON: `undefined` when the request has none,
 * `ANSWERED` after answering 415 (not JSON) or 400 (malformed).
 */
export function readJson(req: EngineRequest, res: EngineResponse): unknown {
  const body = req.body;
  if (body === null || body.length === 0) return undefined;
  if (!isJsonContentType(req.header('content-type'))) {
    sendError(res, APP_ERRORS.UNSUPPORTED_MEDIA_TYPE.status, APP_ERRORS.UNSUPPORTED_MEDIA_TYPE.detail);
    return ANSWERED;
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    sendError(res, APP_ERRORS.MALFORMED_JSON.status, APP_ERRORS.MALFORMED_JSON.detail + (err as Error).message);
    return ANSWERED;
  }
}

/** Decodes a query-string component: `+` is a space, then percent-decoding. Invalid encodings throw BadRequest. */
export function decodeQuery(s: string): string {
  let needs = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 43 /* + */ || c === 37 /* % */) {
      needs = true;
      break;
    }
  }
  if (!needs) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new BadRequest(APP_ERRORS.QUERY_ENCODING.detail);
  }
}

/** Splits a header's comma-separated list (for array-typed header parameters). */
export function splitHeader(value: string | undefined): string[] {
  if (value === undefined) return [];
  const out: string[] = [];
  for (const part of value.split(',')) {
    const t = part.trim();
    if (t) out.push(t);
  }
  return out;
}

/** Parses a Cookie header into name → value (first occurrence wins, values percent-decoded when valid). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (header === undefined) return map;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (!name || map.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) value = value.slice(1, -1);
    if (value.indexOf('%') !== -1) {
      try {
        value = decodeURIComponent(value);
      } catch {
        /* keep the raw text */
      }
    }
    map.set(name, value);
  }
  return map;
}

/** The request context handed to handlers that declare a `Ctx` parameter. */
export class Context implements Ctx {
  status: number;
  private extra: string[] | null = null;

  constructor(
    private readonly req: EngineRequest,
    status: number,
  ) {
    this.status = status;
  }

  get path(): string {
    const url = this.req.url;
    const q = url.indexOf('?');
    return q === -1 ? url : url.slice(0, q);
  }

  get query(): string {
    const url = this.req.url;
    const q = url.indexOf('?');
    return q === -1 ? '' : url.slice(q + 1);
  }

  get method(): string {
    return this.req.method;
  }

  header(name: string): string | undefined {
    return this.req.header(name.toLowerCase());
  }

  headers(): [string, string][] {
    return this.req.headers();
  }

  get ip(): string {
    return this.req.remoteAddress;
  }

  get signal(): AbortSignal {
    return this.req.signal;
  }

  setHeader(name: string, value: string): void {
    const lower = String(name).toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(lower)) throw new TypeError(`covet: invalid header name ${JSON.stringify(name)}`);
    const v = String(value);
    if (/[\r\n\0]/.test(v)) throw new TypeError(`covet: invalid value for header ${lower}: it contains a line break`);
    if (MANAGED_HEADERS.has(lower)) throw managedHeader(lower);
    const extra = (this.extra ??= []);
    for (let i = 0; i < extra.length; i += 2) {
      if (extra[i] === lower) {
        extra[i + 1] = v;
        return;
      }
    }
    extra.push(lower, v);
  }

  /** The response headers: the route's content type plus what the handler set. */
  responseHeaders(base: readonly string[], prepared: PreparedHeaders): PreparedHeaders {
    const extra = this.extra;
    if (extra === null) return prepared;
    const pairs = base.slice();
    for (let i = 0; i < extra.length; i += 2) {
      const at = pairs.indexOf(extra[i]!);
      if (at !== -1 && at % 2 === 0) pairs[at + 1] = extra[i + 1]!;
      else pairs.push(extra[i]!, extra[i + 1]!);
    }
    return engine!.headers(pairs);
  }
}

/**
 * Answers a handler's exception: `HttpError` → its status and `{"detail": …}`;
 * anything else → 500, logged to stderr with the route, never sent to the client.
 * Returns the status it answered (or would have, when the client is gone).
 */
export function fail(res: EngineResponse, err: unknown, route: string): number {
  if (err instanceof HttpError) {
    if (res.closed) return err.status;
    const http = err;
    let prepared: PreparedHeaders | null = H_JSON;
    if (http.headers) {
      const pairs = ['content-type', 'application/json'];
      for (const k of Object.keys(http.headers)) {
        const lower = k.toLowerCase();
        // A header the server manages is the handler's bug (its name is code, not input), as in
        // ctx.setHeader: answered 500 and logged below, never dropped unseen.
        if (MANAGED_HEADERS.has(lower)) {
          prepared = null;
          const bug = new TypeError(`${managedHeader(lower).message}: HttpError(${http.status}) cannot carry it`);
          // Its stack is the HttpError's: the log points at the handler's throw, not here.
          bug.stack = [`${bug.name}: ${bug.message}`, ...(http.stack ?? '').split('\n').slice(1)].join('\n');
          err = bug;
          break;
        }
        pairs.push(lower, String(http.headers[k]));
      }
      if (prepared !== null) {
        try {
          prepared = engine!.headers(pairs);
        } catch {
          /* a header the engine refuses (a line break in a value, often client input): answer without the extra headers */
        }
      }
    }
    if (prepared !== null) {
      try {
        res.send(http.status, prepared, safeDetail(http));
        return http.status;
      } catch (sendErr) {
        // The engine refused to write it as given: a bug in the handler, answered 500 below.
        err = sendErr;
      }
    }
  }
  if (err instanceof BadRequest) return sendError(res, 400, err.message);
  logError(route, err);
  if (res.closed) return 500;
  try {
    res.send(500, H_JSON, errorBody(APP_ERRORS.INTERNAL));
  } catch {
    /* already answered: nothing more to do */
  }
  return 500;
}

function safeDetail(err: HttpError): string {
  try {
    return detailBody(err.detail);
  } catch {
    return detailBody(err.message);
  }
}

export function logError(route: string, err: unknown): void {
  let text: string;
  try {
    text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  } catch {
    text = Object.prototype.toString.call(err); // e.g. a thrown Object.create(null)
  }
  process.stderr.write(`covet: ${route} failed: ${text}\n`);
}

/** For the engine's top-level guard: an exception escaped generated code. */
export function internalError(res: EngineResponse, err: unknown): void {
  if (err instanceof BadRequest) {
    sendError(res, 400, err.message);
    return;
  }
  logError('request', err);
  if (!res.closed) {
    try {
      // What failed may have left the connection's state unknown: it is not reused.
      res.send(500, H_JSON, errorBody(APP_ERRORS.INTERNAL), true);
    } catch {
      /* already answered */
    }
  }
}

/** Waits for an async handler's result, then answers through `reply` (or `fail`). */
export function settle<T>(
  promise: PromiseLike<T>,
  res: EngineResponse,
  ctx: Context | null,
  reply: (res: EngineResponse, value: T, ctx: Context | null) => void,
  route: string,
): void {
  promise.then(
    (value) => {
      try {
        reply(res, value, ctx);
      } catch (err) {
        failOrLastNet(res, err, route);
      }
    },
    (err: unknown) => failOrLastNet(res, err, route),
  );
}

/**
 * `fail`, in a promise's callback: what escapes it (an error answer that cannot even be made)
 * meets internalError there, as it would in the engine's guard for a sync handler, rather than
 * rejecting a promise nobody awaits, which ends the process.
 */
function failOrLastNet(res: EngineResponse, err: unknown, route: string): void {
  try {
    fail(res, err, route);
  } catch (escaped) {
    internalError(res, escaped);
  }
}

export { HttpError };
