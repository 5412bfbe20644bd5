/**
 * Per-route dispatch glue: extract → coerce/validate → call the handler →
 * serialize → answer. One function per route (`route_<id>`) plus its reply
 * function (`reply_<id>`), so that async handlers answer through a named
 * function instead of a per-request closure.
 */
import type { RouteIR, ScalarParamIR } from '../../ir/ir.ts';
import { code, comment, indent, join, literal, NameTable, raw, type Code, type Name } from '../code.ts';
import type { SerializerGen } from '../serialize/index.ts';
import type { ValidatorGen } from '../validate/index.ts';

export interface RouteContext {
  validators: ValidatorGen;
  serializers: SerializerGen;
  /** The handler's import binding. */
  handler: Name;
  /** The names reserved for this route's functions. */
  routeFn: Name;
  replyFn: Name;
  /** Shared constants (`covet:runtime` namespace, prepared header blocks). */
  rt: Name;
  jsonHeaders: Name;
  emptyHeaders: Name;
  textHeaders: Name;
}

/** Locals of the route function that parameter names must not shadow. */
const RESERVED_LOCALS = ['req', 'res', 'errs', 'url', 'qi', 'qs', 'start', 'end', 'eq', 'result', 'cookies', 'value', 'err'];

/** `GET /users/:id (getUser)`: how logs name a route. */
export function routeLabel(route: RouteIR): string {
  return `${route.method} ${route.path} (${route.handler.exportName} in ${route.handler.file}:${route.handler.line})`;
}

/** `// GET /users/:id  ←  users.ts:42 getUser` */
export function routeComment(route: RouteIR): Code {
  return comment(`${route.method} ${route.path}  \u2190  ${route.handler.file}:${route.handler.line} ${route.handler.exportName}`);
}

const KIND_ORDER = { path: 0, query: 1, header: 2, cookie: 3, body: 4, ctx: 5 } as const;

export function emitRoute(route: RouteIR, c: RouteContext): Code {
  const locals = new NameTable(RESERVED_LOCALS);
  const rt = c.rt;
  const label = routeLabel(route);

  // One local per handler parameter, in the handler's order.
  const argNames = route.params.map((p) => locals.fresh(p.name));
  const pathParams = route.segments.filter((s) => s.kind !== 'static').map((s) => (s as { name: string }).name);
  const pathRaw = new Map<string, Name>(pathParams.map((n) => [n, locals.fresh(`path_${n}`)]));

  const lines: Code[] = [];
  // Routes that read nothing from the request allocate no error list.
  const validates = route.params.some((p) => p.kind !== 'ctx');
  if (validates) lines.push(code`const errs = [];`);

  // Validation runs in FastAPI's order: path, query, header, cookie, body.
  const order = route.params
    .map((p, i) => ({ p, i }))
    .sort((a, b) => KIND_ORDER[a.p.kind] - KIND_ORDER[b.p.kind] || a.i - b.i);

  const queryParams = order.filter((x) => x.p.kind === 'query') as { p: ScalarParamIR; i: number }[];
  const queryRaw = new Map<number, Name>(queryParams.map(({ p, i }) => [i, locals.fresh(`${p.name}_q`)]));
  if (queryParams.length) lines.push(emitQueryParse(queryParams, queryRaw, c));
  const hasCookies = route.params.some((p) => p.kind === 'cookie');
  if (hasCookies) lines.push(code`const cookies = ${rt}.parseCookies(req.header("cookie"));`);

  let ctxName: Name | null = null;
  for (const { p, i } of order) {
    const local = argNames[i]!;
    switch (p.kind) {
      case 'path': {
        const fn = c.validators.scalar(p, route.id);
        lines.push(code`const ${local} = ${fn}(${pathRaw.get(p.key) ?? raw('undefined')}, errs);`);
        break;
      }
      case 'query': {
        const fn = c.validators.scalar(p, route.id);
        lines.push(code`const ${local} = ${fn}(${queryRaw.get(i)!}, errs);`);
        break;
      }
      case 'header': {
        const fn = c.validators.scalar(p, route.id);
        const read = code`req.header(${p.key})`;
        const input = p.type.kind === 'array' ? code`${rt}.splitHeader(${read})` : read;
        lines.push(code`const ${local} = ${fn}(${input}, errs);`);
        break;
      }
      case 'cookie': {
        const fn = c.validators.scalar(p, route.id);
        const read = code`cookies.get(${p.key})`;
        const input = p.type.kind === 'array' ? code`${rt}.splitHeader(${read})` : read;
        lines.push(code`const ${local} = ${fn}(${input}, errs);`);
        break;
      }
      case 'body': {
        const fn = c.validators.body(p, route.id);
        const rawBody = locals.fresh(`${p.name}_json`);
        lines.push(code`const ${rawBody} = ${rt}.readJson(req, res);`);
        lines.push(code`if (${rawBody} === ${rt}.ANSWERED) return;`);
        lines.push(code`const ${local} = ${fn}(${rawBody}, errs);`);
        break;
      }
      case 'ctx':
        ctxName = local;
        break;
    }
  }
  if (validates) lines.push(code`if (errs.length !== 0) {\n  ${rt}.invalid(res, errs);\n  return;\n}`);
  if (ctxName) lines.push(code`const ${ctxName} = new ${rt}.Context(req, ${route.status});`);

  const call = code`${c.handler}(${join(argNames, ', ')})`;
  const ctxArg = ctxName ?? raw('null');
  const body: Code[] = [];
  if (route.handler.async) {
    body.push(code`${rt}.settle(${call}, res, ${ctxArg}, ${c.replyFn}, ${label});`);
  } else {
    body.push(code`${c.replyFn}(res, ${call}, ${ctxArg});`);
  }
  lines.push(code`try {\n${indent(join(body))}\n} catch (err) {\n  ${rt}.fail(res, err, ${label});\n}`);

  const params = [raw('req'), raw('res'), ...pathParams.map((n) => pathRaw.get(n)!)];
  const fn = code`${routeComment(route)}\nfunction ${c.routeFn}(${join(params, ', ')}) {\n${indent(join(lines))}\n}`;
  return join([fn, emitReply(route, c)], '\n\n');
}

/**
 * The route's query-string parser: one pass over `a=1&b=2`, decoding only the
 * keys this route reads (`+` as space, percent-decoding); repeated keys
 * collect into arrays for array parameters, the last one wins otherwise.
 */
function emitQueryParse(params: { p: ScalarParamIR; i: number }[], queryRaw: Map<number, Name>, c: RouteContext): Code {
  const rt = c.rt;
  const decls: Code[] = [];
  const cases: Code[] = [];
  for (const { p, i } of params) {
    const q = queryRaw.get(i)!;
    const isArray = p.type.kind === 'array';
    decls.push(isArray ? code`const ${q} = [];` : code`let ${q};`);
    const value = code`${rt}.decodeQuery(qs.slice(eq + 1, end))`;
    cases.push(code`case ${literal(p.key)}:\n  ${isArray ? code`${q}.push(${value})` : code`${q} = ${value}`};\n  break;`);
  }
  return code`${join(decls)}
const url = req.url;
const qi = url.indexOf("?");
if (qi !== -1) {
  const qs = url.slice(qi + 1);
  let start = 0;
  while (start < qs.length) {
    let end = qs.indexOf("&", start);
    if (end === -1) end = qs.length;
    let eq = qs.indexOf("=", start);
    if (eq === -1 || eq > end) eq = end;
    switch (${rt}.decodeQuery(qs.slice(start, eq))) {
${indent(join(cases), 6)}
    }
    start = end + 1;
  }
}`;
}

function emitReply(route: RouteIR, c: RouteContext): Code {
  const rt = c.rt;
  if (route.response === null) {
    return code`function ${c.replyFn}(res, value, ctx) {
  if (ctx === null) res.send(${route.status}, ${c.emptyHeaders}, null);
  else res.send(ctx.status, ctx.responseHeaders(${rt}.EMPTY_HEADER_PAIRS, ${c.emptyHeaders}), null);
}`;
  }
  if (route.response.kind === 'string' && route.response.mediaType === 'text/plain') {
    // PlainText: the string is the body, as is.
    return code`function ${c.replyFn}(res, value, ctx) {
  const text = typeof value === "string" ? value : String(value);
  if (ctx === null) res.send(${route.status}, ${c.textHeaders}, text);
  else res.send(ctx.status, ctx.responseHeaders(${rt}.TEXT_HEADER_PAIRS, ${c.textHeaders}), text);
}`;
  }
  const ser = c.serializers.forType(route.response, `${route.id}_response`);
  return code`function ${c.replyFn}(res, value, ctx) {
  if (ctx === null) res.send(${route.status}, ${c.jsonHeaders}, ${ser}(value));
  else res.send(ctx.status, ctx.responseHeaders(${rt}.JSON_HEADER_PAIRS, ${c.jsonHeaders}), ${ser}(value));
}`;
}
