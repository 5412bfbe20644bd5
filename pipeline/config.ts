/**
 * Reading `covet.config.ts` at build time: find it (`<app>/covet.config.{ts,mts,js,mjs}`, or the
 * file `--config` names), bundle it with esbuild to one ES module (its `covet` import mapped to
 * this covet's handler API, as the app's are), import that, and check the default export against
 * runtime-min/config.ts's table. A problem is a COVET920/COVET921 diagnostic at the property's
 * line:column when the file's text shows it. The checked config's start options are what the
 * build embeds in the server (startConfig).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { ts } from 'ts-morph';
import { compose, diagnosticAt, didYouMean, makeDiagnostic, type Diagnostic } from '../compiler/diagnostics.ts';
import { headersProblems } from '../codegen/app/cors.ts';
import { DEFAULT_DOCS, docsFiles, docsOptionsProblem, docsPathProblem, type DocsOptions } from '../codegen/app/docs.ts';
import { DEFAULT_HEALTH, healthRoutes, type HealthOptions } from '../codegen/app/health.ts';
import { checkConfig, OPTIONS, valueAt, type CovetConfig, type OptionSpec } from '../runtime-min/config.ts';
import { covetRoot } from '../templates/index.ts';

/** The names a config file may have in the app folder, in the order they are looked for. */
export const CONFIG_FILES = ['covet.config.ts', 'covet.config.mts', 'covet.config.js', 'covet.config.mjs'] as const;

export interface LoadedConfig {
  /** The file read, or null when there is none (then `config` is empty). */
  file: string | null;
  /** The checked config; empty when there were errors. */
  config: CovetConfig;
  diagnostics: Diagnostic[];
}

/** The docs routes a config asks for: undefined when it says nothing of them, false when off. */
export function configDocs(config: CovetConfig): DocsOptions | false | undefined {
  const d = config.docs;
  if (d === undefined) return undefined;
  if (d.enabled === false) return false;
  return { docsPath: d.path ?? DEFAULT_DOCS.docsPath, openapiPath: d.openapiPath ?? DEFAULT_DOCS.openapiPath };
}

/** The health routes a config asks for: undefined when it says nothing of them (the build then serves the defaults). */
export function configHealth(config: CovetConfig): HealthOptions | undefined {
  const h = config.health;
  if (h === undefined) return undefined;
  return { livenessPath: h.livenessPath ?? DEFAULT_HEALTH.livenessPath, readinessPath: h.readinessPath ?? DEFAULT_HEALTH.readinessPath };
}

/** `<app>/covet.config.ts` (or .mts, .js, .mjs), or null. */
export function findConfig(appDir: string): string | null {
  for (const name of CONFIG_FILES) {
    const file = path.join(appDir, name);
    if (existsSync(file)) return file;
  }
  return null;
}

/**
 * The app's config: from `file` when given (relative to `cwd`), else found in the app folder;
 * `false`: none. A file that cannot be read, or a value the table refuses, is a diagnostic.
 */
export async function readConfig(appDir: string, file: string | false | undefined, cwd: string = process.cwd()): Promise<LoadedConfig> {
  if (file === false) return { file: null, config: {}, diagnostics: [] };
  const found = file === undefined ? findConfig(appDir) : path.resolve(cwd, file);
  if (found === null) return { file: null, config: {}, diagnostics: [] };
  const shown = path.relative(appDir, found).split(path.sep).join('/');
  if (!existsSync(found)) return failed(found, [diagnosticAt('COVET920', 'missing', { file: shown })]);
  const loaded = await importConfig(found, appDir, shown);
  if ('diagnostics' in loaded) return failed(found, loaded.diagnostics);
  const problems = checkValues(loaded.value, found, shown);
  return problems.length ? failed(found, problems) : { file: found, config: loaded.value as CovetConfig, diagnostics: [] };
}

function failed(file: string, diagnostics: Diagnostic[]): LoadedConfig {
  return { file, config: {}, diagnostics };
}

/** The file bundled and imported: its default export, or why not. */
async function importConfig(file: string, appDir: string, shown: string): Promise<{ value: unknown } | { diagnostics: Diagnostic[] }> {
  const apiEntry = path.join(covetRoot, 'runtime-min', 'api.ts');
  let text: string;
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      // A bundled CommonJS dependency may call require().
      banner: { js: `import { createRequire as __covet_createRequire } from 'node:module';\nconst require = __covet_createRequire(${JSON.stringify(pathToFileURL(file).href)});` },
      plugins: [{ name: 'covet-config', setup: (b) => void b.onResolve({ filter: /^covet$/ }, () => ({ path: apiEntry })) }],
    });
    text = result.outputFiles[0]!.text;
  } catch (err) {
    const errors = (err as esbuild.BuildFailure).errors ?? [];
    if (!errors.length) return { diagnostics: [diagnosticAt('COVET920', 'load', { file: shown, reason: String(err) })] };
    return {
      diagnostics: errors.map((e) =>
        diagnosticAt('COVET920', 'load', { file: shown, reason: e.text }, e.location
          ? { file: path.relative(appDir, path.resolve(appDir, e.location.file)).split(path.sep).join('/'), line: e.location.line, column: e.location.column + 1 }
          : { file: shown, line: 1, column: 1 }),
      ),
    };
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`)) as { default?: unknown };
  } catch (err) {
    return { diagnostics: [diagnosticAt('COVET920', 'load', { file: shown, reason: `it throws: ${err instanceof Error ? err.message : String(err)}` }, { file: shown, line: 1, column: 1 })] };
  }
  if (!('default' in mod) || mod.default === undefined) return { diagnostics: [diagnosticAt('COVET920', 'noDefault', { file: shown }, { file: shown, line: 1, column: 1 })] };
  return { value: await mod.default };
}

/** The table's problems with a config value, and the docs paths' (codegen/app/docs.ts knows what a usable one is). */
function checkValues(value: unknown, file: string, shown: string): Diagnostic[] {
  const places = propertyPlaces(file);
  const at = (option: string, part: 'name' | 'value') => {
    const p = places.get(option) ?? places.get(option.split('.')[0]!);
    return { file: shown, line: p?.[part].line ?? 1, column: p?.[part].column ?? 1 };
  };
  const out: Diagnostic[] = [];
  for (const p of checkConfig(value, (name, candidates) => didYouMean(name, candidates))) {
    const spec = OPTIONS.find((o) => o.path === p.path);
    if (p.problem === 'is not an option' || !spec) {
      out.push(diagnosticAt('COVET921', 'unknown', { option: p.path || 'the default export', known: p.allowed, ...(p.suggestion ? { suggestion: p.suggestion } : {}) }, at(p.path, 'name')));
    } else {
      out.push(diagnosticAt('COVET921', 'badValue', { option: p.path, problem: p.problem, allowed: p.allowed, got: describe(valueAt(value as CovetConfig, spec.path)), example: example(spec) }, at(p.path, 'value')));
    }
  }
  const config = value as CovetConfig;
  for (const spec of OPTIONS.filter((o) => o.kind.type === 'urlPath')) {
    const v = valueAt(config, spec.path);
    const problem = typeof v === 'string' && v !== '' ? docsPathProblem(v) : null;
    if (problem) out.push(diagnosticAt('COVET921', 'badValue', { option: spec.path, problem: `is not a usable path (${problem})`, allowed: 'a path such as /docs', got: describe(v), example: example(spec) }, at(spec.path, 'value')));
  }
  if (out.length) return out;
  const docs = { docsPath: config.docs?.path ?? '/docs', openapiPath: config.docs?.openapiPath ?? '/openapi.json' };
  const clash = docsOptionsProblem(docs);
  if (clash) out.push(diagnosticAt('COVET921', 'badValue', { option: 'docs.openapiPath', problem: `cannot go with docs.path: ${clash}`, allowed: 'a path apart from the docs page and its assets', got: describe(docs.openapiPath), example: "'/openapi.json'" }, at('docs.openapiPath', 'value')));
  // The health routes' paths: apart from each other and from the docs' (when the docs are on).
  const health = healthRoutes(configHealth(config) ?? DEFAULT_HEALTH);
  const docsPaths = config.docs?.enabled === false ? [] : docsFiles(docs).map((f) => f.path);
  health.forEach((h, i) => {
    const option = h.id === 'liveness' ? 'health.livenessPath' : 'health.readinessPath';
    const other = health.slice(0, i).find((x) => x.path === h.path);
    const problem = other ? `is the path of the ${other.id} route` : docsPaths.includes(h.path) ? 'is a path of the docs (docs.path, docs.openapiPath)' : null;
    if (problem) out.push(diagnosticAt('COVET921', 'badValue', { option, problem, allowed: 'a path of its own', got: describe(h.path), example: h.id === 'liveness' ? "'/healthz'" : "'/readyz'" }, at(option, 'value')));
  });
  for (const p of headersProblems(config)) {
    const { severity, message, hint } = compose(p.id, p.name as never, p.values as never);
    const place = at(p.option, p.id === 'COVET926' ? 'name' : 'value');
    out.push(makeDiagnostic({ id: p.id, severity, message, hint, ...place }));
  }
  return out;
}

/** A value of the option for the fix line. */
function example(spec: OptionSpec): string {
  const k = spec.kind;
  switch (k.type) {
    case 'integer':
      return /^[0-9]+/.exec(spec.default)?.[0] ?? String(k.min);
    case 'workers':
      return "4 or 'auto'";
    case 'enum':
      return `'${k.values[0]}'`;
    case 'boolean':
      return 'false';
    case 'string':
      return `'${spec.default}'`;
    case 'urlPath':
      return `'${spec.default}'`;
    case 'origins':
      return "['https://app.example.com']";
    case 'tokens':
      return k.of === 'methods' ? "['GET', 'POST']" : "['x-request-id']";
    case 'header':
      return k.values ? `'${k.values[0]}'` : `'${spec.default}'`;
    case 'hsts':
      return '{ maxAgeSec: 31536000 }';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  if (value instanceof RegExp) return `the RegExp ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : String(typeof value);
}

type Place = { line: number; column: number };

/**
 * Where each dotted path's property is written in the file (its name and its value, 1-based), read
 * from the text: the default export's object literal, through `defineConfig(…)`, `as`,
 * `satisfies` and a const of the same file. A file written otherwise gives no places.
 */
function propertyPlaces(file: string): Map<string, { name: Place; value: Place }> {
  const places = new Map<string, { name: Place; value: Place }>();
  let source: ts.SourceFile;
  try {
    source = ts.createSourceFile(file, ts.sys.readFile(file) ?? '', ts.ScriptTarget.Latest, true);
  } catch {
    return places;
  }
  const consts = new Map<string, ts.Expression>();
  let root: ts.Expression | undefined;
  for (const st of source.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) consts.set(d.name.text, d.initializer);
    if (ts.isExportAssignment(st) && !st.isExportEquals) root = st.expression;
  }
  const unwrap = (e: ts.Expression | undefined, depth = 0): ts.ObjectLiteralExpression | undefined => {
    if (!e || depth > 8) return undefined;
    if (ts.isObjectLiteralExpression(e)) return e;
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) return unwrap(e.expression, depth + 1);
    if (ts.isCallExpression(e) && e.arguments.length === 1) return unwrap(e.arguments[0], depth + 1);
    if (ts.isIdentifier(e)) return unwrap(consts.get(e.text), depth + 1);
    return undefined;
  };
  const place = (n: ts.Node): Place => {
    const p = source.getLineAndCharacterOfPosition(n.getStart(source));
    return { line: p.line + 1, column: p.character + 1 };
  };
  const walk = (obj: ts.ObjectLiteralExpression, prefix: string) => {
    for (const prop of obj.properties) {
      if (!ts.isPropertyAssignment(prop) && !ts.isShorthandPropertyAssignment(prop)) continue;
      const name = ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name) ? prop.name.text : undefined;
      if (name === undefined) continue;
      const key = prefix + name;
      const value = ts.isPropertyAssignment(prop) ? prop.initializer : prop.name;
      places.set(key, { name: place(prop.name), value: place(value) });
      const inner = ts.isPropertyAssignment(prop) ? unwrap(prop.initializer) : undefined;
      if (inner && prefix === '') walk(inner, `${key}.`);
    }
  };
  const top = unwrap(root);
  if (top) walk(top, '');
  return places;
}
