/**
 * The health routes of a built server: liveness (`GET /healthz`) and readiness (`GET /readyz`),
 * answered by runtime-min/health.ts. Like the docs routes (docs.ts) they are fixed routes of the
 * generated router, tried after the app's exact paths and before its patterns; a route of the app
 * at one of their paths is a build error (COVET911, pipeline/build.ts). They are not in the
 * OpenAPI document (they are the server's, not the API's), and they are built-in routes: the
 * route table that metrics and the access log read marks them so (`HEALTH_BUILTIN`), and both
 * leave them out by default. With both paths off, none of this is emitted and health.ts is not
 * bundled (a readinessCheck the app declares then has no route to answer).
 */
import type { Name } from '../code.ts';

export interface HealthOptions {
  /** The liveness route's path, or false: none. */
  livenessPath: string | false;
  /** The readiness route's path, or false: none. */
  readinessPath: string | false;
}

export const DEFAULT_HEALTH: HealthOptions = { livenessPath: '/healthz', readinessPath: '/readyz' };

/** What a built-in route is, in the route table (seam 1 of issue 14): health routes are `'health'`. */
export const HEALTH_BUILTIN = 'health';

/** A health route: its id, its path, the runtime function that answers it (health.ts's export). */
export interface HealthRoute {
  id: 'liveness' | 'readiness';
  path: string;
  /** The export of runtime-min/health.ts that answers it. */
  answer: 'liveness' | 'readiness';
  builtin: typeof HEALTH_BUILTIN;
}

/** The health routes the options ask for, liveness first. */
export function healthRoutes(options: HealthOptions): HealthRoute[] {
  const out: HealthRoute[] = [];
  if (options.livenessPath !== false) out.push({ id: 'liveness', path: options.livenessPath, answer: 'liveness', builtin: HEALTH_BUILTIN });
  if (options.readinessPath !== false) out.push({ id: 'readiness', path: options.readinessPath, answer: 'readiness', builtin: HEALTH_BUILTIN });
  return out;
}

/** A fixed route of the generated router's `fixed` matcher: its path and the function that answers it (`fn(req, res)`). */
export interface FixedRoute {
  path: string;
  fn: Name;
}
