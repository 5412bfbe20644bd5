import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { code, Name } from '../code.ts';
import { cases, makeRoute, table } from './testing/cases.ts';
import { emitRouter } from './emit.ts';
import { compileRouter } from './testing/harness.ts';
import { createReferenceRouter } from './testing/reference.ts';
import { staticSegmentForms } from './policy.ts';

const show = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…(${s.length})` : s);

for (const c of cases) {
  const reference = createReferenceRouter(c.routes);
  const generated = compileRouter(c.routes);
  test(`reference router: ${c.name}`, () => {
    for (const [method, path, expected] of c.requests) {
      assert.equal(reference(method, path), expected, `${method} ${show(path)}`);
    }
  });
  test(`generated router: ${c.name}`, () => {
    for (const [method, path, expected] of c.requests) {
      assert.equal(generated.match(method, path, { req: 1 }, { res: 1 }), expected, `${method} ${show(path)}`);
    }
  });
}

test('static segment forms: as written, URL-encoded, encodeURIComponent-encoded', () => {
  assert.equal(staticSegmentForms('users'), ['users']);
  assert.equal(staticSegmentForms('café'), ['café', 'caf%C3%A9']);
  assert.equal(staticSegmentForms('a:b c'), ['a:b c', 'a:b%20c', 'a%3Ab%20c']);
  assert.equal(staticSegmentForms('100%'), ['100%', '100%25']);
  assert.equal(staticSegmentForms('\u2028'), ['\u2028', '%E2%80%A8']);
  // What a URL parser sends for the same text.
  for (const s of ['café', 'a:b c', 'say"hi"', '{x}', '日本', "it's", 'a`b<c>']) {
    const sent = new URL(`http://h/${s}`).pathname.slice(1);
    assert.ok(staticSegmentForms(s).includes(sent), `${s} → ${sent}`);
    assert.ok(staticSegmentForms(s).includes(encodeURIComponent(s)), `${s} → ${encodeURIComponent(s)}`);
  }
});

test('hostile route paths appear only as string literals and line comments', () => {
  const hostile = cases.find((c) => c.name.startsWith('hostile'))!;
  const { source } = compileRouter(hostile.routes);
  assert.not.match(source, /[\u2028\u2029]/);
  for (const line of source.split('\n')) {
    // A line mentioning user text is either a comment or has it inside a literal: no raw `${`, no bare `exit(` call.
    const codePart = line.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\/.*$/, '');
    assert.not.match(codePart, /exit\(|script>|__proto__|constructor|hi"|it's/, line);
  }
});

test('routes that the compiler should have rejected are internal errors', () => {
  const opts = (routes: ReturnType<typeof table>) => ({
    name: new Name('match'),
    routeFns: new Map(routes.map((r) => [r.id, new Name(`route_${r.id}`)])),
    notFound: code`rt.notFound`,
    methodNotAllowed: code`rt.methodNotAllowed`,
    badRequest: code`rt.badRequest`,
  });
  const dup = table({ a: 'GET /a/:x', b: 'GET /a/:y' });
  assert.throws(() => emitRouter(dup, opts(dup)), /routes a and b both match GET/);
  const empty = table({ a: 'GET /a//b' });
  assert.throws(() => emitRouter(empty, opts(empty)), /empty/);
  const wild = [makeRoute('GET /a', 'a')];
  wild[0]!.segments = [{ kind: 'wildcard', name: 'x' }, { kind: 'static', value: 'a' }];
  assert.throws(() => emitRouter(wild, opts(wild)), /wildcard that is not the last/);
  const ok = table({ a: 'GET /a' });
  assert.throws(() => emitRouter(ok, { ...opts(ok), routeFns: new Map() }), /no route function for route a/);
  assert.throws(() => emitRouter(ok, { ...opts(ok), routeFns: new Map([['a', new Name('len')]]) }), /shadowed/);
  assert.throws(() => emitRouter(ok, { ...opts(ok), notFound: code`path.notFound` }), /shadowed/);
  assert.not.throws(() => emitRouter(ok, { ...opts(ok), notFound: code`rt.path` }));
});

test('an empty route table answers 404 to everything', () => {
  const { match } = compileRouter([]);
  assert.equal(match('GET', '/', {}, {}), { kind: 'notFound' });
  assert.equal(match('GET', '/x/y', {}, {}), { kind: 'notFound' });
});

test('generated code has a comment at each route call naming the handler', () => {
  const { source } = compileRouter(table({ getUser: 'GET /users/:id', list: 'GET /users' }));
  assert.match(source, /\/\/ GET \/users\/:id  ←  routes\.ts:1 getUser\n\s+let p1 = t2;/);
  assert.match(source, /\/\/ GET \/users  ←  routes\.ts:2 list\n\s+return route_list\(req, res\);/);
});

test.run();
