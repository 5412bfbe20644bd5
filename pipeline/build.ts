/**
 * `covet build`: compiler → App IR → codegen → esbuild → dist/server.mjs.
 *
 * The generated module imports `covet:runtime` and `covet:app/<file>`; the
 * esbuild plugin here resolves them, maps the handler-side `covet` package to
 * the runtime's own copy (so `HttpError` is one class), bundles the user's
 * modules and their npm imports, and keeps packages with native addons
 * external (they cannot be bundled).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { compileApp } from '../compiler/index.ts';
import type { Diagnostic } from '../compiler/diagnostics.ts';
import type { AppIR } from '../compiler/ir.ts';
import { emitApp, type EmittedApp, type EngineName } from '../codegen/app/index.ts';
import { openApiDocument } from '../codegen/openapi/index.ts';

import { covetRoot } from '../templates/index.ts';

export { covetRoot };

export function covetVersion(): string {
  return (JSON.parse(readFileSync(path.join(covetRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface BuildOptions {
  appDir: string;
  outDir: string;
  engine?: EngineName;
  tsconfig?: string;
  minify?: boolean;
}

export interface BuildResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  ir: AppIR | null;
  emitted: EmittedApp | null;
  outFile: string | null;
  /** Milliseconds per stage. */
  timings: { compile: number; codegen: number; bundle: number };
  warnings: string[];
}

/** Compiles and generates without bundling (for `covet inspect` and golden tests). */
export function generate(appDir: string, options: { engine?: EngineName; tsconfig?: string } = {}) {
  const t0 = performance.now();
  const { ir, diagnostics } = compileApp(path.resolve(appDir), { tsconfig: options.tsconfig });
  const t1 = performance.now();
  const emitted = ir ? emitApp(ir, { engine: options.engine ?? 'node', version: covetVersion() }) : null;
  const t2 = performance.now();
  return { ir, diagnostics, emitted, timings: { compile: t1 - t0, codegen: t2 - t1 } };
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const appDir = path.resolve(options.appDir);
  const outDir = path.resolve(options.outDir);
  const engine = options.engine ?? 'node';
  const gen = generate(appDir, { engine, tsconfig: options.tsconfig });
  const warnings: string[] = [];
  if (!gen.ir || !gen.emitted) {
    return { ok: false, diagnostics: gen.diagnostics, ir: null, emitted: null, outFile: null, timings: { ...gen.timings, bundle: 0 }, warnings };
  }
  mkdirSync(outDir, { recursive: true });
  // dist/server.mjs is a two-line loader: Node maps stack traces only for modules
  // loaded after source maps are switched on, so it switches them on and then
  // imports the bundle (dist/app.mjs + app.mjs.map), whose frames then point at
  // the user's .ts files.
  const outFile = path.join(outDir, 'server.mjs');
  const bundleFile = path.join(outDir, 'app.mjs');
  const t0 = performance.now();
  const result = await esbuild.build({
    stdin: { contents: gen.emitted.source, resolveDir: appDir, sourcefile: 'covet-generated.js', loader: 'js' },
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
    plugins: [covetPlugin(appDir, outDir)],
  }).catch((err: unknown) => err as esbuild.BuildFailure);
  const t1 = performance.now();
  if ('errors' in result && result.errors.length) {
    const diagnostics: Diagnostic[] = result.errors.map((e) => ({
      id: 'COVET900',
      severity: 'error',
      message: `bundling failed: ${e.text}`,
      file: e.location ? path.relative(appDir, path.resolve(appDir, e.location.file)) : '',
      line: e.location?.line ?? 0,
      column: (e.location?.column ?? 0) + 1,
      hint: 'fix the import or syntax error esbuild reports here',
    }));
    return { ok: false, diagnostics, ir: gen.ir, emitted: gen.emitted, outFile: null, timings: { ...gen.timings, bundle: t1 - t0 }, warnings };
  }
  for (const w of (result as esbuild.BuildResult).warnings ?? []) warnings.push(w.text);
  if (engine === 'native') {
    // dist/ is the whole deployable: the bundle loads the addon from beside itself.
    const addon = nativeAddonPath();
    if (addon === null) {
      return {
        ok: false,
        diagnostics: [{ id: 'COVET901', severity: 'error', message: `the native engine's addon is not built (${NATIVE_ADDON})`, file: '', line: 0, column: 0, hint: 'run `node scripts/setup.mjs`, or build with --engine node' }],
        ir: gen.ir, emitted: gen.emitted, outFile: null, timings: { ...gen.timings, bundle: t1 - t0 }, warnings,
      };
    }
    copyFileSync(addon, path.join(outDir, 'covet_runtime.node'));
  }
  writeFileSync(outFile, LOADER);
  writeFileSync(path.join(outDir, 'openapi.json'), JSON.stringify(openApi(gen.ir, appDir), null, 2) + '\n');
  return { ok: true, diagnostics: gen.diagnostics, ir: gen.ir, emitted: gen.emitted, outFile, timings: { ...gen.timings, bundle: t1 - t0 }, warnings };
}

/** The addon built by scripts/setup.mjs (node-gyp in runtime-min/native). */
export const NATIVE_ADDON = path.join(covetRoot, 'runtime-min', 'native', 'build', 'Release', 'covet_runtime.node');

/** The built addon, or null when it is not built. COVET_NATIVE_ADDON names another build of it (runtime-min/native/asan.sh). */
export function nativeAddonPath(): string | null {
  const addon = process.env.COVET_NATIVE_ADDON || NATIVE_ADDON;
  return existsSync(addon) ? addon : null;
}

const LOADER = `// generated by covet — do not edit. Starts the server bundled in app.mjs.
process.setSourceMapsEnabled(true); // before loading it, so stack traces point at the handlers' .ts files
await import('./app.mjs');
`;

/** The app's OpenAPI document; title and version from the app's package.json when it has one. */
export function openApi(ir: AppIR, appDir: string) {
  let title = path.basename(path.resolve(appDir));
  let version = '0.0.0';
  let description: string | undefined;
  const pkgFile = path.join(appDir, 'package.json');
  if (existsSync(pkgFile)) {
    try {
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name?: string; version?: string; description?: string };
      title = pkg.name ?? title;
      version = pkg.version ?? version;
      description = pkg.description;
    } catch {
      /* an unreadable package.json only loses the title */
    }
  }
  return openApiDocument(ir, { title, version, description });
}

function covetPlugin(appDir: string, outDir: string): esbuild.Plugin {
  const runtimeEntry = path.join(covetRoot, 'runtime-min', 'index.ts');
  const apiEntry = path.join(covetRoot, 'runtime-min', 'api.ts');
  const requireFromApp = createRequire(path.join(appDir, 'noop.js'));
  const requireFromOut = createRequire(path.join(outDir, 'noop.js'));
  return {
    name: 'covet',
    setup(b) {
      b.onResolve({ filter: /^covet:runtime$/ }, () => ({ path: runtimeEntry }));
      b.onResolve({ filter: /^covet:app\// }, (args) => ({ path: path.join(appDir, args.path.slice('covet:app/'.length)) }));
      b.onResolve({ filter: /^covet$/ }, () => ({ path: apiEntry }));
      // Packages with a native addon stay external. If dist/ cannot resolve them
      // from where it is, import them by absolute path instead.
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || args.path.startsWith('covet:')) return undefined;
        const name = packageName(args.path);
        const dir = findPackageDir(name, args.resolveDir || appDir);
        if (!dir || !isNativePackage(dir)) return undefined;
        try {
          requireFromOut.resolve(args.path);
          return { path: args.path, external: true };
        } catch {
          try {
            return { path: requireFromApp.resolve(args.path), external: true };
          } catch {
            return { path: args.path, external: true };
          }
        }
      });
    },
  };
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
