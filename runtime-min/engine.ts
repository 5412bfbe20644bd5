/**
 * The engine interface: the small surface the generated server runs on.
 *
 * An engine owns sockets and HTTP/1.1. It calls `handler(req, res)` once per
 * request, after the request body (if any) has been read in full (bounded by
 * `maxBodySize`). Generated code routes, validates, runs the user's handler
 * and answers with exactly one `res.send(…)`.
 *
 * Two engines implement it: `node` (on node:http, the reference) and
 * `native` (the C addon, a later issue). The interface is shaped for the
 * native one: headers are prepared once into an engine-specific opaque form
 * (`engine.headers([...])`), and the compiler tells the engine which request
 * headers the app reads at all (`ListenOptions.headerNames`), so nothing else
 * needs to become a JavaScript value.
 */
import http from 'node:http';

/** The engines, by the name `covet build --engine` takes. */
export const ENGINE_NAMES = ['node', 'native'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

// ---------------------------------------------------------------- limits and defaults
// Both engines keep these; where the C engine has its own copy (native/include/covet.h),
// runtime-min/engine.test.ts checks that the two agree.

/** Request targets longer than this answer 414 (COVET_MAX_URL). */
export const MAX_URL_LENGTH = 8192;
/** Default for `ListenOptions.maxHeaderSize`: bytes of a request head (url, header names and values) past which it answers 431 (COVET_MAX_HEAD; node:http's maxHeaderSize). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Default for `ListenOptions.keepAliveTimeoutMs`: idle keep-alive connections close after this (COVET_KEEP_ALIVE_MS; said in `keep-alive: timeout=5`). */
export const KEEP_ALIVE_MS = 5_000;
/**
 * How long a closing connection goes on reading (and dropping) what its client still sends
 * once its last answer is written (COVET_ENDING_MS), the default of nginx's `lingering_timeout`.
 */
export const LINGER_MS = 5_000;
/** Default for `ListenOptions.headersTimeoutMs`. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** The least default for `ListenOptions.maxBodyMemory`. */
export const DEFAULT_MAX_BODY_MEMORY = 256 * 1024 * 1024;
/** Milliseconds in-flight requests get to finish on shutdown: `Engine.close`'s default. */
export const DEFAULT_GRACE_MS = 10_000;
/**
 * Milliseconds shutdown then waits for background tasks (`ctx.background`, rt.ts) by default:
 * `ServeOptions.backgroundMs`. Here, beside the grace, for the supervisor, which waits for both.
 */
export const DEFAULT_BACKGROUND_MS = 10_000;

/** `ListenOptions.maxBodyMemory`, or its default: 256 MiB, or four bodies of the largest size if that is more. */
export function maxBodyMemory(options: ListenOptions): number {
  return options.maxBodyMemory ?? Math.max(DEFAULT_MAX_BODY_MEMORY, 4 * options.maxBodySize);
}

/** `ListenOptions.maxHeaderSize`, or its default. */
export function maxHeaderSize(options: ListenOptions): number {
  return options.maxHeaderSize ?? MAX_HEAD_BYTES;
}

/** `ListenOptions.keepAliveTimeoutMs`, or its default. */
export function keepAliveMs(options: ListenOptions): number {
  return options.keepAliveTimeoutMs ?? KEEP_ALIVE_MS;
}

/** `ListenOptions.headersTimeoutMs`, or its default. */
export function headersTimeoutMs(options: ListenOptions): number {
  return options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
}

/** Milliseconds a whole request (head and body) may take: 30 s, or the headers timeout if that is longer. */
export function requestTimeoutMs(headersTimeout: number): number {
  return Math.max(30_000, headersTimeout);
}

/** `ListenOptions.sendTimeoutMs`, or its default. */
export function sendTimeoutMs(options: ListenOptions): number {
  return options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** Largest accepted request body in bytes; larger → 413. */
  maxBodySize: number;
  /**
   * Bytes a request head (target, header names and values) may take; more → 431 and the
   * connection closes. Default MAX_HEAD_BYTES (16 KiB).
   */
  maxHeaderSize?: number;
  /**
   * Milliseconds an idle keep-alive connection is kept; answers say it, in whole seconds, in
   * `keep-alive: timeout=`. From 1000 to 3 600 000 (COVET_KEEP_ALIVE_MIN_MS/MAX_MS). Default
   * KEEP_ALIVE_MS (5 s).
   */
  keepAliveTimeoutMs?: number;
  /**
   * Lower-case names of the request headers the generated code reads with
   * `req.header()` (besides `content-type`, always read for body routes). A hint: an engine
   * may still expose every header through `req.headers()` (used by `Ctx`).
   */
  headerNames: readonly string[];
  /**
   * Milliseconds a client has to send a complete request head (request line and
   * headers) from the moment it starts one; a slower client is answered 408 and
   * disconnected (slowloris protection). Default 10 000.
   */
  headersTimeoutMs?: number;
  /**
   * Milliseconds a connection may go with response bytes waiting to be sent and none of
   * them taken by the client; then it is closed (a client that never reads its answers
   * cannot hold a connection and its buffered answers for ever). Any progress restarts the
   * clock, so a slow reader is not cut. Like nginx's `send_timeout`. Default 60 000
   * (`DEFAULT_SEND_TIMEOUT_MS`).
   */
  sendTimeoutMs?: number;
  /**
   * Bytes that the bodies of unfinished requests (still arriving) may hold together in this
   * process. Past it, the request whose body began first is answered 503 and its connection
   * closed: a body that drips holds memory longest. Default: 256 MiB, or four bodies of
   * `maxBodySize` if that is more (`maxBodyMemory()`).
   */
  maxBodyMemory?: number;
  /**
   * Share the port with other processes (SO_REUSEPORT) for `--workers N`. The
   * native engine sets it; the node engine ignores it (Node 20's listen has no such option).
   */
  reusePort?: boolean;
  /**
   * A listening socket to accept from instead of binding `host:port`: the descriptor the
   * supervisor bound, holds and handed to this worker (workers.ts), so that its accept queue
   * outlives the worker. The native engine takes it; the node engine's workers share the
   * supervisor's socket through cluster instead.
   */
  fd?: number;
}

/**
 * Default for `ListenOptions.sendTimeoutMs`: nginx's `send_timeout`. Long enough for a real
 * client on a bad link (TCP itself retransmits for minutes before it gives up), short enough
 * that a peer that stopped reading gives its descriptor back within a minute. What such a
 * connection holds meanwhile is bounded anyway (the write high-water mark of 64 KiB and the
 * requests it pipelined, which the engine stops reading).
 */
export const DEFAULT_SEND_TIMEOUT_MS = 60_000;

export interface Listening {
  host: string;
  port: number;
}

/** Opaque, engine-specific form of a response header list; built by `Engine.headers`. */
export type PreparedHeaders = { readonly __preparedHeaders: unique symbol } | object;

export interface EngineRequest {
  /** Upper-case method as received. */
  readonly method: string;
  /** The request target as received (path and query, not decoded). */
  readonly url: string;
  /** A header by lower-case name; repeated headers joined with `, ` (`cookie` with `; `). */
  header(name: string): string | undefined;
  /** Every header as `[lower-case name, value]`, in arrival order. */
  headers(): [string, string][];
  /** The complete request body, or null when the request has none. */
  readonly body: Buffer | null;
  /**
   * The body decoded as UTF-8 (invalid sequences become U+FFFD, as `body.toString('utf8')`), or
   * null without one. Optional: an engine that holds the bytes itself decodes them without making
   * the Buffer `body` is (the native engine: two objects fewer per JSON request, issue 15).
   */
  bodyText?(): string | null;
  readonly remoteAddress: string;
  /** Aborts when the client disconnects before the response is sent. Created on first use. */
  readonly signal: AbortSignal;
  /**
   * The index of the route the generated router chose (in the route table, runtime-min/observe.ts),
   * or -1 until it chose one. The router sets it; the engine reports it with the answer.
   */
  route: number;
  /**
   * The request's id (runtime-min/log.ts): undefined until the runtime gives it one, before the
   * handler runs when request ids are on, else when `ctx.requestId` is first read. Engines only
   * hold it (a field of their request, so that setting it changes no object's shape).
   */
  requestId: string | undefined;
}

export interface EngineResponse {
  /**
   * Answers the request: status, prepared headers (without Content-Length,
   * Date, Server, Connection: the engine adds those) and the body. For HEAD
   * requests the engine sends the headers of this response and no body.
   * `close`: this is the connection's last answer (it says `connection: close`,
   * requests after it on the connection are not served, and the connection closes
   * once the answer is out, the lingering way). Calling it twice throws.
   */
  send(status: number, headers: PreparedHeaders, body: string | Buffer | null, close?: boolean): void;
  /**
   * `send`, with `extra` after the prepared headers: header lines (`name: value\r\n` each, names
   * in lower case) that differ per request and that the caller has checked (CORS's allowed origin,
   * runtime-min/cors.ts). Only apps that configure CORS call it.
   */
  sendWith(status: number, headers: PreparedHeaders, extra: string, body: string | Buffer | null, close?: boolean): void;
  /** True once the client has gone away; sending is then a no-op. */
  readonly closed: boolean;
}

export type RequestHandler = (req: EngineRequest, res: EngineResponse) => void;

/** What an engine is made with (`createEngine`, the generated module's first line). */
export interface EngineOptions {
  /**
   * Flat `[name, value, …]` pairs, lower-case names, that every list `headers()` prepares
   * carries after its own (fixedHeaders): covet.config.ts's security headers and CORS's headers
   * that do not depend on the request. So they are part of the prepared header block, written
   * with it, never assembled per request. Default none.
   */
  headers?: readonly string[];
}

export interface Engine {
  readonly name: EngineName;
  /**
   * Prepares a flat `[name, value, name, value, …]` header list for `send`. Names are lower case.
   * The engine's fixed headers (EngineOptions.headers) follow, those the list has replaced by its own (fixedHeaders).
   */
  headers(pairs: readonly string[]): PreparedHeaders;

  listen(options: ListenOptions, handler: RequestHandler): Promise<Listening>;
  /**
   * What the engine holds now (read by the metrics at scrape time, nothing counted per request
   * for it): open client connections, and requests received and not yet answered (the one whose
   * handler asks among them).
   */
  stats(): { connections: number; inFlight: number };
  /**
   * Stops accepting, lets in-flight requests finish (up to `graceMs`), closes
   * idle keep-alive connections, then resolves.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Response headers the engines write themselves, or that would break the framing they write:
 * `headers()` refuses them (engine.ts: what `send` is given never includes them), as does
 * `Ctx.setHeader`. Connection management is `send`'s `close` flag.
 */
export const MANAGED_HEADERS: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'content-length', 'transfer-encoding', 'date', 'server']);

/** The error for a header in MANAGED_HEADERS (`name` in lower case). */
export function managedHeader(name: string): TypeError {
  return new TypeError(`covet: the ${name} header is managed by the server`);
}

/**
 * Checks a flat `[name, value, …]` list for `Engine.headers`, once, when it is prepared: throws
 * on what node:http's writeHead would refuse (a bad name, a line break in a value) and on the
 * headers the engine manages, so that no response carries one of them twice.
 */
export function checkHeaderPairs(pairs: readonly string[]): void {
  if (pairs.length % 2 !== 0) throw new TypeError('covet: headers() takes [name, value, name, value, …]');
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i]!;
    http.validateHeaderName(name);
    http.validateHeaderValue(name, pairs[i + 1]!);
    const lower = name.toLowerCase();
    if (MANAGED_HEADERS.has(lower)) throw managedHeader(lower);
  }
}

/**
 * `pairs` followed by the engine's fixed headers (EngineOptions.headers) it does not have: a name
 * of the answer's own replaces the fixed one (the docs page's Content-Security-Policy, a
 * handler's X-Frame-Options), but `vary`, whose values are joined (`Accept, Origin`). Without
 * fixed headers, `pairs` itself.
 */
export function fixedHeaders(pairs: readonly string[], fixed: readonly string[]): readonly string[] {
  if (fixed.length === 0) return pairs;
  const out = pairs.slice();
  for (let i = 0; i < fixed.length; i += 2) {
    const name = fixed[i]!;
    let at = -1;
    for (let k = 0; k < pairs.length; k += 2) {
      if (pairs[k]!.toLowerCase() === name) {
        at = k;
        break;
      }
    }
    if (at === -1) out.push(name, fixed[i + 1]!);
    else if (name === 'vary') out[at + 1] = `${out[at + 1]}, ${fixed[i + 1]}`;
  }
  return out;
}

/**
 * The absolute-form target `http://host/path?q` (RFC 9112 §3.2.2: a server
 * must accept it) as the origin-form `/path?q` the router expects.
 */
export function originForm(url: string): string {
  if (url.charCodeAt(0) === 47 /* / */) return url;
  const m = /^https?:\/\/[^/?#]*/i.exec(url);
  if (m === null) return url;
  const rest = url.slice(m[0].length);
  return rest === '' || rest.charCodeAt(0) === 63 /* ? */ ? '/' + rest : rest;
}

/**
 * `Engine.close` as both engines do it: `begin(finish)` stops accepting and calls `finish` once
 * the in-flight requests are done; after `graceMs` it is called anyway. `end` then closes
 * whatever is left, once, and the promise resolves.
 */
export function closeGracefully(graceMs: number, begin: (finish: () => void) => void, end: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      end();
      resolve();
    };
    const timer = setTimeout(finish, graceMs);
    timer.unref();
    begin(finish);
  });
}
