/**
 * Test and bench support: compiles the generated router with `new Function`
 * (tests only; the build bundles the code instead) with route functions and
 * callbacks that return what was asked of them as a `RouteMatch`.
 */
import type { RouteIR } from '../../../ir/ir.ts';
import { code, Name, NameTable } from '../../code.ts';
import { emitRouter } from '../emit.ts';
import type { RouteMatch } from './reference.ts';

export type CompiledRouter = (method: string, path: string, req: object, res: object) => RouteMatch;

export interface Generated {
  source: string;
  match: CompiledRouter;
}

/**
 * Emits the router for `routes` and compiles it. With `checkArgs` (the
 * default) every callback checks that it got the request's req and res.
 */
export function compileRouter(routes: readonly RouteIR[], checkArgs = true): Generated {
  const names = new NameTable(['__covet_rt', '__covet_match']);
  const routeFns = new Map<string, Name>();
  for (const r of routes) routeFns.set(r.id, names.fresh(`route_${r.id}`));
  const rt = new Name('__covet_rt');
  const source = emitRouter(routes, {
    name: new Name('__covet_match'),
    routeFns,
    notFound: code`${rt}.notFound`,
    methodNotAllowed: code`${rt}.methodNotAllowed`,
    badRequest: code`${rt}.badRequest`,
  }).text;

  let expected: { req: object; res: object } = { req: {}, res: {} };
  const same = (req: object, res: object) => {
    if (req !== expected.req || res !== expected.res) throw new Error('router passed another req/res');
  };
  const rtImpl = {
    notFound: (req: object, res: object): RouteMatch => (same(req, res), { kind: 'notFound' }),
    methodNotAllowed: (req: object, res: object, allow: string): RouteMatch => (same(req, res), { kind: 'methodNotAllowed', allow }),
    badRequest: (req: object, res: object, message: string): RouteMatch => (same(req, res), { kind: 'badRequest', message }),
  };
  const fnNames = [...routeFns.values()].map((n) => n.text);
  const fnImpls = [...routeFns.keys()].map(
    (id) =>
      (req: object, res: object, ...params: string[]): RouteMatch => (same(req, res), { kind: 'route', id, params }),
  );
  const factory = new Function('__covet_rt', ...fnNames, `"use strict";\n${source}\nreturn __covet_match;`);
  const inner = factory(rtImpl, ...fnImpls) as CompiledRouter;
  if (!checkArgs) {
    expected = { req: {}, res: {} };
    const bare: CompiledRouter = (method, path) => inner(method, path, expected.req, expected.res);
    return { source, match: bare };
  }
  const match: CompiledRouter = (method, path, req, res) => {
    expected = { req, res };
    return inner(method, path, req, res);
  };
  return { source, match };
}
