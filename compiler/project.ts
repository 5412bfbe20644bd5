/**
 * Loading an app folder into a ts-morph Project: the user's tsconfig (or a
 * default), the app's modules, and `'covet'` always resolving to this
 * package's handler API.
 */

import { readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, relative, sep } from 'node:path';
import { Project, ts, type SourceFile } from 'ts-morph';
import { covetRoot } from '../templates/index.ts';

/** The covet package root, found the same way from source and from the bundled CLI (lib/). */
export const COVET_ROOT = covetRoot;
/** The module `'covet'` resolves to when type checking an app. */
export const COVET_API = join(COVET_ROOT, 'runtime-min', 'api.ts');

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  resolveJsonModule: true,
  // No DOM: parsing lib.dom.d.ts alone costs more than reading a whole app.
  lib: ['lib.esnext.d.ts'],
};

/**
 * Node's types, for an app without a tsconfig whose folder resolves
 * @types/node: its handlers run on Node, and TypeScript 6 includes no @types
 * package unless told (`process.env` and `Buffer` would be type errors). The
 * package's own folder is the type root, so it is found from the app, not
 * from where covet runs. Without @types/node, TypeScript's error says to
 * install it.
 */
function nodeTypesFor(root: string): ts.CompilerOptions {
  let pkg: string;
  try {
    pkg = createRequire(join(root, 'package.json')).resolve('@types/node/package.json');
  } catch {
    return {};
  }
  return { types: ['node'], typeRoots: [dirname(dirname(pkg))] };
}

export interface LoadedApp {
  project: Project;
  appDir: string;
  /** The app's own modules, sorted by relative path. */
  files: SourceFile[];
  checker: ts.TypeChecker;
  program: ts.Program;
  /**
   * Over `program`, for an app that is compiled again and again (`covet dev`): TypeScript's
   * record of which files a change affects, so that only those are type-checked again.
   */
  builder?: ts.SemanticDiagnosticsBuilderProgram;
}

export class LoadError extends Error {}

export function loadApp(appDir: string, tsconfig?: string): LoadedApp {
  const root = resolve(appDir);
  if (!existsSync(root)) throw new LoadError(`app folder ${appDir} does not exist`);
  const configPath = tsconfig ? resolve(tsconfig) : join(root, 'tsconfig.json');
  const hasConfig = existsSync(configPath);
  if (tsconfig && !hasConfig) throw new LoadError(`tsconfig ${tsconfig} does not exist`);

  let base: ts.CompilerOptions = { ...DEFAULT_OPTIONS, ...(hasConfig ? {} : nodeTypesFor(root)) };
  if (hasConfig) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (read.error) throw new LoadError(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, resolve(configPath, '..'), undefined, configPath);
    base = parsed.options;
  }
  const options: ts.CompilerOptions = {
    ...base,
    // Optionality and `T | null` are part of the contract: always read types strictly.
    strictNullChecks: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    paths: { ...(base.paths ?? {}), covet: [COVET_API] },
  };
  if (!options.pathsBasePath) (options as Record<string, unknown>).pathsBasePath = root;

  const project = new Project({ compilerOptions: options, skipAddingFilesFromTsConfig: true });
  return withSources(project, root);
}

/** The app's modules and declaration files in the project (added when new), and a program over them. */
function withSources(project: Project, root: string): LoadedApp {
  const files: SourceFile[] = [];
  const { modules, declarations } = listSources(root);
  for (const file of modules) files.push(project.getSourceFile(file) ?? project.addSourceFileAtPath(file));
  // The app's own .d.ts files (ambient modules, globals) are part of its program, as with tsc; no routes are looked for there.
  for (const file of declarations) if (!project.getSourceFile(file)) project.addSourceFileAtPath(file);
  files.sort((a, b) => cmp(relPath(root, a.getFilePath()), relPath(root, b.getFilePath())));
  const program = project.getProgram().compilerObject;
  return { project, appDir: root, files, checker: program.getTypeChecker(), program };
}

/**
 * The same app after its files changed on disk (`covet dev`), in the same Project: every
 * source file outside node_modules is re-read (a no-op when its text is the same; removed
 * when it is gone), new modules are added, and TypeScript builds the next program from the
 * last one, so unchanged files and the lib declarations are not parsed again. A changed
 * tsconfig needs loadApp again.
 */
export function refreshApp(app: LoadedApp): LoadedApp {
  for (const sf of app.project.getSourceFiles()) {
    const file = sf.getFilePath();
    if (!file.includes('/node_modules/')) sf.refreshFromFileSystemSync();
  }
  return keepDiagnostics(withSources(app.project, app.appDir), app.builder);
}

/** The app with a builder program over its program (from the last one, when there is one): refreshApp's type check re-checks only the files a change affects. */
export function keepDiagnostics(app: LoadedApp, previous?: ts.SemanticDiagnosticsBuilderProgram): LoadedApp {
  // The hash is the text itself: signatures are compared, never stored.
  const host: ts.BuilderProgramHost = { createHash: (text) => text };
  return { ...app, builder: ts.createSemanticDiagnosticsBuilderProgram(app.program, host, previous) };
}

/** The app's modules (not tests) and its own declaration files, each sorted. */
function listSources(dir: string): { modules: string[]; declarations: string[] } {
  const modules: string[] = [];
  const declarations: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const name = entry.name;
      if (entry.isDirectory()) {
        if (name === 'node_modules' || name === 'expected' || name.startsWith('.')) continue;
        walk(join(d, name));
      } else if (entry.isFile() && /\.d\.(ts|mts)$/.test(name)) {
        declarations.push(join(d, name));
      } else if (entry.isFile() && /\.(ts|tsx|mts)$/.test(name) && !/\.test\.(ts|tsx|mts)$/.test(name)) {
        modules.push(join(d, name));
      }
    }
  };
  walk(dir);
  return { modules: modules.sort(), declarations: declarations.sort() };
}

/** A path relative to the app folder with `/` separators. */
export function relPath(appDir: string, file: string): string {
  return relative(appDir, file).split(sep).join('/');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
