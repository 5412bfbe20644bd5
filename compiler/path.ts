/**
 * Route path patterns: parsing `@route` paths into segments and finding
 * routes that collide.
 *
 * Grammar: `/` alone, or one or more `/segment` (no trailing slash, no empty
 * segment). A segment is `:name` (one whole segment), `*name` (the rest of
 * the path; last only) or static text made of RFC 3986 path characters
 * (`A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) * + , ; = : @`), not `.` or `..`, and
 * not starting with `:` or `*`. Names are JavaScript identifiers, because
 * they bind to function parameters.
 */

import type { HttpMethod, SegmentIR } from '../ir/ir.ts';

export interface PathError {
  message: string;
  hint: string;
  /** Offset into the pattern text where the problem starts. */
  offset: number;
}

const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const STATIC = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]+$/;

export function parsePath(path: string): { segments: SegmentIR[]; errors: PathError[] } {
  const segments: SegmentIR[] = [];
  const errors: PathError[] = [];
  if (!path.startsWith('/')) {
    errors.push({ message: `path ${quote(path)} must start with "/"`, hint: `write "/${path}"`, offset: 0 });
    return { segments, errors };
  }
  if (path === '/') return { segments, errors };
  const parts = path.slice(1).split('/');
  const seen = new Set<string>();
  let offset = 1;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const at = offset;
    offset += part.length + 1;
    if (part === '') {
      errors.push(
        last
          ? { message: `path ${quote(path)} ends with "/"`, hint: `remove the trailing slash: a route pattern never ends with "/"`, offset: at - 1 }
          : { message: `path ${quote(path)} has an empty segment ("//")`, hint: `remove the extra "/"`, offset: at },
      );
      return;
    }
    const sigil = part[0];
    if (sigil === ':' || sigil === '*') {
      const name = part.slice(1);
      const what = sigil === ':' ? 'parameter' : 'wildcard';
      if (name === '') {
        errors.push({
          message: `${what} "${sigil}" in path ${quote(path)} has no name`,
          hint: `name it after the function parameter that receives it, e.g. "${sigil}${sigil === ':' ? 'id' : 'rest'}"`,
          offset: at,
        });
        return;
      }
      if (!NAME.test(name)) {
        const clean = name.match(/^[A-Za-z_$][A-Za-z0-9_$]*/)?.[0];
        errors.push({
          message: `${what} name ${quote(name)} in path ${quote(path)} is not an identifier`,
          hint: clean
            ? `a ${what} is one whole segment named like a JavaScript identifier: use "${sigil}${clean}"`
            : `a ${what} is one whole segment named like a JavaScript identifier (letters, digits, _ and $)`,
          offset: at,
        });
        return;
      }
      if (seen.has(name)) {
        errors.push({
          message: `path ${quote(path)} uses the name ${quote(name)} twice`,
          hint: `give each path parameter its own name`,
          offset: at,
        });
        return;
      }
      seen.add(name);
      if (sigil === '*' && !last) {
        errors.push({
          message: `wildcard "*${name}" in path ${quote(path)} is not the last segment`,
          hint: `move "*${name}" to the end of the path, or use ":${name}" for a single segment`,
          offset: at,
        });
        return;
      }
      segments.push(sigil === ':' ? { kind: 'param', name } : { kind: 'wildcard', name });
      return;
    }
    if (part === '.' || part === '..') {
      errors.push({ message: `path ${quote(path)} has a ${quote(part)} segment`, hint: `write the path without dot segments`, offset: at });
      return;
    }
    if (!STATIC.test(part)) {
      const bad = [...part].find((c) => !STATIC.test(c))!;
      errors.push({
        message: `path ${quote(path)} contains the character ${quote(bad)}`,
        hint: /^\{[A-Za-z_$][A-Za-z0-9_$]*\}$/.test(part)
          ? `write a path parameter as :${part.slice(1, -1)}`
          : bad === '%'
            ? `write static segments unencoded, using only letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @`
            : `static segments may use only letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @`,
        offset: at + part.indexOf(bad),
      });
      return;
    }
    segments.push({ kind: 'static', value: part });
  });
  return { segments, errors };
}

/** The shape of a route for conflict detection: parameter names erased. */
export function routeShape(segments: readonly SegmentIR[]): string {
  return segments.map((s) => (s.kind === 'static' ? `/${s.value}` : s.kind === 'param' ? '/:' : '/*')).join('') || '/';
}

export interface RouteKey {
  method: HttpMethod;
  path: string;
  segments: SegmentIR[];
}

export type Conflict<T extends RouteKey> = { kind: 'duplicate' | 'ambiguous'; route: T; earlier: T };

/** Routes (in their stable order) that collide with an earlier one of the same method. */
export function findConflicts<T extends RouteKey>(routes: readonly T[]): Conflict<T>[] {
  const seen = new Map<string, T>();
  const out: Conflict<T>[] = [];
  for (const r of routes) {
    const key = `${r.method} ${routeShape(r.segments)}`;
    const earlier = seen.get(key);
    if (!earlier) {
      seen.set(key, r);
      continue;
    }
    const same = JSON.stringify(earlier.segments) === JSON.stringify(r.segments);
    out.push({ kind: same ? 'duplicate' : 'ambiguous', route: r, earlier });
  }
  return out;
}

function quote(s: string): string {
  return JSON.stringify(s);
}
