/**
 * covet.config.ts's `securityHeaders` and `cors`, at build time: what every answer carries (the
 * engine's fixed headers, baked into each prepared header block), what CORS decides per request
 * (runtime-min/cors.ts, given the options below), and the config's CORS and HSTS mistakes
 * (COVET922–926; pipeline/config.ts places them in the file).
 *
 * Security headers: helmet's defaults (helmet 8) for an API. Taken: Content-Security-Policy
 * (for JSON answers: `default-src 'none'; frame-ancestors 'none'`, nothing to load, no framing),
 * Cross-Origin-Opener-Policy and Cross-Origin-Resource-Policy `same-origin`, Referrer-Policy
 * `no-referrer`, X-Content-Type-Options `nosniff`, X-Frame-Options (`DENY` rather than helmet's
 * `SAMEORIGIN`: an API's answers are framed by nobody, as its CSP says). Strict-Transport-Security,
 * which helmet sends by default, only when configured: a server reached over plain HTTP (local
 * development, behind a proxy that terminates TLS on another name) must not pin browsers to HTTPS
 * by accident. Left out: Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection: they act on HTML documents or on
 * Internet Explorer and Flash, and would add 145 bytes to every JSON answer for nothing.
 */
import type { CovetConfig } from '../../runtime-min/api.ts';
import { API_CSP } from '../../runtime-min/config.ts';

/** How origins are decided at run time (JSON-able: the RegExp as its source and flags). */
export type OriginsPlan =
  | { kind: 'any' }
  | { kind: 'list'; list: string[] }
  | { kind: 'regexp'; source: string; flags: string }
  /** The config's function: the server imports covet.config.ts (`covet:config`) to call it. */
  | { kind: 'function' };

/** What the generated module gives runtime-min/cors.ts's corsPolicy (its CorsOptions, origins as planned). */
export interface CorsPlan {
  origins: OriginsPlan;
  credentials: boolean;
  exposeHeaders: string;
  allowHeaders: string | null;
  methods: string[] | null;
  maxAgeSec: number;
}

/** The response headers of a server: fixed ones for the engine, and CORS's per-request part. */
export interface HeadersPlan {
  /** Flat `[name, value, …]`, lower-case names: every answer's (EngineOptions.headers). */
  fixed: string[];
  cors: CorsPlan | null;
}

/** Seconds a preflight's answer may be kept unless configured (Starlette's CORSMiddleware default). */
export const DEFAULT_MAX_AGE_SEC = 600;

/** The security headers of a config, as flat pairs (empty for `securityHeaders: false`). */
export function securityHeaderPairs(config: CovetConfig['securityHeaders']): string[] {
  if (config === false) return [];
  const c = config ?? {};
  const out: string[] = [];
  const add = (name: string, value: string | false | undefined, fallback: string) => {
    const v = value === undefined ? fallback : value;
    if (v !== false) out.push(name, v);
  };
  add('content-security-policy', c.contentSecurityPolicy, API_CSP);
  add('cross-origin-opener-policy', c.crossOriginOpenerPolicy, 'same-origin');
  add('cross-origin-resource-policy', c.crossOriginResourcePolicy, 'same-origin');
  add('referrer-policy', c.referrerPolicy, 'no-referrer');
  if (c.hsts) out.push('strict-transport-security', `max-age=${c.hsts.maxAgeSec}${c.hsts.includeSubDomains ? '; includeSubDomains' : ''}${c.hsts.preload ? '; preload' : ''}`);
  if (c.noSniff !== false) out.push('x-content-type-options', 'nosniff');
  add('x-frame-options', c.frameOptions, 'DENY');
  return out;
}

/** The plan of a checked config (headersProblems found nothing). */
export function headersPlan(config: Pick<CovetConfig, 'cors' | 'securityHeaders'>): HeadersPlan {
  const fixed = securityHeaderPairs(config.securityHeaders);
  const c = config.cors;
  if (c === undefined) return { fixed, cors: null };
  const o = c.origins;
  const origins: OriginsPlan =
    o === '*' ? { kind: 'any' } : o instanceof RegExp ? { kind: 'regexp', source: o.source, flags: o.flags } : typeof o === 'function' ? { kind: 'function' } : { kind: 'list', list: [...o] };
  const credentials = c.credentials === true;
  const exposeHeaders = (c.exposeHeaders ?? []).join(', ');
  if (origins.kind === 'any') {
    // Any origin without credentials: the same headers for everyone, written with every answer.
    fixed.push('access-control-allow-origin', '*');
    if (exposeHeaders !== '') fixed.push('access-control-expose-headers', exposeHeaders);
  } else {
    // The answer depends on the request's Origin, whether it has one or not: caches must know.
    fixed.push('vary', 'Origin');
  }
  return {
    fixed,
    cors: {
      origins,
      credentials,
      exposeHeaders,
      allowHeaders: c.allowHeaders === undefined ? null : c.allowHeaders.join(', '),
      methods: c.methods === undefined ? null : c.methods.map((m) => m.toUpperCase()),
      maxAgeSec: c.maxAgeSec ?? DEFAULT_MAX_AGE_SEC,
    },
  };
}

/** A mistake of the cors or securityHeaders section: its diagnostic, and the option it is at. */
export type HeadersProblem =
  | { id: 'COVET922'; name: 'wildcardCredentials'; option: string; values: Record<never, never> }
  | { id: 'COVET923'; name: 'notOrigin'; option: string; values: { origin: string; why: string; suggestion?: string } }
  | { id: 'COVET924'; name: 'statefulRegExp'; option: string; values: { regexp: string } }
  | { id: 'COVET925'; name: 'preload'; option: string; values: { missing: string } }
  | { id: 'COVET926'; name: 'noOrigins'; option: string; values: Record<never, never> };

/** The mistakes of a config whose values have the right kinds (runtime-min/config.ts checked them). */
export function headersProblems(config: Pick<CovetConfig, 'cors' | 'securityHeaders'>): HeadersProblem[] {
  const out: HeadersProblem[] = [];
  const c = config.cors;
  if (c !== undefined) {
    const o = c.origins;
    if (o === undefined) out.push({ id: 'COVET926', name: 'noOrigins', option: 'cors', values: {} });
    else if (o === '*') {
      if (c.credentials === true) out.push({ id: 'COVET922', name: 'wildcardCredentials', option: 'cors.credentials', values: {} });
    } else if (o instanceof RegExp) {
      if (o.global || o.sticky) out.push({ id: 'COVET924', name: 'statefulRegExp', option: 'cors.origins', values: { regexp: String(o) } });
    } else if (Array.isArray(o)) {
      for (const origin of o as readonly string[]) {
        const why = originProblem(origin);
        if (why !== null) out.push({ id: 'COVET923', name: 'notOrigin', option: 'cors.origins', values: { origin, why: why.why, ...(why.suggestion ? { suggestion: why.suggestion } : {}) } });
      }
    }
  }
  const s = config.securityHeaders;
  if (s && s.hsts && s.hsts.preload) {
    const missing = [...(s.hsts.includeSubDomains ? [] : ['includeSubDomains: true']), ...(s.hsts.maxAgeSec >= 31536000 ? [] : ['a maxAgeSec of at least 31536000 (a year)'])];
    if (missing.length) out.push({ id: 'COVET925', name: 'preload', option: 'securityHeaders.hsts', values: { missing: missing.join(' and ') } });
  }
  return out;
}

/**
 * Why `text` is not an origin as a browser's Origin header has it (`scheme://host[:port]`, lower
 * case, no default port, no path), with the origin it probably means; null when it is one.
 * `null` (the opaque origin) is one too.
 */
export function originProblem(text: string): { why: string; suggestion?: string } | null {
  if (text === 'null') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { why: 'it has no scheme (https://) or is not a URL' };
  }
  if (url.origin === 'null') return { why: `the scheme ${url.protocol} has no origin of this form` };
  if (url.origin === text) return null;
  const extra = url.pathname !== '/' || url.search || url.hash ? 'it has a path, query or fragment' : text.endsWith('/') ? 'it ends with "/"' : 'browsers write it in lower case and without the default port';
  return { why: extra, suggestion: url.origin };
}
