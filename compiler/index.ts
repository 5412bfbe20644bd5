/**
 * The front end: an app folder of TypeScript handler modules → the App IR.
 *
 *   loadApp (project.ts) → checkImports (imports.ts) → findRoutes (routes.ts)
 *   → per route: parsePath (path.ts), bindParams / readResponse (params.ts)
 *   through the type reader (types.ts), its graph of providers and hooks
 *   (providers.ts, hooks.ts) → conflict check → with `typecheck`,
 *   TypeScript's errors in the app's files (typecheck.ts) → AppIR, or null
 *   when there is an error. Warnings come with the IR.
 */

import { IR_VERSION, type AppIR, type RouteIR, type TypeIR, type UnionTypeIR } from '../ir/ir.ts';
import { findDiscriminator, identifierSafe, isWire } from '../ir/queries.ts';
import { diagnosticAt, sortDiagnostics, isError, type Diagnostic } from './diagnostics.ts';
import { loadApp, LoadError, relPath, type LoadedApp } from './project.ts';
export { keepDiagnostics, refreshApp, type LoadedApp } from './project.ts';
import { checkImports } from './imports.ts';
import { reportTypeErrors } from './typecheck.ts';
import { Reporter } from './source.ts';
import { findRoutes, type FoundRoute } from './routes.ts';
import { findConflicts, parsePath } from './path.ts';
import { bindParams, readResponse } from './params.ts';
import { Lifecycle } from './providers.ts';
import { TypeReader } from './types.ts';
import { checkScopes, Security } from './security.ts';

export { formatDiagnostic, type Diagnostic } from './diagnostics.ts';

export interface CompileOptions {
  /** Path to a tsconfig.json; default: `<appDir>/tsconfig.json` when present, else built-in strict defaults. */
  tsconfig?: string;
  /**
   * Also report TypeScript's errors in the app's own files (`covet build` does,
   * unless `--no-typecheck`). Default: false — the IR is read either way, and
   * imports that do not resolve are errors either way.
   */
  typecheck?: boolean;
  /** Called as TypeScript's check starts (for a progress line). */
  onTypecheck?: () => void;
}

export interface CompileResult {
  /** Null when there is any error (warnings do not count). */
  ir: AppIR | null;
  /** Errors and warnings, sorted by file, line, column. */
  diagnostics: Diagnostic[];
  /** Milliseconds spent on TypeScript's errors (0 without `typecheck`); included in the whole compile. */
  typecheckTime: number;
}

export function compileApp(appDir: string, options: CompileOptions = {}): CompileResult {
  const loaded = openApp(appDir, options.tsconfig);
  return 'app' in loaded ? compileLoaded(loaded.app, options) : loaded.failed;
}

/** The app loaded into a ts-morph Project, or the COVET100 that says why it cannot be. */
export function openApp(appDir: string, tsconfig?: string): { app: LoadedApp } | { failed: CompileResult } {
  try {
    return { app: loadApp(appDir, tsconfig) };
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    const d = diagnosticAt('COVET100', 'load', { reason: e.message }, { file: '.', line: 1, column: 1 });
    return { failed: { ir: null, diagnostics: [d], typecheckTime: 0 } };
  }
}

/** compileApp on an app already loaded (`covet dev` keeps one Project and refreshes it: refreshApp). */
export function compileLoaded(app: LoadedApp, options: Omit<CompileOptions, 'tsconfig'> = {}): CompileResult {
  const reporter = new Reporter(app.appDir);
  const reader = new TypeReader(app.checker, app.program, reporter);
  const unresolved = checkImports(app, reporter);
  reader.alreadyReported(unresolved, options.typecheck ?? false);
  const before = reporter.diagnostics.length;
  const found = findRoutes(app.files, reporter);
  // A @route that findRoutes refused has its own error: then the app does have routes, only wrong ones.
  if (found.length === 0 && reporter.diagnostics.length === before) reportNoRoutes(app, reporter);

  const security = new Security(reporter);
  const lifecycle = new Lifecycle(app, reader, reporter, security);
  const routes: (RouteIR & { found: FoundRoute })[] = [];
  const ids = new Set<string>();
  for (const r of found) {
    const { segments, errors } = parsePath(r.path);
    const sf = r.tag.getSourceFile();
    for (const e of errors) {
      const { line, character } = sf.getLineAndCharacterOfPosition(r.pathPos + e.offset);
      reporter.report('COVET107', e.text, { file: r.file, line: line + 1, column: character + 1 }, r.exportName, e.values as never);
    }
    const pathNames = new Set(segments.flatMap((s) => (s.kind === 'static' ? [] : [s.name])));
    const bound = bindParams({ label: r.exportName, fn: r.fn }, pathNames, app.checker, reader, reporter, lifecycle.resolve, security);
    lifecycle.route(r, segments, bound);
    const params = bound.params;
    const { response, async } = readResponse(r, app.checker, reader, reporter);
    const loc = reporter.locate(r.nameNode);
    let id = identifierSafe(r.exportName);
    const base = id;
    for (let n = 2; ids.has(id); n++) id = `${base}_${n}`;
    ids.add(id);
    const route: RouteIR & { found: FoundRoute } = {
      id,
      method: r.method,
      path: r.path,
      segments,
      handler: { exportName: r.exportName, file: loc.file, line: loc.line, column: loc.column, async },
      params,
      status: r.status ?? (response === null ? 204 : 200),
      response,
      tags: r.tags,
      deprecated: r.deprecated,
      throws: r.throws,
      scopes: r.scopes.map((s) => s.scope),
      found: r,
    };
    if (r.summary) route.summary = r.summary;
    if (r.description) route.description = r.description;
    if (errors.length === 0) routes.push(route);
  }

  for (const c of findConflicts(routes)) {
    const { route, earlier } = c;
    const other = earlier.found.exportName;
    if (c.kind === 'duplicate') {
      reporter.report('COVET105', 'duplicate', route.found.tag, route.found.exportName, { method: route.method, path: route.path, other }, earlier.handler);
    } else {
      reporter.report('COVET106', 'ambiguous', route.found.tag, route.found.exportName, { method: route.method, path: route.path, otherPath: earlier.path, other }, earlier.handler);
    }
  }

  const { providers, hooks, lifecycle: lifecycleOf } = lifecycle.finish(found);
  for (const r of routes) {
    const l = lifecycleOf(r.found);
    if (l) r.lifecycle = l;
    const graph = [...r.params, ...(l?.providers ?? []).flatMap((id) => providers[id]?.params ?? [])];
    const schemes = [...new Set(graph.flatMap((p) => (p.kind === 'credential' ? [p.scheme] : [])))].flatMap((n) => security.get(n) ?? []);
    checkScopes(r.found.scopes, schemes, r.found.exportName, r.found.scopesTag, reporter);
  }

  let typecheckTime = 0;
  if (options.typecheck) {
    options.onTypecheck?.();
    const t0 = performance.now();
    // Handlers first: a handler that is also a provider is named as the handler.
    reportTypeErrors(app, reporter, [...found, ...lifecycle.functions()], unresolved);
    typecheckTime = performance.now() - t0;
  }

  const diagnostics = sortDiagnostics(reporter.diagnostics);
  if (diagnostics.some(isError)) return { ir: null, diagnostics, typecheckTime };
  const ir: AppIR = {
    version: IR_VERSION,
    routes: routes.map(({ found: _found, ...rest }) => orderRoute(rest)),
    types: reader.namedTypes(),
    providers,
    hooks,
    securitySchemes: security.all(),
  };
  fillDiscriminators(ir);
  return { ir, diagnostics, typecheckTime };
}

/** COVET122: where covet looked, and what a route looks like. */
function reportNoRoutes(app: LoadedApp, reporter: Reporter): void {
  const names = app.files.map((f) => relPath(app.appDir, f.getFilePath()));
  const skipped = 'subfolders included; node_modules, *.test.ts and .d.ts files skipped';
  const where =
    names.length === 0
      ? `this folder has no .ts files (${skipped})`
      : `covet read the ${names.length === 1 ? '1 .ts file' : `${names.length} .ts files`} of this folder (${skipped}): ${names.slice(0, 5).join(', ')}${names.length > 5 ? `, … (${names.length} in all)` : ''}, and none has an exported function with a @route JSDoc tag`;
  reporter.report('COVET122', 'noRoutes', { file: '.', line: 1, column: 1 }, undefined, { where });
}

/** Fixed key order, so that golden files read the same way for every route. */
function orderRoute(r: RouteIR): RouteIR {
  const out: RouteIR = {
    id: r.id,
    method: r.method,
    path: r.path,
    segments: r.segments,
    handler: r.handler,
    params: r.params,
    status: r.status,
    response: r.response,
    tags: r.tags,
    deprecated: r.deprecated,
    throws: r.throws,
    scopes: r.scopes,
  };
  if (r.summary !== undefined) out.summary = r.summary;
  if (r.description !== undefined) out.description = r.description;
  if (r.lifecycle !== undefined) out.lifecycle = r.lifecycle;
  return out;
}

/**
 * A union read while one of its variants' named types was still being read
 * (recursion through the union) could not be asked for its discriminant then;
 * ask again now that every type is known. The key goes where the reader puts
 * it (after `variants` and `default`), so golden files read the same way.
 */
function fillDiscriminators(ir: AppIR): void {
  const seen = new Set<TypeIR>();
  const visit = (t: TypeIR): void => {
    if (seen.has(t)) return;
    seen.add(t);
    switch (t.kind) {
      case 'array':
        return visit(t.items);
      case 'tuple':
        t.items.forEach(visit);
        if (t.rest) visit(t.rest);
        return;
      case 'object':
        for (const p of t.properties) visit(p.type);
        if (t.additionalProperties) visit(t.additionalProperties);
        return;
      case 'union': {
        t.variants.forEach(visit);
        if (t.discriminator) return;
        const found = findDiscriminator(ir.types, t.variants);
        if (found) placeDiscriminator(t, found);
        return;
      }
      default:
        return;
    }
  };
  for (const nt of Object.values(ir.types)) visit(nt.type);
  for (const r of ir.routes) {
    for (const p of r.params) if (isWire(p)) visit(p.type);
    if (r.response) visit(r.response);
  }
  for (const pr of Object.values(ir.providers)) for (const p of pr.params) if (isWire(p)) visit(p.type);
}

function placeDiscriminator(t: UnionTypeIR, found: NonNullable<UnionTypeIR['discriminator']>): void {
  const rest = Object.entries(t).filter(([k]) => k !== 'kind' && k !== 'variants' && k !== 'default');
  for (const [k] of rest) delete (t as unknown as Record<string, unknown>)[k];
  t.discriminator = found;
  for (const [k, v] of rest) (t as unknown as Record<string, unknown>)[k] = v;
}
