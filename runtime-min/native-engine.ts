/**
 * The `native` engine: the engine interface over the C addon in native/
 * (libuv sockets, llhttp parsing, writes corked per batch).
 *
 * The boundary: the addon calls `onBatch(key, count)` once per read with every
 * request that read completed. The requests live in two shared buffers that
 * are valid only during that call: `staging` (url, lower-cased header names,
 * values, bodies) and `meta` (one record of spans per request, layout in
 * native/include/covet.h, COVET_R_*). Each request becomes one object that is
 * both `req` and `res`: method and url are decoded at once, headers and body
 * only when asked for. A request still unanswered when its handler returns
 * (an async handler) copies its own bytes out of the shared buffers.
 *
 * Answers go back as one call: `send(key, seq, flags, status, headerBlock, body)`,
 * where the header block is the Buffer `headers()` prepared at startup.
 */
import { requireAddon } from './addon.ts';
import { APP_ERRORS, ENGINE_ERRORS, errorBody } from './errors.ts';
import { answered, now, observing, refused, watchObserving } from './observe.ts';
import { say } from './log.ts';
import { checkHeaderPairs, closeGracefully, fixedHeaders, DEFAULT_GRACE_MS, headersTimeoutMs, keepAliveMs, maxBodyMemory, maxHeaderSize, originForm, requestTimeoutMs, sendTimeoutMs } from './engine.ts';
import type {
  Engine,
  EngineOptions,
  EngineRequest,
  EngineResponse,
  Listening,
  ListenOptions,
  PreparedHeaders,
  RequestHandler,
} from './engine.ts';

/** The addon's exports (runtime-min/native/src/addon.c). */
export interface NativeAddon {
  /**
   * Returns the shared buffers: staging, meta, control (control[0]: stop handing out this
   * batch's requests) and the observation's clock (covet.h's COVET_CLOCK_*: CLOCK_*). `onRefused(key, error)` is told of each answer the engine writes on its own
   * (`error` a COVET_E_* index, ENGINE_ERRORS' order), while the connection is still open.
   */
  init(onBatch: OnBatch, onClose: (key: number) => void, onRefused: (key: number, error: number) => void): [ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer];
  /** `fd` ≥ 0: accept from that listening socket (host, port and reusePort unused); -1: bind host:port. */
  listen(host: string, port: number, maxBody: number, headersTimeoutMs: number, requestTimeoutMs: number, reusePort: boolean, maxBodyMemory: number, sendTimeoutMs: number, maxHead: number, keepAliveMs: number, fd: number): number;
  /** A listening socket that no loop watches (the supervisor's, for its workers): its descriptor and bound port. Needs no init. */
  bind(host: string, port: number, reusePort: boolean): [fd: number, port: number];
  send(key: number, seq: number, flags: number, status: number, headers: Buffer, body: string | Buffer | null): boolean;
  /** `send` with `extra` (latin1 header lines) written after `headers`. */
  sendWith(key: number, seq: number, flags: number, status: number, headers: Buffer, extra: string, body: string | Buffer | null): boolean;
  stop(onDrained: () => void): number;
  closeAll(): void;
  peer(key: number): string;
  stats(): { connections: number; partial: number; connBytes: number };
  methods(): string[];
  /** The record layout, flags and limits of covet.h (COVET_LAYOUT): what LAYOUT must agree with. */
  layout(): Record<string, number>;
}

/**
 * Once per read, with the `count` requests it completed as spans into the shared buffers (new
 * buffers when C had to grow them). Returns how many it handed out; C keeps the rest for when
 * the connection's answers have drained. (A call per request, with spans or with every part
 * made a JS value by C, measured slower: native/README.md, "The boundary".)
 */
type OnBatch = (key: number, count: number, staging?: ArrayBuffer, meta?: ArrayBuffer) => number;

let loaded: NativeAddon | null = null;

/** Loads the addon (addon.ts finds it), or throws an Error that says where it looked or why it does not fit. */
export function loadAddon(base: string | URL = import.meta.url): NativeAddon {
  if (loaded) return loaded;
  const { addon, file } = requireAddon<NativeAddon>(base);
  const wrong = typeof addon.layout === 'function' ? layoutMismatches(addon.layout()) : ['layout(): missing'];
  if (wrong.length > 0) {
    throw new Error(
      `covet: the native engine's binary ${file} does not match this runtime's record layout (${wrong.join('; ')}); ` +
        'rebuild it from the same sources (node scripts/setup.mjs)',
    );
  }
  return (loaded = addon);
}

/** Buffer's undocumented fast decoders (what `toString('latin1' | 'utf8', a, b)` call after their checks). */
type Bytes = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

// Record layout (covet.h, COVET_R_*), request flags (COVET_F_*) and COVET_MAX_OWED. covet.h is
// the source: these stay literal constants (V8 folds them into the hot paths), and loadAddon
// refuses an addon whose layout() differs from LAYOUT.
const R_WORDS = 0;
const R_BASE = 1;
const R_SIZE = 2;
const R_SEQ = 3;
const R_FLAGS = 4;
const R_URL_LEN = 5;
const R_BODY_OFF = 6;
const R_BODY_LEN = 7;
const R_NHEADERS = 8;
const R_HEADERS = 9;
const F_METHOD = 0xff;
const F_HEAD = 0x100;
const F_CLOSE = 0x200;
const F_HAS_BODY = 0x800;
/** Answers a connection may owe before its next requests wait (COVET_MAX_OWED). */
const MAX_OWED = 128;

/** What this file reads records with, by covet.h's names (without the COVET_ prefix). */
export const LAYOUT: Readonly<Record<string, number>> = Object.freeze({
  R_WORDS, R_BASE, R_SIZE, R_SEQ, R_FLAGS, R_URL_LEN, R_BODY_OFF, R_BODY_LEN, R_NHEADERS, R_HEADERS,
  F_METHOD, F_HEAD, F_CLOSE, F_HAS_BODY, MAX_OWED,
});

/** The names whose values differ between LAYOUT and the addon's layout() (or that one side lacks). */
export function layoutMismatches(addon: Record<string, number>, js: Readonly<Record<string, number>> = LAYOUT): string[] {
  const names = new Set([...Object.keys(js), ...Object.keys(addon)]);
  return [...names].filter((n) => js[n] !== addon[n]).map((n) => `${n}: addon ${addon[n]}, native-engine.ts ${js[n]}`);
}

/** Headers node:http keeps only the first of (IncomingMessage's matchKnownFields). */
const SINGLE = new Set([
  'content-type', 'content-length', 'user-agent', 'referer', 'host', 'authorization', 'proxy-authorization',
  'if-modified-since', 'if-unmodified-since', 'from', 'location', 'max-forwards', 'retry-after', 'etag',
  'last-modified', 'server', 'age', 'expires',
]);

// The observation's clock (covet.h's COVET_CLOCK_*): uv_hrtime() in ns, written by C while CLOCK_ON is 1.
const CLOCK_BATCH = 0;
const CLOCK_SENT = 1;
const CLOCK_BYTES = 2;
const CLOCK_ON = 3;

interface Shared {
  /** The observation's clock (CLOCK_*), and what turns its ns into observe.ts's `now()` milliseconds. */
  clock: Float64Array;
  clockOffsetMs: number;
  addon: NativeAddon;
  /** Requests answered after their handler returned, per connection key: told when it closes. */
  pending: Map<number, Set<Exchange>>;
  /** The addon's control word (control[0] != 0: hand out no more of this batch's requests). */
  control: Int32Array;
}

// Exchange.state's bits: answered (handed to C), client gone, kept past its handler's return.
const SENT = 1;
const GONE = 2;
const TRACKED = 4;

/**
 * One request and its response (the same object is passed as `req` and `res`): the
 * response side, shared by both ways of holding the request (spans or values).
 */
abstract class Exchange implements EngineRequest, EngineResponse {
  readonly method: string;
  readonly url: string;
  /** The route's index in the route table, set by the generated router (observe.ts). */
  route = -1;
  /** When the request was handed to the app (observe.ts's `now()`), while something observes; else 0. */
  start = 0;
  requestId: string | undefined = undefined;
  /** SENT | GONE | TRACKED: one small integer, not three fields (an Exchange is made per request: issue 15). */
  private state = 0;
  private controller: AbortController | null = null;

  constructor(
    private readonly key: number,
    private readonly seq: number,
    protected readonly flags: number,
    url: string,
    methods: readonly string[],
    private readonly shared: Shared,
  ) {
    this.method = methods[flags & F_METHOD] ?? 'GET';
    this.url = originForm(url);
  }

  abstract header(name: string): string | undefined;
  abstract headers(): [string, string][];
  abstract readonly body: Buffer | null;
  /** The request body's length in bytes (0 without one), without making it a Buffer. */
  protected abstract bodyBytes(): number;

  get remoteAddress(): string {
    return this.shared.addon.peer(this.key);
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if ((this.state & GONE) !== 0) this.controller.abort();
    }
    return this.controller.signal;
  }

  get closed(): boolean {
    return (this.state & GONE) !== 0;
  }

  /** Still unanswered after its handler returned (an async handler at work). */
  get pending(): boolean {
    return (this.state & (TRACKED | SENT)) === TRACKED;
  }

  send(status: number, headers: PreparedHeaders, body: string | Buffer | null, close?: boolean): void {
    if ((this.state & SENT) !== 0) throw new Error('covet: a response was already sent for this request');
    if ((this.state & GONE) !== 0) {
      this.state |= SENT;
      return;
    }
    // Throws (bad status, headers not from engine.headers()) before anything is written.
    if ((status | 0) < 100 || (status | 0) > 999) throw invalidStatus(status);
    let flags = this.flags;
    if (close === true) {
      // C closes after a response whose flags say so, as after a request that asked to close;
      // the rest of the batch, if this is in one, is not run (C drops it: the connection ends).
      flags |= F_CLOSE;
      this.shared.control[0] = 1;
    }
    this.shared.addon.send(this.key, this.seq, flags, status | 0, headers as Buffer, body);
    this.markSent();
    if (observing && this.start !== 0) this.observed(status, body);
  }

  /** `send` through the addon's sendWith (`send` itself stays as it is for every app: this is CORS's). */
  sendWith(status: number, headers: PreparedHeaders, extra: string, body: string | Buffer | null, close?: boolean): void {
    if ((this.state & SENT) !== 0) throw new Error('covet: a response was already sent for this request');
    if ((this.state & GONE) !== 0) {
      this.state |= SENT;
      return;
    }
    if ((status | 0) < 100 || (status | 0) > 999) throw invalidStatus(status);
    let flags = this.flags;
    if (close === true) {
      flags |= F_CLOSE;
      this.shared.control[0] = 1;
    }
    this.shared.addon.sendWith(this.key, this.seq, flags, status | 0, headers as Buffer, extra, body);
    this.markSent();
    if (observing && this.start !== 0) this.observed(status, body);
  }

  /** Tells the observers (observe.ts) of this answer: its end and its body's bytes as C wrote them on the clock. */
  private observed(status: number, _body: string | Buffer | null): void {
    const { clock, clockOffsetMs } = this.shared;
    const out = (this.flags & F_HEAD) !== 0 ? 0 : clock[CLOCK_BYTES]!;
    answered(this, this.route, status | 0, this.start, this.bodyBytes(), out, clock[CLOCK_SENT]! / 1e6 + clockOffsetMs);
  }

  /** The answer is handed to C: a request answered after its handler returned leaves the pending set. */
  private markSent(): void {
    this.state |= SENT;
    if ((this.state & TRACKED) === 0) return;
    const set = this.shared.pending.get(this.key);
    if (set !== undefined) {
      set.delete(this);
      if (set.size === 0) this.shared.pending.delete(this.key);
    }
  }

  /** After the handler returned without answering: keep what the request needs past this call. */
  detach(): void {
    if ((this.state & SENT) !== 0) return;
    this.keep();
    this.state |= TRACKED;
    let set = this.shared.pending.get(this.key);
    if (set === undefined) this.shared.pending.set(this.key, (set = new Set()));
    set.add(this);
  }

  /** Copies whatever the request reads from buffers that the engine reuses. */
  protected abstract keep(): void;

  /** The client went away before this response was sent. */
  abort(): void {
    if ((this.state & GONE) !== 0) return;
    this.state |= GONE;
    this.controller?.abort();
  }
}

/**
 * A request held as spans into the shared buffers: headers and body are decoded only when asked for, and copied out only by `detach()`.
 */
class SpanExchange extends Exchange {
  private buf: Bytes;
  private meta: Uint32Array;
  private m: number;
  private cachedBody: Buffer | null | undefined = undefined;

  constructor(key: number, buf: Bytes, meta: Uint32Array, m: number, methods: readonly string[], shared: Shared) {
    const base = meta[m + R_BASE]!;
    super(key, meta[m + R_SEQ]!, meta[m + R_FLAGS]!, buf.latin1Slice(base, base + meta[m + R_URL_LEN]!), methods, shared);
    this.buf = buf;
    this.meta = meta;
    this.m = m;
  }

  header(name: string): string | undefined {
    const { buf, meta, m } = this;
    const base = meta[m + R_BASE]!;
    const n = meta[m + R_NHEADERS]!;
    const len = name.length;
    let value: string | undefined;
    for (let i = 0, h = m + R_HEADERS; i < n; i++, h += 4) {
      if (meta[h + 1] !== len) continue;
      const at = base + meta[h]!;
      let k = 0;
      while (k < len && buf[at + k] === name.charCodeAt(k)) k++;
      if (k !== len) continue;
      const vAt = base + meta[h + 2]!;
      const v = buf.latin1Slice(vAt, vAt + meta[h + 3]!);
      if (value === undefined) {
        value = v;
        if (SINGLE.has(name)) return value;
      } else value += (name === 'cookie' ? '; ' : ', ') + v;
    }
    return value;
  }

  headers(): [string, string][] {
    const { buf, meta, m } = this;
    const base = meta[m + R_BASE]!;
    const n = meta[m + R_NHEADERS]!;
    const out: [string, string][] = [];
    for (let i = 0, h = m + R_HEADERS; i < n; i++, h += 4) {
      const at = base + meta[h]!;
      const vAt = base + meta[h + 2]!;
      out.push([buf.latin1Slice(at, at + meta[h + 1]!), buf.latin1Slice(vAt, vAt + meta[h + 3]!)]);
    }
    return out;
  }

  get body(): Buffer | null {
    if (this.cachedBody !== undefined) return this.cachedBody;
    const { meta, m } = this;
    if ((this.flags & F_HAS_BODY) === 0) return (this.cachedBody = null);
    const at = meta[m + R_BASE]! + meta[m + R_BODY_OFF]!;
    return (this.cachedBody = Buffer.from(this.buf.subarray(at, at + meta[m + R_BODY_LEN]!)));
  }

  bodyText(): string | null {
    if (this.cachedBody !== undefined) return this.cachedBody === null ? null : this.cachedBody.toString('utf8');
    if ((this.flags & F_HAS_BODY) === 0) return null;
    const { meta, m } = this;
    const at = meta[m + R_BASE]! + meta[m + R_BODY_OFF]!;
    return this.buf.utf8Slice(at, at + meta[m + R_BODY_LEN]!);
  }

  protected bodyBytes(): number {
    return (this.flags & F_HAS_BODY) === 0 ? 0 : this.meta[this.m + R_BODY_LEN]!;
  }

  protected keep(): void {
    const { meta, m } = this;
    const base = meta[m + R_BASE]!;
    this.buf = Buffer.from(this.buf.subarray(base, base + meta[m + R_SIZE]!)) as Bytes;
    // The record's own copy: its spans now start at 0 in the request's own bytes.
    this.meta = meta.slice(m, m + meta[m]!);
    this.meta[R_BASE] = 0;
    this.m = 0;
  }
}

/** node:http's error for a status outside 100–999, message and code alike. */
function invalidStatus(status: unknown): RangeError {
  const err = new RangeError(`Invalid status code: ${String(status)}`) as RangeError & { code: string };
  err.code = 'ERR_HTTP_INVALID_STATUS_CODE';
  // Like node's internal errors: the code shows in the stack's first line.
  err.name = 'RangeError [ERR_HTTP_INVALID_STATUS_CODE]';
  void err.stack;
  delete (err as { name?: string }).name;
  return err;
}

/** The engine's own answers by COVET_E_* index (ENGINE_ERRORS is in that order): status and body bytes. */
const REFUSALS = Object.values(ENGINE_ERRORS).map((e) => ({ status: e.status, bytes: Buffer.byteLength(errorBody(e)) }));

const PLAIN_500 = Buffer.from('content-type: application/json\r\n', 'latin1');
const INTERNAL_BODY = errorBody(APP_ERRORS.INTERNAL);

export function nativeEngine(addon: NativeAddon = loadAddon(), options: EngineOptions = {}): Engine {
  const fixed = options.headers ?? [];
  checkHeaderPairs(fixed);
  let control = new Int32Array(1);
  // uv_hrtime() and performance.now() run on the same clock: ns / 1e6 + this offset is the latter.
  const clockOffsetMs = now() - Number(process.hrtime.bigint()) / 1e6;
  const shared: Shared = { addon, pending: new Map(), control, clock: new Float64Array(4), clockOffsetMs };
  let handler: RequestHandler | null = null;
  let staging: Bytes;
  let meta: Uint32Array;
  let methods: string[] = [];
  let listening = false;

  /** Runs the handler; a throw answers 500 (the generated code catches its own, this is the last net). */
  const run = (x: Exchange): void => {
    if (observing) {
      const t = shared.clock[CLOCK_BATCH]!; // C read it for this batch (0: observing began during it)
      x.start = t === 0 ? 0 : t / 1e6 + clockOffsetMs;
    }
    try {
      handler!(x, x);
    } catch (err) {
      say('error', `covet: request handler failed: ${String(err)}`, { err }, 'request handler failed');
      try {
        if (!x.closed) x.send(500, PLAIN_500, INTERNAL_BODY, true);
      } catch {
        /* already answered */
      }
    }
    x.detach();
  };

  /** True while onBatch runs its requests (stats(): the request asking is one in flight). */
  let inBatch = false;
  const onBatch: OnBatch = (key, count, s, mm) => {
    inBatch = true; // run() catches whatever a handler throws: the returns below reset it
    if (s !== undefined && mm !== undefined) {
      staging = Buffer.from(s) as Bytes;
      meta = new Uint32Array(mm);
    }
    let m = 0;
    for (let i = 0; i < count; i++) {
      const x = new SpanExchange(key, staging, meta, m, methods, shared);
      m += meta[m]!;
      run(x);
      // The connection's answers backed up (C says so), or too many are still being worked
      // on: the rest of the batch waits in C until they drain (or, after a last answer, is dropped).
      if (i + 1 < count && (control[0] !== 0 || (x.pending && shared.pending.get(key)!.size >= MAX_OWED))) {
        inBatch = false;
        return i + 1;
      }
    }
    inBatch = false;
    return count;
  };

  const onRefused = (key: number, error: number): void => {
    if (!observing) return;
    const answer = REFUSALS[error];
    if (answer !== undefined) refused(answer.status, answer.bytes, () => addon.peer(key));
  };

  const onClose = (key: number): void => {
    const set = shared.pending.get(key);
    if (set === undefined) return;
    shared.pending.delete(key);
    for (const x of set) x.abort();
  };

  return {
    name: 'native',

    headers(pairs: readonly string[]): PreparedHeaders {
      checkHeaderPairs(pairs);
      const all = fixedHeaders(pairs, fixed);
      let text = '';
      for (let i = 0; i < all.length; i += 2) text += `${all[i]}: ${all[i + 1]}\r\n`;
      return Buffer.from(text, 'latin1') as unknown as PreparedHeaders;
    },


    listen(options: ListenOptions, h: RequestHandler): Promise<Listening> {
      if (listening) return Promise.reject(new Error('covet: the engine is already listening'));
      try {
        if (handler === null) {
          const [s, mm, ctl, clk] = addon.init(onBatch, onClose, onRefused);
          staging = Buffer.from(s) as Bytes;
          meta = new Uint32Array(mm);
          shared.control = control = new Int32Array(ctl);
          const clock = (shared.clock = new Float64Array(clk));
          watchObserving((on) => {
            clock[CLOCK_ON] = on ? 1 : 0;
            if (!on) clock[CLOCK_BATCH] = 0;
          });
          methods = addon.methods();
        }
        handler = h;
        const headersTimeout = headersTimeoutMs(options);
        const port = addon.listen(
          options.host,
          options.port,
          options.maxBodySize,
          headersTimeout,
          requestTimeoutMs(headersTimeout),
          options.reusePort ?? false,
          maxBodyMemory(options),
          sendTimeoutMs(options),
          maxHeaderSize(options),
          keepAliveMs(options),
          options.fd ?? -1,
        );
        listening = true;
        return Promise.resolve({ host: options.host, port });
      } catch (err) {
        return Promise.reject(err);
      }
    },

    stats() {
      let inFlight = inBatch ? 1 : 0;
      for (const set of shared.pending.values()) inFlight += set.size;
      return { connections: handler === null ? 0 : addon.stats().connections, inFlight };
    },

    close(graceMs = DEFAULT_GRACE_MS): Promise<void> {
      if (!listening) return Promise.resolve();
      listening = false;
      return closeGracefully(
        graceMs,
        (finish) => {
          if (addon.stop(finish) === 0) finish();
        },
        () => addon.closeAll(),
      );
    },
  };
}
