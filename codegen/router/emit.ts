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
import { code, comment, indent, join, literal, Name, raw, type Code } from '../code.ts';
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
  for (const c of [options.notFound, options.methodNotAllowed, options.badRequest]) {
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
function emitLeaf(em: Emitter, leaf: Leaf, slices: readonly Slice[]): Code {
  const { options } = em;
  const cases: Code[] = [];
  const hasHead = leaf.routes.some((r) => r.method === 'HEAD');
  for (const route of leaf.routes) {
    const labels = [code`case ${route.method}:`];
    if (route.method === 'GET' && !hasHead) labels.push(code`case "HEAD":`);
    const fn = options.routeFns.get(route.id)!;
    const body: Code[] = [routeComment(route)];
    const args: Code[] = [];
    slices.forEach((slice, i) => {
      const p = new Name(`p${i + 1}`);
      const segment = route.segments[slice.index] as SegmentIR & { kind: 'param' | 'wildcard' };
      const max = segment.kind === 'param' ? MAX_PARAM_LENGTH : MAX_WILDCARD_LENGTH;
      body.push(
        slice.text ? code`let ${p} = ${slice.text};` : code`let ${p} = ${path}.slice(${slice.start!});`,
        code`if (${p}.length > ${max}) return ${options.badRequest}(req, res, ${tooLongMessage(segment)});`,
        code`if (${p}.indexOf("%") !== -1) try { ${p} = decodeURIComponent(${p}); } catch { return ${options.badRequest}(req, res, ${INVALID_ENCODING_MESSAGE}); }`,
      );
      args.push(code`, ${p}`);
    });
    body.push(code`return ${fn}(req, res${args});`);
    // Params get a block so that each case has its own `p1`, `p2`, ….
    cases.push(
      slices.length > 0
        ? code`${join(labels)} {\n${indent(join(body))}\n}`
        : code`${join(labels)}\n${indent(join(body))}`,
    );
  }
  const allow = leaf.methods.join(', ');
  if (leaf.overlaps) {
    cases.push(code`default:\n  ${allowed} |= ${methodMask(em, leaf)}; ${comment(allow)}`);
  } else {
    cases.push(code`default:\n  return ${options.methodNotAllowed}(req, res, ${allow});`);
  }
  return code`switch (${method}) {\n${indent(join(cases))}\n}`;
}

/**
 * Code for a tree node. `prev` is the index of the `/` that would start the
 * next segment (or `len` when the path ends here); at the root it is 0.
 */
function emitNode(em: Emitter, node: TreeNode, prefix: string, prev: Code, slices: readonly Slice[]): Code {
  const out: Code[] = [];
  const atRoot = node.depth === 0;
  if (node.end) {
    out.push(code`if (${prev} === ${len}) {\n${indent(emitLeaf(em, node.end, slices))}\n}`);
  }
  if (node.statics.length > 0 || node.param) {
    const d = node.depth + 1;
    const s = new Name(`s${d}`);
    const e = new Name(`e${d}`);
    const t = new Name(`t${d}`);
    const inner: Code[] = [
      atRoot ? code`const ${s} = 1;` : code`const ${s} = ${prev} + 1;`,
      code`let ${e} = ${path}.indexOf("/", ${s});`,
      code`if (${e} === -1) ${e} = ${len};`,
      code`const ${t} = ${path}.slice(${s}, ${e});`,
    ];
    for (const child of node.statics) {
      const tests = child.forms.map((f) => code`${t} === ${f}`);
      const cond = tests.length === 1 ? tests[0]! : join(tests.map((t) => code`(${t})`), ' || ');
      const text = `${prefix}/${child.value}`;
      inner.push(code`if (${cond}) { ${comment(text)}\n${indent(emitNode(em, child.node, text, e, slices))}\n}`);
    }
    if (node.param) {
      // A param never matches an empty segment.
      const slice: Slice = { index: node.depth, text: t };
      const text = `${prefix}/:${paramName(node.param)}`;
      inner.push(code`if (${t} !== "") { ${comment(text)}\n${indent(emitNode(em, node.param, text, e, [...slices, slice]))}\n}`);
    }
    // At the root the path starts with "/", so a first segment (maybe empty) always exists.
    out.push(atRoot ? join(inner) : code`if (${prev} !== ${len}) {\n${indent(join(inner))}\n}`);
  }
  if (node.wildcard) {
    const start = atRoot ? raw('1') : code`${prev} + 1`;
    out.push(emitLeaf(em, node.wildcard, [...slices, { index: node.depth, start }]));
  }
  return join(out);
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
  const body: Code[] = [
    POLICY,
    code`if (${path}.length > 1 && ${path}.charCodeAt(${path}.length - 1) === 47 && ${path}.charCodeAt(${path}.length - 2) !== 47) {
  ${path} = ${path}.slice(0, -1);
}`,
    code`if (${path}.charCodeAt(0) !== 47) return ${options.notFound}(req, res);`,
  ];
  const needsMask = plan.leaves.some((l) => l.overlaps);
  if (needsMask) body.push(code`let ${allowed} = 0;`);

  if (plan.exact.length > 0) {
    const cases = plan.exact.map(({ path: p, leaf }) => {
      const sw = emitLeaf(em, leaf, []);
      return leaf.overlaps ? code`case ${p}:\n${indent(sw)}\n  break;` : code`case ${p}:\n${indent(sw)}`;
    });
    body.push(code`switch (${path}) {\n${indent(join(cases))}\n}`);
  }
  if (!isEmptyTree(plan.tree)) {
    body.push(code`const ${len} = ${path}.length;`, emitNode(em, plan.tree, '', literal(0), []));
  }
  if (needsMask) {
    const lines = plan.methods.map((m, i) => code`if ((${allowed} & ${1 << i}) !== 0) allow += ${', ' + m};`);
    body.push(
      code`if (${allowed} !== 0) {
  let allow = "";
${indent(join(lines))}
  return ${options.methodNotAllowed}(req, res, allow.slice(2));
}`,
    );
  }
  body.push(code`return ${options.notFound}(req, res);`);
  return code`${headerComment(routes)}\nfunction ${options.name}(${method}, ${path}, req, res) {\n${indent(join(body))}\n}`;
}
