/**
 * The generated router: one function, straight-line code compiled from the
 * route table. Fully static paths are one `switch (path)`; the other patterns
 * are nested `if`s over segment boundaries (`indexOf("/")`, a length check and
 * `startsWith` for static segments), each segment found once per tree node,
 * tried static → `:param` → `*wildcard`, falling through to the next
 * alternative when a deeper check fails. A matched pattern switches on the
 * method; params are sliced and decoded only then.
 */
import type { RouteIR, SegmentIR } from '../../ir/ir.ts';
import { and, Block, code, comment, functionDecl, join, literal, Name, or, paren, raw, type Code } from '../code.ts';
import { checkRoutes, INVALID_ENCODING_MESSAGE, MAX_PARAM_LENGTH, MAX_WILDCARD_LENGTH, tooLongMessage } from './policy.ts';
import { isEmptyTree, planRouter, type Leaf, type RouterPlan, type TreeNode } from './tree.ts';

export interface RouterOptions {
  /** The emitted function's name. */
  name: Name;
  /** Route id → generated route function, called as `fn(req, res, p1, p2, …)` with the decoded params in segment order. */
  routeFns: ReadonlyMap<string, Name>;
  /** Expression of a function called as `notFound(req, res)`. */
  notFound: Code;
  /** Called as `methodNotAllowed(req, res, allow)`, `allow` like `"GET, HEAD, POST"`. */
  methodNotAllowed: Code;
  /** Called as `badRequest(req, res, message)` for an invalid percent-encoding or a too-long param. */
  badRequest: Code;
  /**
   * Covet's own fixed routes (the docs): a function called as `fixed(method, path, req, res)`
   * when no exact path of the app matched, before its patterns (static paths still win over
   * params), returning true when it answered. A separate function, so that the app's routes
   * neither compare against those paths nor run in a bigger router function.
   */
  fixed?: Name;
  /**
   * CORS (codegen/app/cors.ts): called as `preflight(req, res, allow)` before an `OPTIONS` route,
   * `allow` its path's methods; answers a CORS preflight and returns true, or returns false and
   * the route runs. (Paths without an OPTIONS route answer preflights in `methodNotAllowed`.)
   */
  preflight?: Code;
  /**
   * Route id → its index in the route table (runtime-min/observe.ts): the router stores it into
   * the request (`req.route = N`) just before it calls the route, so that the answer can say which
   * route it was. Absent (the reference router's tests), nothing is stored.
   */
  routeIndex?: ReadonlyMap<string, number>;
}

/** Locals of the generated function; names passed in must not be one of these. */
const LOCAL = /^(method|path|req|res|len|allowed|allow|[sept][0-9]+)$/;

const method = new Name('method');
const path = new Name('path');
const len = new Name('len');
const allowed = new Name('allowed');

function routeComment(route: RouteIR): Code {
  return comment(`${route.method} ${route.path}  \u2190  ${route.handler.file}:${route.handler.line} ${route.handler.exportName}`);
}

function checkNames(routes: readonly RouteIR[], options: RouterOptions): void {
  const names: string[] = [options.name.text];
  for (const route of routes) {
    const fn = options.routeFns.get(route.id);
    if (!fn) throw new Error(`covet internal error: no route function for route ${route.id}`);
    names.push(fn.text);
  }
  if (options.fixed) names.push(options.fixed.text);
  for (const c of [options.notFound, options.methodNotAllowed, options.badRequest, ...(options.preflight ? [options.preflight] : [])]) {
    // Free identifiers of the callback expressions (not property names after a dot).
    for (const m of c.text.matchAll(/(?<![.\w$])[A-Za-z_$][\w$]*/g)) names.push(m[0]);
  }
  for (const n of names) {
    if (LOCAL.test(n)) throw new Error(`covet internal error: router name ${n} would be shadowed by a local of the generated router`);
  }
}

interface Emitter {
  options: RouterOptions;
  plan: RouterPlan;
}

/** Where a param's or wildcard's raw text is. */
interface Slice {
  /** Index of the param or wildcard in the pattern's segments (its name can differ from route to route). */
  index: number;
  /** A param: the local holding its segment's text. A wildcard: the index in `path` where it starts. */
  text?: Name;
  start?: Code;
}

function methodMask(em: Emitter, leaf: Leaf): number {
  let mask = 0;
  for (const m of leaf.methods) mask |= 1 << em.plan.methods.indexOf(m);
  return mask;
}

/** `switch (method)` for one pattern; on a miss either answers 405 or records the methods and falls through. */
function emitLeaf(w: Block, em: Emitter, leaf: Leaf, slices: readonly Slice[]): void {
  const { options } = em;
  const hasHead = leaf.routes.some((r) => r.method === 'HEAD');
  w.open(code`switch (${method})`);
  for (const route of leaf.routes) {
    const labels = [code`case ${route.method}:`];
    if (route.method === 'GET' && !hasHead) labels.push(code`case "HEAD":`);
    const fn = options.routeFns.get(route.id)!;
    // Params get a block so that each case has its own `p1`, `p2`, ….
    if (slices.length > 0) w.line(...labels.slice(0, -1)).open(labels[labels.length - 1]);
    else w.case(...labels);
    w.line(routeComment(route));
    if (route.method === 'OPTIONS' && options.preflight) w.line(code`if (${options.preflight}(req, res, ${leaf.methods.join(', ')})) return;`);
    const args: Code[] = [];
    slices.forEach((slice, i) => {
      const p = new Name(`p${i + 1}`);
      const segment = route.segments[slice.index] as SegmentIR & { kind: 'param' | 'wildcard' };
      const max = segment.kind === 'param' ? MAX_PARAM_LENGTH : MAX_WILDCARD_LENGTH;
      w.line(
        slice.text ? code`let ${p} = ${slice.text};` : code`let ${p} = ${path}.slice(${slice.start!});`,
        code`if (${p}.length > ${max}) return ${options.badRequest}(req, res, ${tooLongMessage(segment)});`,
        code`if (${p}.indexOf("%") !== -1) try { ${p} = decodeURIComponent(${p}); } catch { return ${options.badRequest}(req, res, ${INVALID_ENCODING_MESSAGE}); }`,
      );
      args.push(code`, ${p}`);
    });
    const index = options.routeIndex?.get(route.id);
    if (index !== undefined) w.line(code`req.route = ${literal(index)};`);
    w.line(code`return ${fn}(req, res${args});`);
    if (slices.length > 0) w.close();
    else w.endCase();
  }
  const allow = leaf.methods.join(', ');
  w.case(raw('default:'));
  if (leaf.overlaps) w.line(code`${allowed} |= ${methodMask(em, leaf)}; ${comment(allow)}`);
  else w.line(code`return ${options.methodNotAllowed}(req, res, ${allow});`);
  w.endCase().close();
}

/**
 * Code for a tree node. `prev` is the index of the `/` that would start the
 * next segment (or `len` when the path ends here); at the root it is 0.
 */
function emitNode(w: Block, em: Emitter, node: TreeNode, prefix: string, prev: Code, slices: readonly Slice[]): void {
  const atRoot = node.depth === 0;
  if (node.end) {
    w.if(code`${prev} === ${len}`);
    emitLeaf(w, em, node.end, slices);
    w.close();
  }
  if (node.statics.length > 0 || node.param) {
    const d = node.depth + 1;
    const s = new Name(`s${d}`);
    const e = new Name(`e${d}`);
    const t = new Name(`t${d}`);
    // At the root the path starts with "/", so a first segment (maybe empty) always exists.
    if (!atRoot) w.if(code`${prev} !== ${len}`);
    w.line(
      atRoot ? code`const ${s} = 1;` : code`const ${s} = ${prev} + 1;`,
      code`let ${e} = ${path}.indexOf("/", ${s});`,
      code`if (${e} === -1) ${e} = ${len};`,
      code`const ${t} = ${path}.slice(${s}, ${e});`,
    );
    for (const child of node.statics) {
      const tests = child.forms.map((f) => code`${t} === ${f}`);
      const text = `${prefix}/${child.value}`;
      w.if(tests.length === 1 ? tests[0]! : or(...tests.map(paren)), comment(text));
      emitNode(w, em, child.node, text, e, slices);
      w.close();
    }
    if (node.param) {
      // A param never matches an empty segment.
      const slice: Slice = { index: node.depth, text: t };
      const text = `${prefix}/:${paramName(node.param)}`;
      w.if(code`${t} !== ""`, comment(text));
      emitNode(w, em, node.param, text, e, [...slices, slice]);
      w.close();
    }
    if (!atRoot) w.close();
  }
  if (node.wildcard) {
    const start = atRoot ? raw('1') : code`${prev} + 1`;
    emitLeaf(w, em, node.wildcard, [...slices, { index: node.depth, start }]);
  }
}

/** For comments: the name of the param that leads to `node`, as the first route below it spells it. */
function paramName(node: TreeNode): string {
  return (findLeaf(node).segments[node.depth - 1] as SegmentIR & { kind: 'param' }).name;
}

function findLeaf(node: TreeNode): Leaf {
  const leaf = node.end ?? node.wildcard;
  if (leaf) return leaf;
  const next = node.param ?? node.statics[0]?.node;
  if (!next) throw new Error('covet internal error: router tree node without routes');
  return findLeaf(next);
}

function headerComment(routes: readonly RouteIR[]): Code {
  const lines: Code[] = [
    comment('Router generated by covet: do not edit.'),
    comment('Routes:'),
  ];
  const methodWidth = Math.max(0, ...routes.map((r) => r.method.length));
  const pathWidth = Math.max(0, ...routes.map((r) => r.path.length));
  for (const r of routes) {
    const where = `${r.handler.file}:${r.handler.line} ${r.handler.exportName}`;
    lines.push(comment(`  ${r.method.padEnd(methodWidth)} ${r.path.padEnd(pathWidth)}  \u2190  ${where}`));
  }
  return join(lines);
}

const POLICY = raw(
  [
    '// Priority at every segment: static, then :param, then *wildcard; a failed deeper check falls through to the next.',
    '// Trailing slash: one "/" after a non-empty last segment is ignored ("/users/" is "/users"); "/" stays "/".',
    '// Static segments match the raw path as written, URL-encoded or encodeURIComponent-encoded (upper-case hex).',
    '// Params are never empty; they are decoded with decodeURIComponent only when they contain "%" (invalid: 400).',
    `// A raw :param longer than ${MAX_PARAM_LENGTH} or *wildcard longer than ${MAX_WILDCARD_LENGTH} characters: 400.`,
    '// HEAD is answered by GET when there is no HEAD route; a known path with another method: 405 with Allow.',
  ].join('\n'),
);

/**
 * Emits `function NAME(method, path, req, res) { … }`: `method` upper case,
 * `path` the raw request path before `?`, not decoded.
 */
export function emitRouter(routes: readonly RouteIR[], options: RouterOptions): Code {
  checkRoutes(routes);
  checkNames(routes, options);
  const plan = planRouter(routes);
  const em: Emitter = { options, plan };
  const w = new Block().line(POLICY);
  w.if(and(code`${path}.length > 1`, code`${path}.charCodeAt(${path}.length - 1) === 47`, code`${path}.charCodeAt(${path}.length - 2) !== 47`));
  w.line(code`${path} = ${path}.slice(0, -1);`).close();
  w.line(code`if (${path}.charCodeAt(0) !== 47) return ${options.notFound}(req, res);`);
  const needsMask = plan.leaves.some((l) => l.overlaps);
  if (needsMask) w.line(code`let ${allowed} = 0;`);

  if (plan.exact.length > 0) {
    w.open(code`switch (${path})`);
    for (const { path: p, leaf } of plan.exact) {
      w.case(code`case ${p}:`);
      emitLeaf(w, em, leaf, []);
      if (leaf.overlaps) w.line(raw('break;'));
      w.endCase();
    }
    w.close();
  }
  if (options.fixed) w.line(code`if (${options.fixed}(${method}, ${path}, req, res)) return;`);
  if (!isEmptyTree(plan.tree)) {
    w.line(code`const ${len} = ${path}.length;`);
    emitNode(w, em, plan.tree, '', literal(0), []);
  }
  if (needsMask) {
    w.if(code`${allowed} !== 0`).line(raw('let allow = "";'));
    plan.methods.forEach((m, i) => w.line(code`if ((${allowed} & ${1 << i}) !== 0) allow += ${', ' + m};`));
    w.line(code`return ${options.methodNotAllowed}(req, res, allow.slice(2));`).close();
  }
  w.line(code`return ${options.notFound}(req, res);`);
  return join([headerComment(routes), functionDecl(options.name, [method, path, raw('req'), raw('res')], w)]);
}
