/**
 * The per-answer cost of counting metrics, two ways, on the same answers: Covet's route-indexed
 * series (runtime-min/metrics.ts) and prom-client's own Counter and Histogram with labels
 * (`labels(route, method, status).inc()`, what prom-client users write). Both count the same four
 * things: answers by route, method and status; the latency histogram; body bytes in and out.
 *
 *   node --import tsx bench/micro/metrics.ts [--answers 2000000]
 *
 * Prints nanoseconds per answer (median of 5 runs after a warm-up) and the ratio.
 */
import { parseArgs } from 'node:util';
import client from 'prom-client';
import type { Engine, EngineRequest } from '../../runtime-min/engine.ts';
import { Metrics } from '../../runtime-min/metrics.ts';
import { answered, now, observe, setRouteTable, type Answer } from '../../runtime-min/observe.ts';

const { values } = parseArgs({ options: { answers: { type: 'string', default: '2000000' } } });
const N = Number(values.answers);

setRouteTable([
  { pattern: 'GET /users/:id', kind: 'app' },
  { pattern: 'POST /users', kind: 'app' },
  { pattern: 'GET /plaintext', kind: 'app' },
]);
const request = (method: string, route: number) => ({ method, url: '/x', route, remoteAddress: '127.0.0.1' }) as unknown as EngineRequest;
// A realistic mix: mostly 200s on three routes, some 404s and 422s.
const mix = [
  [request('GET', 0), 0, 200],
  [request('GET', 0), 0, 200],
  [request('GET', 0), 0, 404],
  [request('POST', 1), 1, 201],
  [request('POST', 1), 1, 422],
  [request('GET', 2), 2, 200],
  [request('GET', 2), 2, 200],
  [request('GET', 2), 2, 200],
] as const;

function feed(count: number): number {
  const t0 = process.hrtime.bigint();
  const start = now();
  for (let i = 0; i < count; i++) {
    const [req, route, status] = mix[i & 7]!;
    answered(req, route, status, start, 20, 60);
  }
  return Number(process.hrtime.bigint() - t0) / count;
}

function measure(install: () => () => void): number {
  const stop = install();
  feed(200_000);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) runs.push(feed(N));
  stop();
  runs.sort((a, b) => a - b);
  return runs[2]!;
}

const fakeEngine = { stats: () => ({ connections: 0, inFlight: 0 }) } as unknown as Engine;
const nothing = measure(() => observe(() => {}));
const covet = measure(() => {
  const m = new Metrics({});
  m.start(fakeEngine);
  return () => m.close();
});
const promClient = measure(() => {
  const registry = new client.Registry();
  const requests = new client.Counter({ name: 'http_requests_total', help: 'h', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const duration = new client.Histogram({ name: 'http_request_duration_seconds', help: 'h', labelNames: ['route', 'method'], registers: [registry] });
  const bytesIn = new client.Counter({ name: 'http_request_body_bytes_total', help: 'h', labelNames: ['route', 'method'], registers: [registry] });
  const bytesOut = new client.Counter({ name: 'http_response_body_bytes_total', help: 'h', labelNames: ['route', 'method'], registers: [registry] });
  return observe((a: Answer) => {
    const route = a.pattern;
    requests.labels(route, a.method, String(a.status)).inc();
    duration.labels(route, a.method).observe(a.duration / 1000);
    bytesIn.labels(route, a.method).inc(a.bytesIn);
    bytesOut.labels(route, a.method).inc(a.bytesOut);
  });
});

console.log(`per answer (median of 5 runs of ${N}): observation with an empty listener ${nothing.toFixed(1)} ns; ` +
  `Covet's route-indexed series ${covet.toFixed(1)} ns; prom-client labels ${promClient.toFixed(1)} ns ` +
  `(counting alone: ${(covet - nothing).toFixed(1)} ns vs ${(promClient - nothing).toFixed(1)} ns, ${((promClient - nothing) / (covet - nothing)).toFixed(1)}×)`);
process.exit(0);
