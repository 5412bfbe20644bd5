/** Providers (`Dep<typeof fn>`), hooks, and each route's lifecycle in the IR. */

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileFiles, route } from './testing/compile.ts';
import { formatDiagnostic } from './diagnostics.ts';
import { routeInputs } from '../ir/queries.ts';
import type { AppIR } from '../ir/ir.ts';

function ok(files: Record<string, string>): AppIR {
  const r = compileFiles(files, { typecheck: true });
  if (!r.ir) throw new Error(`expected to compile:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  return r.ir;
}

function errors(files: Record<string, string>): string[] {
  const r = compileFiles(files, { typecheck: true });
  assert.is(r.ir, null, 'expected compile errors');
  return r.diagnostics.map(formatDiagnostic);
}

const forms = ok({
  'deps.ts': `
import type { Dep, Header } from 'covet';
export interface User { name: string }
export function user(authorization: Header<string>): User { return { name: authorization }; }
export type U = Dep<typeof user>;
export type U2 = U;
export const arrow = (q: string): string => q;
export const expr = function (n?: number): number { return n ?? 0; };
export function* gen(): Generator<number> { yield 1; }
export async function* agen(): AsyncGenerator<number> { yield 1; }
export async function later(): Promise<number> { return 1; }
export function thenable(): Promise<number> { return Promise.resolve(1); }
export function sync(): { [Symbol.dispose](): void } { return { [Symbol.dispose]() {} }; }
export function async(): AsyncDisposable | undefined { return undefined; }
function hidden(): number { return 1; }
export { hidden as exposed };
`,
  'routes.ts': `
import type { Dep } from 'covet';
import * as deps from './deps.ts';
import { user as u, arrow, expr, gen, agen, later, thenable, sync, async, exposed, type U2 } from './deps.ts';
/** @route GET /all */
export function all(
  a: Dep<typeof u>, b: U2, c: Dep<typeof arrow>, d: Dep<typeof deps.expr>, e: Dep<typeof gen>, f: Dep<typeof agen>,
  g: Dep<typeof later>, h: Dep<typeof thenable>, i: Dep<typeof sync>, j: Dep<typeof async>, k: Dep<typeof exposed>, l: Dep<typeof expr>,
): string { return 'x'; }
`,
});

test('Dep<typeof fn> through imports, namespaces, renames and aliases of aliases; every function form', () => {
  const r = route(forms, 'all');
  assert.equal(
    r.params.map((p) => (p.kind === 'dep' ? p.provider : p.kind)),
    ['user', 'user', 'arrow', 'expr', 'gen', 'agen', 'later', 'thenable', 'sync', 'async', 'exposed', 'expr'],
  );
  const shape = Object.fromEntries(
    Object.values(forms.providers).map((p) => [p.id, [p.fn.exportName, p.fn.file, p.form, p.fn.async, p.dispose ?? null, p.answers]]),
  );
  assert.equal(shape, {
    agen: ['agen', 'deps.ts', 'generator', true, null, false],
    arrow: ['arrow', 'deps.ts', 'return', false, null, false],
    async: ['async', 'deps.ts', 'return', false, 'async', false],
    exposed: ['exposed', 'deps.ts', 'return', false, null, false],
    expr: ['expr', 'deps.ts', 'return', false, null, false],
    gen: ['gen', 'deps.ts', 'generator', false, null, false],
    later: ['later', 'deps.ts', 'return', true, null, false],
    sync: ['sync', 'deps.ts', 'return', false, 'sync', false],
    thenable: ['thenable', 'deps.ts', 'return', true, null, false],
    user: ['user', 'deps.ts', 'return', false, null, false],
  });
  assert.equal(Object.keys(forms.providers), Object.keys(forms.providers).sort(), 'keys sorted');
  assert.equal(forms.providers.user!.params, [{ kind: 'header', name: 'authorization', key: 'authorization', type: { kind: 'string' }, required: true }]);
  assert.equal(forms.providers.expr!.params, [{ kind: 'query', name: 'n', key: 'n', type: { kind: 'number' }, required: false }]);
  assert.equal(forms.providers.user!.fn, { exportName: 'user', file: 'deps.ts', line: 4, column: 17, async: false });
  assert.equal(r.lifecycle, {
    providers: ['user', 'arrow', 'expr', 'gen', 'agen', 'later', 'thenable', 'sync', 'async', 'exposed'],
    onRequest: [],
    onResponse: [],
    onError: [],
  });
  assert.equal(Object.keys(r).slice(-1), ['lifecycle'], 'lifecycle is the last key of a route');
});

test('a type named Dep that is not covet\'s is a plain parameter; a route without providers or hooks has no lifecycle', () => {
  const ir = ok({
    'app.ts': `
type Dep<T> = T extends (...a: never[]) => infer R ? R : never;
export function n(): number { return 1; }
/** @route GET /x */
export function x(v: Dep<typeof n>): number { return v; }
`,
  });
  assert.equal(route(ir, 'x').params.map((p) => p.kind), ['query']);
  assert.not.ok('lifecycle' in route(ir, 'x'));
  assert.equal(ir.providers, {});
  assert.equal(ir.hooks, {});
});

const ordered = ok({
  'a.ts': `
import type { Ctx, Dep } from 'covet';
import { base } from './deps.ts';
/** @onRequest app */
export function appFirst(ctx: Ctx): void { void ctx; }
/** @onResponse app */
export function appDone(): void {}
/** @onError app */
export function appErr(err: unknown): undefined { void err; return undefined; }
/** @onRequest app */
export function appUsesBase(b: Dep<typeof base>): void { void b; }
`,
  'deps.ts': `
import type { Dep } from 'covet';
export function base(): number { return 1; }
export function mid(b: Dep<typeof base>): number { return b + 1; }
export function top(m: Dep<typeof mid>, b: Dep<typeof base>): number { return m + b; }
export function other(): string { return 'o'; }
export function unused(): string { return 'u'; }
`,
  'routes.ts': `
import { Answer, type Dep, type ResponseInfo } from 'covet';
import { top, other, mid } from './deps.ts';
/** @route GET /r */
export function r(o: Dep<typeof other>, t: Dep<typeof top>, m: Dep<typeof mid>): string { return o + t + m; }
/** @onRequest */
export async function guard(m: Dep<typeof mid>): Promise<Answer | void> { if (m > 9) return new Answer(304); }
/** @onRequest module */
export const second = (): void => {};
/** @onResponse */
export function modDone(info: ResponseInfo): void { void info; }
/** @onError */
export function modErr(err: unknown): undefined { void err; return undefined; }
`,
  'z.ts': `
/** @onRequest app */
export function appLast(): void {}
/** @route GET /z */
export function z(): string { return 'z'; }
`,
});

test('resolution order: app hooks by file then position, module hooks, the handler\'s Deps depth first, each once', () => {
  assert.equal(route(ordered, 'r').lifecycle, {
    providers: ['appFirst', 'base', 'appUsesBase', 'appLast', 'mid', 'guard', 'second', 'other', 'top'],
    onRequest: ['appFirst', 'appUsesBase', 'appLast', 'guard', 'second'],
    onResponse: ['modDone', 'appDone'],
    onError: ['modErr', 'appErr'],
  });
  // Another module: the app's hooks only.
  assert.equal(route(ordered, 'z').lifecycle, {
    providers: ['appFirst', 'base', 'appUsesBase', 'appLast'],
    onRequest: ['appFirst', 'appUsesBase', 'appLast'],
    onResponse: ['appDone'],
    onError: ['appErr'],
  });
  assert.not.ok('unused' in ordered.providers, 'a function no route reaches is no provider');
  assert.equal(ordered.providers.guard!.answers, true);
  assert.equal(ordered.providers.guard!.fn.async, true);
  assert.equal(ordered.providers.appFirst!.answers, false);
  assert.equal(ordered.providers.appFirst!.params, [{ kind: 'ctx', name: 'ctx' }]);
  assert.equal(Object.keys(ordered.hooks), ['appDone', 'appErr', 'modDone', 'modErr']);
  assert.equal(ordered.hooks.modDone, {
    id: 'modDone',
    event: 'response',
    scope: 'module',
    fn: { exportName: 'modDone', file: 'routes.ts', line: 11, column: 17, async: false },
    params: [{ kind: 'info', name: 'info' }],
  });
  assert.equal(ordered.hooks.appErr!.params, [{ kind: 'error', name: 'err' }]);
  assert.is(ordered.hooks.appErr!.scope, 'app');
});

test('a provider\'s path parameter binds per route; the route\'s segments count as bound by its graph', () => {
  const ir = ok({
    'app.ts': `
import type { Dep, Int } from 'covet';
export function item(id: number & Int): number { return id; }
/** @route GET /items/:id */
export function getItem(i: Dep<typeof item>): number { return i; }
/** @route DELETE /items/:id */
export function deleteItem(i: Dep<typeof item>, id: number & Int): void { void i; void id; }
`,
  });
  assert.equal(ir.providers.item!.params, [{ kind: 'path', name: 'id', key: 'id', type: { kind: 'number', integer: true }, required: true }]);
  assert.equal(routeInputs(ir, route(ir, 'getItem')).map((p) => `${p.kind}:${p.name}`), ['path:id']);
  assert.equal(routeInputs(ir, route(ir, 'deleteItem')).map((p) => `${p.kind}:${p.name}`), ['path:id'], 'the same input read twice is one input');
});

test('the same body type in a provider and the handler is one body; the same header with the same type is one input', () => {
  const ir = ok({
    'app.ts': `
import type { Dep, Header } from 'covet';
export interface NewItem { name: string }
export function check(body: NewItem, key: Header<string, 'x-key'>): boolean { return body.name.length > 0 && key !== ''; }
/** @route POST /items */
export function create(ok: Dep<typeof check>, item: NewItem, key: Header<string, 'x-key'>): string { return ok ? item.name + key : ''; }
`,
  });
  assert.equal(routeInputs(ir, route(ir, 'create')).map((p) => `${p.kind}:${p.name}`), ['body:item', 'header:key']);
});

test('provider ids are unique: the same export name in two modules is numbered by file order', () => {
  const ir = ok({
    'a.ts': `export function user(): string { return 'a'; }`,
    'b.ts': `export function user(): string { return 'b'; }`,
    'routes.ts': `
import type { Dep } from 'covet';
import { user as b } from './b.ts';
import { user as a } from './a.ts';
/** @route GET /x */
export function x(fromB: Dep<typeof b>, fromA: Dep<typeof a>): string { return fromA + fromB; }
`,
  });
  assert.equal(
    route(ir, 'x').params.map((p) => (p.kind === 'dep' ? p.provider : '')),
    ['user_2', 'user'],
  );
  assert.is(ir.providers.user!.fn.file, 'a.ts');
  assert.is(ir.providers.user_2!.fn.file, 'b.ts');
});

test('a path segment no parameter of the graph binds is COVET103, with a did-you-mean over the providers\' parameters', () => {
  const out = errors({
    'app.ts': `
import type { Dep } from 'covet';
export function item(itemId: string): string { return itemId; }
/** @route GET /items/:itemID */
export function getItem(i: Dep<typeof item>): string { return i; }
`,
  });
  assert.equal(out.filter((d) => d.includes('COVET103')).length, 1, out.join('\n'));
  assert.match(out.join('\n'), /did you mean itemId\?/);
});

test('an unbindable provider parameter names the chain from the route to it', () => {
  const out = errors({
    'app.ts': `
import type { Dep } from 'covet';
export function inner({ a }: { a: string }): string { return a; }
export function outer(i: Dep<typeof inner>): string { return i; }
/** @route GET /x */
export function x(o: Dep<typeof outer>): string { return o; }
`,
  });
  assert.equal(out.filter((d) => /COVET114: x → outer → inner: parameter 1 is destructured/.test(d)).length, 1, out.join('\n'));
});

test('a Dep of a function that is not exported says to export it', () => {
  const out = errors({
    'app.ts': `
import type { Dep } from 'covet';
const inner = (): string => 'i';
/** @route GET /x */
export function x(o: Dep<typeof inner>): string { return o; }
`,
  });
  assert.match(out.join('\n'), /COVET123: x: parameter o is a Dep of inner, which app\.ts does not export[^]*fix: export it/);
});

test('an overloaded provider resolves to the declaration with the body', () => {
  const ir = ok({
    'app.ts': `
import type { Dep } from 'covet';
export function pick(): string;
export function pick(n?: number): string;
export function pick(n?: number): string { return String(n ?? 0); }
/** @route GET /x */
export function x(p: Dep<typeof pick>): string { return p; }
`,
  });
  assert.is(ir.providers.pick!.fn.line, 5);
  assert.equal(ir.providers.pick!.params.map((p) => p.name), ['n']);
});

test('a type error inside a provider or a hook names it', () => {
  const out = errors({
    'app.ts': `
import type { Dep } from 'covet';
export function user(): string { const n: number = 'x'; return String(n); }
/** @onResponse app */
export function after(): void { const s: string = 1; void s; }
/** @route GET /x */
export function x(u: Dep<typeof user>): string { return u; }
`,
  });
  assert.ok(out.some((d) => /error TS2322: user: Type 'string'/.test(d)), out.join('\n'));
  assert.ok(out.some((d) => /error TS2322: after: Type 'number'/.test(d)), out.join('\n'));
});

test.run();
