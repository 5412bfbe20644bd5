/**
 * `covet build`: compiler → App IR → codegen → esbuild → dist/server.mjs.
 *
 * The generated module imports `covet:runtime` and `covet:app/<file>`; the
 * esbuild plugin here resolves them, maps the handler-side `covet` package to
 * the runtime's own copy (so `HttpError` is one class), bundles the user's
 * modules and their npm imports, and keeps packages with native addons
 * external (they cannot be bundled): dist/ imports them by name and lists them,
 * with the versions this build resolved, in dist/package.json.
 *
 * dist/ is relocatable: no file in it names a path of the build machine. Paths
 * inside the app's project (the folder of its package.json) stay relative; a
 * file from elsewhere (covet's runtime linked from outside, an app built into
 * a folder outside its project) is named by where it is within the app, covet,
 * or its package.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { compileLoaded, keepDiagnostics, openApp, refreshApp, type CompileResult, type LoadedApp } from '../compiler/index.ts';
import { compose, diagnosticAt, type Diagnostic } from '../compiler/diagnostics.ts';
import type { AppIR } from '../ir/ir.ts';
import { emitApp, type EmittedApp, type EngineName } from '../codegen/app/index.ts';
import { DEFAULT_DOCS, docsFiles, type DocsOptions } from '../codegen/app/docs.ts';
import { DEFAULT_HEALTH, healthRoutes, type HealthOptions } from '../codegen/app/health.ts';
import { metricsPlan, type MetricsPlan } from '../codegen/app/metrics.ts';
import { AGGREGATE_FILE } from '../runtime-min/cluster-metrics.ts';
import { openApi } from './describe.ts';
import { clientSource } from './client.ts';
import { removeDocs, writeDocs } from './docs.ts';
import { locateBinary, whatToDo } from '../runtime-min/native/binary.mjs';
import { startConfig, type StartConfig } from '../runtime-min/config.ts';
import { configDocs, configHealth, readConfig, type LoadedConfig } from './config.ts';
import { headersPlan, type HeadersPlan } from '../codegen/app/cors.ts';

import { covetRoot, covetVersion } from '../templates/index.ts';

export { covetRoot, covetVersion };

export interface BuildOptions {
  appDir: string;
  outDir: string;
  engine?: EngineName;
  tsconfig?: string;
  minify?: boolean;
  /** Fail on TypeScript's errors in the app's own files (default true; the CLI's `--no-typecheck` sets false). */
  typecheck?: boolean;
  /** Called as each stage starts (the CLI's progress line). */
  onStage?: (stage: BuildStage) => void;
  /** Keeps the ts-morph Project and esbuild's context between builds of one app (`covet dev`). */
  incremental?: Incremental;
  /** Also write the app's typed client (codegen/client) to this file. */
  client?: string;
  /**
   * Serve the OpenAPI document and the Swagger UI page at these paths (default DEFAULT_DOCS:
   * `/openapi.json`, `/docs`); false: neither route, no docs code in the bundle, no dist/docs/.
   */
  docs?: DocsOptions | false;
  /**
   * The config file (pipeline/config.ts); default: the app folder's covet.config.ts, if any; false: none.
   * Its engine and docs apply where `engine` and `docs` are not given; its start options are embedded in the server.
   */
  config?: string | false;
  /** The config, already read (covet/build reads it first to choose the engine). */
  loadedConfig?: LoadedConfig;
}

/** The stages of a build, in order; `typecheck` runs only when asked. */
export type BuildStage = 'compile' | 'typecheck' | 'generate' | 'bundle';

/**
 * What `covet dev` keeps warm between builds of one app: the ts-morph Project
 * (refreshed from disk, so TypeScript reuses what did not change) and an
 * esbuild context whose entry is the generated module of the latest build
 * (rebuilt incrementally). dispose() when done.
 */
export class Incremental {
  app: LoadedApp | null = null;
  /** The esbuild context and what its plugin reads on each rebuild. */
  bundle: { context: esbuild.BuildContext; state: BundleState; key: string } | null = null;
  /** dist/supervisor.mjs is covet's own code: written once per session. */
  supervisorWritten = false;

  /** Forget the Project (a tsconfig changed): the next build loads the app again. */
  reset(): void {
    this.app = null;
  }

  async dispose(): Promise<void> {
    await this.bundle?.context.dispose();
    this.bundle = null;
    this.app = null;
  }
}

/** What the bundling plugin fills in during one build. */
interface BundleState {
  source: string;
  /** covet.config.ts, which `covet:config` is (imported when cors.origins is a function), or null. */
  configFile: string | null;
  externals: Map<string, External>;
  notices: Notice[];
}

export interface BuildResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  ir: AppIR | null;
  emitted: EmittedApp | null;
  outFile: string | null;
  /** Milliseconds per stage; `typecheck` (TypeScript's errors, 0 when off) is not part of `compile`. */
  timings: { compile: number; typecheck: number; codegen: number; bundle: number };
  /** The files in the output folder after a build that succeeded, and their bytes (all of dist/, what a deployment copies). */
  output: { files: number; bytes: number } | null;
  /** esbuild's warnings; the compiler's are in `diagnostics` (severity `warning`). */
  warnings: string[];
  /** Warnings of this stage about the output folder (COVET904, COVET905): built, but look at them. */
  notices: Notice[];
}

/** A warning of the build about dist/: what, and what to do. */
export interface Notice {
  id: `COVET${number}`;
  message: string;
  hint: string;
}

/** A warning of the table as a notice (its severity is warning). */
function notice({ id, message, hint }: { id: `COVET${number}`; message: string; hint: string }): Notice {
  return { id, message, hint };
}

/** Compiles and generates without bundling (for `covet inspect` and golden tests). */
export function generate(
  appDir: string,
  options: { engine?: EngineName; tsconfig?: string; typecheck?: boolean; docs?: DocsOptions | false; health?: HealthOptions; metrics?: MetricsPlan | null; start?: StartConfig; headers?: HeadersPlan; onStage?: (stage: BuildStage) => void; incremental?: Incremental } = {},
) {
  const t0 = performance.now();
  options.onStage?.('compile');
  const compiled = compile(path.resolve(appDir), options);
  const { typecheckTime } = compiled;
  let { ir } = compiled;
  const diagnostics = [...compiled.diagnostics];
  const docs = options.docs || undefined;
  if (ir && docs) {
    const taken = docsConflicts(ir, docs);
    diagnostics.push(...taken);
    if (taken.length) ir = null;
  }
  const health = options.health;
  if (ir && health) {
    const taken = healthConflicts(ir, health);
    diagnostics.push(...taken);
    if (taken.length) ir = null;
  }
  const metrics = options.metrics ?? undefined;
  if (ir && metrics) {
    const taken = metricsConflicts(ir, metrics);
    diagnostics.push(...taken);
    if (taken.length) ir = null;
  }
  const t1 = performance.now();
  if (ir) options.onStage?.('generate');
  const start = options.start as Record<string, number | string> | undefined;
  const emitted = ir ? emitApp(ir, { engine: options.engine ?? 'node', version: covetVersion(), ...(docs ? { docs } : {}), ...(health ? { health } : {}), ...(metrics ? { metrics } : {}), ...(start ? { start } : {}), ...(options.headers ? { headers: options.headers } : {}) }) : null;
  const t2 = performance.now();
  return { ir, diagnostics, emitted, timings: { compile: t1 - t0 - typecheckTime, typecheck: typecheckTime, codegen: t2 - t1 } };
}

function compile(appDir: string, options: { tsconfig?: string; typecheck?: boolean; onStage?: (stage: BuildStage) => void; incremental?: Incremental }): CompileResult {
  const compileOptions = { typecheck: options.typecheck, onTypecheck: () => options.onStage?.('typecheck') };
  const warm = options.incremental;
  if (warm?.app) {
    warm.app = refreshApp(warm.app);
    return compileLoaded(warm.app, compileOptions);
  }
  const loaded = openApp(appDir, options.tsconfig);
  if (!('app' in loaded)) return loaded.failed;
  const app = warm ? keepDiagnostics(loaded.app) : loaded.app;
  if (warm) warm.app = app;
  return compileLoaded(app, compileOptions);
}

/**
 * COVET910: an app route at a path the docs routes answer (any method: the path is the docs').
 * The app's route wins nothing silently; the user moves it, or the docs, or turns the docs off.
 */
function docsConflicts(ir: AppIR, docs: DocsOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const files = docsFiles(docs);
  for (const route of ir.routes) {
    if (!route.segments.every((s) => s.kind === 'static')) continue;
    const p = '/' + route.segments.map((s) => (s as { value: string }).value).join('/');
    const f = files.find((x) => x.path === p);
    if (!f) continue;
    const what = f.id === 'openapi' ? 'the OpenAPI document' : f.id === 'page' ? 'the docs page' : `a docs asset (${f.file})`;
    const d = diagnosticAt('COVET910', 'docsPath', { method: route.method, path: route.path, what }, route.handler);
    out.push({ ...d, handler: route.handler.exportName, message: `${route.handler.exportName}: ${d.message}` });
  }
  return out;
}

/**
 * COVET911: an app route at the path of a health route (liveness, readiness), whatever its method.
 * The user moves the route, or the health route (health.livenessPath, health.readinessPath), or
 * turns it off (false).
 */
function healthConflicts(ir: AppIR, health: HealthOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const routes = healthRoutes(health);
  for (const route of ir.routes) {
    if (!route.segments.every((s) => s.kind === 'static')) continue;
    const p = '/' + route.segments.map((s) => (s as { value: string }).value).join('/');
    const h = routes.find((x) => x.path === p);
    if (!h) continue;
    const option = h.id === 'liveness' ? 'health.livenessPath' : 'health.readinessPath';
    const d = diagnosticAt('COVET911', 'healthPath', { method: route.method, path: route.path, what: h.id, option }, route.handler);
    out.push({ ...d, handler: route.handler.exportName, message: `${route.handler.exportName}: ${d.message}` });
  }
  return out;
}

/** COVET911: an app route at the metrics path (any method: the path is the metrics'). */
function metricsConflicts(ir: AppIR, metrics: MetricsPlan): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const route of ir.routes) {
    if (!route.segments.every((s) => s.kind === 'static')) continue;
    const p = '/' + route.segments.map((s) => (s as { value: string }).value).join('/');
    if (p !== metrics.path) continue;
    const d = diagnosticAt('COVET911', 'metricsPath', { method: route.method, path: route.path }, route.handler);
    out.push({ ...d, handler: route.handler.exportName, message: `${route.handler.exportName}: ${d.message}` });
  }
  return out;
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const appDir = path.resolve(options.appDir);
  const outDir = path.resolve(options.outDir);
  const warnings: string[] = [];
  const notices: Notice[] = [];
  const loaded = options.loadedConfig ?? (await readConfig(appDir, options.config));
  if (loaded.diagnostics.length) {
    return { ok: false, diagnostics: loaded.diagnostics, ir: null, emitted: null, outFile: null, timings: { compile: 0, typecheck: 0, codegen: 0, bundle: 0 }, output: null, warnings, notices };
  }
  const engine = options.engine ?? loaded.config.engine ?? 'node';
  const docs = options.docs ?? configDocs(loaded.config) ?? DEFAULT_DOCS;
  const health = configHealth(loaded.config) ?? DEFAULT_HEALTH;
  const start = startConfig(loaded.config);
  const headers = headersPlan(loaded.config);
  const metrics = metricsPlan(loaded.config.metrics);
  const gen = generate(appDir, { engine, tsconfig: options.tsconfig, typecheck: options.typecheck ?? true, docs, health, metrics, start, headers, onStage: options.onStage, incremental: options.incremental });
  if (!gen.ir || !gen.emitted) {
    return { ok: false, diagnostics: gen.diagnostics, ir: null, emitted: null, outFile: null, timings: { ...gen.timings, bundle: 0 }, output: null, warnings, notices };
  }
  options.onStage?.('bundle');
  mkdirSync(outDir, { recursive: true });
  // dist/server.mjs is a small loader. Node maps stack traces only for modules
  // loaded after source maps are switched on, so it switches them on and then
  // imports the bundle (dist/app.mjs + app.mjs.map), whose frames then point at
  // the user's .ts files. Asked for workers, it runs dist/supervisor.mjs instead
  // (the command line and the supervisor, bundled apart from the app so that
  // the supervisor process never evaluates the user's modules).
  const outFile = path.join(outDir, 'server.mjs');
  const bundleFile = path.join(outDir, 'app.mjs');
  const places = projectPlaces(appDir, outDir);
  const externals = new Map<string, External>();
  const t0 = performance.now();
  const supervisorFile = path.join(outDir, 'supervisor.mjs');
  const warm = options.incremental;
  const supervisor = warm?.supervisorWritten && existsSync(supervisorFile) ? null : esbuild.build({
    absWorkingDir: places.project,
    metafile: true,
    entryPoints: [path.join(covetRoot, 'runtime-min', 'supervisor.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: supervisorFile,
    minify: options.minify ?? false,
    legalComments: 'none',
    logLevel: 'silent',
    banner: { js: '// generated by covet — do not edit. The supervisor of --workers, run by server.mjs; it loads none of the app.' },
  });
  // With metrics on, the supervisor's part of them (prom-client's AggregatorRegistry) in a file of its own.
  const aggregateFile = path.join(outDir, AGGREGATE_FILE);
  const aggregate = metrics === null ? null : esbuild.build({
    absWorkingDir: places.project,
    metafile: true,
    entryPoints: [path.join(covetRoot, 'runtime-min', 'metrics-aggregate.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: aggregateFile,
    minify: options.minify ?? false,
    legalComments: 'none',
    logLevel: 'silent',
    banner: { js: "// generated by covet — do not edit. What the supervisor of --workers sums the workers' metrics with.\nimport { createRequire as __covet_createRequire } from 'node:module';\nconst require = __covet_createRequire(import.meta.url);" },
  });
  if (aggregate === null) rmSync(aggregateFile, { force: true });
  const appOptions = (plugin: esbuild.Plugin): esbuild.BuildOptions => ({
    absWorkingDir: places.project,
    metafile: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundleFile,
    sourcemap: 'linked',
    sourcesContent: true,
    minify: options.minify ?? false,
    legalComments: 'none',
    logLevel: 'silent',
    banner: {
      // Bundled CommonJS dependencies may call require(); give them one.
      js: "import { createRequire as __covet_createRequire } from 'node:module';\nconst require = __covet_createRequire(import.meta.url);",
    },
    plugins: [plugin],
  });
  let result: esbuild.BuildResult | esbuild.BuildFailure;
  if (warm) {
    // One esbuild context per app, output and minify setting: its entry is the generated
    // module of this build (the plugin serves it), the rest esbuild rereads only when changed.
    const key = JSON.stringify([appDir, bundleFile, options.minify ?? false, loaded.file]);
    if (warm.bundle?.key !== key) {
      await warm.bundle?.context.dispose();
      const state: BundleState = { source: '', externals: new Map(), notices: [], configFile: loaded.file };
      const context = await esbuild.context({ ...appOptions(covetPlugin(appDir, state, true)), entryPoints: [GENERATED_ENTRY] });
      warm.bundle = { context, state, key };
    }
    const { context, state } = warm.bundle!;
    state.source = gen.emitted.source;
    state.externals = externals;
    state.notices = notices;
    result = await context.rebuild().catch((err: unknown) => err as esbuild.BuildFailure);
  } else {
    const state: BundleState = { source: gen.emitted.source, externals, notices, configFile: loaded.file };
    result = await esbuild.build({
      ...appOptions(covetPlugin(appDir, state, false)),
      stdin: { contents: gen.emitted.source, resolveDir: appDir, sourcefile: 'covet-generated.js', loader: 'js' },
    }).catch((err: unknown) => err as esbuild.BuildFailure);
  }
  if (aggregate) relocate(aggregateFile, (await aggregate).metafile, places);
  if (supervisor) {
    relocate(supervisorFile, (await supervisor).metafile, places); // covet's own code: a failure here is covet's bug, thrown as is
    if (warm) warm.supervisorWritten = true;
  }
  const t1 = performance.now();
  if ('errors' in result && result.errors.length) {
    const diagnostics: Diagnostic[] = result.errors.map((e) =>
      diagnosticAt('COVET900', 'bundle', { text: e.text }, {
        file: e.location ? path.relative(appDir, path.resolve(appDir, e.location.file)) : '',
        line: e.location?.line ?? 0,
        column: (e.location?.column ?? 0) + 1,
      }),
    );
    return { ok: false, diagnostics: [...gen.diagnostics, ...diagnostics], ir: gen.ir, emitted: gen.emitted, outFile: null, timings: { ...gen.timings, bundle: t1 - t0 }, output: null, warnings, notices };
  }
  for (const w of (result as esbuild.BuildResult).warnings ?? []) warnings.push(w.text);
  relocate(bundleFile, (result as esbuild.BuildResult).metafile!, places);
  if (engine === 'native') {
    // dist/ is the whole deployable: the bundle loads the addon from beside itself.
    const addon = findNativeAddon();
    if (addon.file === null) {
      return {
        ok: false,
        diagnostics: [diagnosticAt('COVET901', 'noNative', { reason: addon.reason, remedy: nativeRemedy() })],
        ir: gen.ir, emitted: gen.emitted, outFile: null, timings: { ...gen.timings, bundle: t1 - t0 }, output: null, warnings, notices,
      };
    }
    // Copied beside and renamed over: a server still running from this folder (covet dev's, until
    // it restarts) has the old file mapped, and overwriting a mapped library in place can crash it.
    const addonFile = path.join(outDir, 'covet_runtime.node');
    copyFileSync(addon.file, `${addonFile}.tmp`);
    renameSync(`${addonFile}.tmp`, addonFile);
  }
  writeDistPackage(outDir, places, externals, notices);
  writeFileSync(outFile, loader(engine, [...externals.keys()], start));
  const document = openApi(gen.ir, appDir);
  writeFileSync(path.join(outDir, 'openapi.json'), JSON.stringify(document, null, 2) + '\n');
  if (options.client) {
    mkdirSync(path.dirname(options.client), { recursive: true });
    writeFileSync(options.client, clientSource(gen.ir, appDir));
  }
  if (docs) writeDocs(outDir, docs, String((document.info as { title?: unknown }).title ?? 'API'));
  else removeDocs(outDir);
  return { ok: true, diagnostics: gen.diagnostics, ir: gen.ir, emitted: gen.emitted, outFile, timings: { ...gen.timings, bundle: t1 - t0 }, output: folderSize(outDir), warnings, notices };
}

/** The files under a folder and their bytes. */
function folderSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return { files, bytes };
}

/** The entry of an incremental bundle: the generated module, served by the plugin. */
const GENERATED_ENTRY = 'covet:generated';

/** The native engine's folder: binding.gyp, the C sources, prebuilds/ (the binaries the package ships), build/ (a local build). */
export const NATIVE_DIR = path.join(covetRoot, 'runtime-min', 'native');

/** The addon as a local build makes it (scripts/setup.mjs, node-gyp in runtime-min/native). */
export const NATIVE_ADDON = path.join(NATIVE_DIR, 'build', 'Release', 'covet_runtime.node');

export type NativeAddon = { file: string; reason?: undefined } | { file: null; reason: string };

let located: { key: string; found: NativeAddon } | null = null;

/**
 * The native engine's binary for this machine, checked to load here: a local build, else the
 * prebuilt one shipped in the package (node-gyp-build's rules, runtime-min/native/binary.mjs);
 * or why there is none. COVET_NATIVE_ADDON names another build of it (runtime-min/native/asan.sh).
 */
export function findNativeAddon(): NativeAddon {
  const override = process.env.COVET_NATIVE_ADDON || '';
  if (located?.key !== override) {
    const found: NativeAddon = override
      ? existsSync(override) ? { file: override } : { file: null, reason: `COVET_NATIVE_ADDON names ${override}, which does not exist` }
      : locateBinary(NATIVE_DIR);
    located = { key: override, found };
  }
  return located.found;
}

/** The native engine's binary for this machine, or null (findNativeAddon says why). */
export function nativeAddonPath(): string | null {
  return findNativeAddon().file;
}

/**
 * What a user without the native engine can do, as one clause. In a project that depends on
 * covet: build it (with what this machine lacks for that), then `npm rebuild covet`; in a
 * checkout of covet's own repository, its setup script.
 */
export function nativeRemedy(): string {
  return whatToDo(undefined, existsSync(path.join(covetRoot, '.git')) ? 'node scripts/setup.mjs' : 'npm rebuild covet');
}


/**
 * dist/server.mjs. Without a mention of workers (no argument starting with
 * `--workers`, no COVET_WORKERS) it imports app.mjs at once: a lone server
 * pays nothing for the supervisor. Otherwise supervisor.mjs reads the command
 * line and either supervises (app.mjs is then loaded by the workers alone,
 * each running this file again) or says that this process is to serve.
 */
function loader(engine: EngineName, externals: readonly string[], start: StartConfig): string {
  const load = externals.length === 0
    ? `if (!supervising) await import('./app.mjs');\n`
    : `// app.mjs imports packages that cannot be bundled (${externals.join(', ')}): package.json lists them.
const external = new Set(${JSON.stringify(externals)});
if (!supervising) {
  await import('./app.mjs').catch((err) => {
    const missing = err?.code === 'ERR_MODULE_NOT_FOUND' && /^Cannot find package '([^']+)'/.exec(err.message);
    if (!missing || !external.has(missing[1])) throw err;
    const dir = decodeURIComponent(new URL('.', import.meta.url).pathname);
    process.stderr.write(\`covet: the server needs the package \${missing[1]}, which is not installed beside it: run npm install --omit=dev in \${dir} (package.json there lists what to install)\\n\`);
    process.exit(1);
  });
}
`;
  // covet.config.ts's start options, which app.mjs has too: the supervisor reads them (workers, port, host, grace) without loading app.mjs.
  const configured = Object.keys(start).length ? `const config = ${JSON.stringify(start)}; // from covet.config.ts\n` : '';
  const workers = start.workers !== undefined && start.workers !== 1
    ? 'true; // server.workers in covet.config.ts: supervisor.mjs decides (the environment or a flag may still say 1)'
    : "!!process.env.COVET_WORKERS || process.argv.slice(2).some((arg) => arg.startsWith('--workers'));";
  return `// generated by covet — do not edit. Starts the server bundled in app.mjs, or, asked for workers,
// their supervisor (supervisor.mjs), which never loads app.mjs: each worker runs this file again.
process.setSourceMapsEnabled(true); // before loading app.mjs, so stack traces point at the handlers' .ts files
${configured}const askedForWorkers = ${workers}
const supervising = askedForWorkers && (await (await import('./supervisor.mjs')).superviseIfAsked({ engine: ${JSON.stringify(engine)}, server: import.meta.url${Object.keys(start).length ? ', config' : ''} }));
${load}`;
}

/** A package that dist/ imports by name: the version this build resolved, and where. */
interface External {
  version: string;
  dir: string;
}

function covetPlugin(appDir: string, state: BundleState, servesEntry: boolean): esbuild.Plugin {
  const runtimeEntry = path.join(covetRoot, 'runtime-min', 'index.ts');
  const apiEntry = path.join(covetRoot, 'runtime-min', 'api.ts');
  return {
    name: 'covet',
    setup(b) {
      if (servesEntry) {
        b.onResolve({ filter: /^covet:generated$/ }, () => ({ path: 'covet-generated.js', namespace: 'covet-generated' }));
        b.onLoad({ filter: /.*/, namespace: 'covet-generated' }, () => ({ contents: state.source, resolveDir: appDir, loader: 'js' }));
      }
      b.onResolve({ filter: /^covet:runtime$/ }, () => ({ path: runtimeEntry }));
      b.onResolve({ filter: /^covet:docs$/ }, () => ({ path: path.join(covetRoot, 'runtime-min', 'docs.ts') }));
      b.onResolve({ filter: /^covet:health$/ }, () => ({ path: path.join(covetRoot, 'runtime-min', 'health.ts') }));
      b.onResolve({ filter: /^covet:cors$/ }, () => ({ path: path.join(covetRoot, 'runtime-min', 'cors.ts') }));
      b.onResolve({ filter: /^covet:metrics$/ }, () => ({ path: path.join(covetRoot, 'runtime-min', 'metrics.ts') }));
      b.onResolve({ filter: /^covet:config$/ }, () =>
        state.configFile ? { path: state.configFile } : { errors: [{ text: 'the server imports covet.config.ts (cors.origins is a function), but the build read none' }] },
      );
      b.onResolve({ filter: /^covet:app\// }, (args) => ({ path: path.join(appDir, args.path.slice('covet:app/'.length)) }));
      b.onResolve({ filter: /^covet$/ }, () => ({ path: apiEntry }));
      // Packages with a native addon stay external, imported by name; dist/package.json lists them.
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || args.path.startsWith('covet:')) return undefined;
        const name = packageName(args.path);
        const dir = findPackageDir(name, args.resolveDir || appDir);
        if (!dir || !isNativePackage(dir)) return undefined;
        const version = packageVersion(dir);
        const { externals, notices } = state;
        const seen = externals.get(name);
        if (seen === undefined) externals.set(name, { version, dir });
        else if (seen.version !== version && seen.dir !== dir) {
          notices.push(notice(compose('COVET905', 'twoVersions', { name, first: seen.version, firstDir: seen.dir, second: version, secondDir: dir })));
        }
        return { path: args.path, external: true };
      });
    },
  };
}

function packageVersion(dir: string): string {
  const version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
  return typeof version === 'string' && version !== '' ? version : '*';
}

/**
 * dist/package.json: ESM, a start script, and the packages dist/ imports by name at the versions
 * this build resolved, so that `npm install --omit=dev` in a copy of dist/ is the whole deployment.
 * Those packages carry native addons, whose install step builds or checks them; npm versions that
 * run dependencies' install scripts only when allowed (`allowScripts`) are allowed exactly these
 * versions, unless the app's project denies one.
 */
function writeDistPackage(outDir: string, places: Places, externals: Map<string, External>, notices: Notice[]): void {
  // The app's package.json, else its project's (not when that project is covet's own repository, as for its fixtures).
  const app = readPackage(places.app) ?? (places.project !== covetRoot ? readPackage(places.project) : null) ?? {};
  const name = npmName(typeof app.name === 'string' ? app.name : path.basename(places.app));
  const sorted = [...externals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const projectPolicy = (readPackage(places.project)?.allowScripts ?? {}) as Record<string, unknown>;
  const allowScripts: Record<string, boolean> = {};
  for (const [n, e] of sorted) {
    if (!hasInstallScript(e.dir)) continue;
    const denied = Object.entries(projectPolicy).some(([key, v]) => v === false && (key === n || key.startsWith(`${n}@`)));
    allowScripts[`${n}@${e.version}`] = !denied;
  }
  const pkg = {
    name: `${name}-server`,
    version: typeof app.version === 'string' ? app.version : '0.0.0',
    private: true,
    description: `The server of ${name}, built by covet: npm install --omit=dev here, then npm start`,
    type: 'module',
    scripts: { start: 'node server.mjs' },
    engines: { node: '>=20' },
    dependencies: Object.fromEntries(sorted.map(([n, e]) => [n, e.version])),
    ...(Object.keys(allowScripts).length ? { allowScripts } : {}),
  };
  writeFileSync(path.join(outDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  const unresolved = [...externals.keys()].filter((n) => findPackageDir(n, outDir) === null);
  if (unresolved.length) {
    const rel = path.relative(process.cwd(), outDir);
    const where = rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? outDir : rel;
    notices.push(notice(compose('COVET904', 'notInstalled', { names: unresolved, where, listing: path.join(where, 'package.json') })));
  }
}

function readPackage(dir: string): Record<string, unknown> | null {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return null;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return pkg !== null && typeof pkg === 'object' && !Array.isArray(pkg) ? (pkg as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** npm runs an install step for it: an install script of its own, or node-gyp's default when it has a binding.gyp. */
function hasInstallScript(dir: string): boolean {
  const scripts = (readPackage(dir)?.scripts ?? {}) as Record<string, unknown>;
  return ['preinstall', 'install', 'postinstall'].some((k) => typeof scripts[k] === 'string') || existsSync(path.join(dir, 'binding.gyp'));
}

/** A valid npm package name made from an app's name or folder: lower case, scope dropped. */
function npmName(name: string): string {
  const bare = name.replace(/^@[^/]*\//, '').toLowerCase().replace(/[^a-z0-9._~-]+/g, '-').replace(/^[._-]+|-+$/g, '');
  return bare === '' ? 'app' : bare;
}

/** The folders a build's output names its sources against. */
interface Places {
  /** The app's project: the nearest folder at or above the app holding a package.json (else the app folder). */
  project: string;
  app: string;
  out: string;
}

function projectPlaces(appDir: string, outDir: string): Places {
  let dir = appDir;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) break;
    const parent = path.dirname(dir);
    if (parent === dir) {
      dir = appDir;
      break;
    }
    dir = parent;
  }
  return { project: dir, app: appDir, out: outDir };
}

function inside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A source file outside the project, named by where it is within the app, covet, or its package. */
function sourceName(file: string, places: Places): string {
  const slash = (p: string) => p.split(path.sep).join('/');
  if (inside(places.app, file)) return slash(path.relative(places.app, file));
  if (inside(covetRoot, file)) return `covet/${slash(path.relative(covetRoot, file))}`;
  const parts = file.split(path.sep);
  const nm = parts.lastIndexOf('node_modules');
  if (nm >= 0) return parts.slice(nm).join('/');
  return path.basename(file);
}

/**
 * Makes a bundle (and its source map) name no path of the build machine. esbuild names each input
 * relative to the project (absWorkingDir) in a `// file` comment, and relative to dist/ in the
 * map: both stay when they stay within the project; any other is replaced by its sourceName.
 */
function relocate(bundleFile: string, metafile: esbuild.Metafile, places: Places): void {
  const renamed = new Map<string, string>();
  for (const input of Object.keys(metafile.inputs)) {
    const file = path.resolve(places.project, input);
    if (!inside(places.project, file)) renamed.set(input, sourceName(file, places));
  }
  if (renamed.size) {
    const code = readFileSync(bundleFile, 'utf8').split('\n');
    for (let i = 0; i < code.length; i++) {
      const line = code[i]!;
      if (line.startsWith('// ')) {
        const to = renamed.get(line.slice(3));
        if (to !== undefined) code[i] = `// ${to}`;
      }
    }
    writeFileSync(bundleFile, code.join('\n'));
  }
  const mapFile = `${bundleFile}.map`;
  if (!existsSync(mapFile)) return;
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
  const outInProject = inside(places.project, places.out);
  const files = map.sources.map((source) => path.resolve(places.out, source));
  map.sources = map.sources.map((source, i) => (outInProject && inside(places.project, files[i]!) ? source : sourceName(files[i]!, places)));
  // The map carries the text of the app's own files only (the code frame of an uncaught error).
  // Node parses the whole map as the server starts and keeps it: the text of every bundled package
  // (2.5 MB of bench/apps/covet's 3.6 MB map) cost 13 MB of RSS for as long as the server ran, and
  // grew the young generation to 16 MB before the first request (issue 15). Frames are mapped from
  // `mappings`, which stays whole.
  if (map.sourcesContent) map.sourcesContent = map.sourcesContent.map((text, i) => (inside(places.app, files[i]!) ? text : null));
  writeFileSync(mapFile, JSON.stringify(map));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function findPackageDir(name: string, from: string): string | null {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

const nativeCache = new Map<string, boolean>();

/** A package that builds or ships a `.node` addon. */
function isNativePackage(dir: string): boolean {
  const cached = nativeCache.get(dir);
  if (cached !== undefined) return cached;
  let native = existsSync(path.join(dir, 'binding.gyp'));
  if (!native) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      const deps = { ...(pkg.dependencies as object), ...(pkg.optionalDependencies as object) } as Record<string, string>;
      native = pkg.gypfile === true || 'node-gyp-build' in deps || 'bindings' in deps || 'prebuild-install' in deps;
      if (!native) native = existsSync(path.join(dir, 'build')) && statSync(path.join(dir, 'build')).isDirectory() && existsSync(path.join(dir, 'build', 'Release'));
    } catch {
      native = false;
    }
  }
  nativeCache.set(dir, native);
  return native;
}
