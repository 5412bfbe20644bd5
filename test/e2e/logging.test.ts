/**
 * fixtures/logging end to end, on the engine COVET_ENGINE names (logging.native.test.ts runs it on
 * the native one): request ids (`x-request-id` honoured when well-formed, made otherwise, echoed on
 * every answer, `ctx.requestId` for handlers and providers), `ctx.log`, the access log (`--log`:
 * JSON lines on stdout) and the runtime's own lines as JSON, over real HTTP with real clients
 * (fetch, curl, a raw socket for what clients refuse to send, wrk for the load of `--workers 2`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildApp } from '../harness.ts';
import { curl, type CurlReply } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/logging', import.meta.url));
/** What a fresh id looks like: 16 characters of base64url. */
const FRESH = /^[A-Za-z0-9_-]{16}$/;

/** A server of the fixture with its stdout and stderr kept apart (the log is stdout's). */
interface Server {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** SIGTERM; resolves to the exit code once the process is gone. */
  stop(): Promise<number | null>;
}

const running: Server[] = [];
/** The servers that several tests share: request ids on, no flag at all, the log on. */
let idsOn: Server;
let plain: Server;
let logged: Server;

async function start(args: string[] = [], env: Record<string, string> = {}): Promise<Server> {
  const serverFile = await buildApp(APP_DIR);
  const child = spawn(process.execPath, [serverFile, '--port', '0', '--host', '127.0.0.1', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 10 s:\n${out}\n${err}`)), 10_000);
    const look = () => {
      const m = /listening on http:\/\/[^\s]+:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve(Number(m[1]));
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}\n${err}`)));
  });
  const server: Server = {
    url: `http://127.0.0.1:${port}`,
    child,
    stdout: () => out,
    stderr: () => err,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  running.push(server);
  return server;
}

test.after(async () => {
  for (const s of running) await s.stop();
});

/** Every line of `text` as JSON (a line that does not parse fails the test, quoted). */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return assert.unreachable(`a log line that is not JSON: ${JSON.stringify(line.slice(0, 300))}`) as never;
      }
    });
}

/** Waits until `ok()` holds, up to 5 s (the log is written asynchronously). */
async function until(ok: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The access log's lines (msg "request") of a server's stdout. */
function accessLines(s: Server): Record<string, unknown>[] {
  return jsonLines(s.stdout()).filter((l) => l.msg === 'request');
}

/** Writes `bytes` on a fresh connection and resolves to everything the server sends until it closes (or 3 s pass). */
function raw(url: string, bytes: string | Buffer): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: Number(port), host: '127.0.0.1' });
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (got += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
    socket.setTimeout(3_000, () => socket.end());
    socket.write(bytes);
  });
}

/** The values of header `name` in one raw answer's head. */
function headerValues(answer: string, name: string): string[] {
  const head = answer.slice(0, answer.indexOf('\r\n\r\n'));
  return head
    .split('\r\n')
    .slice(1)
    .filter((l) => l.toLowerCase().startsWith(name + ':'))
    .map((l) => l.slice(name.length + 1).trim());
}

function ids(r: CurlReply): string[] {
  return r.headers.filter(([n]) => n === 'x-request-id').map(([, v]) => v);
}

// ---------------------------------------------------------------- request ids

test('request ids on: a well-formed incoming id is echoed, and is ctx.requestId for the handler and its provider', async () => {
  const s = (idsOn = await start(['--request-ids']));
  const r = await curl(s.url, '/ids', ['-H', 'x-request-id: trace-0f8fad5b:d9cb/469f']);
  assert.is(r.status, 200);
  assert.equal(ids(r), ['trace-0f8fad5b:d9cb/469f']);
  assert.equal(r.json, { handler: 'trace-0f8fad5b:d9cb/469f', provider: 'trace-0f8fad5b:d9cb/469f' });
});

test('request ids on: without one, each request gets a fresh id, the same for its handler and provider', async () => {
  const s = idsOn;
  const a = await curl(s.url, '/ids');
  const b = await curl(s.url, '/ids');
  const [ida] = ids(a);
  assert.match(ida!, FRESH);
  assert.equal(a.json, { handler: ida, provider: ida });
  assert.is.not(ids(b)[0], ida);
});

test('request ids on: every answer carries exactly one id, errors included (404, 405, 422, 400, 500, HEAD, a route without Ctx)', async () => {
  const s = idsOn;
  const cases: [string, string[], number][] = [
    ['/hello', [], 200],
    ['/nowhere', [], 404],
    ['/hello', ['-X', 'DELETE'], 405],
    ['/notes', ['-H', 'content-type: application/json', '--data', '{"text":1}'], 422],
    ['/notes', ['-H', 'content-type: application/json', '--data', '{"text":'], 400],
    ['/boom', [], 500],
    ['/hello', ['-I'], 200],
    ['/users/0', [], 404],
  ];
  for (const [path, args, status] of cases) {
    const given = await curl(s.url, path, [...args, '-H', `x-request-id: given-${status}`]);
    assert.is(given.status, status, `${args.join(' ')} ${path}`);
    assert.equal(ids(given), [`given-${status}`], `${args.join(' ')} ${path}`);
    const fresh = await curl(s.url, path, args);
    assert.is(ids(fresh).length, 1, `${args.join(' ')} ${path}`);
    assert.match(ids(fresh)[0]!, FRESH);
  }
  // The 500's line on stderr names the request's id.
  await until(() => s.stderr().includes('given-500'), 'the 500 logged');
  assert.match(s.stderr(), /covet: GET \/boom \(boom in app\.ts:\d+\) failed \(request given-500\): Error: boom\n {4}at boom/);
});

test('request ids on: ids that are not well-formed get a fresh one, and never split a header (non-ASCII, 201 and 10 000 characters, quotes, spaces, two of them)', async () => {
  const s = idsOn;
  const hostile: (string | Buffer)[] = [
    Buffer.from('caf\xe9-1', 'latin1'), // a byte above 0x7e (obs-text), as sent
    Buffer.from('\u00e9\u20ac-utf8', 'utf8'),
    'x'.repeat(201),
    'y'.repeat(10_000),
    'has space',
    'quote"d',
    'back\\slash',
  ];
  for (const value of hostile) {
    const head = Buffer.concat([Buffer.from('GET /ids HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Request-Id: '), Buffer.from(value), Buffer.from('\r\n\r\n')]);
    const answer = await raw(s.url, head);
    assert.match(answer, /^HTTP\/1\.1 200 /, String(value).slice(0, 20));
    const echoed = headerValues(answer, 'x-request-id');
    assert.is(echoed.length, 1);
    assert.match(echoed[0]!, FRESH, String(value).slice(0, 20));
    assert.ok(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).handler === echoed[0]);
  }
  // Two id headers: the engine joins them (`a, b`), which is not an id.
  const two = await raw(s.url, 'GET /ids HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Request-Id: a\r\nX-Request-Id: b\r\n\r\n');
  assert.equal(headerValues(two, 'x-request-id').length, 1);
  assert.match(headerValues(two, 'x-request-id')[0]!, FRESH);
  // A CR or LF inside the value ends the field or is refused by the parser: never a header of the answer.
  const crlf = await raw(s.url, 'GET /ids HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Request-Id: a\r\nInjected: yes\r\n\r\n');
  assert.equal(headerValues(crlf, 'x-request-id'), ['a']);
  assert.equal(headerValues(crlf, 'injected'), []);
  const bareCr = await raw(s.url, 'GET /ids HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Request-Id: a\rInjected: yes\r\n\r\n');
  assert.match(bareCr, /^HTTP\/1\.1 400 /);
  assert.equal(headerValues(bareCr, 'injected'), []);
  // And the server goes on serving.
  assert.is((await curl(s.url, '/hello')).status, 200);
});

test('request ids on: a handler that sets the id header itself is refused (500, with the reason logged), never a second header', async () => {
  const s = idsOn;
  const r = await curl(s.url, '/own-id', ['-H', 'x-request-id: own-1']);
  assert.is(r.status, 500);
  assert.equal(ids(r), ['own-1']);
  await until(() => s.stderr().includes('(request own-1)'), 'the reason');
  assert.match(s.stderr(), /TypeError: covet: the x-request-id header is written by the server while request ids are on \(log\.requestIds\): read ctx\.requestId instead of setting it\n {4}at ownId/);
});

test('request ids off (the default without --log): no answer carries one; ctx.requestId still works, the same for handler and provider', async () => {
  const s = (plain = await start());
  const given = await curl(s.url, '/ids', ['-H', 'x-request-id: abc']);
  assert.equal(ids(given), []);
  assert.equal(given.json, { handler: 'abc', provider: 'abc' });
  const fresh = await curl(s.url, '/ids');
  assert.equal(ids(fresh), []);
  assert.match(fresh.json.handler, FRESH);
  assert.is(fresh.json.provider, fresh.json.handler);
  assert.equal(ids(await curl(s.url, '/nowhere')), []);
  // The app's own header, as before.
  assert.equal(ids(await curl(s.url, '/own-id')), ['mine']);
});

test('a custom request id header (--request-id-header) is read and echoed instead', async () => {
  const s = await start(['--request-ids', '--request-id-header', 'X-Trace-Id']);
  const r = await curl(s.url, '/ids', ['-H', 'x-trace-id: t-1', '-H', 'x-request-id: ignored']);
  assert.equal(r.headers.filter(([n]) => n === 'x-trace-id'), [['x-trace-id', 't-1']]);
  assert.equal(ids(r), []);
  assert.is(r.json.handler, 't-1');
});

// ---------------------------------------------------------------- ctx.log with logging off

test('ctx.log with logging off: warn and above go to stderr as JSON lines with the request id; info does not', async () => {
  const s = plain;
  await curl(s.url, '/say?level=warn&size=5', ['-H', 'x-request-id: warned']);
  await curl(s.url, '/say?level=info&size=5', ['-H', 'x-request-id: informed']);
  await until(() => s.stderr().includes('warned'), 'the warn line');
  const lines = jsonLines(s.stderr()).filter((l) => l.msg === 'said');
  assert.is(lines.length, 1);
  assert.is(lines[0]!.reqId, 'warned');
  assert.is(lines[0]!.level, 40);
  assert.is(lines[0]!.filler, 'xxxxx');
  assert.not.match(s.stdout(), /said/);
});

test('ctx.log with logging off and --log-level debug: a provider\'s debug line too', async () => {
  const s = await start(['--log-level', 'debug']);
  await curl(s.url, '/ids', ['-H', 'x-request-id: dbg']);
  await until(() => s.stderr().includes('caller resolved'), 'the debug line');
  const line = jsonLines(s.stderr()).find((l) => l.msg === 'caller resolved')!;
  assert.is(line.reqId, 'dbg');
  assert.is(line.level, 20);
});

// ---------------------------------------------------------------- the access log

test('--log: one JSON line per answer with time, method, route pattern, path, status, duration, bytes, client address and request id', async () => {
  const s = (logged = await start(['--log']));
  const r = await curl(s.url, '/users/7?token=secret', ['-H', 'x-request-id: look-7']);
  assert.is(r.status, 200);
  assert.equal(ids(r), ['look-7']); // request ids are on with the log
  await curl(s.url, '/nowhere/%2e');
  await curl(s.url, '/notes', ['-H', 'content-type: application/json', '--data', '{"text":"hi"}', '-H', 'x-request-id: note']);
  await until(() => accessLines(s).length >= 3, 'three access lines');
  const [user, missing, note] = accessLines(s);
  assert.type(user!.time, 'number');
  assert.ok(Math.abs(Date.now() - (user!.time as number)) < 60_000, String(user!.time));
  assert.equal({ ...user, time: 0, durationMs: 0 }, {
    level: 30, time: 0, pid: s.child.pid, reqId: 'look-7', method: 'GET', route: 'GET /users/:id', path: '/users/7',
    status: 200, durationMs: 0, bytes: 8, remoteAddress: '127.0.0.1', msg: 'request',
  });
  assert.type(user!.durationMs, 'number');
  assert.ok((user!.durationMs as number) >= 0 && (user!.durationMs as number) < 5_000);
  // The query is not logged (it may hold secrets), nor the raw path as a route.
  assert.not.match(s.stdout(), /secret/);
  assert.is(missing!.route, '<unmatched>');
  assert.is(missing!.path, '/nowhere/%2e');
  assert.is(missing!.status, 404);
  assert.match(String(missing!.reqId), FRESH);
  assert.equal([note!.method, note!.route, note!.status, note!.bytes, note!.reqId], ['POST', 'POST /notes', 201, 13, 'note']);
  // ctx.log's line of the same request carries its id.
  const looked = jsonLines(s.stdout()).find((l) => l.msg === 'looked up')!;
  assert.equal([looked.reqId, looked.user], ['look-7', 7]);
});

test('--log: the runtime\'s own lines are JSON too (listening, a handler\'s failure with its request id, the shutdown), and nothing goes to stderr', async () => {
  const s = logged;
  await curl(s.url, '/boom', ['-H', 'x-request-id: boom-1']);
  await until(() => s.stdout().includes('"boom-1"') && accessLines(s).some((l) => l.reqId === 'boom-1'), 'the failure');
  assert.is(await s.stop(), 0);
  const lines = jsonLines(s.stdout());
  assert.match(String(lines[0]!.msg), /^listening on http:\/\/127\.0\.0\.1:\d+ \(engine: \w+, pid \d+\)$/);
  const failed = lines.find((l) => l.level === 50)!;
  assert.is(failed.reqId, 'boom-1');
  assert.match(String(failed.msg), /^GET \/boom \(boom in app\.ts:\d+\) failed$/);
  assert.equal((failed.err as Record<string, unknown>).message, 'boom');
  assert.match(String((failed.err as Record<string, unknown>).stack), /at boom \(.*app\.ts:\d+:\d+\)/);
  assert.equal(lines.slice(-2).map((l) => l.msg), ['SIGTERM received, finishing in-flight requests', 'stopped']);
  assert.is(s.stderr(), '');
});

test('--log: a request refused by the engine (malformed) has its line too, and a hostile path stays one line', async () => {
  const s = await start(['--log']);
  await raw(s.url, 'GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-Id: a\rb\r\n\r\n');
  await raw(s.url, Buffer.from('GET /p\xe9th\x7f"\\%0a?q=\r HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', 'latin1'));
  await raw(s.url, 'GET /%0d%0a{"level":60} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
  await until(() => accessLines(s).length >= 3, 'three lines');
  const lines = accessLines(s);
  assert.is(lines[0]!.status, 400);
  assert.is(lines[0]!.route, '<unmatched>');
  assert.ok(lines.every((l) => typeof l.reqId === 'string'));
  assert.ok(lines.some((l) => l.path === '/%0d%0a{"level":60}'), JSON.stringify(lines.map((l) => l.path)));
  assert.ok(jsonLines(s.stdout()).every((l) => l.level !== 60));
});

test('--log: every line is written by the exit, also those of the requests answered just before SIGTERM', async () => {
  const s = await start(['--log']);
  const n = 200;
  await Promise.all(Array.from({ length: n }, (_, i) => fetch(`${s.url}/users/${i + 1}`).then((r) => r.text())));
  assert.is(await s.stop(), 0);
  assert.is(accessLines(s).length, n);
});

test('COVET_LOG=1 turns the log on as --log does; --log=false turns it off again', async () => {
  const on = await start([], { COVET_LOG: '1' });
  await curl(on.url, '/hello');
  await until(() => accessLines(on).length === 1, 'the line');
  const off = await start(['--log=false'], { COVET_LOG: '1' });
  await curl(off.url, '/hello');
  assert.is(await off.stop(), 0);
  assert.match(off.stdout(), /^covet: listening on/);
  assert.not.match(off.stdout(), /"msg":"request"/);
});

// ---------------------------------------------------------------- workers

/**
 * wrk for at most `seconds`, and at most `limit` answers (its Lua `response` stops the thread): the
 * log keeps at most 64 MiB of lines a paused pipe has not taken and drops the rest, so the test
 * bounds what it asks for, whatever the machine's speed (the lines of 3,000 answers to /say are
 * about 9 MB).
 */
function wrk(url: string, seconds: number, limit: number): Promise<number> {
  const script = path.join(mkdtempSync(path.join(os.tmpdir(), 'covet-wrk-')), 'limit.lua');
  writeFileSync(script, `local n = 0\nfunction response()\n  n = n + 1\n  if n >= ${limit} then wrk.thread:stop() end\nend\n`);
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t1', '-c16', `-d${seconds}s`, '-s', script, url], { encoding: 'utf8' }, (err, stdout) => {
      rmSync(path.dirname(script), { recursive: true, force: true });
      if (err) return reject(err);
      const m = /(\d+) requests in/.exec(stdout);
      resolve(m ? Number(m[1]) : 0);
    });
  });
}

test('--workers 2 --log under load: every line of both workers parses, none is cut or interleaved, none is lost', async () => {
  const s = await start(['--workers', '2', '--log']);
  // Lines of about 3 KB (ctx.log's) among short ones: each write of a worker is at most PIPE_BUF
  // bytes of whole lines. The test reads the pipe in fits, so that it fills and the workers'
  // writes wait on each other (where a longer write would be split and interleaved).
  const stdout = s.child.stdout!;
  const fits = setInterval(() => (stdout.isPaused() ? stdout.resume() : stdout.pause()), 40);
  const [big, small] = await Promise.all([wrk(`${s.url}/say?size=3000`, 4, 3000), wrk(`${s.url}/hello`, 4, 20000)]);
  clearInterval(fits);
  stdout.resume();
  assert.ok(big > 50 && small > 50, `${big} and ${small} requests`);
  assert.is(await s.stop(), 0);
  const text = s.stdout();
  // The supervisor's own lines stay text (it runs none of the app); every worker's line is JSON.
  const workerText = text.split('\n').filter((l) => !l.startsWith('covet: ')).join('\n');
  const lines = jsonLines(workerText);
  const access = lines.filter((l) => l.msg === 'request');
  const said = lines.filter((l) => l.msg === 'said');
  assert.equal(new Set(access.map((l) => l.pid)).size, 2, 'both workers answered');
  assert.ok(said.every((l) => l.filler === 'x'.repeat(3000)));
  assert.ok(access.length >= big + small, `${access.length} lines for ${big + small} requests`);
  assert.is(said.length, access.filter((l) => l.route === 'GET /say').length);
});

test.run();
