/**
 * What generated dispatch code calls: error answers, body parsing, query and
 * cookie decoding, the request context. Everything here is monomorphic and
 * small; the route-specific work is in the generated code.
 */
import { serialize, type SerializeOptions } from 'cookie';
import { HttpError, type CookieOptions, type Ctx, type Logger } from './api.ts';
import { APP_ERRORS, errorBody } from './errors.ts';
import { answerRequestId, checkRequestIdHeader, requestIdFor, requestLogger, say } from './log.ts';
import { DEFAULT_BACKGROUND_MS, MANAGED_HEADERS, managedHeader, type Engine, type EngineRequest, type EngineResponse, type PreparedHeaders } from './engine.ts';

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
 * The request body as parsed JSON, `undefined` when the request has none; a body that is not
 * JSON (415) or is malformed (400) throws that HttpError. What a route with a lifecycle reads its
 * body with (the failure goes through its cleanups and onError hooks), and what readJson answers from.
 */
export function parseJsonBody(req: EngineRequest): unknown {
  let text: string | null;
  if (req.bodyText !== undefined) text = req.bodyText();
  else {
    const body = req.body;
    text = body === null ? null : body.toString('utf8');
  }
  if (text === null || text.length === 0) return undefined;
  if (!isJsonContentType(req.header('content-type'))) {
    throw new HttpError(APP_ERRORS.UNSUPPORTED_MEDIA_TYPE.status, APP_ERRORS.UNSUPPORTED_MEDIA_TYPE.detail);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(APP_ERRORS.MALFORMED_JSON.status, APP_ERRORS.MALFORMED_JSON.detail + (err as Error).message);
  }
}

/**
 * The request body as parsed JSON for a plain route: `undefined` when the request has none,
 * `ANSWERED` after answering 415 (not JSON) or 400 (malformed).
 */
export function readJson(req: EngineRequest, res: EngineResponse): unknown {
  try {
    return parseJsonBody(req);
  } catch (err) {
    const http = err as HttpError;
    sendError(res, http.status, http.detail);
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

/**
 * The query key `url[start, end)` decoded, when it holds a `+` or a `%`; null when it is its own
 * decoding (the generated parser then compares it in place, without making it a string).
 */
export function encodedQueryKey(url: string, start: number, end: number): string | null {
  for (let i = start; i < end; i++) {
    const c = url.charCodeAt(i);
    if (c === 43 /* + */ || c === 37 /* % */) return decodeQuery(url.slice(start, end));
  }
  return null;
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

// ---------------------------------------------------------------- response headers a handler gives

/** RFC 9110's token: what a header name is. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a field value may not hold (RFC 9110 §5.5, as node:http's writeHead checks): controls but tab, DEL, and anything above U+00FF. */
const NOT_FIELD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Checks one response header that app code gives (`ctx.setHeader`, an HttpError's or an Answer's
 * `headers`): the name a token, the value what a field value may hold (so CR, LF or NUL from user
 * data can never end the field and start another, or end the head), the name not one the server
 * manages. Returns the name in lower case; throws a TypeError that names the header and says what
 * is wrong without quoting the value (the log line must not carry client input either).
 * `what` says who gave it, for the message.
 */
export function checkHeader(name: string, value: string, what: string, caller?: Function): string {
  const text = String(name);
  if (!TOKEN.test(text)) throw userBug(caller, `covet: ${what}: invalid header name ${JSON.stringify(text)} (a name is a token: letters, digits and !#$%&'*+-.^_\`|~)`);
  const lower = text.toLowerCase();
  if (MANAGED_HEADERS.has(lower)) throw userBug(caller, `${managedHeader(lower).message}: ${what} cannot carry it`);
  const bad = NOT_FIELD_VALUE.exec(String(value));
  if (bad !== null) {
    const code = bad[0].charCodeAt(0);
    throw userBug(
      caller,
      `covet: ${what}: the value of header ${lower} holds U+${code.toString(16).toUpperCase().padStart(4, '0')} at ${bad.index}, which a header may not (often client input: check or encode it first)`,
    );
  }
  return lower;
}

/** A TypeError for app code's mistake, its stack starting at the app's call of `caller` (not in here). */
function userBug(caller: Function | undefined, message: string): TypeError {
  const err = new TypeError(message);
  if (caller !== undefined) Error.captureStackTrace(err, caller);
  return err;
}

/**
 * `base` (the answer's own header pairs) with the headers of an HttpError or an Answer, each
 * checked by checkHeader (which throws for a bad one). Replaces a base header of the same name.
 */
export function withHeaders(base: readonly string[], headers: Record<string, string> | undefined, what: string): string[] {
  const pairs = base.slice();
  if (headers === undefined || headers === null) return pairs;
  for (const k of Object.keys(headers)) {
    const v = String(headers[k]);
    const lower = checkHeader(k, v, what);
    const at = lower === 'set-cookie' ? -1 : indexOfName(pairs, lower);
    if (at !== -1) pairs[at + 1] = v;
    else pairs.push(lower, v);
  }
  return pairs;
}

function indexOfName(pairs: readonly string[], lower: string): number {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === lower) return i;
  return -1;
}

// ---------------------------------------------------------------- cookies

/** The defaults of `setCookie` (CookieOptions says why: Starlette's, and Fastify's clearCookie path). */
const COOKIE_DEFAULTS = { path: '/', sameSite: 'lax' } as const;
/** 1970-01-01: what clearCookie's Expires says (Max-Age=0 is what current browsers read; Expires is for the old ones). */
const EPOCH = new Date(0);

/** One `Set-Cookie` line, or a TypeError that names the cookie and the option (never the value). */
function serializeCookie(name: string, value: string, options: CookieOptions | undefined, what: string, caller: Function): string {
  const o = options ?? {};
  // The options are picked one by one: nothing else (an `encode` function, say) reaches the serialiser.
  const picked = {
    maxAge: o.maxAge,
    expires: o.expires,
    path: o.path ?? COOKIE_DEFAULTS.path,
    domain: o.domain,
    secure: o.secure,
    httpOnly: o.httpOnly,
    sameSite: o.sameSite ?? COOKIE_DEFAULTS.sameSite,
    partitioned: o.partitioned,
    priority: o.priority,
  };
  let line: string;
  try {
    line = serialize(String(name), String(value), picked as SerializeOptions); // case is the package's to fold
  } catch (err) {
    // The package's message quotes what it refused as is (a name with a line break would forge
    // a log line): said again here with only the option's name, and the cookie name escaped.
    const reason = err instanceof TypeError ? err.message.replace(/:.*$/s, '').replace(/^argument val /, 'value ').replace(/^argument /, '') : 'the value cannot be percent-encoded (a lone surrogate)';
    throw userBug(caller, `covet: ${what}(${JSON.stringify(String(name))}): ${reason}`);
  }
  // What the package let through is checked once more as a field value (it is one): a last net.
  checkHeader('set-cookie', line, what, caller);
  return line;
}

/** What makes two cookies the same one for a browser: name, domain (case and a leading dot ignored) and path. */
function cookieKey(name: string, options: CookieOptions | undefined): string {
  const domain = (options?.domain ?? '').toLowerCase().replace(/^\./, '');
  return `${name}\n${domain}\n${options?.path ?? COOKIE_DEFAULTS.path}`;
}

// ---------------------------------------------------------------- background tasks

/** A task scheduled or running, with the route that added it (for the logs). */
interface Task {
  readonly route: string;
}

/** Tasks scheduled or running in this process: what shutdown waits for. */
const tasks = new Set<Task>();
/** Called when `tasks` becomes empty while shutdown waits. */
let onIdle: (() => void) | null = null;

/** Runs one task, once the turn that wrote the answer is over; its failure is logged only. */
function startTask(fn: () => unknown, route: string): void {
  const task: Task = { route };
  tasks.add(task);
  // setImmediate, not a microtask: microtasks run before the native engine's corked writes go
  // out (at the end of the read's batch) and before the rest of a pipelined batch is answered,
  // so even a task's synchronous part would hold answers back. The check phase comes after.
  setImmediate(() => {
    let result: unknown;
    try {
      result = fn();
    } catch (err) {
      taskFailed(task, err);
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      Promise.resolve(result as PromiseLike<unknown>).then(
        () => taskDone(task),
        (err: unknown) => taskFailed(task, err),
      );
    } else taskDone(task);
  });
}

function taskFailed(task: Task, err: unknown): void {
  logError(`${task.route}: a background task`, err);
  taskDone(task);
}

function taskDone(task: Task): void {
  tasks.delete(task);
  if (tasks.size === 0 && onIdle !== null) onIdle();
}

/**
 * Waits until no background task is scheduled or running (also the ones added meanwhile), or
 * `limitMs` passed; resolves to the routes of those still running then (empty: all finished).
 */
export function drainBackground(limitMs: number): Promise<string[]> {
  if (tasks.size === 0) return Promise.resolve([]);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      onIdle = null;
      resolve([...tasks].map((t) => t.route));
    }, limitMs);
    onIdle = () => {
      onIdle = null;
      clearTimeout(timer);
      resolve([]);
    };
  });
}

// ---------------------------------------------------------------- the request context

/** The request context handed to handlers that declare a `Ctx` parameter. */
export class Context implements Ctx {
  status: number;
  /** `setHeader`'s pairs, names in lower case. */
  private extra: string[] | null = null;
  /** `setCookie`'s lines by cookieKey: the last for a cookie wins, each cookie keeps its first place. */
  private cookies: Map<string, string> | null = null;
  /** `background`'s tasks, until the answer is written. */
  private later: (() => unknown)[] | null = null;
  /** The success answer was written: a task added now starts at once. */
  private sent = false;
  /** `log`, once made. */
  private logger: Logger | null = null;

  constructor(
    private readonly req: EngineRequest,
    status: number,
    /** The route's label (routeLabel in codegen/app/route.ts): what logs of its tasks name. */
    readonly route: string,
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

  get requestId(): string {
    return requestIdFor(this.req);
  }

  get log(): Logger {
    return (this.logger ??= requestLogger(requestIdFor(this.req)));
  }

  setHeader(name: string, value: string): void {
    const v = String(value);
    const lower = checkHeader(name, v, 'ctx.setHeader', this.setHeader);
    checkRequestIdHeader(lower, this.setHeader);
    // The raw header replaces what the answer has under its name, as any setHeader does: the
    // cookies setCookie added so far too (setCookie after it adds again).
    if (lower === 'set-cookie') this.cookies = null;
    const extra = (this.extra ??= []);
    for (let i = 0; i < extra.length; i += 2) {
      if (extra[i] === lower) {
        extra[i + 1] = v;
        return;
      }
    }
    extra.push(lower, v);
  }

  setCookie(name: string, value: string, options?: CookieOptions): void {
    const line = serializeCookie(name, value, options, 'ctx.setCookie', this.setCookie);
    (this.cookies ??= new Map()).set(cookieKey(String(name), options), line);
  }

  clearCookie(name: string, options?: CookieOptions): void {
    const line = serializeCookie(name, '', { ...options, maxAge: 0, expires: EPOCH }, 'ctx.clearCookie', this.clearCookie);
    (this.cookies ??= new Map()).set(cookieKey(String(name), options), line);
  }

  background(fn: () => unknown): void {
    if (typeof fn !== 'function') throw userBug(this.background, `covet: ctx.background takes a function, got ${fn === null ? 'null' : typeof fn}`);
    if (this.sent) startTask(fn, this.route);
    else (this.later ??= []).push(fn);
  }

  /** The response headers: the route's content type plus what the handler set, then its cookies. */
  responseHeaders(base: readonly string[], prepared: PreparedHeaders): PreparedHeaders {
    const extra = this.extra;
    const cookies = this.cookies;
    if (extra === null && cookies === null) return prepared;
    const pairs = base.slice();
    if (extra !== null) {
      for (let i = 0; i < extra.length; i += 2) {
        const at = indexOfName(pairs, extra[i]!);
        if (at !== -1) pairs[at + 1] = extra[i + 1]!;
        else pairs.push(extra[i]!, extra[i + 1]!);
      }
    }
    if (cookies !== null) for (const line of cookies.values()) pairs.push('set-cookie', line);
    return engine!.headers(pairs);
  }

  /**
   * Writes the success answer with what the handler set (the reply functions' ctx branch), then
   * starts the background tasks. A throw here (a header the engine refuses) leaves them unstarted:
   * the answer is then the caller's 500.
   */
  send(res: EngineResponse, base: readonly string[], prepared: PreparedHeaders, body: string | null): void {
    res.send(this.status, this.responseHeaders(base, prepared), body);
    this.sent = true;
    const later = this.later;
    this.later = null;
    if (later !== null) for (let i = 0; i < later.length; i++) startTask(later[i]!, this.route);
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
      try {
        prepared = engine!.headers(withHeaders(JSON_HEADER_PAIRS, http.headers, `HttpError(${http.status})`));
      } catch (bad) {
        // A header that cannot be written (checkHeader's or the engine's TypeError: client input in
        // a value, a name the server manages) is the handler's bug: answered 500 and logged below,
        // never written, never dropped unseen. Anything else (a value whose toString throws)
        // escapes to the engine's last net, which also closes the connection.
        if (!(bad instanceof TypeError)) throw bad;
        prepared = null;
        const bug = bad;
        // Its stack is the HttpError's: the log points at the handler's throw, not here.
        bug.stack = [`${bug.name}: ${bug.message}`, ...(http.stack ?? '').split('\n').slice(1)].join('\n');
        err = bug;
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
  logError(route, err, res);
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

/** Logs what failed, with the route and, when the answer carries one (request ids on), the request's id. */
export function logError(route: string, err: unknown, res?: EngineResponse): void {
  let text: string;
  try {
    text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  } catch {
    text = Object.prototype.toString.call(err); // e.g. a thrown Object.create(null)
  }
  const reqId = res === undefined ? undefined : answerRequestId(res);
  if (reqId === undefined) say('error', `covet: ${route} failed: ${text}`, { route, err }, `${route} failed`);
  else say('error', `covet: ${route} failed (request ${reqId}): ${text}`, { reqId, route, err }, `${route} failed`);
}

/** For the engine's top-level guard: an exception escaped generated code. */
export function internalError(res: EngineResponse, err: unknown): void {
  if (err instanceof BadRequest) {
    sendError(res, 400, err.message);
    return;
  }
  logError('request', err, res);
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

export { DEFAULT_BACKGROUND_MS, HttpError };
