/**
 * HTTP helpers shared by the per-fixture end-to-end suites: a fetch client
 * bound to the running app, a raw `curl` client for what fetch normalizes
 * away (odd paths, HEAD, repeated headers), and assertions for Covet's error
 * answers (FastAPI's `{"detail": …}` shapes).
 */
import { execFile } from 'node:child_process';
import * as assert from 'uvu/assert';
import type { RunningApp } from '../harness.ts';

/** A parsed JSON body: tests read it freely and let the assertions check it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when the response is JSON. */
  json: Json;
}

export interface Send {
  /** Sent as JSON with `content-type: application/json` (unless `headers` says otherwise). */
  json?: unknown;
  /** Sent as is. */
  body?: string;
  headers?: Record<string, string> | [string, string][];
}

/** A fetch client for the app that `getApp()` returns at call time. */
export function client(getApp: () => RunningApp | undefined) {
  return async function call(method: string, path: string, send: Send = {}): Promise<Reply> {
    const app = getApp();
    if (!app) throw new Error('the app is not running');
    const headers = new Headers(send.headers);
    let body = send.body;
    if (send.json !== undefined) {
      body = JSON.stringify(send.json);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    // A server that never answers fails the test instead of hanging it.
    const response = await fetch(app.url + path, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
    return { status: response.status, headers: response.headers, text, json: isJson && text !== '' ? JSON.parse(text) : undefined };
  };
}

export interface CurlReply {
  status: number;
  /** Response headers in arrival order, names in lower case. */
  headers: [string, string][];
  header(name: string): string | undefined;
  text: string;
  json: Json;
}

/**
 * Runs `curl -sS -i <args> <base + target>` (with `--path-as-is` and `--globoff`, so the
 * request target goes out exactly as written) and parses the answer.
 */
export function curl(base: string, target: string, args: string[] = []): Promise<CurlReply> {
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      ['-sS', '-i', '--path-as-is', '--globoff', '--max-time', '10', ...args, base + target],
      { encoding: 'latin1', maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`curl ${args.join(' ')} ${target} failed: ${stderr || err.message}`));
          return;
        }
        let raw = Buffer.from(stdout, 'latin1');
        // Interim answers (100 Continue to curl's `Expect`) come first: skip them.
        while (/^HTTP\/\S+ 1\d\d /.test(raw.subarray(0, 16).toString('latin1'))) raw = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
        const split = raw.indexOf('\r\n\r\n');
        const head = (split === -1 ? raw : raw.subarray(0, split)).toString('latin1');
        const text = split === -1 ? '' : raw.subarray(split + 4).toString('utf8');
        const [statusLine = '', ...lines] = head.split('\r\n');
        const status = Number(/^HTTP\/\S+ (\d{3})/.exec(statusLine)?.[1]);
        const headers = lines.map((line): [string, string] => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
        });
        const header = (name: string) => headers.find(([n]) => n === name)?.[1];
        const isJson = (header('content-type') ?? '').startsWith('application/json');
        resolve({ status, headers, header, text, json: isJson && text !== '' ? JSON.parse(text) : undefined });
      },
    );
  });
}

export function expectStatus(reply: { status: number; text: string }, status: number): void {
  assert.is(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
}

function contentType(reply: Reply | CurlReply): string | null | undefined {
  return 'header' in reply ? reply.header('content-type') : reply.headers.get('content-type');
}

/** A JSON answer with exactly these bytes. */
export function expectBody(reply: Reply | CurlReply, status: number, text: string, message?: string): void {
  expectStatus(reply, status);
  assert.is(contentType(reply), 'application/json');
  assert.is(reply.text, text, message);
}

/** An answer `{"detail": <detail>}` with that status (exact bytes). */
export function expectDetail(reply: Reply | CurlReply, status: number, detail: unknown): void {
  expectBody(reply, status, JSON.stringify({ detail }));
}

export interface Failure {
  loc: (string | number)[];
  msg?: string;
  type: string;
}

/**
 * A 422 answer listing exactly these failures, in this order, each with
 * exactly the keys loc, msg, type. A failure given without `msg` only checks
 * that msg is a non-empty string.
 */
export function expectInvalid(reply: Reply | CurlReply, failures: Failure[]): void {
  expectStatus(reply, 422);
  assert.is(contentType(reply), 'application/json');
  const body = reply.json;
  assert.equal(Object.keys(body ?? {}), ['detail'], reply.text);
  assert.ok(Array.isArray(body.detail), reply.text);
  const got = (body.detail as Json[]).map((f) => {
    assert.equal(Object.keys(f), ['loc', 'msg', 'type'], `failure keys in ${reply.text}`);
    assert.ok(typeof f.msg === 'string' && f.msg.length > 0, `msg in ${reply.text}`);
    return { loc: f.loc, type: f.type, ...(f.msg === undefined ? {} : { msg: f.msg }) };
  });
  const want = failures.map((f, i) => ({ loc: f.loc, type: f.type, msg: f.msg ?? got[i]?.msg }));
  assert.equal(got, want, reply.text);
}

/** Waits until `predicate(app.output())` holds (the server writes asynchronously). */
export async function waitForOutput(app: RunningApp, predicate: (out: string) => boolean, ms = 2000): Promise<string> {
  const until = Date.now() + ms;
  while (!predicate(app.output())) {
    if (Date.now() > until) return app.output();
    await new Promise((r) => setTimeout(r, 10));
  }
  return app.output();
}
