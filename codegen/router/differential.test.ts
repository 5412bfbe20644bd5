/**
 * Differential test: random route tables and random request paths (seeded),
 * the generated router must answer exactly what the reference router does.
 * Segments come from a small alphabet so that tables overlap a lot (static
 * vs param vs wildcard at the same level, shared encoded forms, HEAD/GET).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { HttpMethod, RouteIR, SegmentIR } from '../../ir/ir.ts';
import { makeRoute } from './testing/cases.ts';
import { compileRouter } from './testing/harness.ts';
import { patternKey } from './policy.ts';
import { createReferenceRouter } from './testing/reference.ts';

const SEED = 20240601;
const METHODS: HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];
const STATICS = ['a', 'b', 'ab', 'é', 'a b', 'a:b', 'a%3Ab', 'a%20b', '%41', 'A', '100%'];
/** Raw request segments: the statics as sent in several spellings, plus junk. */
const PARTS = ['a', 'b', 'ab', 'x', 'A', '', 'é', '%C3%A9', '%c3%a9', 'a b', 'a%20b', 'a:b', 'a%3Ab', '%41', '%2541', '%ZZ', '%', '100%', '100%25', 'a%2Fb', 'z'.repeat(1025)];

const segmentArb: fc.Arbitrary<SegmentIR> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...STATICS).map((value): SegmentIR => ({ kind: 'static', value })) },
  { weight: 2, arbitrary: fc.constant<SegmentIR>({ kind: 'param', name: 'p' }) },
);

const routeArb = fc
  .record({
    method: fc.constantFrom(...METHODS),
    segments: fc.array(segmentArb, { maxLength: 4 }),
    wildcard: fc.boolean(),
  })
  .map(({ method, segments, wildcard }) => (wildcard ? { method, segments: [...segments, { kind: 'wildcard', name: 'rest' } as SegmentIR] } : { method, segments }));

const tableArb = fc.array(routeArb, { minLength: 1, maxLength: 14 }).map((specs) => {
  const seen = new Set<string>();
  const routes: RouteIR[] = [];
  specs.forEach((spec, i) => {
    const key = `${spec.method} ${patternKey(spec.segments)}`;
    if (seen.has(key)) return;
    seen.add(key);
    let n = 0;
    const named = spec.segments.map((s): SegmentIR => (s.kind === 'param' ? { kind: 'param', name: `p${n++}` } : s));
    const path = '/' + named.map((s) => (s.kind === 'static' ? s.value : s.kind === 'param' ? `:${s.name}` : `*${s.name}`)).join('/');
    const route = makeRoute(`${spec.method} ${path}`, `r${i}`, i + 1);
    route.segments = named;
    routes.push(route);
  });
  return routes;
});

const pathArb = fc
  .record({ parts: fc.array(fc.constantFrom(...PARTS), { maxLength: 6 }), trailing: fc.constantFrom('', '', '/', '//') })
  .map(({ parts, trailing }) => '/' + parts.join('/') + trailing);

test('generated and reference routers agree on random tables and paths', () => {
  let compared = 0;
  fc.assert(
    fc.property(tableArb, fc.array(fc.tuple(fc.constantFrom(...METHODS, 'PATCH'), pathArb), { minLength: 20, maxLength: 40 }), (routes, requests) => {
      const reference = createReferenceRouter(routes);
      const { match, source } = compileRouter(routes);
      for (const [method, path] of requests) {
        const want = reference(method, path);
        const got = match(method, path, {}, {});
        compared++;
        if (JSON.stringify(want) !== JSON.stringify(got)) {
          throw new Error(
            `${method} ${path}\nroutes:\n${routes.map((r) => `  ${r.method} ${r.path}`).join('\n')}\nreference: ${JSON.stringify(want)}\ngenerated: ${JSON.stringify(got)}\n${source}`,
          );
        }
      }
    }),
    { seed: SEED, numRuns: 400 },
  );
  assert.ok(compared >= 8000);
});

test('the random requests reach every kind of outcome', () => {
  // Guards the generators above: a differential test that only ever sees 404s checks nothing.
  const kinds = new Map<string, number>();
  fc.assert(
    fc.property(tableArb, fc.array(fc.tuple(fc.constantFrom(...METHODS), pathArb), { minLength: 20, maxLength: 20 }), (routes, requests) => {
      const reference = createReferenceRouter(routes);
      for (const [method, path] of requests) {
        const r = reference(method, path);
        const kind = r.kind === 'route' && r.params.length > 0 ? 'route with params' : r.kind;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }),
    { seed: SEED, numRuns: 400 },
  );
  for (const kind of ['route', 'route with params', 'notFound', 'methodNotAllowed', 'badRequest']) {
    assert.ok((kinds.get(kind) ?? 0) >= 50, `${kind}: ${kinds.get(kind) ?? 0} of ${[...kinds.values()].reduce((a, b) => a + b, 0)}`);
  }
});

test.run();
