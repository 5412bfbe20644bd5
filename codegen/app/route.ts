/**
 * Per-route dispatch glue: extract → coerce/validate → call the handler →
 * serialize → answer. One function per route (`route_<id>`) plus its reply
 * function (`reply_<id>`), so that async handlers answer through a named
 * function instead of a per-request closure.
 */
import type { BodyParamIR, ParamIR, RouteIR, ScalarParamIR } from '../../ir/ir.ts';
import { Block, code, comment, functionDecl, join, literal, NameTable, raw, type Code, type Name } from '../code.ts';
import { declaration, shapeName, type Declaration, type Scope } from '../scope.ts';
import type { SerializerGen } from '../serialize/index.ts';
import type { ValidatorGen } from '../validate/index.ts';
import { isWire } from '../../ir/queries.ts';
import { credentialInput, type AuthGen } from './credentials.ts';

export interface RouteContext {
  validators: ValidatorGen;
  serializers: SerializerGen;
  /** The handler's import binding. */
  handler: Name;
  /** The module's scope: a reply function the same as an earlier route's is that one. */
  scope: Scope;
  /** The name reserved for this route's function. */
  routeFn: Name;
  /** Shared constants (`covet:runtime` namespace, prepared header blocks). */
  rt: Name;
  jsonHeaders: Name;
  emptyHeaders: Name;
  textHeaders: Name;
  /** Security scheme objects and scopes constants (module level). */
  auth: AuthGen;
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

const KIND_ORDER = { credential: -1, path: 0, query: 1, header: 2, cookie: 3, body: 4, ctx: 5, dep: 6, scopes: 7 } as const;

export interface EmittedRoute {
  /** The route function, then its reply function unless an earlier route's is the same. */
  declarations: Declaration[];
  /** The reply function the route answers through (another route's when theirs is the same). */
  replyFn: Name;
}

export function emitRoute(route: RouteIR, c: RouteContext): EmittedRoute {
  const locals = new NameTable(RESERVED_LOCALS);
  const rt = c.rt;
  const label = routeLabel(route);
  const reply = emitReply(route, c);

  // One local per handler parameter, in the handler's order.
  const argNames = route.params.map((p) => locals.fresh(p.name));
  const pathParams = route.segments.filter((s) => s.kind !== 'static').map((s) => (s as { name: string }).name);
  const pathRaw = new Map<string, Name>(pathParams.map((n) => [n, locals.fresh(`path_${n}`)]));

  const w = new Block();
  // Routes that read nothing from the request allocate no error list.
  const validates = route.params.some(isWire);
  if (validates) w.line(code`const errs = [];`);

  const credentials = route.params.flatMap((p, i) => (p.kind === 'credential' ? [{ p, i, s: c.auth.ir(p.scheme) }] : []));
  const queryParams = readOrder(route.params).filter((x) => x.p.kind === 'query') as { p: ScalarParamIR; i: number }[];
  const queryRaw = new Map<number, Name>(queryParams.map(({ p, i }) => [i, locals.fresh(`${p.name}_q`)]));
  const keyRaw = new Map<string, Name>();
  for (const { p, s } of credentials) if (s.type === 'apiKey' && s.in === 'query' && !keyRaw.has(s.name)) keyRaw.set(s.name, locals.fresh(`${p.name}_q`));
  const queryReads = [
    ...[...keyRaw].map(([key, local]) => ({ key, array: false, local })),
    ...queryParams.map(({ p, i }) => ({ key: p.key, array: p.type.kind === 'array', local: queryRaw.get(i)! })),
  ];
  if (queryReads.length) emitQueryParse(w, queryReads, c);
  const hasCookies = route.params.some((p) => p.kind === 'cookie') || credentials.some(({ s }) => s.type === 'apiKey' && s.in === 'cookie');
  if (hasCookies) w.line(code`const cookies = ${rt}.parseCookies(req.header("cookie"));`);

  // Credentials first: a missing or malformed one answers 401 before any other input is validated.
  for (const { p, i, s } of credentials) {
    const local = argNames[i]!;
    const input = credentialInput(s, (key) => keyRaw.get(key)!);
    w.line(code`const ${local} = ${rt}.credential(res, ${c.auth.scheme(p.scheme)}, ${input}, ${literal(p.required)}, ${label});`);
    w.line(code`if (${local} === ${rt}.UNAUTHORIZED) return;`);
  }
  route.params.forEach((p, i) => {
    if (p.kind === 'scopes') w.line(code`const ${argNames[i]!} = ${c.auth.scopes(route)};`);
  });

  emitParamReads(w, route.params, argNames, route.id, c, {
    pathRaw,
    query: (_p, i) => queryRaw.get(i)!,
    body: (b, p) => {
      const form = p.media === 'form';
      const rawBody = locals.fresh(`${p.name}_${form ? 'form' : 'json'}`);
      b.line(form ? code`const ${rawBody} = ${rt}.readForm(req, res);` : code`const ${rawBody} = ${rt}.readJson(req, res);`);
      b.line(code`if (${rawBody} === ${rt}.ANSWERED) return;`);
      return rawBody;
    },
  });
  // The context local is the (last) Ctx parameter's.
  let ctxName: Name | null = null;
  for (let i = 0; i < route.params.length; i++) if (route.params[i]!.kind === 'ctx') ctxName = argNames[i]!;
  if (validates) w.if(raw('errs.length !== 0')).line(code`${rt}.invalid(res, errs);`, raw('return;')).close();
  if (ctxName) w.line(code`const ${ctxName} = new ${rt}.Context(req, ${route.status}, ${label});`);

  const call = code`${c.handler}(${join(argNames, ', ')})`;
  const ctxArg = ctxName ?? raw('null');
  w.open(raw('try'));
  if (route.handler.async) w.line(code`${rt}.settle(${call}, res, ${ctxArg}, ${reply.name}, ${label});`);
  else w.line(code`${reply.name}(res, ${call}, ${ctxArg});`);
  w.reopenWith(raw('} catch (err) {'));
  w.line(code`${rt}.fail(res, err, ${label});`).close();

  const params = [raw('req'), raw('res'), ...pathParams.map((n) => pathRaw.get(n)!)];
  const fn = declaration(c.routeFn, join([routeComment(route), functionDecl(c.routeFn, params, w)]));
  return { declarations: reply.code ? [fn, declaration(reply.name, reply.code)] : [fn], replyFn: reply.name };
}

/** Where extraction code finds a request's raw inputs: shared by a handler's parameters and its providers'. */
export interface Inputs {
  /** The raw path segment values (the route function's parameters), by segment name. */
  pathRaw: ReadonlyMap<string, Name>;
  /** The local holding a query parameter's raw value (`index`: the parameter's position in its list). */
  query(p: ScalarParamIR, index: number): Name;
  /** The local holding the parsed JSON body, after emitting its read into `w` when it is the first to need it. */
  body(w: Block, p: BodyParamIR): Name;
}

/** Parameters with their positions, in FastAPI's validation order: path, query, header, cookie, body (then ctx, dep). */
export function readOrder<P extends ParamIR>(params: readonly P[]): { p: P; i: number }[] {
  return params.map((p, i) => ({ p, i })).sort((a, b) => KIND_ORDER[a.p.kind] - KIND_ORDER[b.p.kind] || a.i - b.i);
}

/**
 * Reads and validates `params` into `locals` (parallel to them), in readOrder, each validator
 * pushing its failures onto `errs`; `Ctx` and `Dep` parameters are the caller's. `owner` names the
 * validators (a route's or a provider's id). The `cookies` local, when a cookie is read, is the caller's.
 */
export function emitParamReads(w: Block, params: readonly ParamIR[], locals: readonly Name[], owner: string, c: RouteContext, inputs: Inputs): void {
  const rt = c.rt;
  for (const { p, i } of readOrder(params)) {
    const local = locals[i]!;
    switch (p.kind) {
      case 'path': {
        const fn = c.validators.scalar(p, owner);
        w.line(code`const ${local} = ${fn}(${inputs.pathRaw.get(p.key) ?? raw('undefined')}, errs);`);
        break;
      }
      case 'query': {
        const fn = c.validators.scalar(p, owner);
        w.line(code`const ${local} = ${fn}(${inputs.query(p, i)}, errs);`);
        break;
      }
      case 'header': {
        const fn = c.validators.scalar(p, owner);
        const read = code`req.header(${p.key})`;
        const input = p.type.kind === 'array' ? code`${rt}.splitHeader(${read})` : read;
        w.line(code`const ${local} = ${fn}(${input}, errs);`);
        break;
      }
      case 'cookie': {
        const fn = c.validators.scalar(p, owner);
        const read = code`cookies.get(${p.key})`;
        const input = p.type.kind === 'array' ? code`${rt}.splitHeader(${read})` : read;
        w.line(code`const ${local} = ${fn}(${input}, errs);`);
        break;
      }
      case 'body': {
        const fn = p.media === 'form' ? c.validators.form(p, owner) : c.validators.body(p, owner);
        const json = inputs.body(w, p);
        w.line(code`const ${local} = ${fn}(${json}, errs);`);
        break;
      }
      case 'ctx':
      case 'dep':
      case 'credential':
      case 'scopes':
        break;
    }
  }
}

/**
 * The route's query-string parser: one pass over `a=1&b=2` in the url itself, decoding only the
 * values of the keys this route reads (`+` as space, percent-decoding); repeated keys collect into
 * arrays for array parameters, the last one wins otherwise. A key without `+` or `%` is its own
 * decoding and is compared where it lies (`startsWith` at its offset): no string per pair, only
 * the values read (issue 15's allocation diet); one with them is decoded and compared whole.
 */
export function emitQueryParse(w: Block, params: readonly { key: string; array: boolean; local: Name }[], c: RouteContext): void {
  const rt = c.rt;
  for (const { array, local: q } of params) w.line(array ? code`const ${q} = [];` : code`let ${q};`);
  w.line(raw('const url = req.url;'), raw('let start = url.indexOf("?") + 1;'));
  w.if(raw('start !== 0')).line(raw('const n = url.length;'));
  w.open(raw('while (start < n)'));
  w.line(raw('let end = url.indexOf("&", start);'), raw('if (end === -1) end = n;'), raw('let eq = url.indexOf("=", start);'), raw('if (eq === -1 || eq > end) eq = end;'));
  w.line(code`const key = ${rt}.encodedQueryKey(url, start, eq);`);
  params.forEach(({ key, array, local: q }, i) => {
    const k = literal(key);
    const cond = code`key === null ? eq - start === ${raw(String(key.length))} && url.startsWith(${k}, start) : key === ${k}`;
    if (i === 0) w.if(cond);
    else w.elseIf(cond);
    const value = code`${rt}.decodeQuery(url.slice(eq + 1, end))`;
    w.line(array ? code`${q}.push(${value});` : code`${q} = ${value};`);
  });
  w.close();
  w.line(raw('start = end + 1;'));
  w.close().close();
}

const RES = raw('res');
const VALUE = raw('value');
const CTX = raw('ctx');

/**
 * The reply function: `(res, value, ctx)`, answering with the handler's value. `code` is null when an earlier route's is the same.
 * With a Context, `ctx.send` writes the answer with what the handler set and then starts its background tasks.
 */
export function emitReply(route: RouteIR, c: RouteContext): { name: Name; code: Code | null } {
  const rt = c.rt;
  const w = new Block();
  if (route.response === null) {
    w.line(
      code`if (ctx === null) res.send(${route.status}, ${c.emptyHeaders}, null);`,
      code`else ctx.send(res, ${rt}.EMPTY_HEADER_PAIRS, ${c.emptyHeaders}, null);`,
    );
  } else if (route.response.kind === 'string' && route.response.mediaType === 'text/plain') {
    // PlainText: the string is the body, as is.
    w.line(
      raw('const text = typeof value === "string" ? value : String(value);'),
      code`if (ctx === null) res.send(${route.status}, ${c.textHeaders}, text);`,
      code`else ctx.send(res, ${rt}.TEXT_HEADER_PAIRS, ${c.textHeaders}, text);`,
    );
  } else {
    const ser = c.serializers.forType(route.response, `${route.id}_response`);
    w.line(
      code`if (ctx === null) res.send(${route.status}, ${c.jsonHeaders}, ${ser}(value));`,
      code`else ctx.send(res, ${rt}.JSON_HEADER_PAIRS, ${c.jsonHeaders}, ${ser}(value));`,
    );
  }
  const body = w.code();
  let made: Code | null = null;
  // Shared: named after what it answers (`reply_200_Todo`, `reply_204_empty`).
  const what = route.response === null ? 'empty' : route.response.kind === 'string' && route.response.mediaType === 'text/plain' ? 'text' : shapeName(route.response);
  const { value: name } = c.scope.shared('reply', body.text, (users) => {
    const name = c.scope.names.fresh(users.length > 1 ? `reply_${route.status}_${what}` : `reply_${route.id}`);
    made = functionDecl(name, [RES, VALUE, CTX], body);
    return name;
  });
  return { name, code: made };
}
