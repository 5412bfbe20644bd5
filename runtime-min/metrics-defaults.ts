/** The metrics' defaults, apart from metrics.ts so that the build reads them without loading prom-client. */

/** prom-client's (and the Prometheus clients') default latency buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
