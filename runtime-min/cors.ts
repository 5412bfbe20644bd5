/**
 * CORS at run time (imported as `covet:cors`, only by a server whose covet.config.ts has `cors`;
 * codegen/app/cors.ts decides what is built in). What does not depend on the request is not
 * here: the engine writes it with every answer (its fixed headers: `vary: Origin`, or
 * `access-control-allow-origin: *` for any origin without credentials). Here, per request:
 * - `response(req, res)`: an allowed origin's answer carries `access-control-allow-origin: <it>`
 *   (and credentials, exposed headers) whatever its status; any other origin's carries none;
 * - `notAllowed(req, res, allow)`: the router's 405 for a path without the method; a preflight
 *   (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) of an allowed origin is
 *   answered 204 there instead, with the path's methods (`allow`, which the router has per path);
 * - `preflight(req, res, allow)`: the same for a path with an `OPTIONS` route, which keeps the
 *   OPTIONS requests that are not preflights.
 */
import type { Engine, EngineRequest, EngineResponse, PreparedHeaders } from './engine.ts';
import { boundEngine, logError, methodNotAllowed } from './rt.ts';

/** What the generated module passes (codegen/app/cors.ts: corsRuntimeOptions). */
export interface CorsOptions {
  /** `'*'` (any origin; its headers are the engine's fixed ones), a list, a RegExp, or a function. */
  origins: '*' | readonly string[] | RegExp | ((origin: string) => boolean);
  credentials: boolean;
  /** `access-control-expose-headers`'s value, or '' for none. */
  exposeHeaders: string;
  /** `access-control-allow-headers`'s value, or null: the preflight's requested headers, reflected. */
  allowHeaders: string | null;
  /** The methods cross-origin pages may use (upper case), or null: every method of the path. */
  methods: readonly string[] | null;
  maxAgeSec: number;
}

/**
 * What an Origin header may be to be written back: visible ASCII (no space, no control, nothing
 * that could end the field), at most 2048 characters. A browser sends `scheme://host[:port]` or `null`.
 */
const ORIGIN_TEXT = /^[\x21-\x7e]{1,2048}$/;
/** A preflight's Access-Control-Request-Headers that may be reflected: a comma-separated list of tokens. */
const HEADER_LIST = /^[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*,[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*[ \t]*$/;

/** How many origins' lines CorsPolicy keeps made (a RegExp or a function may allow any number). */
const LINES_KEPT = 256;

/** `text` (latin1) as a sequential string: a concatenation is a rope, which each copy into C would flatten again. */
function flat(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

/** An answer of an allowed origin: `send` adds the request's CORS header lines to what it is given. */
class CorsResponse implements EngineResponse {
  constructor(
    readonly inner: EngineResponse,
    /** `access-control-allow-origin: <origin>\r\n` and the lines that follow it. */
    private readonly lines: string,
  ) {}

  get closed(): boolean {
    return this.inner.closed;
  }

  send(status: number, headers: PreparedHeaders, body: string | Buffer | null, close?: boolean): void {
    this.inner.sendWith(status, headers, this.lines, body, close);
  }

  sendWith(status: number, headers: PreparedHeaders, extra: string, body: string | Buffer | null, close?: boolean): void {
    this.inner.sendWith(status, headers, this.lines + extra, body, close);
  }
}

export class CorsPolicy {
  private readonly engine: Engine;
  private readonly list: ReadonlySet<string> | null;
  /** The lines that follow `access-control-allow-origin` on an allowed origin's actual answer. */
  private readonly tail: string;
  /** linesOf's, by origin. */
  private readonly lines = new Map<string, string>();
  /** The preflight's headers but the origin's, by the path's Allow (a handful of distinct ones). */
  private readonly preflights = new Map<string, string[] | null>();

  constructor(private readonly options: CorsOptions) {
    const engine = boundEngine();
    if (engine === undefined) throw new Error('covet: CORS is set up after the engine is bound (bindEngine)');
    this.engine = engine;
    const o = options.origins;
    if (o !== '*' && !Array.isArray(o) && !(o instanceof RegExp) && typeof o !== 'function') {
      throw new TypeError("covet: cors.origins of covet.config.ts must be '*', a list of origins, a RegExp or a function (origin) => boolean");
    }
    this.list = Array.isArray(o) ? new Set(o) : null;
    let tail = '';
    if (options.credentials) tail += 'access-control-allow-credentials: true\r\n';
    if (options.exposeHeaders !== '') tail += `access-control-expose-headers: ${options.exposeHeaders}\r\n`;
    this.tail = tail;
  }

  /** Whether pages of `origin` may read the answers. */
  allows(origin: string): boolean {
    // A listed origin is one (the build checked each: COVET923), so a Set lookup says it all.
    if (this.list !== null) return this.list.has(origin);
    if (!ORIGIN_TEXT.test(origin)) return false;
    const o = this.options.origins;
    if (o === '*') return true;
    if (o instanceof RegExp) return o.test(origin);
    try {
      return (o as (origin: string) => boolean)(origin) === true;
    } catch (err) {
      // The app's function failed: that origin is not allowed, and the reason is logged.
      logError('cors.origins', err);
      return false;
    }
  }

  /** `res`, or for an allowed origin an answer that carries its CORS headers (any origin's are fixed: `res`). */
  response(req: EngineRequest, res: EngineResponse): EngineResponse {
    if (this.options.origins === '*') return res;
    const origin = req.header('origin');
    if (origin === undefined || !this.allows(origin)) return res;
    return new CorsResponse(res, this.linesOf(origin));
  }

  /**
   * An allowed origin's lines (it is visible ASCII: allows() checked, it cannot end the line), made
   * once per origin for the first LINES_KEPT origins seen (a list has at most that many, as a rule),
   * as a flat string the engine copies as is.
   */
  private linesOf(origin: string): string {
    let lines = this.lines.get(origin);
    if (lines === undefined) {
      lines = flat(`access-control-allow-origin: ${origin}\r\n${this.tail}`);
      if (this.lines.size < LINES_KEPT) this.lines.set(origin, lines);
    }
    return lines;
  }

  /** The router's 405 at a path that does not have the method: a preflight of an allowed origin is answered 204 instead. */
  notAllowed(req: EngineRequest, res: EngineResponse, allow: string): void {
    if (!this.preflight(req, res, allow)) methodNotAllowed(req, res, allow);
  }

  /**
   * Answers a preflight of an allowed origin for a path whose methods are `allow` (as the
   * router's Allow: HEAD with GET), and returns true; returns false for any other request.
   */
  preflight(req: EngineRequest, res: EngineResponse, allow: string): boolean {
    if (req.method !== 'OPTIONS') return false;
    const origin = req.header('origin');
    if (origin === undefined || req.header('access-control-request-method') === undefined) return false;
    // An answer response() wrapped is an allowed origin's already (the function of origins is asked once).
    if (!(res instanceof CorsResponse) && !this.allows(origin)) return false;
    const base = this.preflightPairs(allow);
    if (base === null) return false;
    if (res.closed) return true;
    // The preflight's headers are its own: not an actual answer's (exposed headers), not twice.
    const out = res instanceof CorsResponse ? res.inner : res;
    const pairs = this.options.origins === '*' ? base.slice() : ['access-control-allow-origin', origin, ...base];
    if (this.options.allowHeaders === null) {
      const asked = req.header('access-control-request-headers');
      if (asked !== undefined && HEADER_LIST.test(asked)) pairs.push('access-control-allow-headers', asked.trim());
    }
    out.send(204, this.engine.headers(pairs), null);
    return true;
  }

  /** The preflight's pairs for a path (without its origin), or null when no method of it is allowed cross-origin. */
  private preflightPairs(allow: string): string[] | null {
    let pairs = this.preflights.get(allow);
    if (pairs !== undefined) return pairs;
    const { methods, credentials, allowHeaders, maxAgeSec } = this.options;
    const own = allow.split(', ');
    const allowed = methods === null ? own : own.filter((m) => methods.includes(m));
    if (allowed.length === 0) pairs = null;
    else {
      pairs = ['access-control-allow-methods', allowed.join(', ')];
      if (allowHeaders !== null) {
        if (allowHeaders !== '') pairs.push('access-control-allow-headers', allowHeaders);
      } else pairs.push('vary', 'Access-Control-Request-Headers');
      if (credentials) pairs.push('access-control-allow-credentials', 'true');
      pairs.push('access-control-max-age', String(maxAgeSec));
    }
    this.preflights.set(allow, pairs);
    return pairs;
  }
}

export function corsPolicy(options: CorsOptions): CorsPolicy {
  return new CorsPolicy(options);
}
