/**
 * The router's policies, shared by the generated router (emit.ts) and the
 * reference router (reference.ts) so that both say the same thing.
 *
 * - Trailing slash: a single `/` after a non-empty last segment is ignored
 *   (`/users/` is `/users`, `/files/a/` gives `*rest` = `a`); `/` stays `/`;
 *   `//` and `/users//` are not rewritten (they contain empty segments).
 * - Empty segments never match a `:param` (and static segments are never empty).
 * - Static segments are compared with the raw (not decoded) request path, in
 *   each of the forms of `staticSegmentForms`: as written, as a URL parser
 *   (WHATWG, e.g. fetch or a browser) percent-encodes it, and as
 *   `encodeURIComponent` encodes it. Hex digits are upper case; other
 *   spellings (`%c3%a9`, `%75sers`) do not match. No dot-segment removal.
 * - Params and wildcards are percent-decoded with `decodeURIComponent`, only
 *   when they contain `%`, and only once the route is chosen; an invalid
 *   encoding answers 400 with `INVALID_ENCODING_MESSAGE`.
 * - A raw (undecoded) `:param` longer than `MAX_PARAM_LENGTH`, or a raw
 *   `*wildcard` longer than `MAX_WILDCARD_LENGTH`, answers 400.
 */
import type { HttpMethod, RouteIR, SegmentIR } from '../../ir/ir.ts';
import { APP_ERRORS, paramTooLong } from '../../runtime-min/errors.ts';

/** Longest raw `:param` segment accepted, in UTF-16 code units, before decoding. */
export const MAX_PARAM_LENGTH = 1024;
/** Longest raw `*wildcard` remainder accepted, in UTF-16 code units, before decoding. */
export const MAX_WILDCARD_LENGTH = 4096;

export const INVALID_ENCODING_MESSAGE = APP_ERRORS.PATH_ENCODING.detail;

export function tooLongMessage(segment: SegmentIR & { kind: 'param' | 'wildcard' }): string {
  const max = segment.kind === 'param' ? MAX_PARAM_LENGTH : MAX_WILDCARD_LENGTH;
  return paramTooLong(segment.name, max);
}

/** Characters a URL parser percent-encodes in a path (besides controls, DEL and non-ASCII). */
const URL_PATH_ENCODED = new Set([' ', '"', '#', '<', '>', '?', '`', '{', '}']);
/** Characters `encodeURIComponent` leaves alone. */
const URI_COMPONENT_KEPT = /^[A-Za-z0-9\-_.!~*'()]$/;

function percentEncode(value: string, keep: (ch: string) => boolean): string {
  let out = '';
  for (const ch of value) {
    if (keep(ch)) {
      out += ch;
      continue;
    }
    // A lone surrogate becomes U+FFFD, as TextEncoder and URL parsers do.
    for (const byte of Buffer.from(ch, 'utf8')) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * The raw request texts that match a static segment, distinct, in this order:
 * as written, URL-parser encoded, `encodeURIComponent` encoded.
 * `staticSegmentForms('café')` → `['café', 'caf%C3%A9']`.
 */
export function staticSegmentForms(value: string): string[] {
  const urlForm = percentEncode(value, (ch) => {
    const c = ch.codePointAt(0)!;
    return c > 0x1f && c < 0x7f && !URL_PATH_ENCODED.has(ch);
  });
  const componentForm = percentEncode(value, (ch) => URI_COMPONENT_KEPT.test(ch));
  return [...new Set([value, urlForm, componentForm])];
}

/** True when a static segment can only be matched by its text as written. */
export function isSingleForm(value: string): boolean {
  return staticSegmentForms(value).length === 1;
}

/**
 * Order of static siblings (used by both routers): by code units of the text
 * as written. It only matters when two values share a spelling, which needs a
 * `%` in one of them (`a b` and `a%20b` both match the request `a%20b`: `a b`
 * is tried first).
 */
export function compareStatic(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Methods a pattern answers: its own, plus HEAD when it has GET. Sorted. */
export function effectiveMethods(methods: Iterable<HttpMethod>): HttpMethod[] {
  const set = new Set<HttpMethod>(methods);
  if (set.has('GET')) set.add('HEAD');
  return [...set].sort();
}

/** The route for `method` among routes sharing one pattern: exact, or GET for HEAD. */
export function routeForMethod<R extends { method: HttpMethod }>(routes: readonly R[], method: string): R | undefined {
  return routes.find((r) => r.method === method) ?? (method === 'HEAD' ? routes.find((r) => r.method === 'GET') : undefined);
}

/**
 * A key that is equal for two routes iff they match exactly the same paths:
 * param and wildcard names do not count. `/users/:id` → `/users/:`.
 */
export function patternKey(segments: readonly SegmentIR[]): string {
  return segments.map((s) => (s.kind === 'static' ? '/' + JSON.stringify(s.value) : s.kind === 'param' ? '/:' : '/*')).join('');
}

/**
 * Throws on a route the router cannot honour. The compiler reports these to
 * the user; reaching here is a bug in the compiler.
 */
export function checkRoutes(routes: readonly RouteIR[]): void {
  const seen = new Map<string, RouteIR>();
  for (const route of routes) {
    route.segments.forEach((s, i) => {
      if (s.kind === 'static' && (s.value === '' || s.value.includes('/'))) {
        throw new Error(`covet internal error: route ${route.id} (${route.path}) has a static segment that is empty or contains "/"`);
      }
      if (s.kind === 'wildcard' && i !== route.segments.length - 1) {
        throw new Error(`covet internal error: route ${route.id} (${route.path}) has a wildcard that is not the last segment`);
      }
    });
    const key = `${route.method} ${patternKey(route.segments)}`;
    const other = seen.get(key);
    if (other) {
      throw new Error(`covet internal error: routes ${other.id} and ${route.id} both match ${route.method} ${route.path}`);
    }
    seen.set(key, route);
  }
}
