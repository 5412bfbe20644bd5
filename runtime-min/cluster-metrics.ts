/**
 * One scrape under `--workers N`: the worker that gets `GET /metrics` asks the supervisor
 * (`{ covet: 'metrics?', id }`), which asks every worker for its metrics the way prom-client's
 * AggregatorRegistry does (`clusterMetrics()`: each worker answers with its registry as JSON,
 * metrics.ts installed the worker's side), sums them (counters, histograms and gauges alike;
 * prom-client's own aggregators for its default metrics) and sends the text back
 * (`{ covet: 'metrics', id, text }` or `{ …, error }`). The supervisor loads prom-client (from
 * dist/metrics-aggregate.mjs, written only when metrics are on) when the first such request
 * arrives, and never the app.
 */
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Ask {
  covet: 'metrics?';
  id: number;
}
interface Reply {
  covet: 'metrics';
  id: number;
  text?: string;
  error?: string;
}

/** Milliseconds a worker waits for the supervisor's sum (prom-client's own timeout for the workers' answers is 5 s). */
const ASK_MS = 10_000;

let nextId = 0;
const waiting = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
let listening = false;

/** In a worker: the metrics of every worker, summed by the supervisor. */
export function askSupervisor(): Promise<string> {
  if (!listening) {
    listening = true;
    process.on('message', (m: Reply) => {
      if (m?.covet !== 'metrics') return;
      const w = waiting.get(m.id);
      if (w === undefined) return;
      waiting.delete(m.id);
      clearTimeout(w.timer);
      if (typeof m.text === 'string') w.resolve(m.text);
      else w.reject(new Error(`the supervisor could not gather the workers' metrics: ${m.error ?? 'no answer'}`));
    });
  }
  return new Promise((resolve, reject) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`the supervisor did not answer within ${ASK_MS / 1000} s`));
    }, ASK_MS);
    timer.unref();
    waiting.set(id, { resolve, reject, timer });
    process.send!({ covet: 'metrics?', id } satisfies Ask);
  });
}

/** The file beside dist/server.mjs that holds prom-client's AggregatorRegistry (runtime-min/metrics-aggregate.ts). */
export const AGGREGATE_FILE = 'metrics-aggregate.mjs';

/**
 * In the supervisor: answers the workers' `metrics?` requests (installed before the workers
 * start). `dir`: the folder of dist/server.mjs.
 */
export function answerMetricsRequests(dir: string): void {
  let registry: Promise<{ clusterMetrics(): Promise<string> }> | null = null;
  cluster.on('message', (worker: Worker, m: Ask) => {
    if (m?.covet !== 'metrics?') return;
    const file = pathToFileURL(path.join(dir, AGGREGATE_FILE)).href;
    registry ??= (import(file) as Promise<{ aggregator(): { clusterMetrics(): Promise<string> } }>).then((a) => a.aggregator());
    const reply = (r: Omit<Reply, 'covet' | 'id'>) => {
      if (worker.isConnected()) worker.send({ covet: 'metrics', id: m.id, ...r } satisfies Reply);
    };
    registry
      .then((agg) => agg.clusterMetrics())
      .then(
        (text) => reply({ text }),
        (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }),
      );
  });
}
