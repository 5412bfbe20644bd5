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

const SERVER_NAME = 'covet';

type NodePrepared = readonly string[];

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
    this.url = raw.url ?? '/';
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

class NodeResponse implements EngineResponse {
  private sent = false;
  private aborted = false;
  private abortListeners: (() => void)[] | null = null;

  constructor(readonly raw: http.ServerResponse) {
    raw.once('close', () => {
      if (!raw.writableFinished) {
        this.aborted = true;
        const listeners = this.abortListeners;
        this.abortListeners = null;
        if (listeners) for (const l of listeners) l();
      }
    });
  }

  get closed(): boolean {
    return this.aborted || this.raw.destroyed;
  }

  onAbort(listener: () => void): void {
    (this.abortListeners ??= []).push(listener);
  }

  send(status: number, headers: PreparedHeaders, body: string | Buffer | null): void {
    if (this.sent) throw new Error('covet: a response was already sent for this request');
    this.sent = true;
    if (this.closed) return;
    const pairs = headers as NodePrepared;
    const length = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const list = pairs.slice();
    if (status !== 204 && status !== 304) list.push('content-length', String(length));
    this.raw.writeHead(status, list);
    if (body === null || status === 204 || status === 304) this.raw.end();
    else this.raw.end(body);
  }
}

/** A minimal error answer written by the engine itself (limits, parse errors). */
function answerPlain(res: http.ServerResponse, status: number, detail: string, close: boolean): void {
  const body = JSON.stringify({ detail });
  const headers: string[] = ['server', SERVER_NAME, 'content-type', 'application/json', 'content-length', String(Buffer.byteLength(body))];
  if (close) headers.push('connection', 'close');
  res.writeHead(status, headers);
  res.end(body);
}

export function nodeEngine(): Engine {
  let server: http.Server | null = null;
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];

  const settle = () => {
    if (--inFlight === 0 && idleWaiters.length) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  return {
    name: 'node',

    headers(pairs: readonly string[]): PreparedHeaders {
      if (pairs.length % 2 !== 0) throw new TypeError('covet: headers() takes [name, value, name, value, …]');
      return Object.freeze(['server', SERVER_NAME, ...pairs]) as unknown as PreparedHeaders;
    },

    listen(options: ListenOptions, handler: RequestHandler): Promise<Listening> {
      if (server) return Promise.reject(new Error('covet: the engine is already listening'));
      const srv = http.createServer(
        {
          maxHeaderSize: 16 * 1024,
          requestTimeout: 30_000,
          headersTimeout: 10_000,
          keepAliveTimeout: 5_000,
          noDelay: true,
        },
        (req, res) => {
          inFlight++;
          res.once('close', settle);
          if ((req.url ?? '').length > MAX_URL_LENGTH) {
            answerPlain(res, 414, 'URI Too Long', true);
            return;
          }
          const response = new NodeResponse(res);
          const request = new NodeRequest(req, response);
          const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
          if (!hasBody) {
            request.body = null;
            handler(request, response);
            return;
          }
          const declared = Number(req.headers['content-length'] ?? 0);
          if (declared > options.maxBodySize) {
            answerPlain(res, 413, 'Payload Too Large', true);
            req.socket.end();
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          let tooLarge = false;
          req.on('data', (chunk: Buffer) => {
            if (tooLarge) return;
            size += chunk.length;
            if (size > options.maxBodySize) {
              tooLarge = true;
              answerPlain(res, 413, 'Payload Too Large', true);
              req.socket.end();
              return;
            }
            chunks.push(chunk);
          });
          req.on('end', () => {
            if (tooLarge) return;
            request.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
            handler(request, response);
          });
          req.on('error', () => {
            /* the client went away mid-body: nothing to answer */
          });
        },
      );
      srv.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
        if (!socket.writable) {
          socket.destroy();
          return;
        }
        const code = err.code;
        const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
        const detail = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
        const body = JSON.stringify({ detail });
        socket.end(
          `HTTP/1.1 ${status} ${detail}\r\nserver: ${SERVER_NAME}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
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
        // idle keep-alive connections are closed now, busy ones once their response is out.
        srv.close(() => finish());
        srv.closeIdleConnections();
        if (inFlight !== 0) idleWaiters.push(() => setImmediate(() => srv.closeIdleConnections()));
      });
    },
  };
}
