/**
 * Imports that do not resolve (COVET119), checked with or without type
 * checking: a type imported from a module that is not there is `unknown` to
 * the checker, so a body of that type would accept anything — and esbuild
 * never sees a type-only import, so nothing else would say so.
 */

import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, extname, resolve } from 'node:path';
import { ts } from 'ts-morph';
import type { LoadedApp } from './project.ts';
import { didYouMean } from './diagnostics.ts';
import type { Reporter } from './source.ts';

/** A span of a file whose TypeScript errors say the same as a COVET119 there. */
export interface Span {
  fileName: string;
  start: number;
  end: number;
}

/** Reports every import of the app's modules that does not resolve; returns the declarations concerned. */
export function checkImports(app: LoadedApp, reporter: Reporter): Span[] {
  const { checker, program } = app;
  const spans: Span[] = [];
  for (const file of app.files) {
    const sf = file.compilerNode;
    const failed = (decl: ts.Node): void => {
      spans.push({ fileName: sf.fileName, start: decl.getStart(sf), end: decl.getEnd() });
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const spec = node.moduleSpecifier;
        const typeOnly = ts.isImportDeclaration(node) ? !!node.importClause?.isTypeOnly : node.isTypeOnly;
        const moduleSymbol = checker.getSymbolAtLocation(spec);
        if (!moduleSymbol) {
          if (!resolvesAnyway(app, sf, spec)) {
            unresolvedModule(reporter, sf, spec, typeOnly);
            failed(node);
          }
          return;
        }
        if (namesResolve(checker, reporter, node, spec.text, moduleSymbol) === false) failed(node);
        return;
      }
      if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
        const spec = node.moduleReference.expression;
        if (!checker.getSymbolAtLocation(spec) && !resolvesAnyway(app, sf, spec)) {
          unresolvedModule(reporter, sf, spec, node.isTypeOnly);
          failed(node);
        }
        return;
      }
      if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        const spec = node.argument.literal;
        if (!checker.getSymbolAtLocation(spec) && !resolvesAnyway(app, sf, spec)) {
          unresolvedModule(reporter, sf, spec, true);
          failed(node);
        }
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(sf, visit);
  }
  return spans;
}

/**
 * A module the checker has no symbol for may still be there: one of Node's
 * own (`node:fs` without @types/node in the tsconfig's `types`), or a
 * JavaScript file without types, which esbuild bundles. Only their types are
 * missing: that is TypeScript's error (TS2307, TS7016) under the type check,
 * and a COVET120/121 warning where a route uses one.
 */
function resolvesAnyway(app: LoadedApp, sf: ts.SourceFile, spec: ts.StringLiteral): boolean {
  if (spec.text.startsWith('node:') || builtinModules.includes(spec.text)) return true;
  const options = app.program.getCompilerOptions();
  const mode = app.program.getModeForUsageLocation(sf, spec);
  const r = ts.resolveModuleName(spec.text, sf.fileName, options, ts.sys, undefined, undefined, mode);
  return !!r.resolvedModule;
}

function unresolvedModule(reporter: Reporter, sf: ts.SourceFile, spec: ts.StringLiteral, typeOnly: boolean): void {
  const name = spec.text;
  const consequence = typeOnly
    ? 'every type imported from it would be read as unknown, and nothing would be validated there'
    : 'nothing imported from it can be read or bundled';
  if (name.startsWith('.') || name.startsWith('/')) {
    const target = resolve(dirname(sf.fileName), name);
    const close = closeSibling(target);
    const suggestion = close === undefined ? undefined : relativeSpecifier(name, close);
    reporter.report('COVET119', 'noFile', spec, undefined, { module: name, consequence, suggestion });
    return;
  }
  const pkg = packageName(name);
  const types = pkg.startsWith('@') ? `@types/${pkg.slice(1).replace('/', '__')}` : `@types/${pkg}`;
  reporter.report('COVET119', 'noPackage', spec, undefined, { module: name, consequence, pkg, types });
}

/** For a resolved module: the default and named imports it has; false when one is missing. */
function namesResolve(
  checker: ts.TypeChecker,
  reporter: Reporter,
  decl: ts.ImportDeclaration | ts.ExportDeclaration,
  moduleName: string,
  moduleSymbol: ts.Symbol,
): boolean {
  const elements: { node: ts.Identifier | ts.StringLiteral; imported: string; local: ts.Identifier | ts.StringLiteral }[] = [];
  if (ts.isImportDeclaration(decl)) {
    const clause = decl.importClause;
    if (clause?.name) elements.push({ node: clause.name, imported: 'default', local: clause.name });
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) {
        const imported = el.propertyName ?? el.name;
        elements.push({ node: imported, imported: imported.text, local: el.name });
      }
    }
  } else if (decl.exportClause && ts.isNamedExports(decl.exportClause)) {
    for (const el of decl.exportClause.elements) {
      const exported = el.propertyName ?? el.name;
      elements.push({ node: exported, imported: exported.text, local: el.name });
    }
  }
  let ok = true;
  for (const el of elements) {
    const local = checker.getSymbolAtLocation(el.local);
    if (!local || !(local.flags & ts.SymbolFlags.Alias) || checker.getImmediateAliasedSymbol(local)) continue;
    ok = false;
    const exports = checker.getExportsOfModule(moduleSymbol).map((s) => s.name).filter((n) => n !== 'default');
    const shown = exports.length ? `it exports ${list(exports)}` : 'it exports nothing';
    if (el.imported === 'default') {
      reporter.report('COVET119', 'noDefault', el.node, undefined, { module: moduleName, local: el.local.text, first: exports[0], exports: shown });
      continue;
    }
    const close = didYouMean(el.imported, exports);
    reporter.report('COVET119', 'noExport', el.node, undefined, { module: moduleName, name: el.imported, close, exports: shown });
  }
  return ok;
}

function list(names: string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return names.length > 8 ? `${shown}, … (${names.length} in all)` : shown;
}

/** A file or folder beside `target` whose name is close to its name (`./modles` → `models.ts`). */
function closeSibling(target: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dirname(target));
  } catch {
    return undefined;
  }
  const stem = (n: string): string => (/\.d\.(ts|mts)$/.test(n) ? n.replace(/\.d\.(ts|mts)$/, '') : n.slice(0, n.length - extname(n).length));
  const wanted = basename(target);
  const byStem = new Map<string, string>();
  for (const e of entries) {
    if (e.startsWith('.') || e === 'node_modules') continue;
    if (!/\.(ts|tsx|mts|js|mjs)$/.test(e) && extname(e) !== '') continue;
    if (/\.test\.(ts|tsx|mts)$/.test(e)) continue;
    if (!byStem.has(stem(e))) byStem.set(stem(e), e);
  }
  const close = didYouMean(stem(wanted), byStem.keys());
  return close === undefined ? undefined : byStem.get(close);
}

/** `./modles` and `models.ts` → `./models`; `./modles.js` → `./models.js`: the written extension style is kept. */
function relativeSpecifier(written: string, entry: string): string {
  const dir = written.slice(0, written.lastIndexOf('/') + 1);
  const stem = /\.d\.(ts|mts)$/.test(entry) ? entry.replace(/\.d\.(ts|mts)$/, '') : entry.slice(0, entry.length - extname(entry).length);
  return dir + stem + extname(written);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
