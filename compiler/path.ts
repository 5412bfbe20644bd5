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
import type { TextName, TextValues } from './diagnostics.ts';

type PathText = TextName<'COVET107'>;

/** A COVET107: which of its texts, its values, and the offset into the pattern text where the problem starts. */
export type PathError = { [K in PathText]: { text: K; values: TextValues<'COVET107', K>; offset: number } }[PathText];

const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const STATIC = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]+$/;

export function parsePath(path: string): { segments: SegmentIR[]; errors: PathError[] } {
  const segments: SegmentIR[] = [];
  const errors: PathError[] = [];
  if (!path.startsWith('/')) {
    errors.push({ text: 'noLeadingSlash', values: { path }, offset: 0 });
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
          ? { text: 'trailingSlash', values: { path }, offset: at - 1 }
          : { text: 'emptySegment', values: { path }, offset: at },
      );
      return;
    }
    const sigil = part[0];
    if (sigil === ':' || sigil === '*') {
      const name = part.slice(1);
      const what = sigil === ':' ? 'parameter' : 'wildcard';
      if (name === '') {
        errors.push({ text: 'unnamed', values: { path, what, sigil }, offset: at });
        return;
      }
      if (!NAME.test(name)) {
        const clean = name.match(/^[A-Za-z_$][A-Za-z0-9_$]*/)?.[0];
        errors.push({ text: 'notIdentifier', values: { path, what, sigil, name, ...(clean ? { clean } : {}) }, offset: at });
        return;
      }
      if (seen.has(name)) {
        errors.push({ text: 'nameTwice', values: { path, name }, offset: at });
        return;
      }
      seen.add(name);
      if (sigil === '*' && !last) {
        errors.push({ text: 'wildcardNotLast', values: { path, name }, offset: at });
        return;
      }
      segments.push(sigil === ':' ? { kind: 'param', name } : { kind: 'wildcard', name });
      return;
    }
    if (part === '.' || part === '..') {
      errors.push({ text: 'dotSegment', values: { path, segment: part }, offset: at });
      return;
    }
    if (!STATIC.test(part)) {
      const bad = [...part].find((c) => !STATIC.test(c))!;
      const braced = /^\{[A-Za-z_$][A-Za-z0-9_$]*\}$/.test(part) ? { braced: part.slice(1, -1) } : {};
      errors.push({ text: 'badCharacter', values: { path, char: bad, ...braced }, offset: at + part.indexOf(bad) });
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

