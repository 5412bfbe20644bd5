/**
 * Prometheus metrics end to end (fixtures/metrics, metrics on in its covet.config.ts), on the
 * engine COVET_ENGINE names (metrics.native.test.ts runs it on the native one): real requests,
 * then `GET /metrics` read line by line; the text checked by `promtool check metrics` (Debian's
 * prometheus package); a real Prometheus on loopback scraping the server every second, asked
 * through its HTTP API; `--workers 2`, whose one scrape is the sum over both workers; a route at
 * the metrics path is a build error; an app without metrics has no route and no prom-client.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from '../../pipeline/build.ts';
import { buildApp, defaultEngine, nodeAppTsconfig, startServer, type RunningApp } from '../harness.ts';

const engine = defaultEngine();
const APP_DIR = fileURLToPath(new URL('../../fixtures/metrics', import.meta.url));
const PROMTOOL = '/usr/bin/promtool';
const PROMETHEUS = '/usr/bin/prometheus';

/** The samples of a text exposition: `name{labels}` → value (labels as written, in order). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const get = (port: number, p: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${p}`, init);

/** Sends raw bytes on a fresh connection; resolves once the server has answered or closed. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let got = '';
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', () => resolve(got));
    socket.on('close', () => resolve(got));
    socket.write(bytes);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ one process

const one = suite(`metrics (${engine} engine)`);
let app: RunningApp | undefined;
one.before(async () => {
  const server = await buildApp(APP_DIR, { engine });
  app = await startServer(server);
});
one.after(async () => {
  await app?.stop();
});

one('every answer is counted by route pattern, method and status; latency and bytes per route', async () => {
  const port = app!.port;
  for (const id of [1, 2, 3]) assert.is((await get(port, `/items/${id}`)).status, 200);
  assert.is((await get(port, '/items/0')).status, 404); // the handler's HttpError: the route's own 404
  assert.is((await get(port, '/items/2', { method: 'HEAD' })).status, 200);
  const created = await get(port, '/items', { method: 'POST', body: '{"name":"pen"}', headers: { 'content-type': 'application/json' } });
  assert.is(created.status, 201);
  assert.is((await get(port, '/items', { method: 'POST', body: '{"name":', headers: { 'content-type': 'application/json' } })).status, 400);
  assert.is((await get(port, '/slow?ms=80')).status, 200);
  assert.is((await get(port, '/no/such/path/12345')).status, 404);
  assert.is((await get(port, '/items', { method: 'DELETE' })).status, 405);
  assert.match(await raw(port, 'NOT A REQUEST\r\n\r\n'), /^HTTP\/1\.1 400 /);

  const r = await get(port, '/metrics');
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const text = await r.text();
  const m = samples(text);
  const count = (route: string, method: string, status: number) => m.get(`http_requests_total{route="${route}",method="${method}",status="${status}"}`);
  assert.is(count('GET /items/:id', 'GET', 200), 3);
  assert.is(count('GET /items/:id', 'GET', 404), 1);
  assert.is(count('GET /items/:id', 'HEAD', 200), 1);
  assert.is(count('POST /items', 'POST', 201), 1);
  assert.is(count('POST /items', 'POST', 400), 1);
  assert.is(count('GET /slow', 'GET', 200), 1);
  assert.is(count('<unmatched>', 'GET', 404), 1);
  assert.is(count('<unmatched>', 'DELETE', 405), 1);
  assert.is(count('<unmatched>', '', 400), 1); // the engine's own answer to bytes that are no request
  // Never a raw path as a label; the metrics route itself is not counted.
  assert.not.match(text, /\/items\/1|\/no\/such|route="GET \/metrics"/);
  // The histogram of the slow route: 80 ms is above 0.05 s and within 0.25 s (fixtures/metrics's buckets).
  const h = (le: string) => m.get(`http_request_duration_seconds_bucket{route="GET /slow",method="GET",le="${le}"}`);
  assert.equal([h('0.01'), h('0.05'), h('0.25'), h('1'), h('+Inf')], [0, 0, 1, 1, 1]);
  const sum = m.get('http_request_duration_seconds_sum{route="GET /slow",method="GET"}')!;
  assert.ok(sum >= 0.075 && sum < 1, String(sum));
  assert.is(m.get('http_request_duration_seconds_count{route="GET /items/:id",method="GET"}'), 4);
  // Body bytes: the POST's 14 bytes in; the GETs' bodies out (HEAD's none).
  assert.is(m.get('http_request_body_bytes_total{route="POST /items",method="POST"}'), 14 + 8);
  const itemBody = (id: number) => JSON.stringify({ id, name: `item ${id}` }).length;
  const notFound = JSON.stringify({ detail: 'no item 0' }).length;
  assert.is(m.get('http_response_body_bytes_total{route="GET /items/:id",method="GET"}'), itemBody(1) + itemBody(2) + itemBody(3) + notFound);
  assert.is(m.get('http_response_body_bytes_total{route="GET /items/:id",method="HEAD"}'), 0);
  // The scrape itself is the one request in flight, on its one connection.
  assert.is(m.get('http_requests_in_flight'), 1);
  assert.ok(m.get('http_open_connections')! >= 1);
  // prom-client's default metrics: process, memory, event-loop lag.
  for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    assert.ok(m.has(name), `${name} missing`);
  }
});

one('promtool check metrics accepts the text', async () => {
  const text = await (await get(app!.port, '/metrics')).text();
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  assert.is(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
});

one('in-flight requests: a slow request is counted while it runs', async () => {
  const slow = get(app!.port, '/slow?ms=400');
  await sleep(100);
  const m = samples(await (await get(app!.port, '/metrics')).text());
  assert.is(m.get('http_requests_in_flight'), 2);
  assert.is((await slow).status, 200);
});

one('a real Prometheus scrapes it every second; its HTTP API returns the counter', async () => {
  const port = app!.port;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-prometheus-'));
  const promPort = await freePort();
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: covet\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
  );
  const prom = spawn(PROMETHEUS, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  prom.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const exited = new Promise((r) => prom.once('exit', r));
  try {
    for (let i = 0; i < 5; i++) await get(port, '/items/7');
    const query = encodeURIComponent('sum(http_requests_total{job="covet",route="GET /items/:id",method="GET",status="200"})');
    const deadline = Date.now() + 30_000;
    let value: string | undefined;
    let up: string | undefined;
    while (Date.now() < deadline) {
      await sleep(500);
      try {
        const body = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${query}`)).json()) as { data: { result: { value: [number, string] }[] } };
        value = body.data.result[0]?.value[1];
        const upBody = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=up%7Bjob%3D%22covet%22%7D`)).json()) as { data: { result: { value: [number, string] }[] } };
        up = upBody.data.result[0]?.value[1];
        // 3 from the first test, 5 here (the earlier scrapes' own answers are not counted).
        if (value !== undefined && Number(value) >= 8) break;
      } catch {
        /* not listening yet */
      }
    }
    assert.is(up, '1', `the target is not up; Prometheus said:\n${log.slice(-2000)}`);
    assert.is(value, '8', `Prometheus's value: ${value}\n${log.slice(-2000)}`);
  } finally {
    prom.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

one.run();

// ------------------------------------------------------------------ --workers 2

const workers = suite(`metrics under --workers 2 (${engine} engine)`);
let pool: RunningApp | undefined;
workers.before(async () => {
  pool = await startServer(await buildApp(APP_DIR, { engine }), { args: ['--workers', '2'] });
});
workers.after(async () => {
  await pool?.stop();
});

workers('one scrape is the sum over both workers', async () => {
  const port = pool!.port;
  // Fresh connections until both workers have answered, each answer counted by the worker that gave it.
  const byPid = new Map<number, number>();
  for (let i = 0; i < 400 && (byPid.size < 2 || i < 20); i++) {
    const r = await get(port, '/pid', { headers: { connection: 'close' } });
    const { pid } = (await r.json()) as { pid: number };
    byPid.set(pid, (byPid.get(pid) ?? 0) + 1);
  }
  assert.is(byPid.size, 2, `answered by ${[...byPid.keys()].join(', ')}`);
  const total = [...byPid.values()].reduce((a, b) => a + b, 0);
  const text = await (await get(port, '/metrics', { headers: { connection: 'close' } })).text();
  const m = samples(text);
  assert.is(m.get('http_requests_total{route="GET /pid",method="GET",status="200"}'), total);
  assert.is(m.get('http_request_duration_seconds_count{route="GET /pid",method="GET"}'), total);
  // Gauges are summed too; prom-client's own (a version, a start time) are aggregated its way.
  assert.ok(m.get('process_resident_memory_bytes')! > 0);
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  assert.is(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
});

workers.run();

// ------------------------------------------------------------------ build

const builds = suite(`metrics at build time (${engine} engine)`);

builds('a route at the metrics path is a build error at its file:line, with a fix', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-metrics-clash-'));
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'tsconfig.json'), nodeAppTsconfig());
    writeFileSync(path.join(dir, 'covet.config.ts'), "export default { metrics: { path: '/stats' } };\n");
    writeFileSync(path.join(dir, 'app.ts'), '/** @route GET /ok */\nexport function ok(): string {\n  return "ok";\n}\n\n/** @route GET /stats */\nexport function stats(): string {\n  return "mine";\n}\n');
    const result = await build({ appDir: dir, outDir: path.join(dir, 'dist'), engine });
    assert.is(result.ok, false);
    const d = result.diagnostics.find((x) => x.id === 'COVET911');
    assert.ok(d, JSON.stringify(result.diagnostics));
    assert.is(d!.file, 'app.ts');
    assert.is(d!.line, 7);
    assert.match(d!.message, /GET \/stats is at the path of the metrics/);
    assert.match(d!.hint ?? '', /metrics: \{ path:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

builds('an app without metrics has no metrics route and no byte of prom-client', async () => {
  const server = await buildApp(fileURLToPath(new URL('../../fixtures/async', import.meta.url)), { engine });
  const dist = path.dirname(server);
  for (const file of ['app.mjs', 'supervisor.mjs']) assert.not.match(readFileSync(path.join(dist, file), 'utf8'), /prom-client|AggregatorRegistry/, file);
  const running = await startServer(server);
  try {
    assert.is((await get(running.port, '/metrics')).status, 404);
  } finally {
    await running.stop();
  }
});

builds.run();
