/**
 * fixtures/cookies end to end: response cookies (every option, checked with the `cookie`
 * package's parser, through undici's fetch and curl), header values from client input that
 * must never split a response (raw sockets), and background tasks: after the answer, failures
 * logged only, dropped with an error answer, waited for on shutdown up to the limit.
 * cookies.native.test.ts runs it on the native engine.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSetCookie } from 'cookie';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../harness.ts';
import { client, curl, expectBody, expectDetail, waitForOutput, type Reply } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/cookies', import.meta.url));

let app: RunningApp | undefined;
const call = client(() => app);
const tmp = mkdtempSync(join(tmpdir(), 'covet-e2e-cookies-'));

test.before(async () => {
  app = await startApp(APP_DIR);
});

test.after(async () => {
  await app?.stop();
  app = undefined;
  rmSync(tmp, { recursive: true, force: true });
});

/** An answer that gives nothing of the server's insides away. */
function leaksNothing(reply: Reply | { text: string }): void {
  assert.not.match(reply.text, /\n\s*at |:\d+:\d+|\.ts\b|\.m?js\b|node:|\/work\/|\/tmp\/|Error:|failed|covet:/, reply.text);
}

// ---------------------------------------------------------------- cookies

test('setCookie: one Set-Cookie per cookie, every option as the cookie package parses it', async () => {
  const reply = await call('GET', '/cookies');
  expectBody(reply, 200, '{"ok":true}');
  assert.is(reply.headers.get('x-extra'), 'yes');
  const lines = reply.headers.getSetCookie();
  assert.equal(
    lines.map((l) => parseSetCookie(l)),
    [
      { name: 'session', value: 'abc 123;é', maxAge: 3600, path: '/', httpOnly: true, secure: true, sameSite: 'strict' },
      {
        name: 'prefs', value: 'dark', domain: 'example.test', path: '/app', expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
        secure: true, partitioned: true, priority: 'high', sameSite: 'none',
      },
      { name: 'plain', value: 'x', path: '/', sameSite: 'lax' },
      // Set twice: the last, in the first one's place.
      { name: 'twice', value: 'second', path: '/', sameSite: 'lax' },
      // Set, then cleared: only the clearing.
      { name: 'gone', value: '', maxAge: 0, path: '/', expires: new Date(0), sameSite: 'lax' },
      { name: 'old', value: '', maxAge: 0, domain: 'example.test', path: '/app', expires: new Date(0), sameSite: 'lax' },
      // One name, two paths: two cookies.
      { name: 'multi', value: 'a', path: '/a', sameSite: 'lax' },
      { name: 'multi', value: 'b', path: '/b', sameSite: 'lax' },
      // sameSite: false leaves the attribute out.
      { name: 'lax', value: 'y', path: '/' },
    ],
    lines.join('\n'),
  );
  // The bytes, for the README.
  assert.is(lines[0], 'session=abc%20123%3B%C3%A9; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Strict');
  assert.is(lines[4], 'gone=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax');
  // curl sees them as separate header lines too.
  const raw = await curl(app!.url, '/cookies');
  assert.equal(raw.headers.filter(([n]) => n === 'set-cookie').map(([, v]) => v), lines);
  // HEAD carries them as well.
  const head = await curl(app!.url, '/cookies', ['-I']);
  assert.is(head.headers.filter(([n]) => n === 'set-cookie').length, 9);
});

test('a cookie round trip: what setCookie encodes, a Cookie parameter decodes', async () => {
  const session = parseSetCookie((await call('GET', '/cookies')).headers.getSetCookie()[0]!, { decode: (s) => s });
  const back = await call('GET', '/cookies/echo', { headers: { cookie: `other=1; session=${session.value}` } });
  expectBody(back, 200, '{"session":"abc 123;é"}');
});

test('a cookie value from client input is percent-encoded, line breaks and all', async () => {
  const reply = await call('GET', '/cookies/from-input?value=a%0d%0aset-cookie:%20evil=1%F0%9F%98%80');
  expectBody(reply, 200, '{"ok":true}');
  assert.equal(reply.headers.getSetCookie(), ['c=a%0D%0Aset-cookie%3A%20evil%3D1%F0%9F%98%80; Path=/; SameSite=Lax']);
  // Unchanged input makes the same cookie with a domain.
  const ok = await call('GET', '/cookies/from-input?domain=example.test&path=/x');
  assert.equal(ok.headers.getSetCookie(), ['c=v; Domain=example.test; Path=/x; SameSite=Lax']);
});

test('setHeader("set-cookie") replaces what the answer had under that name, setCookie\'s cookies too; setCookie after it adds', async () => {
  const reply = await call('GET', '/cookies/raw-header');
  expectBody(reply, 200, '{"ok":true}');
  assert.equal(reply.headers.getSetCookie(), ['raw=1; Path=/; HttpOnly', 'after=2; Path=/; SameSite=Lax']);
});

// ---------------------------------------------------------------- header safety

/** Writes `requests` on one connection (the last asks to close) and reads until the server closes it. */
function exchange(requests: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(app!.port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timed out; got:\n${data}`));
    }, 10_000);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on('error', reject);
    socket.write(requests.map((target, i) => `GET ${target} HTTP/1.1\r\nhost: x\r\n${i === requests.length - 1 ? 'connection: close\r\n' : ''}\r\n`).join(''));
  });
}

/** Line breaks, NUL, other controls, DEL, a character above U+00FF, and a whole second response. */
const BAD = ['%0d%0ax-injected:%201', '%0ax-injected:%201', '%0dx-injected:%201', '%00', '%01', '%7f', '%C4%80', '%0d%0a%0d%0aHTTP/1.1%20200%20OK%0d%0ax-injected:%201%0d%0a%0d%0a'];
/** The same bytes where a header name (or a cookie's name, path or domain) goes. */
const BAD_NAMES = ['x%0d%0ax-injected:%201', 'x-a%20b', 'x:y', '', 'x%C3%A9'];

test('client input in header values, names, HttpError headers and cookie names/paths/domains: 500s, never an injected header or a second response', async () => {
  const requests: string[] = [];
  for (const bad of BAD) {
    requests.push(`/headers/echo?value=${bad}`, `/headers/refuse?reason=${bad}`, `/cookies/from-input?path=/${bad}`, `/cookies/from-input?domain=a${bad}`);
  }
  for (const bad of BAD_NAMES) {
    requests.push(`/headers/echo?value=v&name=${bad}`, `/headers/refuse?reason=r&name=${bad}`);
    // `x:y` is a valid cookie name (cookie@1 allows what a cookie value may hold, but `=`).
    if (bad !== 'x:y') requests.push(`/cookies/from-input?name=${bad}`);
  }
  requests.push('/headers/echo?value=fine');
  const out = await exchange(requests);
  const statuses = [...out.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
  assert.equal(statuses.map((s, i) => `${s} ${requests[i]}`), requests.map((r, i) => `${i === requests.length - 1 ? 200 : 500} ${r}`));
  assert.not.match(out, /x-injected|^HTTP\/1\.1 200 OK\r\nx-/im);
  assert.not.match(out, /www-authenticate/i, 'no 401 with some of its headers');
  assert.ok(out.includes('x-echo: fine\r\n'), out);
  leaksNothing({ text: out.replace(/^(server|date|connection|keep-alive|content-type|content-length|x-echo): .*$/gim, '') });
  // Each is logged once, with the route, and without the raw input (escaped where a name is quoted).
  const logged = await waitForOutput(app!, (o) => (o.match(/ failed: TypeError: /g) ?? []).length >= requests.length - 1);
  const lines = logged.split('\n').filter((l) => / failed: TypeError: /.test(l));
  assert.is(lines.length, requests.length - 1, logged);
  for (const line of lines) {
    assert.match(
      line,
      /^covet: GET \/(headers\/echo \(echoHeader|headers\/refuse \(refuseWith|cookies\/from-input \(cookieFromInput) in cookies\.ts:\d+\) failed: TypeError: covet: (ctx\.setHeader|HttpError\(401\)|ctx\.setCookie)/,
    );
    assert.not.match(line, /[\r\x00\x01\x7f]/, JSON.stringify(line));
  }
  // No log line was forged either (the raw input's line break would start one).
  assert.not.match(logged, /^x-injected/m);
  assert.match(logged, /TypeError: covet: ctx\.setHeader: the value of header x-echo holds U\+000D at 0, which a header may not \(often client input: check or encode it first\)\n\s+at echoHeader \(\S+cookies\.ts:\d+:\d+\)/);
  assert.match(logged, /TypeError: covet: HttpError\(401\): the value of header x-reason holds U\+0100 at 0, which a header may not[^\n]*\n\s+at refuseWith \(\S+cookies\.ts:\d+:\d+\)/);
  assert.match(logged, /TypeError: covet: ctx\.setCookie\("x\\r\\nx-injected: 1"\): name is invalid\n\s+at cookieFromInput \(\S+cookies\.ts:\d+:\d+\)/);
  assert.match(logged, /TypeError: covet: ctx\.setCookie\("c"\): option path is invalid/);
  assert.match(logged, /TypeError: covet: ctx\.setCookie\("c"\): option domain is invalid/);
  assert.match(logged, /TypeError: covet: ctx\.setHeader: invalid header name "x:y"/);
  expectBody(await call('GET', '/cookies/echo'), 200, '{"session":null}');
});

// ---------------------------------------------------------------- background tasks

/** Polls GET /tasks/:id until its state is `want` (or a few seconds passed); returns the last state. */
async function stateOf(id: string, want: string): Promise<string | null> {
  let state: string | null = null;
  for (let i = 0; i < 300; i++) {
    state = (await call('GET', `/tasks/${id}`)).json.state;
    if (state === want) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return state;
}

test('an async background task runs after the client has the answer', async () => {
  const reply = await call('GET', '/tasks/after-answer?id=a1');
  expectBody(reply, 200, '{"id":"a1"}');
  // The task waits for this: had the answer waited for the task, it would not have come.
  const marked = await call('POST', '/tasks/a1/received');
  assert.is(marked.status, 204);
  assert.is(await stateOf('a1', 'ran after the client had the answer'), 'ran after the client had the answer');
});

test('a synchronous task runs after the answer is on the wire (it spins until the client, answered, writes a file)', async () => {
  const file = join(tmp, 'sync-answered');
  const reply = await call('GET', `/tasks/sync?id=s1&file=${encodeURIComponent(file)}`);
  expectBody(reply, 200, '{"id":"s1"}');
  writeFileSync(file, 'answered\n');
  assert.is(await stateOf('s1', 'saw the file'), 'saw the file');
});

test('failing tasks (a throw, a rejection, a bare rejected string) are logged with the route and reach no client', async () => {
  const reply = await call('GET', '/tasks/failing?id=f1');
  expectBody(reply, 202, '{"id":"f1"}');
  // The tasks after a failing one still run.
  assert.is(await stateOf('f1', 'the next task ran'), 'the next task ran');
  const out = await waitForOutput(app!, (o) => o.includes('the async task rejected') && o.includes('a bare string'));
  const where = String.raw`covet: GET /tasks/failing \(failingTasks in cookies\.ts:\d+\): a background task failed: `;
  assert.match(out, new RegExp(`${where}Error: the sync task blew up\\n\\s+at \\S+ \\(\\S+cookies\\.ts:\\d+:\\d+\\)`), out);
  assert.match(out, new RegExp(`${where}Error: the async task rejected\\n\\s+at \\S+ \\(\\S+cookies\\.ts:\\d+:\\d+\\)`), out);
  assert.match(out, new RegExp(`${where}a bare string\\n`), out);
  // Nothing of it on the next answers either.
  leaksNothing(await call('GET', '/tasks/f1'));
});

test('an error answer drops the tasks added before it', async () => {
  expectDetail(await call('GET', '/tasks/then-fail?id=d1'), 409, 'no');
  // A task scheduled after it has run: the dropped one would have run before it.
  await call('GET', '/tasks/failing?id=d2');
  assert.is(await stateOf('d2', 'the next task ran'), 'the next task ran');
  assert.is((await call('GET', '/tasks/d1')).json.state, null);
});

// ---------------------------------------------------------------- shutdown

test('SIGTERM with a request in flight that adds a task: the request is answered, the task runs, exit 0', async () => {
  const own = await startApp(APP_DIR);
  try {
    const file = join(tmp, 'after-stop');
    const answer = client(() => own)('GET', `/tasks/slow?before=400&ms=800&file=${encodeURIComponent(file)}`);
    await waitForOutput(own, (o) => o.includes('slow task handler started'), 10_000);
    const code = own.stop(); // the handler is still in its 400 ms: the task is added after the stop began
    expectBody(await answer, 200, '{"ms":800}');
    assert.is(await code, 0, own.output());
    assert.ok(existsSync(file), `the task did not finish before the exit:\n${own.output()}`);
    assert.match(own.output(), /covet: stopped\n/);
  } finally {
    await own.stop();
  }
});

test('SIGTERM with a task longer than the limit (10 s): exits 1 after the limit and says which', async () => {
  const own = await startApp(APP_DIR);
  try {
    const file = join(tmp, 'never');
    expectBody(await client(() => own)('GET', `/tasks/slow?ms=60000&file=${encodeURIComponent(file)}`), 200, '{"ms":60000}');
    const t0 = Date.now();
    const code = await own.stop();
    const ms = Date.now() - t0;
    assert.is(code, 1, own.output());
    assert.ok(ms >= 9_500 && ms < 40_000, `exited after ${ms} ms`);
    assert.not.ok(existsSync(file));
    assert.match(own.output(), /covet: 1 background task was still running 10 s after the stop; exiting without it \(GET \/tasks\/slow \(slowTask in cookies\.ts:\d+\)\)\n/);
    assert.not.match(own.output(), /covet: stopped/);
  } finally {
    await own.stop();
  }
});

test.run();
