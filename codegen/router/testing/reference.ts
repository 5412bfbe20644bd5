/**
 * The reference router: a plain, data-driven matcher with the same semantics
 * as the generated one, written to be obviously right rather than fast. It
 * checks every pattern against the path, in priority order, every time.
 * Tests run the shared cases against both and compare them on random tables.
 *
 * Priority, compared segment by segment from the left: a static segment
 * before a `:param` before a `*wildcard`; a pattern that ends here before a
 * wildcard that would match the empty rest.
 */
import type { HttpMethod, RouteIR, SegmentIR } from '../../../ir/ir.ts';
import {
  checkRoutes,
  compareStatic,
  effectiveMethods,
  INVALID_ENCODING_MESSAGE,
  MAX_PARAM_LENGTH,
  MAX_WILDCARD_LENGTH,
  patternKey,
  routeForMethod,
  staticSegmentForms,
  tooLongMessage,
} from '../policy.ts';

export type RouteMatch =
  | { kind: 'route'; id: string; params: string[] }
  | { kind: 'notFound' }
  | { kind: 'methodNotAllowed'; allow: string }
  | { kind: 'badRequest'; message: string };

/** Routes that match exactly the same paths (they differ by method). */
interface Pattern {
  segments: readonly SegmentIR[];
  /** `staticSegmentForms` of each static segment (undefined for the others), computed once. */
  forms: (string[] | undefined)[];
  routes: RouteIR[];
}

const RANK = { end: 0, static: 1, param: 2, wildcard: 3 } as const;

function comparePatterns(a: Pattern, b: Pattern): number {
  for (let i = 0; ; i++) {
    const sa = a.segments[i];
    const sb = b.segments[i];
    const ra = sa ? RANK[sa.kind] : RANK.end;
    const rb = sb ? RANK[sb.kind] : RANK.end;
    if (ra !== rb) return ra - rb;
    if (!sa || !sb) return 0;
    if (sa.kind === 'static' && sb.kind === 'static') {
      const c = compareStatic(sa.value, sb.value);
      if (c !== 0) return c;
    }
    if (sa.kind === 'wildcard') return 0;
  }
}

/** The raw segments of a path: `/` → [], `/a/b` → ['a', 'b'], `//` → ['', '']. */
function splitPath(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/** The raw texts of the pattern's params and wildcard, or null when it does not match. */
function matchPattern({ segments, forms }: Pattern, parts: readonly string[]): string[] | null {
  const values: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.kind === 'wildcard') {
      values.push(parts.slice(i).join('/'));
      return values;
    }
    const part = parts[i];
    if (part === undefined) return null;
    if (s.kind === 'static') {
      if (!forms[i]!.includes(part)) return null;
    } else {
      if (part === '') return null;
      values.push(part);
    }
  }
  return parts.length === segments.length ? values : null;
}

function decodeParams(route: RouteIR, rawValues: readonly string[]): RouteMatch {
  const dynamic = route.segments.filter((s): s is SegmentIR & { kind: 'param' | 'wildcard' } => s.kind !== 'static');
  const params: string[] = [];
  for (let i = 0; i < dynamic.length; i++) {
    const segment = dynamic[i]!;
    const rawValue = rawValues[i]!;
    const max = segment.kind === 'param' ? MAX_PARAM_LENGTH : MAX_WILDCARD_LENGTH;
    if (rawValue.length > max) return { kind: 'badRequest', message: tooLongMessage(segment) };
    if (!rawValue.includes('%')) {
      params.push(rawValue);
      continue;
    }
    try {
      params.push(decodeURIComponent(rawValue));
    } catch {
      return { kind: 'badRequest', message: INVALID_ENCODING_MESSAGE };
    }
  }
  return { kind: 'route', id: route.id, params };
}

export type ReferenceRouter = (method: string, path: string) => RouteMatch;

/** Groups and sorts the patterns once; the returned matcher is still a plain loop. */
export function createReferenceRouter(routes: readonly RouteIR[]): ReferenceRouter {
  checkRoutes(routes);
  const byKey = new Map<string, Pattern>();
  for (const route of routes) {
    const key = patternKey(route.segments);
    const forms = route.segments.map((s) => (s.kind === 'static' ? staticSegmentForms(s.value) : undefined));
    const pattern = byKey.get(key) ?? { segments: route.segments, forms, routes: [] };
    pattern.routes.push(route);
    byKey.set(key, pattern);
  }
  const patterns = [...byKey.values()].sort(comparePatterns);

  return (method, path) => {
    if (!path.startsWith('/')) return { kind: 'notFound' };
    if (path.length > 1 && path.endsWith('/') && !path.endsWith('//')) path = path.slice(0, -1);
    const parts = splitPath(path);
    const allowed = new Set<HttpMethod>();
    for (const pattern of patterns) {
      const rawValues = matchPattern(pattern, parts);
      if (!rawValues) continue;
      const route = routeForMethod(pattern.routes, method);
      if (route) return decodeParams(route, rawValues);
      for (const m of effectiveMethods(pattern.routes.map((r) => r.method))) allowed.add(m);
    }
    if (allowed.size > 0) return { kind: 'methodNotAllowed', allow: [...allowed].sort().join(', ') };
    return { kind: 'notFound' };
  };
}

/** Match one request against a route table (`method` upper case, `path` raw, before `?`). */
export function referenceMatch(routes: readonly RouteIR[], method: string, path: string): RouteMatch {
  return createReferenceRouter(routes)(method, path);
}
