/**
 * `covet/build` (bundled into lib/build.mjs): the public, programmatic
 * `covet build`. The CLI's build command is this function plus printing, so
 * the two take the same options and decide the same defaults.
 *
 * The public types are declared once, in covet-build.d.ts (shipped as
 * lib/build.d.ts); every export here is typed by its declaration there, so
 * `npm run typecheck` fails when the two part.
 */
import path from 'node:path';
import { diagnosticAt, didYouMean, sortDiagnostics } from '../compiler/diagnostics.ts';
import { diagnosticsJsonLines, printDiagnostics } from './print.ts';
import type * as Public from './covet-build.d.ts';
import { ENGINE_NAMES, type EngineName } from '../runtime-min/engine.ts';
import { build as buildApp, findNativeAddon, nativeAddonPath, nativeRemedy, type Incremental } from './build.ts';
import { DEFAULT_DOCS, docsOptionsProblem, type DocsOptions } from '../codegen/app/docs.ts';
import type { CovetConfig } from '../runtime-min/config.ts';
import { readConfig } from './config.ts';

type Diagnostic = Public.Diagnostic;

/** Each option and the type its value must have (`undefined` always means "the default"). */
const OPTION_TYPES: Record<keyof Public.BuildOptions, 'string' | 'boolean'> = {
  app: 'string',
  out: 'string',
  engine: 'string',
  tsconfig: 'string',
  minify: 'boolean',
  typecheck: 'boolean',
  docs: 'boolean',
  docsPath: 'string',
  openapiPath: 'string',
  cwd: 'string',
  client: 'string',
  config: 'string',
};
const ENGINES: readonly Public.EngineName[] = [...ENGINE_NAMES].sort();

/**
 * The shipped declaration spells the engine union out rather than importing
 * it from runtime-min/engine.ts: an import would put covet's runtime source
 * (and node:http's types) under the build script's compiler options. This
 * makes `npm run typecheck` fail when the two spellings part.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const engineNamesAgree: Same<Public.EngineName, EngineName> = true;
void engineNamesAgree;

export const build: typeof Public.build = (options, hooks) => buildReport(options, hooks);

/** build(), and what `covet dev` keeps warm between builds (pipeline/dev.ts). */
export async function buildReport(options: Public.BuildOptions, hooks: Public.BuildHooks & { incremental?: Incremental; engine?: EngineName } = {}): Promise<Public.BuildReport> {
  const started = performance.now();
  checkOptions(options);
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const appDir = path.resolve(cwd, options.app);
  const outDir = path.resolve(cwd, options.out ?? 'dist');
  const diagnostics: Diagnostic[] = [];
  // covet.config.ts: the options given here (the CLI's flags) win over it.
  const loaded = await readConfig(appDir, options.config, cwd);
  if (loaded.diagnostics.length) {
    return {
      ok: false, diagnostics: sortDiagnostics(loaded.diagnostics), engine: options.engine ?? loaded.config.engine ?? 'node', appDir, outDir, server: null, routes: [], types: 0, output: null,
      timings: { compile: 0, typecheck: 0, codegen: 0, bundle: 0, total: performance.now() - started },
    };
  }
  const config = loaded.config;
  // `hooks.engine`: covet dev's choice, made once, when neither the options nor the config name one.
  let engine = options.engine ?? config.engine ?? hooks.engine;
  if (engine === undefined) {
    engine = nativeAddonPath() !== null ? 'native' : 'node';
    if (engine === 'node') diagnostics.push(nodeEngineFallback());
  }
  const result = await buildApp({
    appDir,
    outDir,
    engine,
    tsconfig: options.tsconfig === undefined ? undefined : path.resolve(cwd, options.tsconfig),
    minify: options.minify ?? false,
    typecheck: options.typecheck ?? true,
    client: options.client === undefined ? undefined : path.resolve(cwd, options.client),
    docs: docsOf(options, config),
    loadedConfig: loaded,
    onStage: hooks.onStage,
    incremental: hooks.incremental,
  });
  diagnostics.push(...result.diagnostics);
  for (const n of result.notices) diagnostics.push({ ...n, severity: 'warning', file: '', line: 0, column: 0 });
  for (const text of result.warnings) {
    diagnostics.push(diagnosticAt('COVET903', 'bundlerWarning', { text }));
  }
  const routes: Public.RouteSummary[] = (result.ir?.routes ?? []).map((r) => ({
    method: r.method,
    path: r.path,
    handler: r.handler.exportName,
    file: r.handler.file,
    line: r.handler.line,
    status: r.status,
  }));
  return {
    ok: result.ok,
    diagnostics: sortDiagnostics(diagnostics),
    engine,
    appDir,
    outDir,
    server: result.ok ? result.outFile : null,
    routes,
    types: result.ir ? Object.keys(result.ir.types).length : 0,
    output: result.ok ? result.output : null,
    timings: { ...result.timings, total: performance.now() - started },
  };
}

export const formatDiagnostics: typeof Public.formatDiagnostics = (report, options = {}) => {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  let text = printDiagnostics(report.diagnostics, { appDir: report.appDir, cwd, color: options.color ?? false, frames: options.frames ?? true });
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) text += `covet: ${errors} error${errors === 1 ? '' : 's'}; nothing was built\n`;
  return text;
};

export const formatDiagnosticsJson: typeof Public.formatDiagnosticsJson = (report, options = {}) =>
  diagnosticsJsonLines(report.diagnostics, { appDir: report.appDir, cwd: path.resolve(options.cwd ?? process.cwd()) });

/** No engine asked for and no native engine here: the build goes on with the node engine, and says once why and what to do. */
function nodeEngineFallback(): Diagnostic {
  return diagnosticAt('COVET902', 'nodeFallback', { reason: findNativeAddon().reason ?? 'unknown reason', remedy: nativeRemedy() });
}

/** The docs routes' paths, or false for none (`docs: false`); an option given wins over covet.config.ts's. */
function docsOf(options: Public.BuildOptions, config: CovetConfig = {}): DocsOptions | false {
  if (options.docs === false || (options.docs === undefined && config.docs?.enabled === false)) return false;
  return {
    docsPath: options.docsPath ?? config.docs?.path ?? DEFAULT_DOCS.docsPath,
    openapiPath: options.openapiPath ?? config.docs?.openapiPath ?? DEFAULT_DOCS.openapiPath,
  };
}

/** Options of the wrong type are the caller's bug: a TypeError that names the option, before anything is read or written. */
function checkOptions(options: unknown): asserts options is Public.BuildOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`covet/build: build() takes an options object, e.g. build({ app: 'src' }); got ${describe(options)}`);
  const known = Object.keys(OPTION_TYPES);
  for (const [key, value] of Object.entries(options)) {
    const type = OPTION_TYPES[key as keyof Public.BuildOptions];
    if (type === undefined) {
      const close = didYouMean(key, known);
      throw new TypeError(`covet/build: unknown option ${key}${close ? ` — did you mean ${close}?` : ''}; the options are ${known.join(', ')}`);
    }
    if (value !== undefined && typeof value !== type) throw new TypeError(`covet/build: option ${key} must be a ${type}, got ${describe(value)}`);
  }
  const { app, engine } = options as Partial<Public.BuildOptions>;
  if (app === undefined || app === '') throw new TypeError("covet/build: option app is required: the folder with the handler modules, e.g. build({ app: 'src' })");
  if (engine !== undefined && !ENGINES.includes(engine)) throw new TypeError(`covet/build: option engine must be ${ENGINES.map((e) => `'${e}'`).join(' or ')}, got ${describe(engine)}`);
  const docs = docsOf(options as Public.BuildOptions);
  const problem = docs && docsOptionsProblem(docs);
  if (problem) throw new TypeError(`covet/build: ${problem}`);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
