/**
 * The `node` engine: the engine interface on node:http. It is the reference
 * the native engine must agree with, and the fallback where no C toolchain is
 * available.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
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
import {
  checkHeaderPairs,
  fixedHeaders,
  closeGracefully,
  DEFAULT_GRACE_MS,
  headersTimeoutMs,
  KEEP_ALIVE_MS,
  keepAliveMs,
  LINGER_MS,
  maxHeaderSize,
  MAX_URL_LENGTH,
  maxBodyMemory,
  originForm,
  requestTimeoutMs,
  sendTimeoutMs,
} from './engine.ts';
import { ENGINE_ERRORS, errorBody, type ErrorAnswer } from './errors.ts';
import { isValidHost } from './http-syntax.ts';

const SERVER_NAME = 'covet';

/**
 * A prepared header list as writeHead takes it: `server`, the pairs, then `content-length` with a
 * value slot that each send fills in (writeHead copies the values into the head at once, so one
 * array serves every response; no copy per response).
 */
type NodePrepared = string[];

/** What a connection that reads no more requests does with the bytes that still arrive. */
function drop(): void {}

/**
 * The fair share (issue 8, class 7), as the native engine has it (COVET_SHARE, COVET_TURN_NS):
 * a connection has at most SHARE requests handed out per read or loop turn, and the rest of
 * its read waits for its turn, so that one client that pipelines a thousand requests in one
 * write cannot hold the loop while the others wait.
 *
 * node:http's parser reads the socket in C++ and emits every request of a read at once; its
 * headers-complete callback, though, returns what llhttp is told, and llhttp pauses on
 * HPE_PAUSED. So the engine wraps that callback: past the share (or once node:http's own
 * backpressure paused the socket) it pauses the parser after the request, node:http reports
 * the pause as a client error carrying the unparsed rest of the read, and the connection keeps
 * that rest for its turn. Only then is the connection switched to reading through 'data'
 * events (so that later reads queue behind the rest): connections that never send more than a
 * share at once stay on node:http's C++ path, which costs less per read.
 */
const SHARE = 32;
/** How long, per loop turn, deferred input is parsed for. */
const TURN_MS = 2;
/** llhttp's HPE_PAUSED: returned from on_headers_complete, it pauses the parser after the headers. */
const HPE_PAUSED = 21;
/** Loop turns in a row in which accepting connections goes before the queued input (`Turns.run`). */
const ACCEPT_TURNS = 64;
const EMPTY = Buffer.alloc(0);
/** `Connection.idleSince` once the last answer owed went out, until the next sweep notes the time. */
const IDLE = -1;
/** Stopping: a connection at rest this long closes (earlier, a request may be on its way); the native engine's COVET_STOP_QUIET_MS. */
const STOP_QUIET_MS = 250;
/** Stopping: how often connections are looked at for having gone quiet (COVET_STOP_TICK_MS). */
const STOP_TICK_MS = 50;

/**
 * The sockets node:http's connection list holds as idle (no request begun on them: what its own
 * closeIdleConnections closes), or null when this Node keeps that list elsewhere.
 */
function idleSockets(srv: object): Set<Socket> | null {
  const key = Object.getOwnPropertySymbols(srv).find((k) => k.description === 'http.server.connections');
  const list = key === undefined ? undefined : (srv as unknown as Record<symbol, { idle?(): { socket: Socket | null }[] }>)[key];
  if (list === undefined || typeof list.idle !== 'function') return null;
  const out = new Set<Socket>();
  for (const parser of list.idle()) if (parser.socket) out.add(parser.socket);
  return out;
}

/** node:http's parser, as far as the engine uses it (its C++ callbacks sit at numeric indices). */
interface HttpParser {
  socket: Socket | null;
  covet?: Connection;
  resume(): void;
  execute(data: Buffer): number | Error;
  getCurrentBuffer(): Buffer;
  [index: number]: unknown;
}
type ParserStatics = { kOnHeadersComplete: number; kOnExecute: number };
let kOnHeadersComplete = -1;
let kOnExecute = -1;
/** node:http's own headers-complete callback, which `headersComplete` wraps. */
let nodeHeadersComplete: ((this: HttpParser, ...args: unknown[]) => number) | null = null;

/** node:http's socket, with its internals that the engine reads. */
type HttpSocket = Socket & { parser?: HttpParser | null; _paused?: boolean };

/**
 * The parser's headers-complete callback: node:http's, then a pause when the connection has had
 * its share (not after an upgrade, whose return value, 2, llhttp must see).
 */
function headersComplete(this: HttpParser, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown, i: unknown): number {
  const r = nodeHeadersComplete!.call(this, a, b, c, d, e, f, g, h, i);
  const conn = this.covet;
  if (r !== 0 || conn === undefined || conn.socket !== this.socket || conn.phase !== 'reading') return r;
  // An Upgrade that node:http serves as a plain request (no 'upgrade' listener): llhttp still
  // stops after it, and node:http drops the rest of the read; the engine parses that rest.
  if (h === true) conn.upgraded = true;
  return conn.counted() ? r : HPE_PAUSED;
}

/** The parser's after-read callback (C++ reads only): a new read starts a new share. */
function afterRead(this: HttpParser, ret: unknown): unknown {
  const conn = this.covet!;
  conn.turnCount = 0;
  if (!conn.upgraded) return conn.nodeAfterRead!.call(this, ret);
  conn.upgraded = false;
  const read = this.getCurrentBuffer();
  const result = conn.nodeAfterRead!.call(this, ret);
  if (typeof ret === 'number' && ret < read.length && conn.phase === 'reading' && conn.socket.parser === this) conn.defer(read.subarray(ret));
  return result;
}

/** node:http paused the socket: the answers it owes do not leave (it resumes it once they drain). */
function nodePaused(socket: HttpSocket): boolean {
  return socket._paused === true;
}

/** 'data' on a connection that reads through the engine (`Connection.readThroughData`). */
function onDeferredData(this: HttpSocket, chunk: Buffer): void {
  const c = this.parser?.covet;
  if (c !== undefined && c.socket === this) c.data(chunk);
}

function onDeferredResume(this: HttpSocket): void {
  const c = this.parser?.covet;
  if (c !== undefined && c.socket === this) c.resumed();
}

/** The engine's queue of connections whose input waits for its turn. */
class Turns {
  private queue: Connection[] = [];
  private scheduled = false;
  /** The turn runs (setImmediate): each connection in it gets a whole share. */
  running = false;
  /** Counts turns, so that a connection deferred by a read waits for the next turn's check. */
  turn = 0;
  /** A connection was accepted since the last turn (libuv accepts one per loop turn: more may wait). */
  accepted = false;

  /**
   * Requests a read may hand out before it pauses: a share, or one while connections wait in
   * the queue (a read with more goes behind them).
   */
  get limit(): number {
    return this.running || this.queue.length === 0 ? SHARE : 1;
  }

  enqueue(c: Connection): void {
    if (c.queued) return;
    c.queued = true;
    this.queue.push(c);
    this.schedule();
  }

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  /** Turns in a row that gave way to accepting connections. */
  private yielded = 0;

  /**
   * After each poll: the queued connections get a share each, in order, for at most TURN_MS.
   * A turn after one in which a connection was accepted gives way (up to ACCEPT_TURNS in a
   * row): libuv accepts one connection per loop turn, so while a burst of connections waits to
   * be accepted (a normal client among them), loop turns must stay short.
   */
  private run(): void {
    this.scheduled = false;
    if (this.accepted && this.yielded < ACCEPT_TURNS) {
      this.accepted = false;
      this.yielded++;
      this.turn++;
      this.schedule();
      return;
    }
    this.accepted = false;
    this.yielded = 0;
    this.running = true;
    const until = performance.now() + TURN_MS;
    for (let n = this.queue.length; n > 0 && this.queue.length > 0; n--) {
      const c = this.queue.shift()!;
      c.queued = false;
      if (c.deferredTurn === this.turn) {
        this.enqueue(c); // had its share from a read in this turn
        continue;
      }
      c.takeTurn();
      if (performance.now() >= until) break;
    }
    this.running = false;
    this.turn++;
    if (this.queue.length > 0) this.schedule();
  }
}

/**
 * One client connection: the responses it still owes, in request order.
 * node:http only tells the response currently being written that its socket
 * closed; the ones queued behind it (pipelining) are told here. A parse error
 * that arrives while responses are owed is answered after them, so the
 * client still reads the answers in request order.
 *
 * Its phase:
 * - `reading`: requests are read and served;
 * - `ending`: no request after this point is served (the engine refused one, one could not
 *   be parsed, or bytes followed a request that closes the connection): node:http's parser
 *   gets no more input and what arrives is dropped, while the answers owed go out;
 * - `lingering`: the last answer is written; the connection closes the lingering way (`linger`).
 */
class Connection {
  phase: 'reading' | 'ending' | 'lingering' = 'reading';
  /** The responses still owed, oldest first: a list through NodeResponse.prev/next (no allocation per response). */
  head: NodeResponse | null = null;
  tail: NodeResponse | null = null;
  private deferredError: string | null = null;
  private whenOwedSent: (() => void) | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  /** The send timeout's view (`checkSend`): bytes sent at the last look, and since when none were. */
  private sentAtCheck = 0;
  private stalledSince = 0;
  /**
   * The keep-alive timeout's view (`checkIdle`): 0 while an answer is owed (or none was given
   * yet), IDLE once the last answer owed was handed to the socket (the sweep then notes the
   * time), else since when no byte went either way; and the bytes counted at that time.
   */
  idleSince = 0;
  private bytesAtIdleCheck = 0;
  /** Requests handed out in this read or turn (the fair share). */
  turnCount = 0;
  /** The parser was paused at the share: the client error that follows is that pause. */
  pausing = false;
  /** A request with Upgrade was parsed: llhttp stops after it. */
  upgraded = false;
  /** In the turn queue. */
  queued = false;
  /** The turn in which a read deferred input. */
  deferredTurn = -1;
  /** Input not parsed yet, oldest first (null: none); while there is some, the socket is paused. */
  deferred: Buffer[] | null = null;
  /** node:http's 'data' listener, which feeds its parser, once the connection reads through 'data' events. */
  feed: ((data: Buffer) => void) | null = null;
  /** node:http's after-read callback of this connection's parser. */
  nodeAfterRead: ((ret: unknown) => unknown) | null = null;

  constructor(
    readonly socket: HttpSocket,
    private readonly turns: Turns,
  ) {
    const parser = socket.parser;
    if (parser == null) return;
    if (kOnHeadersComplete < 0) {
      const statics = parser.constructor as unknown as ParserStatics;
      kOnHeadersComplete = statics.kOnHeadersComplete;
      kOnExecute = statics.kOnExecute;
    }
    // Parsers are pooled: one may carry the wrapper from an earlier connection already.
    const current = parser[kOnHeadersComplete] as typeof nodeHeadersComplete;
    if (current !== headersComplete) {
      nodeHeadersComplete = current;
      parser[kOnHeadersComplete] = headersComplete;
    }
    parser.covet = this;
    this.nodeAfterRead = parser[kOnExecute] as (ret: unknown) => unknown;
    parser[kOnExecute] = afterRead;
  }

  /**
   * One more request handed out: false when the parser should pause after it (the share is
   * used up, or node:http paused the socket because its answers do not leave).
   */
  counted(): boolean {
    const turns = this.turns;
    if (++this.turnCount < (turns.running ? SHARE : turns.limit) && !nodePaused(this.socket)) return true;
    this.pausing = true;
    return false;
  }

  /** The parser paused at the share with `rest` of its input unparsed: the rest waits for the connection's turn. */
  defer(rest: Buffer): void {
    const socket = this.socket;
    const parser = socket.parser!;
    parser.resume();
    if (!this.turns.running) this.deferredTurn = this.turns.turn;
    if (rest.length === 0) {
      // Nothing followed: let llhttp finish the request it paused in (its end is not in the input).
      parser.execute(EMPTY);
      return;
    }
    if (this.feed === null) this.readThroughData();
    (this.deferred ??= []).unshift(rest);
    socket.pause();
    // Paused by node:http (answers that do not leave): its resume queues the connection.
    if (!nodePaused(socket)) this.turns.enqueue(this);
  }

  /**
   * From now on node:http's parser is fed from 'data' events, through the engine: a listener of
   * the engine's own makes node:http stop reading in C++, and its listener is kept as `feed`.
   */
  private readThroughData(): void {
    const socket = this.socket;
    const own = socket.listeners('data') as ((data: Buffer) => void)[];
    socket.on('data', onDeferredData);
    for (const l of own) socket.removeListener('data', l);
    this.feed = own[0] ?? null;
    socket.on('resume', onDeferredResume);
    // node:http may have stopped the handle (its pause, in C++ mode), and the stream, which
    // never saw a read, would not start it again: its reads now buffer in the stream until
    // its high-water mark, which stops them the stream's way.
    const handle = (socket as unknown as { _handle?: { reading: boolean; readStart(): number } | null })._handle;
    if (handle && !handle.reading) {
      handle.reading = true;
      handle.readStart();
    }
  }

  /**
   * Feeds input to node:http's parser, as node:http's 'data' listener does, but seeing what it
   * returns: the pause at the share, and where it stopped after an Upgrade.
   */
  private parse(data: Buffer): void {
    const parser = this.socket.parser!;
    const ret = parser.execute(data);
    if (this.pausing && ret instanceof Error && (ret as NodeJS.ErrnoException).code === 'HPE_PAUSED') {
      this.pausing = false;
      this.defer(data.subarray((ret as Error & { bytesParsed: number }).bytesParsed));
      return;
    }
    this.nodeAfterRead!.call(parser, ret);
    if (!this.upgraded) return;
    this.upgraded = false;
    if (typeof ret === 'number' && ret < data.length && this.phase === 'reading' && this.socket.parser === parser) this.defer(data.subarray(ret));
  }

  /** A read through 'data' events: parsed now, unless input is waiting already (it goes behind that). */
  data(chunk: Buffer): void {
    const socket = this.socket;
    if (this.phase !== 'reading' || socket.parser == null || this.feed === null) return;
    if (this.deferred !== null || nodePaused(socket)) {
      (this.deferred ??= []).push(chunk);
      socket.pause();
      return;
    }
    this.turnCount = 0;
    this.parse(chunk);
  }

  /** The socket resumed (node:http does when answers drained) while input waits: it waits for its turn. */
  resumed(): void {
    if (this.deferred === null) return;
    this.socket.pause();
    if (!nodePaused(this.socket)) this.turns.enqueue(this);
  }

  /** The connection's turn: a share of its waiting input is parsed; then it waits again, or reads. */
  takeTurn(): void {
    const socket = this.socket;
    if (this.phase !== 'reading' || socket.destroyed || socket.parser == null || this.deferred === null) {
      this.deferred = null;
      return;
    }
    if (nodePaused(socket)) return; // node:http resumes it once its answers leave
    this.turnCount = 0;
    socket.parser.resume();
    for (;;) {
      const deferred = this.deferred;
      if (deferred === null) return;
      if (deferred.length === 0) break;
      if (this.queued || nodePaused(socket) || this.phase !== 'reading' || socket.parser == null) return;
      if (this.turnCount >= SHARE) {
        this.turns.enqueue(this);
        return;
      }
      this.parse(deferred.shift()!);
    }
    this.deferred = null;
    if (!nodePaused(socket)) socket.resume();
  }

  /** The socket has closed: every response still owed is aborted. */
  closed(): void {
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    this.deferred = null;
    for (let r = this.head; r !== null; ) {
      const next = r.next;
      r.abort();
      r = next;
    }
    this.head = this.tail = null;
  }

  owe(response: NodeResponse): void {
    this.idleSince = 0;
    response.prev = this.tail;
    if (this.tail === null) this.head = response;
    else this.tail.next = response;
    this.tail = response;
  }

  settled(response: NodeResponse): void {
    const { prev, next } = response;
    if (prev === null) {
      if (this.head !== response) return; // not owed (any more)
      this.head = next;
    } else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    response.prev = response.next = null;
    if (this.head !== null) return;
    this.idleSince = IDLE;
    if (this.deferredError !== null) this.endWith(this.deferredError);
    else if (this.whenOwedSent !== null) {
      const next = this.whenOwedSent;
      this.whenOwedSent = null;
      next();
    }
  }

  /** Runs `next` once every response owed now has been sent (at once, if none is). */
  afterOwed(next: () => void): void {
    if (this.head === null) next();
    else this.whenOwedSent = next;
  }

  /**
   * The answer being sent is the connection's last (node:http then ends it with destroySoon():
   * FIN, and close once written): it lingers instead. Closing while bytes from the client are
   * unread makes the kernel reset the connection, which can destroy the answer before the
   * client has read it.
   */
  lastAnswer(): void {
    this.socket.destroySoon = () => this.linger();
  }

  /**
   * Reads no more requests from this connection: node:http's parser gets no more input, and
   * what the client still sends is read and dropped. Requests that node:http parses from the
   * rest of the current read still reach the engine, which does not serve them.
   */
  stopReading(): void {
    if (this.phase !== 'reading') return;
    this.phase = 'ending';
    this.deferred = null;
    const socket = this.socket;
    // A 'data' listener makes node:http stop feeding its parser from C++: it then reads
    // through 'data' events, and removing its own listener leaves the parser without input.
    socket.on('data', drop);
    for (const l of socket.listeners('data')) if (l !== drop) socket.removeListener('data', l as (...args: unknown[]) => void);
    socket.resume();
  }

  /**
   * Writes a raw error answer and closes, after every response still owed.
   * A request whose body was still arriving will never be complete: its response is dropped.
   * One whose body is complete is answered (node:http reports a parse error in the same read
   * before the body's 'end', which still comes).
   */
  failWith(raw: string): void {
    this.stopReading();
    for (let r = this.head; r !== null; ) {
      const next = r.next;
      if (!r.willAnswer && !r.raw.req.complete) r.abort();
      r = next;
    }
    if (this.head === null) this.endWith(raw);
    else this.deferredError = raw;
  }

  private endWith(raw: string): void {
    this.deferredError = null;
    if (!this.socket.writable) {
      this.socket.destroy();
      return;
    }
    this.socket.write(raw);
    this.linger();
  }

  /**
   * The send timeout, looked at every sweep: a connection with answer bytes not yet taken by
   * the kernel, none of which went out for `timeoutMs`, is closed (its client does not read).
   * Progress is counted in bytes, as libuv writes them (node:http writes a whole answer as
   * one request, which completes only once all of it is out), so a client that reads slowly
   * but steadily is never cut.
   */
  checkSend(now: number, timeoutMs: number): void {
    const handle = (this.socket as unknown as { _handle?: { bytesWritten?: number; writeQueueSize?: number } | null })._handle;
    const queued = handle?.writeQueueSize ?? 0;
    if (this.socket.writableLength === 0 && queued === 0) {
      this.stalledSince = 0;
      return;
    }
    const sent = (handle?.bytesWritten ?? 0) - queued;
    if (this.stalledSince === 0 || sent !== this.sentAtCheck) {
      this.sentAtCheck = sent;
      this.stalledSince = now;
    } else if (now - this.stalledSince >= timeoutMs) {
      this.socket.destroy();
    }
  }

  /**
   * The keep-alive timeout, looked at every sweep: a connection that owes no answer and on
   * which no byte went either way for `timeoutMs` since its last answer is closed, between
   * `timeoutMs` and `timeoutMs` + the sweep's interval after it went quiet, as node:http's own
   * timer would (at `timeoutMs` + 1 s). node:http's timer costs a timer and a bound function
   * per request; the sweep costs a store per request.
   */
  checkIdle(now: number, timeoutMs: number): void {
    if (this.idleSince === 0 || this.phase !== 'reading') return;
    const socket = this.socket;
    const bytes = socket.bytesRead + socket.bytesWritten;
    if (this.idleSince === IDLE || bytes !== this.bytesAtIdleCheck) {
      this.idleSince = now;
      this.bytesAtIdleCheck = bytes;
    } else if (now - this.idleSince >= timeoutMs) {
      socket.destroy();
    }
  }

  /** A stopping server's view (`closeAtRest`): the bytes counted at the last look, and since when none moved. */
  private stopBytes = -1;
  private stopQuietSince = 0;

  /**
   * While the server stops, every STOP_TICK_MS: a connection that owes nothing, has no request
   * in node:http's parser (`idle`, node:http's own list), and on which no byte moved for
   * STOP_QUIET_MS closes the lingering way. One less quiet may have a request on its way, which
   * is served (its answer says `connection: close`).
   */
  closeAtRest(now: number, idle: ReadonlySet<Socket> | null): void {
    const socket = this.socket;
    const bytes = socket.bytesRead + socket.bytesWritten;
    if (bytes !== this.stopBytes) {
      // The first look too: how long it was quiet before the stop is not known, so its clock starts now.
      this.stopBytes = bytes;
      this.stopQuietSince = now;
      return;
    }
    if (now - this.stopQuietSince < STOP_QUIET_MS) return;
    if (this.phase !== 'reading' || this.head !== null || this.deferred !== null || idle === null || !idle.has(socket)) return;
    this.linger();
  }

  /**
   * Closes the connection after its last answer the way nginx's lingering close does: the
   * write side ends (FIN after the answer), what the client still sends is read and dropped,
   * and the socket closes once the client ends its side, or LINGER_MS after the answer was
   * written out. A client still sending a body the engine refused thus reads its answer
   * (a 413 to an upload), where closing at once would reset the connection under it. A
   * client that does not read the answer at all is the send timeout's to close.
   */
  linger(): void {
    const socket = this.socket;
    if (this.phase === 'lingering' || socket.destroyed) return;
    this.stopReading();
    this.phase = 'lingering';
    socket.end();
    const close = () => socket.destroy();
    const closeOnceWritten = () => (socket.writableFinished ? close() : socket.once('finish', close));
    if (socket.readableEnded) {
      closeOnceWritten();
      return;
    }
    socket.once('end', closeOnceWritten);
    const startTimer = () => {
      this.lingerTimer = setTimeout(close, LINGER_MS);
      this.lingerTimer.unref();
    };
    if (socket.writableFinished) startTimer();
    else socket.once('finish', startTimer);
  }
}

class NodeRequest implements EngineRequest {
  readonly method: string;
  readonly url: string;
  body: Buffer | null = null;
  private controller: AbortController | null = null;

  constructor(
    readonly raw: http.IncomingMessage,
    private readonly response: NodeResponse,
  ) {
    this.method = raw.method ?? 'GET';
    this.url = originForm(raw.url ?? '/');
  }

  header(name: string): string | undefined {
    const v = this.raw.headers[name];
    if (v === undefined || typeof v === 'string') return v;
    return v.join(', ');
  }

  headers(): [string, string][] {
    const raw = this.raw.rawHeaders;
    const out: [string, string][] = [];
    for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
    return out;
  }

  get remoteAddress(): string {
    return this.raw.socket.remoteAddress ?? '';
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.response.closed) controller.abort();
      else this.response.onAbort(() => controller.abort());
    }
    return this.controller.signal;
  }
}

/**
 * node:http's response, which settles its NodeResponse on 'finish' (the whole response was handed
 * to the socket) after node:http's own listener, as a `once('finish')` would, but without a
 * listener and a closure per response.
 */
class CovetServerResponse extends http.ServerResponse {
  covet: NodeResponse | null = null;
  /** node:http's: the `keep-alive: timeout=` it writes (it sets the server's, 0, which says none). */
  declare _keepAliveTimeout: number;

  override emit(event: string | symbol): boolean {
    // eslint-disable-next-line prefer-rest-params
    const listened = super.emit.apply(this, arguments as unknown as [string | symbol, ...unknown[]]);
    if (event === 'finish' && this.covet !== null) this.covet.settle();
    return listened;
  }
}

/**
 * A prepared list of an engine with fixed headers (EngineOptions.headers): the fixed ones this
 * list does not replace, as the text of their lines, checked once when it was prepared.
 */
type BakedPrepared = NodePrepared & { baked: string };

/** node:http's ServerResponse method that writes the head (internal, what writeHead calls). */
type StoreHeader = (this: http.ServerResponse, firstLine: string, headers: unknown) => void;
const storeHeader = (http.ServerResponse.prototype as unknown as { _storeHeader: StoreHeader })._storeHeader;

/**
 * The response of an engine with fixed headers: node:http checks and copies every pair of the
 * array writeHead is given, on every answer; the fixed headers, checked once, are handed to it
 * as text after the status line instead (the list's `baked`), so that they cost a copy per answer.
 */
class BakedServerResponse extends CovetServerResponse {
  _storeHeader(firstLine: string, headers: unknown): void {
    const baked = headers === null || headers === undefined ? undefined : (headers as BakedPrepared).baked;
    storeHeader.call(this, baked === undefined ? firstLine : firstLine + baked, headers);
  }
}

/** `list` without its content-length slot (a 204 or 304 has none), keeping its baked lines. */
function withoutLength(list: NodePrepared): NodePrepared {
  const out = list.slice(0, -2);
  const baked = (list as BakedPrepared).baked;
  if (baked !== undefined) (out as BakedPrepared).baked = baked;
  return out;
}

/** Header lines as text, `name: value\r\n` each. */
function lines(pairs: readonly string[]): string {
  let text = '';
  for (let i = 0; i < pairs.length; i += 2) text += `${pairs[i]}: ${pairs[i + 1]}\r\n`;
  return text;
}

class NodeResponse implements EngineResponse {
  /** The answer is certain: the whole request (body included) has arrived, or the engine refused it. */
  willAnswer = false;
  private sent = false;
  private done = false;
  private aborted = false;
  private abortListeners: (() => void)[] | null = null;
  /** Neighbours in the connection's list of owed responses. */
  prev: NodeResponse | null = null;
  next: NodeResponse | null = null;

  constructor(
    readonly raw: CovetServerResponse,
    private readonly connection: Connection,
    private readonly state: EngineState,
  ) {
    state.inFlight++;
    connection.owe(this);
    raw.covet = this;
    raw._keepAliveTimeout = state.keepAliveMs;
  }

  get closed(): boolean {
    return this.aborted || this.raw.destroyed;
  }

  onAbort(listener: () => void): void {
    (this.abortListeners ??= []).push(listener);
  }

  /** The client went away before this response was out. */
  abort(): void {
    if (this.done) return;
    this.aborted = true;
    const listeners = this.abortListeners;
    this.abortListeners = null;
    if (listeners) for (const l of listeners) l();
    this.settle();
  }

  settle(): void {
    if (this.done) return;
    this.done = true;
    this.connection.settled(this);
    this.state.settled();
  }

  send(status: number, headers: PreparedHeaders, body: string | Buffer | null, close?: boolean): void {
    if (this.sent) throw new Error('covet: a response was already sent for this request');
    if (this.closed) {
      this.sent = true;
      return;
    }
    let list = headers as NodePrepared;
    if (status === 204 || status === 304) list = withoutLength(list);
    else list[list.length - 1] = String(body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    // While shutting down, or asked to close, no connection is kept for another request.
    if (this.state.stopping || close === true) this.raw.shouldKeepAlive = false;
    // node:http keeps an HTTP/1.0 connection only for an answer with Content-Length (or chunked,
    // which 1.0 lacks); a 204 or 304 has no body, so its end is known without either.
    else if (status === 204 || status === 304) this.raw.useChunkedEncodingByDefault = true;
    // The request asked to close (Connection: close, HTTP/1.0), the answer is the last, or the server is stopping.
    if (!this.raw.shouldKeepAlive) this.connection.lastAnswer();
    // Throws before anything is written (a status outside 100–999, a header node:http
    // refuses): the request is then still unanswered, and the caller answers it (500).
    this.raw.writeHead(status, list);
    this.sent = true;
    // The last answer: requests already parsed behind it are not served (as after a refusal).
    if (close === true) this.connection.stopReading();
    if (body === null || status === 204 || status === 304) this.raw.end();
    else this.raw.end(body);
  }

  sendWith(status: number, headers: PreparedHeaders, extra: string, body: string | Buffer | null, close?: boolean): void {
    // The request's lines join the baked ones (an engine with CORS has fixed headers: Vary, or
    // Access-Control-Allow-Origin: *), on a copy: the prepared list serves other answers.
    const list = headers as BakedPrepared;
    const out = list.slice() as BakedPrepared;
    out.baked = (list.baked ?? '') + extra;
    this.send(status, out as unknown as PreparedHeaders, body, close);
  }

  /** A minimal error answer written by the engine itself (limits, bad framing); closes the connection. */
  refuse(error: ErrorAnswer): void {
    if (this.sent) return;
    this.sent = true;
    this.willAnswer = true;
    // What follows the refused request (the rest of its body, more requests) is not read.
    this.connection.stopReading();
    this.connection.lastAnswer();
    if (this.closed) return;
    const body = errorBody(error);
    this.raw.writeHead(error.status, ['server', SERVER_NAME, 'content-type', 'application/json', 'content-length', String(Buffer.byteLength(body)), 'connection', 'close']);
    this.raw.end(body);
  }
}

interface EngineState {
  inFlight: number;
  /** The keep-alive timeout of the server listening (ListenOptions.keepAliveTimeoutMs). */
  keepAliveMs: number;
  stopping: boolean;
  settled(): void;
}

/** The raw bytes of an error answer for a request node:http could not parse. */
function rawError(error: ErrorAnswer): string {
  const body = errorBody(error);
  // Only the generic ones (400, 408, 431) come here: their detail is the reason phrase.
  return (
    `HTTP/1.1 ${error.status} ${error.detail}\r\nserver: ${SERVER_NAME}\r\ndate: ${new Date().toUTCString()}\r\n` +
    `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/**
 * Requests node:http accepts but Covet refuses (each is a case in
 * runtime-min/conformance/cases): returns the answer, or null.
 */
/**
 * Set by `refusal` from its one pass over the raw headers: whether the request has a
 * Content-Length or a Transfer-Encoding, and the first Content-Length. Reading them from
 * `req.headers` instead would make node:http build its header object (lazily made, on first
 * use) for every request, which a route that reads no header never needs.
 */
let framedBody = false;
let firstContentLength: string | undefined;

function refusal(req: http.IncomingMessage): ErrorAnswer | null {
  // HTTP/0.9 request lines and majors other than 1 (llhttp itself rejects 1.2+).
  if (req.httpVersionMajor !== 1) return ENGINE_ERRORS.VERSION;
  if ((req.url ?? '').length > MAX_URL_LENGTH) return ENGINE_ERRORS.URI_TOO_LONG;
  // RFC 9112 §3.2: exactly one Host from an HTTP/1.1 client, and from any client a valid one.
  let hosts = 0;
  let validHosts = true;
  let transferEncoding = false;
  framedBody = false;
  firstContentLength = undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const n = name.length;
    // Clients spell names in Title-Case or lower case: lower-case (a new string) only for other spellings.
    if (n === 4) {
      if (name === 'Host' || name === 'host' || name.toLowerCase() === 'host') {
        hosts++;
        if (!isValidHost(raw[i + 1]!)) validHosts = false;
      }
    } else if (n === 14) {
      if (name === 'Content-Length' || name === 'content-length' || name.toLowerCase() === 'content-length') {
        framedBody = true;
        firstContentLength ??= raw[i + 1]!;
      }
    } else if (n === 17) {
      if (name === 'Transfer-Encoding' || name === 'transfer-encoding' || name.toLowerCase() === 'transfer-encoding') framedBody = transferEncoding = true;
    }
  }
  if (req.httpVersionMinor === 1 && hosts !== 1) return hosts === 0 ? ENGINE_ERRORS.NO_HOST : ENGINE_ERRORS.TWO_HOSTS;
  if (!validHosts) return ENGINE_ERRORS.BAD_HOST;
  // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request means faulty framing.
  if (req.httpVersionMinor === 0 && transferEncoding) return ENGINE_ERRORS.TE_HTTP10;
  // RFC 9112 §6.1: both framings at once. llhttp refuses it for a Transfer-Encoding it reads,
  // not for one with no value; a proxy may take that one as present.
  if (transferEncoding && firstContentLength !== undefined) return ENGINE_ERRORS.BAD_REQUEST;
  return null;
}

export function nodeEngine(options: EngineOptions = {}): Engine {
  const fixed = options.headers ?? [];
  checkHeaderPairs(fixed);
  let server: http.Server<typeof http.IncomingMessage, typeof CovetServerResponse> | null = null;
  const connections = new Map<Socket, Connection>();
  const turns = new Turns();
  let sendTimer: NodeJS.Timeout | null = null;
  const state: EngineState = {
    inFlight: 0,
    keepAliveMs: KEEP_ALIVE_MS,
    stopping: false,
    settled() {
      --state.inFlight;
    },
  };

  // One listener for every socket's close (a closure per connection would cost memory on each idle one).
  function onSocketClose(this: Socket): void {
    const c = connections.get(this);
    if (c === undefined) return;
    connections.delete(this);
    c.closed();
  }
  const connectionOf = (socket: Socket): Connection => {
    let c = connections.get(socket);
    if (c === undefined) {
      c = new Connection(socket, turns);
      connections.set(socket, c);
      turns.accepted = true;
      socket.on('close', onSocketClose);
    }
    return c;
  };

  return {
    name: 'node',

    headers(pairs: readonly string[]): PreparedHeaders {
      // Refuse what writeHead would refuse, and what the engine writes itself, now, where callers expect it.
      checkHeaderPairs(pairs);
      if (fixed.length === 0) return ['server', SERVER_NAME, ...pairs, 'content-length', '0'] as unknown as PreparedHeaders;
      // The list's own pairs (a vary joined with the fixed one), for node:http; the other fixed ones as text.
      const all = fixedHeaders(pairs, fixed);
      const list = ['server', SERVER_NAME, ...all.slice(0, pairs.length), 'content-length', '0'] as BakedPrepared;
      list.baked = lines(all.slice(pairs.length));
      return list as unknown as PreparedHeaders;
    },


    listen(options: ListenOptions, handler: RequestHandler): Promise<Listening> {
      if (server) return Promise.reject(new Error('covet: the engine is already listening'));
      const headersTimeout = headersTimeoutMs(options);
      const sendTimeout = sendTimeoutMs(options);
      state.keepAliveMs = keepAliveMs(options);
      // Bodies still arriving, by when they began (a Map keeps insertion order), and their bytes
      // together: past the limit, the oldest is refused (503) and dropped.
      const bodyLimit = maxBodyMemory(options);
      const unfinished = new Map<NodeResponse, { bytes: number; refuse(): void }>();
      let unfinishedBytes = 0;
      const forget = (response: NodeResponse) => {
        const body = unfinished.get(response);
        if (body === undefined) return;
        unfinished.delete(response);
        unfinishedBytes -= body.bytes;
      };

      const onRequest = (req: http.IncomingMessage, res: CovetServerResponse, expectsContinue: boolean, last = false) => {
        const connection = connectionOf(req.socket);
        // Parsed from the same read as a request after which the connection stopped reading: not served.
        if (connection.phase !== 'reading' && !last) return;
        const response = new NodeResponse(res, connection, state);
        const refused = refusal(req);
        if (refused !== null) {
          response.refuse(refused);
          return;
        }
        const request = new NodeRequest(req, response);
        // llhttp reads no body after a CONNECT.
        const hasBody = !last && framedBody;
        if (!hasBody) {
          // Nothing will be read from it: node:http then skips draining it once the response
          // is out (`_dump`: a resume, two ticks and an 'end' per request for a stream that
          // is empty; the parser reads the next request either way).
          (req as http.IncomingMessage & { _consuming: boolean })._consuming = true;
          response.willAnswer = true;
          handler(request, response);
          return;
        }
        // llhttp has already rejected a Content-Length that is not a plain decimal number.
        const declared = Number(firstContentLength ?? 0);
        if (declared > options.maxBodySize) {
          // Answered before the body is sent when the client waits for 100 Continue.
          response.refuse(ENGINE_ERRORS.TOO_LARGE);
          return;
        }
        if (expectsContinue) res.writeContinue();
        const chunks: Buffer[] = [];
        let size = 0;
        let dropped = false;
        const body = {
          bytes: 0,
          refuse: () => {
            dropped = true;
            chunks.length = 0;
            response.refuse(ENGINE_ERRORS.UNAVAILABLE);
          },
        };
        req.on('data', (chunk: Buffer) => {
          if (dropped) return;
          size += chunk.length;
          if (size > options.maxBodySize) {
            // A chunked body that grows past the limit; the connection closes after the answer.
            dropped = true;
            chunks.length = 0;
            forget(response);
            response.refuse(ENGINE_ERRORS.TOO_LARGE);
            return;
          }
          chunks.push(chunk);
          if (body.bytes === 0) unfinished.set(response, body);
          body.bytes += chunk.length;
          unfinishedBytes += chunk.length;
          while (unfinishedBytes > bodyLimit) {
            const [oldest, held] = unfinished.entries().next().value!;
            forget(oldest);
            held.refuse();
          }
        });
        req.once('close', () => forget(response));
        req.on('end', () => {
          forget(response);
          response.willAnswer = true;
          if (dropped) return;
          request.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
          handler(request, response);
        });
        req.on('error', () => {
          /* the client went away mid-body: nothing to answer (the response aborts with the socket) */
        });
      };

      const srv = http.createServer(
        {
          maxHeaderSize: maxHeaderSize(options),
          headersTimeout,
          requestTimeout: requestTimeoutMs(headersTimeout),
          // How often node:http looks for connections past their timeouts (its default, 30 s,
          // would let a slowloris client hold a connection for up to 30 s more).
          connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(headersTimeout / 4))),
          // The keep-alive timeout is the engine's sweep (`checkIdle`), not a timer per request;
          // `keep-alive: timeout=5` is still said (NodeResponse sets what node:http writes it from).
          keepAliveTimeout: 0,
          // Checked by `refusal` so that the answer has Covet's JSON body like every other 400.
          requireHostHeader: false,
          noDelay: true,
          ServerResponse: fixed.length > 0 ? BakedServerResponse : CovetServerResponse,
        },
        (req, res) => onRequest(req, res as CovetServerResponse, false),
      );
      // `Expect: 100-continue`: refuse an oversized body before the client sends it.
      srv.on('checkContinue', (req: http.IncomingMessage, res: CovetServerResponse) => onRequest(req, res, true));
      // Any other expectation: 417 (node:http's own answer has no body and keeps the connection).
      srv.on('checkExpectation', (req: http.IncomingMessage, res: CovetServerResponse) => {
        const connection = connectionOf(req.socket);
        if (connection.phase === 'reading') new NodeResponse(res, connection, state).refuse(ENGINE_ERRORS.EXPECTATION);
      });
      // CONNECT (node:http hands the socket over, and with no listener closes it unanswered):
      // answered like any request (by the router: a 404 or 405), after the answers owed before
      // it, as the native engine does; nothing after it is read, and the connection closes.
      srv.on('connect', (req: http.IncomingMessage, socket: Socket) => {
        const connection = connectionOf(socket);
        socket.on('error', drop); // node:http took its error listener away with the socket
        const reading = connection.phase === 'reading';
        connection.stopReading();
        if (!reading) return; // an earlier request closes the connection
        connection.afterOwed(() => {
          if (socket.destroyed) return;
          const res = fixed.length > 0 ? new BakedServerResponse(req) : new CovetServerResponse(req);
          res.shouldKeepAlive = false;
          res.assignSocket(socket);
          res.once('finish', () => connection.linger());
          // An expectation other than 100-continue is refused first, as node:http does for other methods.
          const expect = req.headers.expect;
          if (expect !== undefined && req.httpVersionMajor === 1 && req.httpVersionMinor === 1 && !/(?:^|\W)100-continue(?:$|\W)/i.test(expect)) {
            new NodeResponse(res, connection, state).refuse(ENGINE_ERRORS.EXPECTATION);
            return;
          }
          onRequest(req, res, false, true);
        });
      });
      srv.on('connection', (socket: Socket) => connectionOf(socket));
      srv.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
        const connection = connectionOf(socket);
        // The parser paused at the connection's share: the rest of the input waits for its turn.
        if (connection.pausing && err.code === 'HPE_PAUSED') {
          connection.pausing = false;
          const e = err as NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number };
          connection.defer(e.rawPacket?.subarray(e.bytesParsed ?? 0) ?? EMPTY);
          return;
        }
        // Bytes after a request that closes the connection (`Connection: close`, HTTP/1.0) are
        // not read (RFC 9112 §9.6): they are no error of that request, whose answer still goes
        // out. Nor is anything once the connection stopped reading.
        if (err.code === 'HPE_CLOSED_CONNECTION' || connection.phase !== 'reading') {
          connection.stopReading();
          return;
        }
        if (!socket.writable) {
          socket.destroy();
          return;
        }
        const code = err.code;
        connection.failWith(
          rawError(code === 'HPE_HEADER_OVERFLOW' ? ENGINE_ERRORS.HEADERS_TOO_BIG : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? ENGINE_ERRORS.TIMEOUT : ENGINE_ERRORS.BAD_REQUEST),
        );
      });
      server = srv;
      // One sweep for every connection's send and keep-alive timeouts; a connection is closed
      // between the timeout and the timeout + the sweep's interval after its last byte went out.
      sendTimer = setInterval(
        () => {
          const now = Date.now();
          for (const c of connections.values()) {
            c.checkSend(now, sendTimeout);
            c.checkIdle(now, state.keepAliveMs);
          }
        },
        Math.min(1_000, Math.max(50, Math.floor(Math.min(sendTimeout, state.keepAliveMs) / 4))),
      );
      sendTimer.unref();
      return new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ host: options.host, port: options.port }, () => {
          srv.off('error', reject);
          const addr = srv.address();
          if (addr && typeof addr === 'object') resolve({ host: addr.address, port: addr.port });
          else resolve({ host: options.host, port: options.port });
        });
      });
    },

    close(graceMs = DEFAULT_GRACE_MS): Promise<void> {
      const srv = server;
      if (!srv) return Promise.resolve();
      server = null;
      state.stopping = true;
      let restTimer: NodeJS.Timeout | null = null;
      return closeGracefully(
        graceMs,
        (finish) => {
          // close() stops accepting and calls back once every connection has ended. Busy
          // connections close after their answer (sent with `Connection: close`). node:http's
          // close() would also close the idle ones at once (closeIdleConnections), among them one
          // whose client has just sent its next request, which would then be lost: as the native
          // engine does, a connection at rest closes once it has been quiet for STOP_QUIET_MS, and
          // a request that comes first is served (`closeAtRest`).
          const own = srv as unknown as { closeIdleConnections(): void };
          own.closeIdleConnections = () => {};
          srv.close(() => finish());
          delete (own as Partial<typeof own>).closeIdleConnections;
          const sweep = () => {
            const idle = idleSockets(srv);
            const now = Date.now();
            for (const c of connections.values()) c.closeAtRest(now, idle);
          };
          sweep();
          restTimer = setInterval(sweep, STOP_TICK_MS);
        },
        () => {
          if (sendTimer !== null) clearInterval(sendTimer);
          if (restTimer !== null) clearInterval(restTimer);
          sendTimer = null;
          srv.closeAllConnections();
        },
      );
    },
  };
}
