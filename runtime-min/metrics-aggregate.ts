/**
 * The entry of dist/metrics-aggregate.mjs, which the build writes when metrics are on: what the
 * supervisor of `--workers` loads (cluster-metrics.ts) to sum the workers' metrics, prom-client's
 * AggregatorRegistry and nothing of the app. Apart from dist/supervisor.mjs, so that a server
 * without metrics holds no byte of prom-client.
 */
import client from 'prom-client';

/** The registry whose `clusterMetrics()` asks every worker and sums their answers. */
export function aggregator(): { clusterMetrics(): Promise<string> } {
  return new client.AggregatorRegistry();
}
