/**
 * Health and readiness (imported as `covet:health` by a server built with either route on; see
 * codegen/app/health.ts), and `readinessCheck`, which `'covet'` exports to apps.
 *
 * - liveness (`/healthz`): 200 `{"status":"ok"}` whenever the process answers at all, draining
 *   included (a liveness probe that failed during a drain would get the process killed mid-drain).
 * - readiness (`/readyz`): 503 `{"status":"draining"}` from the moment a stop signal arrives
 *   (main.ts calls `startDraining`); otherwise the registered checks run, together, each bounded by
 *   its timeout: 200 `{"status":"ready","checks":{…}}` when all pass, 503 `{"status":"not ready",…}`
 *   naming each that failed and why. A probe that arrives while a round of checks runs waits for
 *   that round, and a finished round answers the probes of the next CHECK_CACHE_MS, so a storm of
 *   probes runs each check at most once per CHECK_CACHE_MS.
 */
import type { EngineRequest, EngineResponse, PreparedHeaders } from './engine.ts';
import { prepareHeaders } from './rt.ts';
import { onStopSignal } from './closeables.ts';

/** A round of checks answers the probes that come within this long after it finished. */
export const CHECK_CACHE_MS = 1_000;
/** A check's default time limit (`readinessCheck`'s `timeoutMs`). */
export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;
/** A failed check's message is cut to this many characters in the answer. */
const MAX_REASON = 200;

export interface ReadinessCheckOptions {
  /** Milliseconds the check may take; past that it has failed (default 2000). */
  timeoutMs?: number;
}

interface Check {
  name: string;
  fn: () => unknown;
  timeoutMs: number;
}

const checks = new Map<string, Check>();
let draining = false;
/** The current or last round: its promise, and when it finished (0 while it runs). */
let round: { result: Promise<Outcome>; finishedAt: number } | null = null;

interface Outcome {
  ready: boolean;
  /** The answer's body. */
  body: string;
}

/**
 * Declares a readiness check: `fn` returns or resolves when the app can serve, throws or rejects
 * when it cannot (a database ping). `/readyz` answers 503 while any check fails, naming it. A
 * second check of the same name replaces the first. Returns the function that removes it.
 */
export function readinessCheck(name: string, fn: () => unknown, options: ReadinessCheckOptions = {}): () => void {
  if (typeof name !== 'string' || name === '') throw new TypeError('covet: readinessCheck(name, fn): name must be a non-empty string');
  if (typeof fn !== 'function') throw new TypeError(`covet: readinessCheck(${JSON.stringify(name)}, fn): fn must be a function`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError(`covet: readinessCheck(${JSON.stringify(name)}): timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  const check: Check = { name, fn, timeoutMs };
  checks.set(name, check);
  round = null;
  return () => {
    if (checks.get(name) === check) checks.delete(name);
    round = null;
  };
}

/** From a stop signal on, readiness answers 503 draining (main.ts, through closeables.ts's onStopSignal). */
export function startDraining(): void {
  draining = true;
}
onStopSignal(startDraining);

/** One check, bounded by its timeout: null when it passed, else why it failed. */
async function runCheck(check: Check): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`timed out after ${check.timeoutMs} ms`), check.timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(check.fn).then(() => null), late]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message.length > MAX_REASON ? message.slice(0, MAX_REASON) + '…' : message || 'failed';
  } finally {
    clearTimeout(timer);
  }
}

async function runChecks(): Promise<Outcome> {
  const list = [...checks.values()];
  const reasons = await Promise.all(list.map(runCheck));
  const results: Record<string, { ok: true } | { ok: false; error: string }> = {};
  let ready = true;
  list.forEach((c, i) => {
    const reason = reasons[i]!;
    if (reason === null) results[c.name] = { ok: true };
    else {
      ready = false;
      results[c.name] = { ok: false, error: reason };
    }
  });
  return { ready, body: JSON.stringify({ status: ready ? 'ready' : 'not ready', checks: results }) };
}

/** The checks' outcome: the running round's, or a recent one's, or a new round's. */
function outcome(): Promise<Outcome> {
  const now = Date.now();
  if (round !== null && (round.finishedAt === 0 || now - round.finishedAt < CHECK_CACHE_MS)) return round.result;
  const current = { result: runChecks(), finishedAt: 0 };
  round = current;
  void current.result.then(() => {
    current.finishedAt = Date.now();
  });
  return current.result;
}

let headers: PreparedHeaders | null = null;
const LIVE_BODY = '{"status":"ok"}';
const DRAINING_BODY = '{"status":"draining"}';
const READY_BODY = '{"status":"ready","checks":{}}';

function prepared(): PreparedHeaders {
  // Prepared on first use: the engine is bound when the generated module loads, after this module.
  return (headers ??= prepareHeaders(['content-type', 'application/json', 'cache-control', 'no-store']));
}

/** The liveness route: 200 while the process serves. */
export function liveness(_req: EngineRequest, res: EngineResponse): void {
  if (!res.closed) res.send(200, prepared(), LIVE_BODY);
}

/** The readiness route: 503 while draining or while a check fails, else 200. */
export function readiness(_req: EngineRequest, res: EngineResponse): void {
  if (draining) {
    if (!res.closed) res.send(503, prepared(), DRAINING_BODY);
    return;
  }
  if (checks.size === 0) {
    if (!res.closed) res.send(200, prepared(), READY_BODY);
    return;
  }
  void outcome().then((o) => {
    // A stop signal that came while the checks ran wins: the process is leaving.
    if (res.closed) return;
    if (draining) res.send(503, prepared(), DRAINING_BODY);
    else res.send(o.ready ? 200 : 503, prepared(), o.body);
  });
}
