/**
 * Request ids, the logger behind `ctx.log`, and the runtime's own messages (covet.config.ts's
 * `log` section; main.ts configures it at start, before listening).
 *
 * - Request ids: a request's id is its `x-request-id` (the header's name is configurable) when
 *   that is well-formed (REQUEST_ID_TEXT), a fresh one otherwise (freshRequestId). With
 *   `log.requestIds` on, `withRequestIds` wraps the app's handler: the id is set on the request
 *   before anything runs and every answer carries it (`sendWith`'s extra line). Off, nothing
 *   wraps: `ctx.requestId` still gives the same id for one request (computed on first use), but
 *   no answer carries it.
 * - The logger: pino, writing JSON lines through its asynchronous destination (sonic-boom: the
 *   event loop never waits for the write), to stdout with `log.enabled`, else to stderr at `warn`
 *   and above (or `log.level`), so that `ctx.log` always works. Made on first use; flushed at exit.
 *   Each write is at most PIPE_BUF bytes of whole lines (MAX_WRITE), so that the workers of
 *   `--workers N`, which share one stdout, never interleave their lines.
 * - The runtime's messages (`say`): JSON lines through that logger with `log.enabled`, the text
 *   lines of before otherwise.
 */
import { randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';
import type pino from 'pino';
import type { Logger } from './api.ts';
import type { EngineRequest, EngineResponse, PreparedHeaders, RequestHandler } from './engine.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The header a request id is read from and echoed in, unless configured otherwise. */
export const DEFAULT_REQUEST_ID_HEADER = 'x-request-id';
/** The level of ctx.log with logging on (pino's default), and with it off (to stderr). */
export const DEFAULT_LEVEL_ON: LogLevel = 'info';
export const DEFAULT_LEVEL_OFF: LogLevel = 'warn';

/**
 * What a request id taken from a client may be: 1 to 200 characters of visible ASCII, without
 * `"` and `\`. No space, no control character (CR, LF, NUL…), nothing above U+007E: it is written
 * back in a header and into log lines as is, and a list of two ids joined by the engine (`a, b`)
 * is not one. Anything else gets a fresh id.
 */
export const REQUEST_ID_TEXT = /^[!#-[\]-~]{1,200}$/;

/** Bytes of randomness per fresh id: 96 bits, 16 characters of base64url. */
const ID_BYTES = 12;
const ID_CHARS = 16;
/** Random bytes drawn at a time (one crypto call per 512 ids). */
const idPool = Buffer.alloc(ID_BYTES * 512);
let idAt = idPool.length;
/** base64url's alphabet, as character codes. */
const B64URL = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 'latin1');

type Latin1 = Buffer & { latin1Slice(start: number, end: number): string; latin1Write(text: string, offset: number): number };

/** Writes a fresh id's 16 characters into `out` at `at`: base64url of 12 bytes from the operating system's CSPRNG, drawn in batches. */
function writeFreshId(out: Buffer, at: number): void {
  if (idAt === idPool.length) {
    randomFillSync(idPool);
    idAt = 0;
  }
  const p = idPool;
  for (let i = idAt, o = at; i < idAt + ID_BYTES; i += 3, o += 4) {
    const n = (p[i]! << 16) | (p[i + 1]! << 8) | p[i + 2]!;
    out[o] = B64URL[n >>> 18]!;
    out[o + 1] = B64URL[(n >>> 12) & 63]!;
    out[o + 2] = B64URL[(n >>> 6) & 63]!;
    out[o + 3] = B64URL[n & 63]!;
  }
  idAt += ID_BYTES;
}

const scratch = Buffer.alloc(ID_CHARS) as Latin1;

/**
 * A fresh request id: 16 characters of base64url (96 random bits; a third of
 * `crypto.randomUUID()`'s cost, measured). Random, not a counter: an id a client sees must not
 * tell how many requests the server has had.
 */
export function freshRequestId(): string {
  writeFreshId(scratch, 0);
  return scratch.latin1Slice(0, ID_CHARS);
}

/** The id of a request whose id header says `given`: that, when well-formed, else a fresh one. */
export function requestIdOf(given: string | undefined): string {
  return given !== undefined && REQUEST_ID_TEXT.test(given) ? given : freshRequestId();
}

/**
 * The header line `<name>: <id>\r\n` of each answer, made in one buffer and read out as one flat
 * string (a concatenation would be a rope, which the engine's copy into C flattens again).
 */
class IdLines {
  private readonly buf: Latin1;
  private readonly at: number;

  constructor(name: string) {
    this.at = name.length + 2;
    this.buf = Buffer.alloc(this.at + 200 + 2) as Latin1;
    this.buf.latin1Write(`${name}: `, 0);
  }

  /** The line of a fresh id; the id is `line.slice(prefix, -2)`. */
  fresh(): string {
    writeFreshId(this.buf, this.at);
    this.buf[this.at + ID_CHARS] = 13;
    this.buf[this.at + ID_CHARS + 1] = 10;
    return this.buf.latin1Slice(0, this.at + ID_CHARS + 2);
  }

  /** The line of an id given by the client, well-formed (REQUEST_ID_TEXT: at most 200 visible ASCII characters). */
  given(id: string): string {
    const end = this.at + this.buf.latin1Write(id, this.at);
    this.buf[end] = 13;
    this.buf[end + 1] = 10;
    return this.buf.latin1Slice(0, end + 2);
  }

  get prefix(): number {
    return this.at;
  }
}

// ---------------------------------------------------------------- settings

export interface LogSettings {
  /** The access log, and the runtime's messages as JSON lines on stdout (`--log`). */
  enabled: boolean;
  /** ctx.log's level and the runtime's; undefined: DEFAULT_LEVEL_ON or DEFAULT_LEVEL_OFF. */
  level: LogLevel | undefined;
  /** Echo the request id on every answer (`--request-ids`). */
  requestIds: boolean;
  /** Lower-case name of the id's header. */
  requestIdHeader: string;
  /** Log the answers of the built-in routes (health, metrics) too. */
  includeBuiltins: boolean;
}

let settings: LogSettings = {
  enabled: false,
  level: undefined,
  requestIds: false,
  requestIdHeader: DEFAULT_REQUEST_ID_HEADER,
  includeBuiltins: false,
};

/** Sets the log settings (main.ts, at start, before listening). */
export function configureLog(s: Partial<LogSettings>): void {
  if (root !== null) throw new Error('covet: the log is configured before its first line');
  settings = { ...settings, ...s, requestIdHeader: (s.requestIdHeader ?? settings.requestIdHeader).toLowerCase() };
}

export function logSettings(): Readonly<LogSettings> {
  return settings;
}

/** The request's id: set by withRequestIds, or made now (the incoming header's, or fresh) and kept on the request. */
export function requestIdFor(req: EngineRequest): string {
  return (req.requestId ??= requestIdOf(req.header(settings.requestIdHeader)));
}

// ---------------------------------------------------------------- echoing the id

/** An answer that carries its request's id line: every `send` becomes a `sendWith`. */
class RequestIdResponse implements EngineResponse {
  constructor(
    private readonly inner: EngineResponse,
    readonly requestId: string,
    /** `x-request-id: <id>\r\n` */
    private readonly line: string,
  ) {}

  get closed(): boolean {
    return this.inner.closed;
  }

  send(status: number, headers: PreparedHeaders, body: string | Buffer | null, close?: boolean): void {
    this.inner.sendWith(status, headers, this.line, body, close);
  }

  sendWith(status: number, headers: PreparedHeaders, extra: string, body: string | Buffer | null, close?: boolean): void {
    this.inner.sendWith(status, headers, extra + this.line, body, close);
  }
}

/**
 * `handler` with request ids: each request gets its id (requestIdOf its header) before the
 * handler runs, and each answer written through `res` (an error's, a 404, a CORS preflight)
 * carries it. The id is well-formed or made here, so its line cannot end the header early.
 */
export function withRequestIds(handler: RequestHandler, headerName: string = settings.requestIdHeader): RequestHandler {
  const name = headerName.toLowerCase();
  const lines = new IdLines(name);
  const prefix = lines.prefix;
  return (req, res) => {
    const given = req.header(name);
    let id: string;
    let line: string;
    if (given !== undefined && REQUEST_ID_TEXT.test(given)) {
      id = given;
      line = lines.given(given);
    } else {
      line = lines.fresh();
      id = line.slice(prefix, prefix + ID_CHARS);
    }
    req.requestId = id;
    handler(req, new RequestIdResponse(res, id, line));
  };
}

/**
 * The request id an answer carries (request ids on), for the runtime's error lines; undefined
 * otherwise. Looks through one wrapper of another runtime module (CORS's, whose `inner` it is).
 */
export function answerRequestId(res: EngineResponse): string | undefined {
  if (res instanceof RequestIdResponse) return res.requestId;
  const inner = (res as { inner?: unknown }).inner;
  return inner instanceof RequestIdResponse ? inner.requestId : undefined;
}

/**
 * Throws when app code sets the request id header while request ids are on (`ctx.setHeader`): the
 * server writes it on every answer, and a second one would contradict it.
 */
export function checkRequestIdHeader(lower: string, caller: Function): void {
  if (!settings.requestIds || lower !== settings.requestIdHeader) return;
  const err = new TypeError(`covet: the ${lower} header is written by the server while request ids are on (log.requestIds): read ctx.requestId instead of setting it`);
  Error.captureStackTrace(err, caller);
  throw err;
}

// ---------------------------------------------------------------- the logger

/**
 * Bytes one write to the log's file descriptor may take: PIPE_BUF on Linux. sonic-boom joins whole
 * lines into writes of at most this much (a longer line is written alone); a write to a pipe of at
 * most PIPE_BUF bytes is atomic, so the lines of processes sharing the pipe never interleave.
 */
export const MAX_WRITE = 4096;
/**
 * Bytes the log gathers before it writes (sonic-boom's minLength), and the milliseconds after
 * which it writes what it has anyway: a write (a string made flat and copied, a thread-pool job)
 * per few lines cost more than the rest of the line (measured: bench/instructions.mjs).
 */
const GATHER_BYTES = MAX_WRITE - 512;
const GATHER_MS = 100;
/** Bytes the log may hold unwritten (a stdout nobody reads): past it, lines are dropped, not memory taken. */
const MAX_BUFFERED = 64 * 1024 * 1024;

type Destination = ReturnType<typeof pino.destination>;

let root: pino.Logger | null = null;
let destination: Destination | null = null;

/**
 * pino, loaded on first use: bundled, this `require` is esbuild's, which evaluates the bundled
 * package only when called (a server that never logs never runs pino's module code: about 70 ms
 * of start on this machine); from source (tsx), Node's.
 */
function loadPino(): typeof pino {
  return typeof require === 'function' ? (require('pino') as typeof pino) : (createRequire(import.meta.url)('pino') as typeof pino);
}

/** The process's logger: made on first use with the settings of then (stdout with logging on, stderr otherwise). */
export function rootLogger(): pino.Logger {
  if (root !== null) return root;
  const pino = loadPino();
  const dest = pino.destination({ dest: settings.enabled ? 1 : 2, sync: false, maxWrite: MAX_WRITE, minLength: GATHER_BYTES, periodicFlush: GATHER_MS, maxLength: MAX_BUFFERED });
  destination = dest;
  // At exit (process.exit included), whatever is still buffered is written.
  process.once('exit', flushLogSync);
  root = pino(
    {
      level: settings.level ?? (settings.enabled ? DEFAULT_LEVEL_ON : DEFAULT_LEVEL_OFF),
      base: { pid: process.pid },
      // pino's own: milliseconds since the epoch (an ISO string costs 3 % of a logged request's CPU, profiled).
    },
    dest,
  );
  return root;
}

/** A logger whose lines carry the request's id (`ctx.log`). */
export function requestLogger(requestId: string): Logger {
  return rootLogger().child({ reqId: requestId }) as unknown as Logger;
}

/** Writes what the log still holds, now (at exit). */
export function flushLogSync(): void {
  const dest = destination;
  if (dest === null) return;
  try {
    dest.flushSync();
  } catch {
    /* the descriptor is gone (a closed pipe): nothing more can be written */
  }
}

/** sonic-boom's state that says whether a write is on its way and how many bytes wait (its own fields). */
type DestinationState = Destination & { _writing: boolean; _len: number };

/** Milliseconds flushLog waits for the writes in flight at most (a stdout nobody reads must not hold the exit). */
const FLUSH_MS = 2_000;

/**
 * Resolves once what the log holds is written, or after `limitMs` (shutdown, before the exit).
 * sonic-boom's own `flush(cb)` answers at once with `minLength` 0, and its `flushSync` writes
 * the waiting lines before the write in flight has landed: so this waits for the writes in
 * flight ('write' events) until none is left, then writes the rest synchronously.
 */
export function flushLog(limitMs: number = FLUSH_MS): Promise<void> {
  const dest = destination as DestinationState | null;
  if (dest === null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, limitMs);
    function done(): void {
      clearTimeout(timer);
      dest!.off('write', later);
      dest!.off('error', done);
      flushLogSync();
      resolve();
    }
    function check(): void {
      if (!dest!._writing) done();
    }
    // 'write' comes before sonic-boom decides whether to write again: look once it has.
    const later = () => setImmediate(check);
    dest.on('write', later);
    dest.once('error', done);
    check();
  });
}

// ---------------------------------------------------------------- the runtime's messages

/**
 * One message of the runtime (a handler's failure, the shutdown lines): with logging on, a JSON
 * line at `level` with `fields` (an `err` is serialised by pino: type, message, stack) and `msg`
 * (default: `text` without its `covet: `); otherwise `text` on stderr (`warn` and above) or
 * stdout, as before.
 */
export function say(level: 'info' | 'warn' | 'error', text: string, fields?: Record<string, unknown>, msg?: string): void {
  if (settings.enabled) {
    rootLogger()[level](fields ?? {}, msg ?? text.replace(/^covet: /, ''));
    return;
  }
  (level === 'info' ? process.stdout : process.stderr).write(text + '\n');
}
