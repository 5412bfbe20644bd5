/**
 * The answer observation: the one seam every per-request feature (metrics, the access log)
 * reads. Both engines report every answer they write to it, their own refusals included
 * (400, 408, 413, 414, 417, 431, 503, 505), and the listeners `observe()` installed are called
 * with one record per answer.
 *
 * The interface:
 *
 *   const stop = observe((a: Answer) => { … });   // from now on, called once per answer
 *   stop();                                        // and no more
 *
 * - `a` is one record, reused for every answer: read it during the call, copy what you keep.
 *   A listener must be quick and synchronous, and must not answer or read a body: it runs
 *   inside the engine's `send`, after the answer was handed to the engine's writer.
 * - `a.route` is the route's index in the route table (`routeTable()`, set by the generated
 *   module: `{ pattern: "GET /users/:id", kind: "app" }`), or UNMATCHED (-1) when the answer
 *   came before a route was chosen: the engine's refusals, and the router's 404, 405 and
 *   400 (an invalid percent-encoding). `a.pattern` is the table's pattern, or `"<unmatched>"`.
 * - `a.method` is the request's method as received (upper case), `""` for an engine refusal
 *   (the request line may not even have been read). `a.status` the answer's status.
 * - `a.start` is `performance.now()` (ms) when the engine handed the request to the app, its
 *   body read in full (on the native engine: when it handed over the batch of requests that one
 *   read completed, the clock read once in C for the batch); `a.duration` the milliseconds from
 *   then to `send`. For a refusal, `start` is the moment of the refusal and `duration` 0.
 * - `a.bytesIn` is the request body's length in bytes; `a.bytesOut` the answer body's (its
 *   Content-Length, 0 for HEAD's and 204's): status line and headers are not counted. A
 *   refusal's bytesOut is its JSON body's.
 * - `a.request` is the engine's request (for a header such as `x-request-id`, the path in
 *   `url`), valid during the call; null for a refusal. `a.remoteAddress` is the client's
 *   address, read when asked for.
 * - A listener that throws is reported on stderr (once per listener) and the answer goes on.
 *
 * The cost: when nothing observes, the engines make no clock read and no call: a request's path
 * changes by the route index the router stores into the request (`req.route = N`), the two
 * fields it has for this, and a test of `observing` at the hand-off and at `send`. Measured
 * with bench/instructions.mjs (callgrind, user-space instructions per request): native
 * plaintext 8,742 → 8,772, POST 44,150 → 44,210; node 53,628 → 53,832, 107,477 → 107,264
 * (node's runs vary by more than that). When something observes: two clock reads, one call and
 * the listeners' own work per answer.
 */
import type { EngineRequest } from './engine.ts';

/** `Answer.route` of an answer given before any route was chosen. */
export const UNMATCHED = -1;
/** `Answer.pattern` (and metrics' `route` label) of such an answer. */
export const UNMATCHED_PATTERN = '<unmatched>';

/**
 * What a route of the table is: a route of the app's, or one the build adds (the docs page and
 * its document, health and readiness, metrics). Metrics and the access log leave out `health`
 * and `metrics` by default; `docs` are counted like the app's.
 */
export type RouteKind = 'app' | 'docs' | 'health' | 'metrics';

export interface RouteEntry {
  /** `METHOD /path/:param`, as written in the app (the `@route` tag), never a request's path. */
  readonly pattern: string;
  readonly kind: RouteKind;
}

export type Listener = (answer: Answer) => void;

let table: readonly RouteEntry[] = [];

/** The route table, as the generated module gave it (`serve()`'s `routes`): index → route. */
export function routeTable(): readonly RouteEntry[] {
  return table;
}

/** Sets the route table (`serve()` does, from the generated module's). */
export function setRouteTable(routes: readonly RouteEntry[]): void {
  table = routes;
}

/** One answer. The engines fill one instance and pass it to every listener. */
export class Answer {
  route = UNMATCHED;
  method = '';
  status = 0;
  start = 0;
  duration = 0;
  bytesIn = 0;
  bytesOut = 0;
  request: EngineRequest | null = null;
  /** The client's address of a refusal (no request object), read when asked for. */
  peer: (() => string) | null = null;

  /** The route's pattern, or `"<unmatched>"`. */
  get pattern(): string {
    return this.route === UNMATCHED ? UNMATCHED_PATTERN : (table[this.route]?.pattern ?? UNMATCHED_PATTERN);
  }

  /** The route's kind (`'app'` for an unmatched answer). */
  get kind(): RouteKind {
    return this.route === UNMATCHED ? 'app' : (table[this.route]?.kind ?? 'app');
  }

  /** The client's address (`req.remoteAddress`). */
  get remoteAddress(): string {
    if (this.request !== null) return this.request.remoteAddress;
    return this.peer === null ? '' : this.peer();
  }
}

const listeners: Listener[] = [];
const failed = new Set<Listener>();
const record = new Answer();

/**
 * True while a listener is installed. The engines test it where a request is handed to the app
 * and where it is answered (an ES module binding: bundled, a variable of the module's scope).
 */
export let observing = false;

const watchers: ((on: boolean) => void)[] = [];

/** For an engine: `fn` is told whenever `observing` changes (the native engine tells C). */
export function watchObserving(fn: (on: boolean) => void): void {
  watchers.push(fn);
  fn(observing);
}

function setObserving(on: boolean): void {
  if (on === observing) return;
  observing = on;
  for (const w of watchers) w(on);
}

/** Installs `listener`; returns the function that removes it. */
export function observe(listener: Listener): () => void {
  listeners.push(listener);
  setObserving(true);
  let installed = true;
  return () => {
    if (!installed) return;
    installed = false;
    const at = listeners.indexOf(listener);
    if (at !== -1) listeners.splice(at, 1);
    setObserving(listeners.length > 0);
  };
}

/** The clock of `Answer.start`: milliseconds, monotonic. */
export const now: () => number = performance.now.bind(performance);

/**
 * An answer to a request the app was given (called by the engines' `send`, only while
 * `observing`). `start` is what the engine read from `now()` when it handed the request over,
 * `end` the time of `send` on the same clock (read now when not given).
 */
export function answered(request: EngineRequest, route: number, status: number, start: number, bytesIn: number, bytesOut: number, end: number = now()): void {
  const a = record;
  a.route = route;
  a.method = request.method;
  a.status = status;
  a.start = start;
  a.duration = end - start;
  a.bytesIn = bytesIn;
  a.bytesOut = bytesOut;
  a.request = request;
  a.peer = null;
  dispatch(a);
}

/** An answer the engine gave on its own (a refusal), before any request reached the app. */
export function refused(status: number, bytesOut: number, peer: () => string): void {
  const a = record;
  a.route = UNMATCHED;
  a.method = '';
  a.status = status;
  a.start = now();
  a.duration = 0;
  a.bytesIn = 0;
  a.bytesOut = bytesOut;
  a.request = null;
  a.peer = peer;
  dispatch(a);
}

function dispatch(a: Answer): void {
  for (let i = 0; i < listeners.length; i++) {
    const l = listeners[i]!;
    try {
      l(a);
    } catch (err) {
      if (failed.has(l)) continue;
      failed.add(l);
      process.stderr.write(`covet: an answer listener failed (reported once): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }
  a.request = null;
  a.peer = null;
}
