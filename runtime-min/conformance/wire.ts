/**
 * A raw HTTP/1.1 client on node:net for the conformance suite: writes exact
 * bytes and reads responses off the stream by their framing, so that what a
 * server sends (or fails to send) is seen byte for byte.
 */
import net from 'node:net';

export interface RawResponse {
  statusLine: string;
  /** Header fields as received, names lower-cased. */
  headers: [string, string][];
  body: Buffer;
  /** The response exactly as it arrived (head and body). */
  raw: string;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Wire {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private waiter: (() => void) | null = null;
  readonly socket: net.Socket;
  readonly connected: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    // A reset counts as the end of the stream; what arrived before it stays readable.
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Resolves when more data arrives or the stream ends; false on timeout. */
  private more(deadline: number): Promise<boolean> {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(false);
      }, left);
      this.waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Bytes received and not read yet. */
  pending(): string {
    return this.buffer.toString('latin1');
  }

  async write(bytes: Buffer, split = 0, delayMs = 1): Promise<void> {
    await this.connected;
    if (split <= 0) {
      this.socket.write(bytes);
      return;
    }
    for (let i = 0; i < bytes.length && !this.ended; i += split) {
      this.socket.write(bytes.subarray(i, i + split));
      await sleep(delayMs);
    }
  }

  private async take(n: number, deadline: number, what: string): Promise<Buffer> {
    while (this.buffer.length < n) {
      if (this.ended) throw new Error(`connection closed while reading ${what} (have ${JSON.stringify(this.pending())})`);
      if (!(await this.more(deadline))) throw new Error(`timed out reading ${what} (have ${JSON.stringify(this.pending())})`);
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  private async line(deadline: number, what: string): Promise<Buffer> {
    for (;;) {
      const at = this.buffer.indexOf('\r\n');
      if (at !== -1) return (await this.take(at + 2, deadline, what)).subarray(0, at);
      if (this.ended) throw new Error(`connection closed while reading ${what} (have ${JSON.stringify(this.pending())})`);
      if (!(await this.more(deadline))) throw new Error(`timed out reading ${what} (have ${JSON.stringify(this.pending())})`);
    }
  }

  /** Reads one response; `head`: it answers a HEAD request (no body). */
  async response(options: { head?: boolean; withinMs?: number } = {}): Promise<RawResponse> {
    const deadline = Date.now() + (options.withinMs ?? 3000);
    const start = this.buffer;
    let raw = '';
    const statusLine = (await this.line(deadline, 'a status line')).toString('latin1');
    raw += statusLine + '\r\n';
    const headers: [string, string][] = [];
    for (;;) {
      const l = (await this.line(deadline, 'a header line')).toString('latin1');
      raw += l + '\r\n';
      if (l === '') break;
      const colon = l.indexOf(':');
      if (colon <= 0) throw new Error(`malformed header line ${JSON.stringify(l)} in ${JSON.stringify(raw)}`);
      headers.push([l.slice(0, colon).toLowerCase(), l.slice(colon + 1).trim()]);
    }
    void start;
    const status = Number(statusLine.split(' ')[1]);
    const get = (name: string) => headers.find(([n]) => n === name)?.[1];
    let body = Buffer.alloc(0);
    if (options.head || (status >= 100 && status < 200) || status === 204 || status === 304) {
      // no body
    } else if (/chunked/i.test(get('transfer-encoding') ?? '')) {
      const parts: Buffer[] = [];
      for (;;) {
        const sizeLine = (await this.line(deadline, 'a chunk size')).toString('latin1');
        raw += sizeLine + '\r\n';
        const size = parseInt(sizeLine, 16);
        if (!Number.isFinite(size)) throw new Error(`bad chunk size ${JSON.stringify(sizeLine)}`);
        if (size === 0) {
          for (;;) {
            const t = (await this.line(deadline, 'trailers')).toString('latin1');
            raw += t + '\r\n';
            if (t === '') break;
          }
          break;
        }
        const chunk = await this.take(size + 2, deadline, 'a chunk');
        raw += chunk.toString('latin1');
        parts.push(chunk.subarray(0, size));
      }
      body = Buffer.concat(parts);
    } else if (get('content-length') !== undefined) {
      body = Buffer.from(await this.take(Number(get('content-length')), deadline, 'the body'));
      raw += body.toString('latin1');
    } else {
      while (!this.ended && (await this.more(deadline)));
      if (!this.ended) throw new Error(`timed out reading a body delimited by the end of the connection`);
      body = this.buffer;
      this.buffer = Buffer.alloc(0);
      raw += body.toString('latin1');
    }
    return { statusLine, headers, body, raw };
  }

  /** Waits for the server to close; returns the milliseconds it took, or throws on timeout or extra bytes. */
  async closedWithin(ms: number): Promise<number> {
    const t0 = Date.now();
    const deadline = t0 + ms;
    while (!this.ended) if (!(await this.more(deadline))) throw new Error(`the connection is still open after ${ms} ms`);
    if (this.buffer.length) throw new Error(`unexpected bytes before the close: ${JSON.stringify(this.pending())}`);
    return Date.now() - t0;
  }

  /** Throws if anything arrives (or the connection closes) within `ms`. */
  async silentFor(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && !this.ended && this.buffer.length === 0) await this.more(deadline);
    if (this.buffer.length) throw new Error(`expected nothing for ${ms} ms, received ${JSON.stringify(this.pending())}`);
    if (this.ended) throw new Error(`expected nothing for ${ms} ms, but the connection closed`);
  }

  /** Ends the client's side of the connection (FIN); the server's answers can still be read. */
  halfClose(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One `GET /` on a fresh connection: the server is alive and serving. */
export async function serves(port: number): Promise<void> {
  const wire = new Wire(port);
  try {
    await wire.write(Buffer.from('GET / HTTP/1.1\r\nHost: conformance\r\n\r\n'));
    const r = await wire.response();
    if (r.statusLine !== 'HTTP/1.1 200 OK' || r.body.toString() !== '{"ok":true}') throw new Error(`the server no longer serves: ${JSON.stringify(r.raw)}`);
  } finally {
    wire.destroy();
  }
}
