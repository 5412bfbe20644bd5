/**
 * The answer observation (observe.ts) as both engines keep it, over real sockets: every answer is
 * reported once, with its route, method, status, duration, body bytes and client address, the
 * request readable during the call; the engines' own refusals too (route unmatched, no request);
 * nothing once the listener is removed; a listener that throws does not break the answer.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NATIVE_ADDON } from '../pipeline/build.ts';
import type { Engine, EngineRequest, EngineResponse, PreparedHeaders } from './engine.ts';
import { loadAddon, nativeEngine } from './native-engine.ts';
import { nodeEngine } from './node-engine.ts';
import { observe, setRouteTable, UNMATCHED, type Answer } from './observe.ts';

const engines: [string, () => Engine][] = [['node', () => nodeEngine()]];
if (existsSync(NATIVE_ADDON)) engines.push(['native', () => nativeEngine(loadAddon(new URL('./native-engine.ts', import.meta.url)))]);
else console.log(`  native engine: skipped, the addon is not built (${NATIVE_ADDON}; \`node scripts/setup.mjs\` builds it)`);

/** What a listener keeps of an answer (the record is reused: copied during the call). */
interface Seen {
  route: number;
  pattern: string;
  kind: string;
  method: string;
  status: number;
  duration: number;
  bytesIn: number;
  bytesOut: number;
  remoteAddress: string;
  url: string | null;
  requestId: string | undefined;
}

const copy = (a: Answer): Seen => ({
  route: a.route,
  pattern: a.pattern,
  kind: a.kind,
  method: a.method,
  status: a.status,
  duration: a.duration,
  bytesIn: a.bytesIn,
  bytesOut: a.bytesOut,
  remoteAddress: a.remoteAddress,
  url: a.request === null ? null : a.request.url,
  requestId: a.request?.header('x-request-id'),
});

const ROUTES = [
  { pattern: 'GET /hello', kind: 'app' },
  { pattern: 'GET /slow/:ms', kind: 'app' },
  { pattern: 'POST /echo', kind: 'app' },
  { pattern: 'GET /metrics', kind: 'metrics' },
] as const;

/** A hand-written router in the generated one's manner: it stores the route's index, then answers. */
function handlerFor(engine: Engine) {
  const json = engine.headers(['content-type', 'application/json']);
  const text = engine.headers(['content-type', 'text/plain']);
  return (req: EngineRequest, res: EngineResponse): void => {
    const path = req.url.split('?')[0]!;
    if (path === '/hello' && (req.method === 'GET' || req.method === 'HEAD')) {
      req.route = 0;
      res.send(200, text, 'héllo');
    } else if (path.startsWith('/slow/')) {
      req.route = 1;
      setTimeout(() => res.send(201, json, '{"ok":true}'), Number(path.slice(6)));
    } else if (path === '/echo' && req.method === 'POST') {
      req.route = 2;
      res.send(200, json, req.body);
    } else if (path === '/metrics') {
      req.route = 3;
      res.send(204, engine.headers([]) as PreparedHeaders, null);
    } else res.send(404, json, '{"detail":"Not Found"}');
  };
}

/** Sends `bytes` on a fresh connection and resolves to the status of the answer (the connection then closes). */
function raw(port: number, bytes: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m) {
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed without an answer: ${JSON.stringify(got)}`)));
    socket.write(bytes);
  });
}

const until = async (what: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

for (const [name, make] of engines) {
  const test = suite(name);
  const engine = make();
  let port = 0;
  const seen: Seen[] = [];
  let stop: () => void = () => {};

  test.before(async () => {
    setRouteTable(ROUTES);
    ({ port } = await engine.listen({ host: '127.0.0.1', port: 0, maxBodySize: 64, headerNames: ['x-request-id'], maxHeaderSize: 1024 }, handlerFor(engine)));
  });
  test.before.each(() => {
    seen.length = 0;
    stop = observe((a) => seen.push(copy(a)));
  });
  test.after.each(() => stop());

  test(`${name}: an app's answer: route, pattern, method, status, bytes, address, the request readable`, async () => {
    const r = await fetch(`http://127.0.0.1:${port}/hello?x=1`, { headers: { 'x-request-id': 'abc-1' } });
    assert.is(await r.text(), 'héllo');
    await until(() => seen.length === 1);
    const a = seen[0]!;
    assert.equal({ ...a, duration: 0 }, {
      route: 0, pattern: 'GET /hello', kind: 'app', method: 'GET', status: 200, duration: 0, bytesIn: 0, bytesOut: 6,
      remoteAddress: '127.0.0.1', url: '/hello?x=1', requestId: 'abc-1',
    });
    assert.ok(a.duration >= 0 && a.duration < 1000, String(a.duration));
  });

  test(`${name}: HEAD counts no body bytes out; a POST's body counts in`, async () => {
    await (await fetch(`http://127.0.0.1:${port}/hello`, { method: 'HEAD' })).text();
    const body = JSON.stringify({ text: 'x'.repeat(20) });
    assert.is(await (await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).text(), body);
    await until(() => seen.length === 2);
    assert.equal(seen.map((a) => [a.method, a.pattern, a.bytesIn, a.bytesOut]), [['HEAD', 'GET /hello', 0, 0], ['POST', 'POST /echo', body.length, body.length]]);
  });

  test(`${name}: an answer after the handler returned: its duration is from the hand-off to send`, async () => {
    const r = await fetch(`http://127.0.0.1:${port}/slow/60`);
    assert.is(r.status, 201);
    await until(() => seen.length === 1);
    assert.is(seen[0]!.pattern, 'GET /slow/:ms');
    assert.is(seen[0]!.url, '/slow/60');
    assert.ok(seen[0]!.duration >= 55 && seen[0]!.duration < 2000, String(seen[0]!.duration));
  });

  test(`${name}: an answer before routing is unmatched, never the path`, async () => {
    assert.is((await fetch(`http://127.0.0.1:${port}/nowhere/42`)).status, 404);
    await until(() => seen.length === 1);
    assert.is(seen[0]!.route, UNMATCHED);
    assert.is(seen[0]!.pattern, '<unmatched>');
    assert.is(seen[0]!.status, 404);
    assert.is(seen[0]!.kind, 'app');
  });

  test(`${name}: a built-in route says its kind`, async () => {
    assert.is((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 204);
    await until(() => seen.length === 1);
    assert.equal([seen[0]!.pattern, seen[0]!.kind, seen[0]!.bytesOut], ['GET /metrics', 'metrics', 0]);
  });

  test(`${name}: the engine's own refusals are observed: unmatched, no request, the client's address`, async () => {
    assert.is(await raw(port, 'GARBAGE\r\n\r\n'), 400);
    assert.is(await raw(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n'), 413);
    assert.is(await raw(port, `GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(2000)}\r\n\r\n`), 431);
    assert.is(await raw(port, 'GET /hello HTTP/1.1\r\n\r\n'), 400); // no Host
    await until(() => seen.length === 4);
    assert.equal(seen.map((a) => a.status), [400, 413, 431, 400]);
    for (const a of seen) {
      assert.equal([a.route, a.pattern, a.method, a.url, a.requestId, a.remoteAddress, a.bytesIn], [UNMATCHED, '<unmatched>', '', null, undefined, '127.0.0.1', 0]);
      assert.ok(a.bytesOut > 10, String(a.bytesOut));
    }
  });

  test(`${name}: after stop(), nothing more is reported; a listener that throws does not break the answer`, async () => {
    stop();
    await (await fetch(`http://127.0.0.1:${port}/hello`)).text();
    assert.is(await raw(port, 'GARBAGE\r\n\r\n'), 400);
    assert.is(seen.length, 0);
    const stopBad = observe(() => {
      throw new Error('listener bug');
    });
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      for (let i = 0; i < 3; i++) assert.is(await (await fetch(`http://127.0.0.1:${port}/hello`)).text(), 'héllo');
    } finally {
      process.stderr.write = write;
      stopBad();
    }
    assert.is(errors.filter((e) => e.includes('listener bug')).length, 1, errors.join(''));
  });

  test(`${name}: two listeners see the same answers`, async () => {
    const other: number[] = [];
    const stopOther = observe((a) => other.push(a.status));
    await (await fetch(`http://127.0.0.1:${port}/hello`)).text();
    await (await fetch(`http://127.0.0.1:${port}/nope`)).text();
    stopOther();
    await until(() => seen.length === 2);
    assert.equal(other, [200, 404]);
    assert.equal(seen.map((a) => a.status), [200, 404]);
  });

  test.after(() => engine.close(100));
  test.run();
}
