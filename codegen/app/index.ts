/**
 * The whole generated server module: imports of the user's handlers,
 * serializers, validators, one dispatch function per route, the router and
 * the entry, framed by `templates/server.hbs`.
 *
 * Imports use two virtual specifiers that the build resolves, so the
 * generated text does not depend on where the app or covet live (golden
 * files stay stable): `covet:runtime` and `covet:app/<file relative to the app>`.
 */
import Handlebars from 'handlebars';
import { readTemplate } from '../../templates/index.ts';
import type { AppIR, RouteIR } from '../../ir/ir.ts';
import { Block, code, comment, functionDecl, isIdentifier, join, literal, Name, NameTable, raw, type Code } from '../code.ts';
import { declaration, Scope, type Declaration, type Survey } from '../scope.ts';
import { credentialHeader, routeCredentials, routeInputs } from '../../ir/queries.ts';
import { AuthGen } from './credentials.ts';
import { emitRouter } from '../router/index.ts';
import { SerializerGen } from '../serialize/index.ts';
import { ValidatorGen } from '../validate/index.ts';
import { emitRoute } from './route.ts';
import { emitLifecycleRoute } from './lifecycle.ts';
import { docsFiles, emitFixedMatcher, type DocsOptions } from './docs.ts';
import { healthRoutes, type HealthOptions } from './health.ts';
import type { CorsPlan, HeadersPlan } from './cors.ts';

/** The engine a server is generated for: runtime-min/engine.ts names them. */
export type { EngineName } from '../../runtime-min/engine.ts';
import type { EngineName } from '../../runtime-min/engine.ts';

export interface EmitOptions {
  engine: EngineName;
  /** Covet's version, written in the header. */
  version: string;
  /** Serve the OpenAPI document and the Swagger UI page (codegen/app/docs.ts) at these paths; absent: no docs routes. */
  docs?: DocsOptions;
  /** Serve liveness and readiness (codegen/app/health.ts) at these paths; absent: no health routes. */
  health?: HealthOptions;
  /** The start options of covet.config.ts (runtime-min/config.ts), passed to `serve()`; absent or empty: none, and the line is as before. */
  start?: Record<string, number | string>;
  /**
   * The security headers and CORS of covet.config.ts (codegen/app/cors.ts's headersPlan): the
   * engine's fixed headers, and CORS's per-request part. Absent, or no fixed header and no CORS:
   * the module is as without them (no byte of CORS code, the engine made as before).
   */
  headers?: HeadersPlan;
}

export interface EmittedApp {
  /** The generated module's source text. */
  source: string;
  /** Request header names the generated code reads (the engine's hint). */
  headerNames: string[];
  /** Route id → the names of its dispatch and reply functions (for `covet inspect`). */
  routeFunctions: Record<string, { route: string; reply: string }>;
  /** The module's top-level declarations in source order, each with the names it uses (for `covet inspect`). */
  declarations: Declaration[];
  /** The router's declaration name. */
  router: string;
}

let frames: { server: Handlebars.TemplateDelegate; header: Handlebars.TemplateDelegate } | null = null;

function loadFrames() {
  if (frames) return frames;
  const compile = (file: string) =>
    Handlebars.compile(readTemplate(file), { noEscape: true, strict: true, knownHelpersOnly: true });
  frames = { server: compile('server.hbs'), header: compile('header.hbs') };
  return frames;
}

/** Names the generated module reserves; user-derived names are numbered around them. */
const RESERVED = ['__covet_rt', '__covet_docs', '__covet_health', '__covet_cors_rt', '__covet_cors', '__covet_config', '__covet_engine', '__covet_match', '__covet_handle', '__covet_H_json', '__covet_H_empty', '__covet_H_text', 'req', 'res'];

/**
 * The module, generated twice: the first pass only surveys how many users
 * each shared function gets, so that the second can name a shared one after
 * what it is and one with a single user after that user (see codegen/scope.ts).
 * Both passes make the same things in the same order; only names differ.
 */
export function emitApp(ir: AppIR, options: EmitOptions): EmittedApp {
  const survey = generate(ir, options, null).scope.survey();
  const { app, scope } = generate(ir, options, survey);
  if (JSON.stringify(scope.survey()) !== JSON.stringify(survey)) {
    throw new Error('covet internal error: the second codegen pass shared functions differently from the first');
  }
  return app;
}

function generate(ir: AppIR, options: EmitOptions, forecast: Survey | null): { app: EmittedApp; scope: Scope } {
  const names = new NameTable(RESERVED);
  const rt = new Name('__covet_rt');
  const jsonHeaders = new Name('__covet_H_json');
  const emptyHeaders = new Name('__covet_H_empty');
  const textHeaders = new Name('__covet_H_text');
  const usesText = ir.routes.some((r) => r.response?.kind === 'string' && r.response.mediaType === 'text/plain');

  // Handler imports, grouped per file, in route order.
  const byFile = new Map<string, { exportName: string; local: Name }[]>();
  const handlerOf = new Map<string, Name>();
  for (const route of ir.routes) {
    const list = byFile.get(route.handler.file) ?? [];
    let entry = list.find((e) => e.exportName === route.handler.exportName);
    if (!entry) {
      entry = { exportName: route.handler.exportName, local: names.fresh(`${route.handler.exportName}_handler`) };
      list.push(entry);
      byFile.set(route.handler.file, list);
    }
    handlerOf.set(route.id, entry.local);
  }
  // Providers and hooks the routes' lifecycles use, imported the same way (`<export>_provider`, `<export>_hook`).
  const used = { providers: new Set<string>(), hooks: new Set<string>() };
  for (const route of ir.routes) {
    for (const id of route.lifecycle?.providers ?? []) used.providers.add(id);
    for (const id of [...(route.lifecycle?.onResponse ?? []), ...(route.lifecycle?.onError ?? [])]) used.hooks.add(id);
  }
  const providerFns = new Map<string, Name>();
  const hookFns = new Map<string, Name>();
  const importFn = (fn: { exportName: string; file: string }, suffix: string): Name => {
    const list = byFile.get(fn.file) ?? [];
    const local = names.fresh(`${fn.exportName}_${suffix}`);
    list.push({ exportName: fn.exportName, local });
    byFile.set(fn.file, list);
    return local;
  };
  for (const id of Object.keys(ir.providers ?? {}).sort()) if (used.providers.has(id)) providerFns.set(id, importFn(ir.providers[id]!.fn, 'provider'));
  for (const id of Object.keys(ir.hooks ?? {}).sort()) if (used.hooks.has(id)) hookFns.set(id, importFn(ir.hooks[id]!.fn, 'hook'));
  const imports = [...byFile.entries()].map(([file, list]) => {
    const specifiers = list.map((e) => code`${isIdentifier(e.exportName) ? raw(e.exportName) : literal(e.exportName)} as ${e.local}`);
    return code`import { ${join(specifiers, ', ')} } from ${literal(`covet:app/${file}`)};`;
  });
  const docs = options.docs ? docsFiles(options.docs) : [];
  const docsNs = new Name('__covet_docs');
  if (docs.length) imports.push(code`import * as ${docsNs} from "covet:docs";`);
  const health = options.health ? healthRoutes(options.health) : [];
  const healthNs = new Name('__covet_health');
  if (health.length) imports.push(code`import * as ${healthNs} from "covet:health";`);
  const corsPlan = options.headers?.cors ?? null;
  const corsRt = new Name('__covet_cors_rt');
  const cors = new Name('__covet_cors');
  const configNs = new Name('__covet_config');
  if (corsPlan) imports.push(code`import * as ${corsRt} from "covet:cors";`);
  if (corsPlan?.origins.kind === 'function') imports.push(code`import ${configNs} from "covet:config";`);

  const scope = new Scope(names, forecast);
  const validators = new ValidatorGen(ir.types, scope);
  const serializers = new SerializerGen(ir.types, scope);

  const auth = new AuthGen(ir.securitySchemes ?? {}, names, rt);
  const routeFns = new Map<string, Name>();
  const routeFunctions: EmittedApp['routeFunctions'] = {};
  const routeDecls: Declaration[] = [
    declaration(jsonHeaders, code`const ${jsonHeaders} = ${rt}.prepareHeaders(${rt}.JSON_HEADER_PAIRS);`),
    declaration(emptyHeaders, code`const ${emptyHeaders} = ${rt}.prepareHeaders(${rt}.EMPTY_HEADER_PAIRS);`),
  ];
  if (corsPlan) routeDecls.push(declaration(cors, emitCorsPolicy(cors, corsRt, configNs, corsPlan)));
  if (usesText) routeDecls.push(declaration(textHeaders, code`const ${textHeaders} = ${rt}.prepareHeaders(${rt}.TEXT_HEADER_PAIRS);`));
  for (const route of ir.routes) {
    const routeFn = names.fresh(`route_${route.id}`);
    routeFns.set(route.id, routeFn);
    const context = {
      validators,
      serializers,
      scope,
      handler: handlerOf.get(route.id)!,
      routeFn,
      rt,
      jsonHeaders,
      emptyHeaders,
      textHeaders,
      auth,
    };
    const emitted = route.lifecycle
      ? emitLifecycleRoute(route, route.lifecycle, context, { providers: ir.providers, hooks: ir.hooks, providerFns, hookFns })
      : emitRoute(route, context);
    routeFunctions[route.id] = { route: routeFn.text, reply: emitted.replyFn.text };
    routeDecls.push(...auth.take(), ...emitted.declarations);
  }

  // The docs routes: one prepared answer each, and their matcher, which the router calls.
  const docsFns = docs.map((f) => names.fresh(`__covet_docs_${f.id}`));
  docs.forEach((f, i) => {
    const fn = docsFns[i]!;
    routeDecls.push(declaration(fn, code`const ${fn} = ${docsNs}.file(${literal(f.file)}, ${literal(f.contentType)}, ${literal(f.cacheControl)});`));
  });
  // The server's own routes (docs, health): one matcher, which the router calls before the app's patterns.
  const fixed = [...docs.map((f, i) => ({ path: f.path, fn: code`${docsFns[i]!}` })), ...health.map((h) => ({ path: h.path, fn: code`${healthNs}.${raw(h.answer)}` }))];
  const docsMatch = fixed.length ? names.fresh('__covet_builtin_match') : undefined;
  if (docsMatch) routeDecls.push(declaration(docsMatch, emitFixedMatcher(fixed, docsMatch, code`${rt}.methodNotAllowed`)));

  const match = new Name('__covet_match');
  const router = emitRouter(ir.routes, {
    name: match,
    routeFns,
    ...(docsMatch ? { fixed: docsMatch } : {}),
    notFound: code`${rt}.notFound`,
    // With CORS, a preflight is answered where the router knows the path's methods.
    methodNotAllowed: corsPlan ? code`${cors}.notAllowed` : code`${rt}.methodNotAllowed`,
    badRequest: code`${rt}.badRequest`,
    ...(corsPlan ? { preflight: code`${cors}.preflight` } : {}),
  });

  const headerNames = collectHeaderNames(ir, corsPlan !== null);
  const handle = new Block();
  // An allowed origin's answers, whatever they are (errors and 404s too), carry its CORS headers.
  if (corsPlan && corsPlan.origins.kind !== 'any') handle.line(code`res = ${cors}.response(req, res);`);
  handle.line(raw('const url = req.url;'), raw('const q = url.indexOf("?");'));
  handle.open(raw('try')).line(code`${match}(req.method, q === -1 ? url : url.slice(0, q), req, res);`);
  handle.reopenWith(raw('} catch (err) {')).line(code`${rt}.internalError(res, err);`).close();
  const handleName = new Name('__covet_handle');
  const entry = declaration(handleName, functionDecl(handleName, [raw('req'), raw('res')], handle));
  const start = options.start && Object.keys(options.start).length ? code`, config: ${literal(options.start)}` : code``;
  const serve = code`${rt}.serve(__covet_engine, ${handleName}, { headerNames: ${literal(headerNames)}${start} });`;
  const serializerDecls = serializers.declarations();
  const validatorDecls = validators.declarations();
  const routerDecl = declaration(match, router);

  const { server, header } = loadFrames();
  const summary = `${ir.routes.length} route${ir.routes.length === 1 ? '' : 's'}, ${Object.keys(ir.types).length} named type${
    Object.keys(ir.types).length === 1 ? '' : 's'
  }, engine ${options.engine}`;
  const source = server({
    header: header({ version: options.version, summary }).trimEnd(),
    imports: join(imports).text,
    engine: join([literal(options.engine), ...(options.headers?.fixed.length ? [code`{ headers: ${literal(options.headers.fixed)} }`] : [])], ', ').text,
    serializers: texts(serializerDecls),
    validators: texts(validatorDecls),
    routes: texts(routeDecls),
    router: router.text,
    entry: join([entry.code, serve], '\n\n').text,
  });
  const declarations = [...serializerDecls, ...validatorDecls, ...routeDecls, routerDecl, entry];
  return { app: { source, headerNames, routeFunctions, declarations, router: match.text }, scope };
}

function texts(decls: readonly Declaration[]): string {
  return join(decls.map((d) => d.code), '\n\n').text;
}

/** `const NAME = corsRt.corsPolicy({ … })`: runtime-min/cors.ts's CorsOptions from the plan. */
function emitCorsPolicy(name: Name, corsRt: Name, configNs: Name, plan: CorsPlan): Code {
  const o = plan.origins;
  const origins =
    o.kind === 'any' ? literal('*') : o.kind === 'list' ? literal(o.list) : o.kind === 'regexp' ? code`new RegExp(${literal(o.source)}, ${literal(o.flags)})` : code`${configNs}.cors.origins`;
  const fields = [
    code`origins: ${origins}`,
    code`credentials: ${literal(plan.credentials)}`,
    code`exposeHeaders: ${literal(plan.exposeHeaders)}`,
    code`allowHeaders: ${literal(plan.allowHeaders)}`,
    code`methods: ${literal(plan.methods)}`,
    code`maxAgeSec: ${literal(plan.maxAgeSec)}`,
  ];
  const decl = code`const ${name} = ${corsRt}.corsPolicy({ ${join(fields, ', ')} });`;
  return o.kind === 'function' ? join([comment('origins: the function of covet.config.ts, which the server imports for it'), decl]) : decl;
}

function collectHeaderNames(ir: AppIR, cors: boolean): string[] {
  const set = new Set<string>(cors ? ['origin', 'access-control-request-method', 'access-control-request-headers'] : []);
  for (const r of ir.routes) {
    for (const p of routeInputs(ir, r)) {
      if (p.kind === 'header') set.add(p.key);
      else if (p.kind === 'cookie') set.add('cookie');
      else if (p.kind === 'body') set.add('content-type');
    }
    for (const p of routeCredentials(ir, r)) {
      const scheme = ir.securitySchemes?.[p.scheme];
      const header = scheme ? credentialHeader(scheme) : null;
      if (header !== null) set.add(header);
    }
  }
  return [...set].sort();
}
