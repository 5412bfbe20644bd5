/**
 * fixtures/async end to end: awaited handlers, promises returned by plain
 * functions, concurrent requests that finish out of order, pipelined
 * requests, rejected promises (500), and clients that leave early.
 */
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../harness.ts';
import { client, expectBody, expectDetail, expectInvalid, expectStatus, waitForOutput } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/async', import.meta.url));

let app: RunningApp | undefined;
const call = client(() => app);

test.before(async () => {
  app = await startApp(APP_DIR);
});

test.after(async () => {
  await app?.stop();
  app = undefined;
});

test('an awaited handler answers after its await', async () => {
  const started = Date.now();
  expectBody(await call('GET', '/sleep/60'), 200, '{"slept":60}');
  assert.ok(Date.now() - started >= 55, 'the answer waited for the handler');
  expectBody(await call('GET', '/sleep/0'), 200, '{"slept":0}');
});

test('path params of an async handler are validated before it runs', async () => {
  expectInvalid(await call('GET', '/sleep/1001'), [{ loc: ['path', 'ms'], type: 'less_than_equal', msg: 'Input should be less than or equal to 1000' }]);
  expectInvalid(await call('GET', '/sleep/-1'), [{ loc: ['path', 'ms'], type: 'greater_than_equal', msg: 'Input should be greater than or equal to 0' }]);
  expectInvalid(await call('GET', '/sleep/soon'), [
    { loc: ['path', 'ms'], type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' },
  ]);
});

test('a plain function that returns a promise, with a default query value', async () => {
  expectBody(await call('GET', '/promise'), 200, '{"value":"ok"}');
  expectBody(await call('GET', '/promise?value=given'), 200, '{"value":"given"}');
  expectBody(await call('GET', '/arrow'), 200, '{"arrow":true}');
});

test('several awaits in sequence; the body is validated first', async () => {
  expectBody(await call('POST', '/steps', { json: { values: [1, 2, 3.5] } }), 200, '{"sum":6.5,"steps":3}');
  expectBody(await call('POST', '/steps', { json: { values: [] } }), 200, '{"sum":0,"steps":0}');
  expectInvalid(await call('POST', '/steps', { json: { values: [1, 'two'] } }), [
    { loc: ['body', 'values', 1], type: 'float_type', msg: 'Input should be a valid number' },
  ]);
});

test('an async void handler answers 204 with no body', async () => {
  const reply = await call('POST', '/fire', { json: { event: 'boom' } });
  expectStatus(reply, 204);
  assert.is(reply.text, '');
  expectInvalid(await call('POST', '/fire', { json: {} }), [{ loc: ['body', 'event'], type: 'missing', msg: 'Field required' }]);
});

test('concurrent requests finish out of order and each gets its own answer', async () => {
  const delays = [400, 300, 200, 100, 0];
  const finished: number[] = [];
  const started = Date.now();
  const replies = await Promise.all(
    delays.map(async (ms) => {
      const reply = await call('GET', `/sleep/${ms}`);
      finished.push(ms);
      return reply;
    }),
  );
  const elapsed = Date.now() - started;
  replies.forEach((reply, i) => expectBody(reply, 200, `{"slept":${delays[i]}}`));
  assert.equal(finished, [0, 100, 200, 300, 400], 'the shortest sleep answered first');
  assert.ok(elapsed < 900, `the sleeps overlapped (${elapsed} ms for ${delays.reduce((a, b) => a + b)} ms of sleeping)`);
});

test('a hundred concurrent requests with mixed delays, mixed routes', async () => {
  const jobs = Array.from({ length: 100 }, (_, i) => {
    const ms = (i * 37) % 120;
    if (i % 10 === 3) return { send: () => call('GET', `/reject/${ms}`), status: 500, text: '{"detail":"Internal Server Error"}' };
    if (i % 10 === 7) return { send: () => call('POST', '/steps', { json: { values: [i, 1] } }), status: 200, text: `{"sum":${i + 1},"steps":2}` };
    return { send: () => call('GET', `/sleep/${ms}`), status: 200, text: `{"slept":${ms}}` };
  });
  const replies = await Promise.all(jobs.map((j) => j.send()));
  replies.forEach((reply, i) => expectBody(reply, jobs[i]!.status, jobs[i]!.text));
});

/** Writes `raw` on one connection and reads until `count` responses have arrived. */
function pipeline(raw: string, count: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(app!.port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timed out; got:\n${data}`));
    }, 5000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      if ((data.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= count && /\r\n\r\n[^]*$/.test(data)) {
        const bodies = data.split(/HTTP\/1\.1 /).slice(1);
        const complete = bodies.every((b) => {
          const len = Number(/content-length: (\d+)/i.exec(b)?.[1] ?? 0);
          const at = b.indexOf('\r\n\r\n');
          return at !== -1 && b.length - at - 4 >= len;
        });
        if (complete) {
          clearTimeout(timer);
          socket.end();
          resolve(data);
        }
      }
    });
    socket.on('error', reject);
    socket.write(raw);
  });
}

test('pipelined requests on one connection are answered in request order', async () => {
  const get = (path: string) => `GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`;
  const out = await pipeline(get('/sleep/150') + get('/sleep/0') + get('/reject/0') + get('/arrow'), 4);
  const bodies = out.split(/HTTP\/1\.1 /).slice(1).map((r) => [r.slice(0, 3), r.slice(r.indexOf('\r\n\r\n') + 4)]);
  assert.equal(bodies, [
    ['200', '{"slept":150}'],
    ['200', '{"slept":0}'],
    ['500', '{"detail":"Internal Server Error"}'],
    ['200', '{"arrow":true}'],
  ]);
});

test('rejected promises answer 500 and are logged with the route', async () => {
  const reply = await call('GET', '/reject/10');
  expectDetail(reply, 500, 'Internal Server Error');
  assert.not.match(reply.text, /rejected after/);
  let out = await waitForOutput(app!, (o) => o.includes('rejected after 10 ms'));
  assert.match(out, /covet: GET \/reject\/:ms \(rejectLater in slow\.ts:\d+\) failed: Error: rejected after 10 ms\n\s+at /, out);

  const value = await call('GET', '/reject-value');
  expectDetail(value, 500, 'Internal Server Error');
  assert.not.match(value.text, /plain string/);
  out = await waitForOutput(app!, (o) => o.includes('a plain string'));
  assert.match(out, /covet: GET \/reject-value \(rejectValue in slow\.ts:\d+\) failed: a plain string\n/, out);
  expectBody(await call('GET', '/arrow'), 200, '{"arrow":true}');
});

test('a client that leaves before its answer does not disturb the server', async () => {
  const before = app!.output();
  const controller = new AbortController();
  const pending = fetch(`${app!.url}/sleep/200`, { signal: controller.signal }).then(
    () => 'answered',
    (err: Error) => err.name,
  );
  setTimeout(() => controller.abort(), 30);
  assert.is(await pending, 'AbortError');
  await new Promise((r) => setTimeout(r, 250)); // the handler finishes after the client left
  expectBody(await call('GET', '/sleep/1'), 200, '{"slept":1}');
  assert.is(app!.output(), before, 'nothing was logged');
  assert.is(app!.child.exitCode, null);
});

test('SIGTERM lets an in-flight request finish, then the server exits 0', async () => {
  const pending = call('GET', '/sleep/300');
  await new Promise((r) => setTimeout(r, 50));
  const running = app!;
  app = undefined;
  const exit = running.stop();
  expectBody(await pending, 200, '{"slept":300}');
  assert.is(await exit, 0);
  assert.match(running.output(), /SIGTERM received[^]*stopped/);
});

test.run();
