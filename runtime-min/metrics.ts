/**
 * Prometheus metrics (`covet:metrics`, imported by the generated module only when metrics are on).
 *
 * - Per answer, from the answer observation (observe.ts): a counter by route pattern, method and
 *   status, a latency histogram by route and method (buckets from covet.config.ts), and the body
 *   bytes in and out. Counted in route-indexed series of typed arrays (no label object, no
 *   string built per answer); prom-client's `labels(…).inc()` costs more (README: the numbers).
 * - At scrape time: in-flight requests and open connections (the engine's own counts), and
 *   prom-client's default metrics (process CPU, memory, file descriptors, GC, event-loop lag).
 * - prom-client's registry writes the text format. Under `--workers N` the answering worker asks
 *   the supervisor, which gathers every worker's metrics the way prom-client's AggregatorRegistry
 *   does (it asks each worker over the cluster channel) and sums them (cluster-metrics.ts).
 */
import cluster from 'node:cluster';
import client from 'prom-client';
import type { Engine, EngineRequest, EngineResponse, PreparedHeaders } from './engine.ts';
import { observe, UNMATCHED_PATTERN, type Answer } from './observe.ts';
import { askSupervisor } from './cluster-metrics.ts';
import { DEFAULT_BUCKETS } from './metrics-defaults.ts';

export { DEFAULT_BUCKETS };

export interface MetricsOptions {
  /** Upper bounds of the latency histogram, in seconds, ascending. Default DEFAULT_BUCKETS. */
  buckets?: readonly number[];
  /** Count the built-in health and metrics routes too. Default false. */
  includeBuiltins?: boolean;
}

/** One (route, method) pair's counts: the histogram, the body bytes and the statuses seen. */
class Series {
  count = 0;
  sum = 0;
  bytesIn = 0;
  bytesOut = 0;
  /** Non-cumulative: buckets[i] counts durations in (bound[i-1], bound[i]]; the last, the ones above every bound. */
  readonly buckets: Float64Array;
  /** Statuses seen and their counts, in order of first appearance (a route answers few of them). */
  readonly statuses: number[] = [];
  readonly counts: number[] = [];

  constructor(
    readonly route: string,
    readonly method: string,
    bounds: number,
  ) {
    this.buckets = new Float64Array(bounds + 1);
  }
}

export class Metrics {
  readonly registry = new client.Registry();
  /** Bucket bounds in milliseconds (Answer.duration's unit). */
  private readonly boundsMs: Float64Array;
  private readonly bounds: readonly number[];
  /** Index route + 1 (0: unmatched) → its series, one per method seen. */
  private readonly byRoute: Series[][] = [];
  private readonly all: Series[] = [];
  private stop: (() => void) | null = null;
  private engine: Engine | null = null;

  constructor(private readonly options: MetricsOptions = {}) {
    this.bounds = options.buckets ?? DEFAULT_BUCKETS;
    this.boundsMs = Float64Array.from(this.bounds, (s) => s * 1000);
    this.register();
  }

  /** Starts counting answers (and reads `engine`'s counts at scrape time). */
  start(engine: Engine): void {
    this.engine = engine;
    if (this.stop === null) this.stop = observe(this.listener);
  }

  /** Stops counting. */
  close(): void {
    this.stop?.();
    this.stop = null;
  }

  /** The answer listener: route-indexed, no allocation once a (route, method, status) was seen. */
  private readonly listener = (a: Answer): void => {
    const slot = a.route + 1;
    let list = this.byRoute[slot];
    if (list === undefined) {
      if (!this.options.includeBuiltins && (a.kind === 'health' || a.kind === 'metrics')) return;
      list = this.byRoute[slot] = [];
    }
    let s: Series | undefined;
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.method === a.method) {
        s = list[i];
        break;
      }
    }
    if (s === undefined) {
      if (!this.options.includeBuiltins && (a.kind === 'health' || a.kind === 'metrics')) return;
      s = new Series(a.route === -1 ? UNMATCHED_PATTERN : a.pattern, a.method, this.boundsMs.length);
      list.push(s);
      this.all.push(s);
    }
    const d = a.duration;
    s.count++;
    s.sum += d;
    s.bytesIn += a.bytesIn;
    s.bytesOut += a.bytesOut;
    const b = this.boundsMs;
    let i = 0;
    while (i < b.length && d > b[i]!) i++;
    s.buckets[i]!++;
    const st = s.statuses;
    let k = 0;
    while (k < st.length && st[k] !== a.status) k++;
    if (k === st.length) {
      st.push(a.status);
      s.counts.push(1);
    } else s.counts[k]!++;
  };

  /** The metrics in the text format (this process's only). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private register(): void {
    const r = this.registry;
    const self = this;
    // Custom collectors in prom-client's shape (`get()` → { name, help, type, values, aggregator }):
    // the registry writes them, AggregatorRegistry sums them across workers.
    const metric = (name: string, help: string, type: 'counter' | 'gauge' | 'histogram', values: () => client.MetricValue<string>[] | client.MetricValueWithName<string>[]) =>
      r.registerMetric({
        name,
        help,
        type,
        aggregator: 'sum',
        get: () => ({ name, help, type, aggregator: 'sum', values: values() }),
        reset: () => {},
      } as unknown as client.Metric);
    metric('http_requests_total', 'Answers, by route pattern, method and status.', 'counter', () =>
      self.all.flatMap((s) => s.statuses.map((status, k) => ({ labels: { route: s.route, method: s.method, status: String(status) }, value: s.counts[k]! }))),
    );
    metric('http_request_duration_seconds', 'Seconds from the hand-off of a request (its body read) to its answer, by route pattern and method.', 'histogram', () => {
      const out: client.MetricValueWithName<string>[] = [];
      for (const s of self.all) {
        const labels = { route: s.route, method: s.method };
        let cumulative = 0;
        self.bounds.forEach((le, i) => {
          cumulative += s.buckets[i]!;
          out.push({ metricName: 'http_request_duration_seconds_bucket', labels: { ...labels, le: String(le) }, value: cumulative });
        });
        out.push({ metricName: 'http_request_duration_seconds_bucket', labels: { ...labels, le: '+Inf' }, value: s.count });
        out.push({ metricName: 'http_request_duration_seconds_sum', labels, value: s.sum / 1000 });
        out.push({ metricName: 'http_request_duration_seconds_count', labels, value: s.count });
      }
      return out;
    });
    metric('http_request_body_bytes_total', 'Bytes of request bodies, by route pattern and method.', 'counter', () =>
      self.all.map((s) => ({ labels: { route: s.route, method: s.method }, value: s.bytesIn })),
    );
    metric('http_response_body_bytes_total', 'Bytes of answer bodies (headers not counted), by route pattern and method.', 'counter', () =>
      self.all.map((s) => ({ labels: { route: s.route, method: s.method }, value: s.bytesOut })),
    );
    metric('http_requests_in_flight', 'Requests received and not yet answered (the scrape that reads it among them).', 'gauge', () => [
      { labels: {}, value: self.engine?.stats().inFlight ?? 0 },
    ]);
    metric('http_open_connections', 'Open client connections.', 'gauge', () => [{ labels: {}, value: self.engine?.stats().connections ?? 0 }]);
    client.collectDefaultMetrics({ register: r });
    // Gauges that prom-client names like counters (promtool refuses them); `nodejs_active_handles`
    // and the others by type say the same.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) r.removeSingleMetric(name);
  }
}

let installed: Metrics | null = null;

/** The generated module's call, as it loads: counts from now on, for the engine it serves with. */
export function install(engine: Engine, options: MetricsOptions = {}): Metrics {
  if (installed !== null) throw new Error('covet: metrics are already installed in this process');
  installed = new Metrics(options);
  installed.start(engine);
  // A worker of --workers: the supervisor's AggregatorRegistry asks this process for its metrics.
  if (cluster.isWorker) {
    new client.AggregatorRegistry();
    client.AggregatorRegistry.setRegistries([installed.registry]);
  }
  return installed;
}

const CONTENT_TYPE = client.Registry.PROMETHEUS_CONTENT_TYPE;
let prepared: PreparedHeaders | null = null;

/**
 * The metrics route's answer: the text format, this process's metrics, or under `--workers` the
 * sum over every worker (the supervisor gathers them).
 */
export function answer(engine: Engine, _req: EngineRequest, res: EngineResponse): void {
  const m = installed;
  if (m === null) throw new Error('covet: the metrics route answered before metrics were installed');
  prepared ??= engine.headers(['content-type', CONTENT_TYPE, 'cache-control', 'no-store']);
  const headers = prepared;
  const text = cluster.isWorker && process.send !== undefined ? askSupervisor() : m.text();
  text.then(
    (body) => {
      if (!res.closed) res.send(200, headers, body);
    },
    (err: unknown) => {
      process.stderr.write(`covet: metrics could not be gathered: ${err instanceof Error ? err.message : String(err)}\n`);
      if (!res.closed) res.send(503, engine.headers(['content-type', 'text/plain; charset=utf-8']), 'metrics could not be gathered\n');
    },
  );
}
