/**
 * `covet/build`: `covet build` as a function, for build scripts and pipelines.
 *
 * ```js
 * import { build, formatDiagnostics } from 'covet/build';
 *
 * const report = await build({ app: 'src', tsconfig: 'tsconfig.json', out: 'dist' });
 * process.stderr.write(formatDiagnostics(report));
 * if (!report.ok) process.exitCode = 1;
 * ```
 *
 * `build` never prints, never exits the process and never sets
 * `process.exitCode`: everything it found is in the report it resolves to. It
 * rejects only when it cannot run at all — options of the wrong type (a
 * `TypeError` naming the option), an output folder it cannot write, a bug in
 * covet — never because the app has errors.
 *
 * This file is the declaration the package ships as `covet/build`'s types
 * (lib/build.d.ts); pipeline/build-api.ts implements it and is type-checked
 * against it.
 */

/**
 * The HTTP engine of the generated server: runtime-min/engine.ts's
 * ENGINE_NAMES (pipeline/build-api.ts fails to type-check when they part).
 */
export type EngineName = 'native' | 'node';

/** The options of `covet build`, by the names of the CLI's flags. */
export interface BuildOptions {
  /** The folder with the handler modules: the CLI's `<app>`. Relative to `cwd`. */
  app: string;
  /** Output folder (`--out`); default `'dist'`. Relative to `cwd`. */
  out?: string;
  /**
   * HTTP engine (`--engine`). Default: `'native'` when its binary loads on this machine,
   * otherwise `'node'`, with a warning (COVET902) in the report.
   */
  engine?: EngineName;
  /**
   * The tsconfig to read the app with (`--tsconfig`). Default:
   * `<app>/tsconfig.json` when there is one, else covet's strict defaults.
   * Relative to `cwd`.
   */
  tsconfig?: string;
  /** Minify the bundle (`--minify`); default `false`. */
  minify?: boolean;
  /**
   * Fail on TypeScript's errors in the app's own files (diagnostics with
   * TypeScript's code, e.g. `TS2322`); default `true`. `false` is
   * `--no-typecheck`: imports that do not resolve (COVET119) still fail.
   */
  typecheck?: boolean;
  /**
   * Serve the OpenAPI document and a Swagger UI page from the built server (default `true`,
   * or covet.config.ts's `docs.enabled`; `false` is `--no-docs`: neither route, no docs code in the bundle, no `<out>/docs/`).
   * `<out>/openapi.json` is written either way.
   */
  docs?: boolean;
  /** The Swagger UI page's path (`--docs-path`); default `'/docs'`. Its assets are below it. */
  docsPath?: string;
  /** The OpenAPI document's path (`--openapi-path`); default `'/openapi.json'`. */
  openapiPath?: string;
  /** The folder relative paths start from; default `process.cwd()`. */
  cwd?: string;
  /** Also write the app's typed TypeScript client to this file (`--client`). Relative to `cwd`. */
  client?: string;
  /**
   * The config file (`--config`). Default: `<app>/covet.config.ts` (or `.mts`, `.js`, `.mjs`)
   * when there is one. The options above win over its engine and docs. Relative to `cwd`.
   */
  config?: string;
}

/** One finding, with a stable id, where it is and what to do about it. */
export interface Diagnostic {
  /**
   * Stable, never renumbered: `COVET1xx` the compiler (the handler modules),
   * `COVET9xx` the build around it (bundling, the engine); `TS` and a number
   * (`TS2322`) TypeScript's own errors in the app's files, under its code.
   */
  id: string;
  /** `'error'`: nothing was built. `'warning'`: built, but look at it. */
  severity: 'error' | 'warning';
  /** The handler's export name, when the finding belongs to one. */
  handler?: string;
  /** What is wrong, naming the thing; starts with `<handler>: ` when there is a handler. */
  message: string;
  /** What to do instead. */
  hint: string;
  /**
   * Relative to the app folder (`report.appDir`), `/` separators; `''` for a
   * finding about the whole build (then `line` and `column` are 0).
   */
  file: string;
  /** 1-based; 0 when there is no file. */
  line: number;
  /** 1-based; 0 when there is no file. */
  column: number;
  /** Where the span ends (1-based, the position just after it), when the finding is about a span: the code frame underlines it. */
  endLine?: number;
  endColumn?: number;
  /**
   * Another place the finding is about, such as the earlier route a duplicate
   * one collides with: what is there, and where (relative to the app folder).
   */
  related?: { message: string; file: string; line: number; column: number };
}

/** One route of the app, as `covet routes` lists it. */
export interface RouteSummary {
  method: string;
  /** The path pattern as written in `@route`, e.g. `/users/:id`. */
  path: string;
  /** The handler's export name. */
  handler: string;
  /** The handler's module, relative to the app folder. */
  file: string;
  line: number;
  /** The status of a successful answer. */
  status: number;
}

export interface BuildReport {
  /** True when there is no error: the server was written. */
  ok: boolean;
  /** Errors and warnings, sorted by file, line and column. Empty when all is well. */
  diagnostics: Diagnostic[];
  /** The engine the server was built for (the resolved default when none was asked for). */
  engine: EngineName;
  /** The app folder, absolute. */
  appDir: string;
  /** The output folder, absolute. */
  outDir: string;
  /** `<outDir>/server.mjs`, absolute: run it with `node`. Null when nothing was built. */
  server: string | null;
  /** The routes found; empty when the app did not compile. */
  routes: RouteSummary[];
  /** How many named types the app's routes use (0 when it did not compile). */
  types: number;
  /** The files in `outDir` after the build and their total bytes (what a deployment copies); null when nothing was built. */
  output: { files: number; bytes: number } | null;
  /**
   * Milliseconds per stage: `compile` (the compiler reading the handlers), `typecheck` (TypeScript's
   * errors; 0 with `typecheck: false`), `codegen` (generating the server's code: the "generate" stage),
   * `bundle` (esbuild and writing `outDir`), and `total`, the whole call.
   */
  timings: { compile: number; typecheck: number; codegen: number; bundle: number; total: number };
}

/** A build's stages, in the order they run. */
export type BuildStage = 'compile' | 'typecheck' | 'generate' | 'bundle';

/** Optional callbacks of a build (they do not change what it does). */
export interface BuildHooks {
  /** Called as each stage starts: `covet build` shows a progress line with it on a terminal. */
  onStage?: (stage: BuildStage) => void;
}

/** Compiles the app, generates its server and bundles it into `out`. Resolves to what happened. */
export function build(options: BuildOptions, hooks?: BuildHooks): Promise<BuildReport>;

/**
 * What `covet build` prints on stderr for this report: each diagnostic as
 * `file:line:column - severity id: message`, a `note:` line for its related
 * place, a `fix:` line, then a code frame (the line, carets under the span,
 * one line of context each side) when its file can be read; files relative to
 * `cwd` (default `process.cwd()`). Ends with `covet: N errors; nothing was
 * built` when it failed. `''` when there is nothing to say.
 * `color` adds ANSI colours (default false; the CLI uses them on a TTY unless
 * NO_COLOR). `frames: false` leaves the code frames out.
 */
export function formatDiagnostics(report: Pick<BuildReport, 'diagnostics' | 'appDir'>, options?: { cwd?: string; color?: boolean; frames?: boolean }): string;

/**
 * The diagnostics as JSON lines (`covet build --json`): one object per line with
 * `id, severity, file, line, column, endLine, endColumn, message, fix, handler, related`;
 * `file` relative to `cwd`, and `null` (with the positions) for a finding about the whole build;
 * `related` is `{ message, file, line, column }` or `null`.
 */
export function formatDiagnosticsJson(report: Pick<BuildReport, 'diagnostics' | 'appDir'>, options?: { cwd?: string }): string;
