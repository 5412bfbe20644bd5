/** The binding rules, and path patterns. */

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileErrors, compileOk, route } from './testing/compile.ts';
import { kebabCase } from './params.ts';
import { findConflicts, parsePath } from './path.ts';
import { didYouMean, formatDiagnostic, makeDiagnostic } from './diagnostics.ts';

const ir = compileOk(`
import type { Ctx, Header, Cookie, Query, Int } from 'covet';
export interface Item { name: string }
export enum Kind { A = 'a', B = 'b' }

/** @route GET /items/:id/*rest */
export async function all(
  id: number & Int,
  rest: string,
  kind: Kind,
  q: string | undefined,
  ids: number[],
  limit = 10,
  apiKey: Header<string>,
  xRequestID?: Header<string>,
  sid: Cookie<string, 'session-id'>,
  pageSize: Query<number, 'page-size'> = 5,
  ctx: Ctx,
): Promise<void> {}

/** @route POST /a */
export function namedBody(body: string): string { return body; }
/** @route POST /b */
export function typedBody(items: Item[], dry?: boolean): Item[] { return items; }
/** @route POST /c */
export function recordBody(map: Record<string, Item>): void {}
/** @route POST /d */
export const unionBody = (x: Item | { other: number } | null): number => 1;
`);

test('each parameter kind, in the handler order', () => {
  const r = route(ir, 'all');
  assert.equal(
    r.params.map((p) => [p.kind, p.name, 'key' in p ? p.key : null, 'required' in p ? p.required : null]),
    [
      ['path', 'id', 'id', true],
      ['path', 'rest', 'rest', true],
      ['query', 'kind', 'kind', true],
      ['query', 'q', 'q', false],
      ['query', 'ids', 'ids', true],
      ['query', 'limit', 'limit', false],
      ['header', 'apiKey', 'api-key', true],
      ['header', 'xRequestID', 'x-request-id', false],
      ['cookie', 'sid', 'session-id', true],
      ['query', 'pageSize', 'page-size', false],
      ['ctx', 'ctx', null, null],
    ],
  );
  assert.equal(r.params[5], { kind: 'query', name: 'limit', key: 'limit', type: { kind: 'number' }, required: false, default: 10 });
  assert.equal(r.params[4]!.kind === 'query' && r.params[4]!.type, { kind: 'array', items: { kind: 'number' } });
  assert.equal(r.params[2]!.kind === 'query' && r.params[2]!.type, { kind: 'ref', name: 'Kind' });
});

test('markers are removed from the value type', () => {
  const r = route(ir, 'all');
  assert.equal(r.params[6]!.kind === 'header' && r.params[6]!.type, { kind: 'string' });
  assert.equal(r.params[9]!.kind === 'query' && r.params[9]!.type, { kind: 'number' });
});

test('void async handler: 204, no response, async', () => {
  const r = route(ir, 'all');
  assert.is(r.status, 204);
  assert.is(r.response, null);
  assert.is(r.handler.async, true);
  assert.equal(r.segments, [
    { kind: 'static', value: 'items' },
    { kind: 'param', name: 'id' },
    { kind: 'wildcard', name: 'rest' },
  ]);
});

test('body by name, by array of objects, by Record, by union of objects', () => {
  assert.equal(route(ir, 'namedBody').params, [{ kind: 'body', name: 'body', type: { kind: 'string' }, required: true }]);
  assert.equal(route(ir, 'typedBody').params.map((p) => p.kind), ['body', 'query']);
  assert.is(route(ir, 'recordBody').params[0]!.kind, 'body');
  const u = route(ir, 'unionBody');
  assert.is(u.params[0]!.kind, 'body');
  assert.is(u.handler.async, false);
  assert.is(u.status, 200);
});

test('kebab-case header names', () => {
  assert.is(kebabCase('apiKey'), 'api-key');
  assert.is(kebabCase('XRequestID'), 'x-request-id');
  assert.is(kebabCase('user_agent'), 'user-agent');
  assert.is(kebabCase('etag'), 'etag');
});

test('did you mean: case and small typos', () => {
  assert.is(didYouMean('userId', ['userid', 'name']), 'userid');
  assert.is(didYouMean('PUTT', ['GET', 'PUT']), 'PUT');
  assert.is(didYouMean('xyz', ['body', 'name']), undefined);
});

test('a missing path parameter names the close match', () => {
  const [e] = compileErrors(`
/** @route GET /u/:userId */
export function getUser(userid: string): void {}
`);
  assert.match(e!, /COVET103: getUser: path parameter ":userId" .* did you mean userid\?/s);
});

test('all errors are collected, sorted by position', () => {
  const errors = compileErrors(`
/** @route GET /a/:x */
export function a(body: { m: Map<string, string> }, other: { n: number }): void {}
/** @route BREW /b */
export function b(): void {}
`);
  assert.equal(errors.map((e) => e.match(/COVET\d+/)![0]), ['COVET103', 'COVET101', 'COVET102', 'COVET108']);
});

test('path patterns', () => {
  assert.equal(parsePath('/').segments, []);
  assert.equal(parsePath("/h/a'b/:id/*rest").segments, [
    { kind: 'static', value: "h" },
    { kind: 'static', value: "a'b" },
    { kind: 'param', name: 'id' },
    { kind: 'wildcard', name: 'rest' },
  ]);
  for (const bad of ['', 'x', '/a//b', '/a/', '/:', '/*', '/*a/b', '/a b', '/%41', '/:a/:a', '/..', '/:a-b']) {
    assert.ok(parsePath(bad).errors.length > 0, `${bad} must be rejected`);
  }
});

test('conflicts: duplicate, ambiguous, and not', () => {
  const r = (method: 'GET' | 'POST', path: string) => ({ method, path, segments: parsePath(path).segments });
  const found = findConflicts([r('GET', '/a/:x'), r('GET', '/a/:y'), r('GET', '/a/:x'), r('POST', '/a/:z'), r('GET', '/a/b'), r('GET', '/a/*r')]);
  assert.equal(
    found.map((c) => [c.kind, c.route.path, c.earlier.path]),
    [
      ['ambiguous', '/a/:y', '/a/:x'],
      ['duplicate', '/a/:x', '/a/:x'],
    ],
  );
});

test('formatDiagnostic', () => {
  const d = makeDiagnostic({ id: 'COVET104', handler: 'getUser', message: 'path parameter id has type { a: string }', hint: 'use a scalar', file: 'users.ts', line: 12, column: 5 });
  assert.is(formatDiagnostic(d), 'users.ts:12:5 - error COVET104: getUser: path parameter id has type { a: string }\n  fix: use a scalar');
});

test.run();
