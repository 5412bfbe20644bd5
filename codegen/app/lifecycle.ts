/**
 * The dispatch of a route with a lifecycle (providers, hooks): straight-line code for exactly its
 * graph, in LIFECYCLE.md's run order. One local per provider value; a `try` level per provider
 * with a cleanup, so that its cleanup runs after everything that ran while it was held (on a
 * failure too, which it sees); the answer after every cleanup; the onResponse hooks after the
 * answer. `await` only where something is async: an all-sync graph stays a sync function.
 *
 * Failures travel as one `failure` local (a runtime-min/lifecycle.ts `Failure`, made only when
 * something fails) and the 422 of a provider's or the handler's inputs is thrown like any
 * HttpError, so that the cleanups and onError hooks see it as FastAPI's do.
 */
import type { HandlerIR, LifecycleIR, ParamIR, ProviderIR, RouteIR, ScalarParamIR, AppIR } from '../../ir/ir.ts';
import { Block, code, comment, functionDecl, join, literal, NameTable, raw, type Code, type Name } from '../code.ts';
import { declaration, type Declaration } from '../scope.ts';
import { emitParamReads, emitQueryParse, emitReply, readOrder, routeComment, routeLabel, type EmittedRoute, type RouteContext } from './route.ts';
import { isWire, routeCredentials } from '../../ir/queries.ts';
import { credentialInput } from './credentials.ts';

export interface LifecycleContext {
  providers: AppIR['providers'];
  hooks: AppIR['hooks'];
  /** Import bindings of providers and hooks, by id. */
  providerFns: ReadonlyMap<string, Name>;
  hookFns: ReadonlyMap<string, Name>;
}

/** Locals of a lifecycle dispatch, besides route.ts's: parameter and provider names are numbered around them. */
const RESERVED_LOCALS = [
  'req', 'res', 'errs', 'url', 'qi', 'qs', 'start', 'end', 'eq', 'result', 'cookies', 'value', 'err',
  'ctx', 'failure', 'at', 'answer', 't0', 'info', 'mapped', 'status', 'performance', 'Symbol',
];

/**
 * Module-level names a local could shadow are the generated ones (`validate_…`, `reply_…`, the
 * imports' `…_handler`/`…_provider`/`…_hook`, `__covet_…`): a user's name shaped like one gets a `$`,
 * which no module-level name starts with.
 */
function localBase(name: string): string {
  return /^(validate|serialize|reply|route|__covet)_|_(handler|provider|hook)$/.test(name) ? `$${name}` : name;
}

/** `currentUser (auth.ts:3)`: how logs name a provider or hook. */
function where(fn: HandlerIR): string {
  return `${fn.exportName} (${fn.file}:${fn.line})`;
}

/** `// provider currentUser  ←  auth.ts:3` */
function callComment(what: string, fn: HandlerIR): Code {
  return comment(`${what} ${fn.exportName}  \u2190  ${fn.file}:${fn.line}`);
}

export function emitLifecycleRoute(route: RouteIR, lc: LifecycleIR, c: RouteContext, l: LifecycleContext): EmittedRoute {
  const rt = c.rt;
  const label = routeLabel(route);
  const reply = emitReply(route, c);
  const locals = new NameTable(RESERVED_LOCALS);
  const fresh = (base: string) => locals.fresh(localBase(base));

  const providers = lc.providers.map((id) => {
    const p = l.providers[id];
    if (!p) throw new Error(`covet internal error: route ${route.id} resolves unknown provider ${id}`);
    return p;
  });
  const onResponse = lc.onResponse.map((id) => l.hooks[id]!);
  const onError = lc.onError.map((id) => l.hooks[id]!);
  const allParams: ParamIR[] = [...route.params, ...providers.flatMap((p) => p.params)];

  // A context only when something takes one: a handler's, provider's or hook's `Ctx` parameter.
  const hasCtx = allParams.some((p) => p.kind === 'ctx') || [...onResponse, ...onError].some((h) => h.params.some((hp) => hp.kind === 'ctx'));
  const timed = onResponse.length > 0;
  const isAsync =
    route.handler.async || providers.some((p) => p.fn.async || p.dispose === 'async') || onError.some((h) => h.fn.async);
  const wait = (call: Code, async: boolean) => (async ? code`await ${call}` : call);
  const tracksAt = providers.length > 0 || onError.length > 0;

  // Path segments are the function's parameters, as in a plain route.
  const pathParams = route.segments.filter((s) => s.kind !== 'static').map((s) => (s as { name: string }).name);
  const pathRaw = new Map<string, Name>(pathParams.map((n) => [n, fresh(`path_${n}`)]));

  // Every query key the graph reads is parsed in one pass; a key read twice has one raw local.
  const queryRaw = new Map<string, { key: string; array: boolean; local: Name }>();
  const queryKey = (p: ScalarParamIR) => `${p.type.kind === 'array' ? 'a' : 's'}:${p.key}`;
  const credentials = routeCredentials(l, route).map((p) => ({ p, s: c.auth.ir(p.scheme) }));
  for (const { p, s } of credentials) {
    if (s.type === 'apiKey' && s.in === 'query' && !queryRaw.has(`s:${s.name}`)) queryRaw.set(`s:${s.name}`, { key: s.name, array: false, local: fresh(`${p.name}_q`) });
  }
  for (const { p } of readOrder([...route.params, ...providers.flatMap((pr) => pr.params)])) {
    if (p.kind !== 'query' || queryRaw.has(queryKey(p))) continue;
    queryRaw.set(queryKey(p), { key: p.key, array: p.type.kind === 'array', local: fresh(`${p.name}_q`) });
  }
  let bodyJson: Name | null = null;
  const inputs = {
    pathRaw,
    query: (p: ScalarParamIR) => queryRaw.get(queryKey(p))!.local,
    // The body is parsed once, by its first reader; a malformed one throws the 400/415 (cleanups see it).
    body: (w: Block, p: { name: string; media?: 'form' }) => {
      if (bodyJson === null) {
        const form = p.media === 'form';
        bodyJson = fresh(`${p.name}_${form ? 'form' : 'json'}`);
        w.line(form ? code`const ${bodyJson} = ${rt}.parseFormBody(req);` : code`const ${bodyJson} = ${rt}.parseJsonBody(req);`);
      }
      return bodyJson;
    },
  };

  const w = new Block();
  if (timed) w.line(code`const t0 = performance.now();`);
  if (hasCtx) w.line(code`const ctx = new ${rt}.Context(req, ${route.status}, ${label});`);
  if (allParams.some(isWire)) w.line(code`const errs = [];`);
  if (tracksAt) w.line(code`let at = null;`);
  w.line(raw('let failure = null;'), raw('let result;'));
  const answers = providers.some((p) => p.answers);
  if (answers) w.line(raw('let answer;'));

  // The `try` levels: level 0 guards everything; each provider with a cleanup opens one more,
  // which guards what runs while its value is held. A level that an early Answer leaves is labelled.
  const cleans = (p: ProviderIR) => p.form === 'generator' || p.dispose !== undefined;
  const labelled = new Set<number>();
  {
    let level = 0;
    for (const p of providers) {
      // A provider with a cleanup answers from inside its own level, so that its cleanup still runs.
      if (cleans(p)) level++;
      if (p.answers) labelled.add(level);
    }
  }
  const levels: { label: Name | null; cleanup: Code | null }[] = [];
  const openLevel = (cleanup: Code | null, labelBase: string) => {
    const label = labelled.has(levels.length) ? fresh(labelBase) : null;
    levels.push({ label, cleanup });
    w.open(label ? code`${label}: try` : raw('try'));
  };
  openLevel(null, 'run');

  if (queryRaw.size) emitQueryParse(w, [...queryRaw.values()], c);
  if (allParams.some((p) => p.kind === 'cookie') || credentials.some(({ s }) => s.type === 'apiKey' && s.in === 'cookie')) {
    w.line(code`const cookies = ${rt}.parseCookies(req.header("cookie"));`);
  }

  // The graph's credentials, each once, before anything else of the route: a missing or malformed
  // required one throws its 401 (which the onError hooks see, as any failure).
  const credentialLocals = new Map<string, Name>();
  for (const { p, s } of credentials) {
    const local = fresh(p.name);
    credentialLocals.set(p.scheme, local);
    const scheme = c.auth.scheme(p.scheme);
    const input = credentialInput(s, (key) => queryRaw.get(`s:${key}`)!.local);
    w.line(p.required ? code`const ${local} = ${rt}.requireCredential(${scheme}, ${input});` : code`const ${local} = ${scheme}.read(${input});`);
  }

  const values = new Map<string, Name>();
  // A provider whose value nobody asks for (an effect-only onRequest hook) is called as a statement.
  const consumed = new Set(allParams.flatMap((p) => (p.kind === 'dep' ? [p.provider] : [])));
  const argsOf = (params: readonly ParamIR[], owner: string): Name[] => {
    const names = params.map((p) =>
      p.kind === 'ctx' ? raw('ctx') : p.kind === 'dep' ? values.get(p.provider)! : p.kind === 'credential' ? credentialLocals.get(p.scheme)! : p.kind === 'scopes' ? c.auth.scopes(route) : fresh(p.name),
    ) as Name[];
    if (params.some((p) => p.kind === 'dep' && !values.has(p.provider))) {
      throw new Error(`covet internal error: ${owner} needs a provider resolved after it`);
    }
    emitParamReads(w, params, names, owner, c, inputs);
    if (params.some(isWire)) w.if(raw('errs.length !== 0')).line(code`throw ${rt}.invalidInput(errs);`).close();
    return names;
  };

  for (const p of providers) {
    const fnName = l.providerFns.get(p.id)!;
    w.line(callComment(lc.onRequest.includes(p.id) ? 'onRequest hook' : 'provider', p.fn));
    const args = argsOf(p.params, p.id);
    const value = fresh(p.id);
    values.set(p.id, value);
    const call = code`${fnName}(${join(args, ', ')})`;
    w.line(code`at = ${where(p.fn)};`);
    let cleanup: Code | null = null;
    if (p.form === 'generator') {
      const gen = fresh(`${p.id}_gen`);
      w.line(code`const ${gen} = ${call};`, code`const ${value} = ${rt}.yielded(${wait(code`${gen}.next()`, p.fn.async)});`);
      cleanup = code`failure = ${wait(code`${p.fn.async ? code`${rt}.resumeAsync` : code`${rt}.resume`}(${gen}, failure, ${where(p.fn)})`, p.fn.async)};`;
    } else if (!consumed.has(p.id) && !p.answers && p.dispose === undefined) {
      w.line(code`${wait(call, p.fn.async)};`);
    } else {
      w.line(code`const ${value} = ${wait(call, p.fn.async)};`);
      if (p.dispose !== undefined) {
        const async = p.dispose === 'async';
        cleanup = code`failure = ${wait(code`${async ? code`${rt}.disposeAsync` : code`${rt}.dispose`}(${value}, failure, ${where(p.fn)})`, async)};`;
      }
    }
    if (cleanup) {
      w.line(comment(`${p.fn.exportName} is held from here: its cleanup runs after this level, on a failure too`));
      openLevel(join([callComment('cleanup of', p.fn), cleanup]), `with_${p.id}`);
    }
    if (p.answers) {
      const level = levels[levels.length - 1]!;
      w.if(code`${value} instanceof ${rt}.Answer`).line(code`answer = ${value};`, code`break ${level.label!};`).close();
    }
  }

  w.line(callComment('handler', route.handler));
  if (tracksAt && providers.length) w.line(raw('at = null;'));
  const handlerArgs = argsOf(route.params, route.id);
  w.line(code`result = ${wait(code`${c.handler}(${join(handlerArgs, ', ')})`, route.handler.async)};`);

  // Close the levels, innermost first: each catch records the failure, then the held provider's cleanup.
  for (let i = levels.length - 1; i >= 0; i--) {
    w.reopenWith(raw('} catch (err) {'));
    w.line(code`failure = new ${rt}.Failure(err, ${tracksAt ? raw('at') : raw('null')});`).close();
    const cleanup = levels[i]!.cleanup;
    if (cleanup) w.line(cleanup);
  }

  // The answer, after every cleanup.
  const ctxArg = hasCtx ? raw('ctx') : raw('null');
  const setStatus = (expr: Code) => (timed ? code`status = ${expr};` : code`${expr};`);
  if (timed) w.line(raw('let status;'));
  w.if(raw('failure === null'));
  if (answers) w.if(raw('answer !== undefined')).line(setStatus(code`${rt}.sendAnswer(res, answer, ${ctxArg}, ${label})`)).else();
  w.open(raw('try'));
  w.line(code`${reply.name}(res, result, ${ctxArg});`);
  if (timed) w.line(code`status = ${hasCtx ? raw('ctx.status') : literal(route.status)};`);
  w.reopenWith(raw('} catch (err) {')).line(code`failure = new ${rt}.Failure(err, null);`).close();
  if (answers) w.close();
  w.close();

  w.if(raw('failure !== null'));
  if (onError.length) {
    w.line(raw('let mapped;'));
    w.open(raw('try'));
    onError.forEach((h, i) => {
      const args = h.params.map((hp) => (hp.kind === 'ctx' ? raw('ctx') : hp.kind === 'error' ? raw('failure.error') : raw('undefined')));
      const call = wait(code`${l.hookFns.get(h.id)!}(${join(args, ', ')})`, h.fn.async);
      w.line(callComment('onError hook', h.fn), code`at = ${where(h.fn)};`);
      // The first hook that maps the failure (an Answer or an HttpError) gives the answer.
      w.line(i === 0 ? code`mapped = ${call};` : code`if (!${rt}.maps(mapped)) mapped = ${call};`);
    });
    w.reopenWith(raw('} catch (err) {'));
    w.line(code`failure = new ${rt}.Failure(err, at);`, raw('mapped = undefined;')).close();
    w.line(setStatus(code`${rt}.answerFailure(res, failure, mapped, ${ctxArg}, ${label})`));
  } else {
    w.line(setStatus(code`${rt}.answerFailure(res, failure, undefined, ${ctxArg}, ${label})`));
  }
  w.close();

  // onResponse hooks: after the answer; their errors are logged only, an async one's unawaited.
  const extra: Declaration[] = [];
  if (timed) {
    w.line(
      code`const info = { status, durationMs: performance.now() - t0, route: ${`${route.method} ${route.path}`}, method: req.method, error: failure === null ? undefined : failure.error };`,
    );
    for (const h of onResponse) {
      const args = h.params.map((hp) => (hp.kind === 'ctx' ? raw('ctx') : hp.kind === 'info' ? raw('info') : raw('undefined')));
      const call = code`${l.hookFns.get(h.id)!}(${join(args, ', ')})`;
      w.line(callComment('onResponse hook', h.fn));
      w.open(raw('try'));
      if (h.fn.async) {
        const logger = c.scope.names.fresh(`${c.routeFn.text}_${h.id}_rejected`);
        extra.push(declaration(logger, code`const ${logger} = ${rt}.rejectionLogger(${label}, ${where(h.fn)});`));
        w.line(code`${rt}.watch(${call}, ${logger});`);
      } else {
        w.line(code`${call};`);
      }
      w.reopenWith(raw('} catch (err) {')).line(code`${rt}.hookFailed(err, ${label}, ${where(h.fn)});`).close();
    }
  }

  const params = [raw('req'), raw('res'), ...pathParams.map((n) => pathRaw.get(n)!)];
  const fn = functionDecl(c.routeFn, params, w);
  const decl = declaration(c.routeFn, join([routeComment(route), isAsync ? code`async ${fn}` : fn]));
  return { declarations: [...extra, decl, ...(reply.code ? [declaration(reply.name, reply.code)] : [])], replyFn: reply.name };
}
