/**
 * The metrics of a built server (runtime-min/metrics.ts): what covet.config.ts's `metrics`
 * section asks for, checked, as the generated module needs it. With metrics off, nothing of them
 * is emitted and neither runtime-min/metrics.ts nor prom-client is bundled.
 */
import { DEFAULT_BUCKETS } from '../../runtime-min/metrics-defaults.ts';

export interface MetricsPlan {
  /** The metrics route's path, e.g. `/metrics`. */
  path: string;
  /** The latency histogram's upper bounds, in seconds, ascending. */
  buckets: readonly number[];
  /** Count the health and metrics routes' own answers too. */
  includeBuiltins: boolean;
}

export const DEFAULT_METRICS_PATH = '/metrics';

/** Metrics are on unless covet.config.ts says `metrics: { enabled: false }` (README: their cost). */
export const METRICS_ON_BY_DEFAULT = false;

/** The plan of a checked config's `metrics` section, or null when metrics are off. */
export function metricsPlan(section: { enabled?: boolean; path?: string; buckets?: readonly number[]; includeBuiltins?: boolean } | undefined): MetricsPlan | null {
  const on = section?.enabled ?? (section !== undefined ? true : METRICS_ON_BY_DEFAULT);
  if (!on) return null;
  return { path: section?.path ?? DEFAULT_METRICS_PATH, buckets: section?.buckets ?? DEFAULT_BUCKETS, includeBuiltins: section?.includeBuiltins ?? false };
}
