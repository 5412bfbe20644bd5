/**
 * The `node` engine: the engine interface on node:http. It is the reference
 * the native engine must agree with, and the fallback where no C toolchain is
 * available.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type {
  Engine,
  EngineRequest,
  EngineResponse,
  Listening,
  ListenOptions,
  PreparedHeaders,
  RequestHandler,
} from './engine.ts';

/** Request targets longer than this answer 414. */
export const MAX_URL_LENGTH = 8192;
/** Default for `ListenOptions.headersTimeoutMs`. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** The least default for `ListenOptions.maxBodyMemory`. */
export const DEFAULT_MAX_BODY_MEMORY = 256 * 1024 * 1024;

/** `ListenOptions.maxBodyMemory`, or its default: 256 MiB, or four bodies of the largest size if that is more. */
export function maxBodyMemory(options: ListenOptions): number {
  return options.maxBodyMemory ?? Math.max(DEFAULT_MAX_BODY_MEMORY, 4 * options.maxBodySize);
}

const SERVER_NAME = 'covet';

type NodePrepared = readonly string[];

/**
 * One client connection: the responses it still owes, in request order.
 * node:http only tells the response currently being written that its socket
 * closed; the ones queued behind it (pipelining) are told here. A parse error
 * that arrives while responses are owed is answered after them, so the
 * client still reads the answers in request order.
 */
class Connection {
  readonly open = new Set<NodeResponse>();
  private deferredError: string | null = null;

  constructor(readonly socket: Socket) {
    socket.once('close', () => {
      for (const r of this.open) r.abort();
      this.open.clear();
    });
  }

  settled(response: NodeResponse): void {
    this.open.delete(response);
    if (this.open.size === 0 && this.deferredError !== null) this.endWith(this.deferredError);
  }

  /**
   * Writes a raw error answer and closes, after every response still owed.
   * A request whose body was still arriving will never be complete: its response is dropped.
   */
  failWith(raw: string): void {
    for (const r of this.open) if (!r.willAnswer) r.abort();
    if (this.open.size === 0) this.endWith(raw);
    else this.deferredError = raw;
  }

  private endWith(raw: string): void {
    this.deferredError = null;
    if (this.socket.writable) this.socket.end(raw);
    else this.socket.destroy();
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
 * The absolute-form target `http://host/path?q` (RFC 9112 §3.2.2: a server
 * must accept it) as the origin-form `/path?q` the router expects.
 */
function originForm(url: string): string {
  if (url.charCodeAt(0) === 47 /* / */) return url;
  const m = /^https?:\/\/[^/?#]*/i.exec(url);
  if (m === null) return url;
  const rest = url.slice(m[0].length);
  return rest === '' || rest.charCodeAt(0) === 63 /* ? */ ? '/' + rest : rest;
}

class NodeResponse implements EngineResponse {
  /** The answer is certain: the whole request (body included) has arrived, or the engine refused it. */
  willAnswer = false;
  private sent = false;
  private done = false;
  private aborted = false;
  private abortListeners: (() => void)[] | null = null;

  constructor(
    readonly raw: http.ServerResponse,
    private readonly connection: Connection,
    private readonly state: EngineState,
  ) {
    state.inFlight++;
    connection.open.add(this);
    // 'finish': the whole response was handed to the socket.
    raw.once('finish', () => this.settle());
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

  private settle(): void {
    if (this.done) return;
    this.done = true;
    this.connection.settled(this);
    this.state.settled();
  }

  send(status: number, headers: PreparedHeaders, body: string | Buffer | null): void {
    if (this.sent) throw new Error('covet: a response was already sent for this request');
    if (this.closed) {
      this.sent = true;
      return;
    }
    const pairs = headers as NodePrepared;
    const length = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const list = pairs.slice();
    if (status !== 204 && status !== 304) list.push('content-length', String(length));
    // While shutting down, no connection is kept for another request.
    if (this.state.stopping) this.raw.shouldKeepAlive = false;
    // node:http keeps an HTTP/1.0 connection only for an answer with Content-Length (or chunked,
    // which 1.0 lacks); a 204 or 304 has no body, so its end is known without either.
    else if (status === 204 || status === 304) this.raw.useChunkedEncodingByDefault = true;
    // Throws before anything is written (a status outside 100–999, a header node:http
    // refuses): the request is then still unanswered, and the caller answers it (500).
    this.raw.writeHead(status, list);
    this.sent = true;
    if (body === null || status === 204 || status === 304) this.raw.end();
    else this.raw.end(body);
  }

  /** A minimal error answer written by the engine itself (limits, bad framing); closes the connection. */
  refuse(status: number, detail: string): void {
    if (this.sent) return;
    this.sent = true;
    this.willAnswer = true;
    if (this.closed) return;
    const body = JSON.stringify({ detail });
    this.raw.writeHead(status, ['server', SERVER_NAME, 'content-type', 'application/json', 'content-length', String(Buffer.byteLength(body)), 'connection', 'close']);
    this.raw.end(body);
  }
}

interface EngineState {
  inFlight: number;
  stopping: boolean;
  settled(): void;
}

/** The raw bytes of an error answer for a request node:http could not parse. */
function rawError(status: number, reason: string): string {
  const body = JSON.stringify({ detail: reason });
  return (
    `HTTP/1.1 ${status} ${reason}\r\nserver: ${SERVER_NAME}\r\ndate: ${new Date().toUTCString()}\r\n` +
    `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/**
 * Requests node:http accepts but Covet refuses (each is a case in
 * runtime-min/conformance/cases): returns [status, detail] or null.
 */
function refusal(req: http.IncomingMessage): [number, string] | null {
  // HTTP/0.9 request lines and majors other than 1 (llhttp itself rejects 1.2+).
  if (req.httpVersionMajor !== 1) return [505, 'HTTP Version Not Supported'];
  if ((req.url ?? '').length > MAX_URL_LENGTH) return [414, 'URI Too Long'];
  if (req.httpVersionMinor === 1) {
    let hosts = 0;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') hosts++;
    if (hosts !== 1) return [400, hosts === 0 ? 'Bad Request: missing Host header' : 'Bad Request: more than one Host header'];
  }
  // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request means faulty framing.
  if (req.httpVersionMinor === 0 && req.headers['transfer-encoding'] !== undefined) return [400, 'Bad Request: Transfer-Encoding in an HTTP/1.0 request'];
  return null;
}

export function nodeEngine(): Engine {
  let server: http.Server | null = null;
  const connections = new WeakMap<Socket, Connection>();
  let idleWaiters: (() => void)[] = [];
  const state: EngineState = {
    inFlight: 0,
    stopping: false,
    settled() {
      if (--state.inFlight === 0 && idleWaiters.length) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
    },
  };

  const connectionOf = (socket: Socket): Connection => {
    let c = connections.get(socket);
    if (c === undefined) {
      c = new Connection(socket);
      connections.set(socket, c);
    }
    return c;
  };

  return {
    name: 'node',

    headers(pairs: readonly string[]): PreparedHeaders {
      if (pairs.length % 2 !== 0) throw new TypeError('covet: headers() takes [name, value, name, value, …]');
      // Refuse what writeHead would refuse (a bad name, a line break in a value) now, where callers expect it.
      for (let i = 0; i < pairs.length; i += 2) {
        http.validateHeaderName(pairs[i]!);
        http.validateHeaderValue(pairs[i]!, pairs[i + 1]!);
      }
      return Object.freeze(['server', SERVER_NAME, ...pairs]) as unknown as PreparedHeaders;
    },

    listen(options: ListenOptions, handler: RequestHandler): Promise<Listening> {
      if (server) return Promise.reject(new Error('covet: the engine is already listening'));
      const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
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

      const onRequest = (req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean) => {
        const response = new NodeResponse(res, connectionOf(req.socket), state);
        const refused = refusal(req);
        if (refused !== null) {
          response.refuse(refused[0], refused[1]);
          return;
        }
        const request = new NodeRequest(req, response);
        const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
        if (!hasBody) {
          response.willAnswer = true;
          handler(request, response);
          return;
        }
        // llhttp has already rejected a Content-Length that is not a plain decimal number.
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > options.maxBodySize) {
          // Answered before the body is sent when the client waits for 100 Continue.
          response.refuse(413, 'Payload Too Large');
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
            response.refuse(503, 'Service Unavailable');
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
            response.refuse(413, 'Payload Too Large');
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
          maxHeaderSize: 16 * 1024,
          headersTimeout,
          requestTimeout: Math.max(30_000, headersTimeout),
          // How often node:http looks for connections past their timeouts (its default, 30 s,
          // would let a slowloris client hold a connection for up to 30 s more).
          connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(headersTimeout / 4))),
          keepAliveTimeout: 5_000,
          // Checked by `refusal` so that the answer has Covet's JSON body like every other 400.
          requireHostHeader: false,
          noDelay: true,
        },
        (req, res) => onRequest(req, res, false),
      );
      // `Expect: 100-continue`: refuse an oversized body before the client sends it.
      srv.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => onRequest(req, res, true));
      // Any other expectation: 417 (node:http's own answer has no body and keeps the connection).
      srv.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
        new NodeResponse(res, connectionOf(req.socket), state).refuse(417, 'Expectation Failed');
      });
      srv.on('connection', (socket: Socket) => connectionOf(socket));
      srv.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
        if (!socket.writable) {
          socket.destroy();
          return;
        }
        const code = err.code;
        const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
        const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
        connectionOf(socket).failWith(rawError(status, reason));
      });
      server = srv;
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

    close(graceMs = 10_000): Promise<void> {
      const srv = server;
      if (!srv) return Promise.resolve();
      server = null;
      state.stopping = true;
      return new Promise<void>((resolve) => {
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          srv.closeAllConnections();
          resolve();
        };
        const timer = setTimeout(finish, graceMs);
        timer.unref();
        // close() stops accepting and calls back once every connection has ended;
        // idle keep-alive connections are closed now, busy ones once their response
        // (sent with `Connection: close`) is out.
        srv.close(() => finish());
        srv.closeIdleConnections();
        if (state.inFlight !== 0) idleWaiters.push(() => setImmediate(() => srv.closeIdleConnections()));
      });
    },
  };
}
