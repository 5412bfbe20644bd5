/**
 * TypeScript's own errors in the app's files, from the program covet already
 * read the types with: a handler declared `(): { n: number }` that returns
 * `{ n: 'one' }` would otherwise build, and its serializer would send what the
 * declaration says cannot be there.
 *
 * Only the app folder's own modules are checked (not node_modules, not lib
 * .d.ts files, not the options: a tsconfig's deprecations are TypeScript's
 * business, not the build's). Each error keeps TypeScript's code (`TS2322`)
 * and, when it is inside a handler (or a provider or hook), names it.
 */

import { ts } from 'ts-morph';
import type { LoadedApp } from './project.ts';
import type { Span } from './imports.ts';
import type { HandlerFunction } from './routes.ts';
import type { Reporter } from './source.ts';

/** Reports the type errors of the app's own files, except where a COVET119 already says the same. Returns how many. */
export function reportTypeErrors(app: LoadedApp, reporter: Reporter, routes: readonly { fn: HandlerFunction; exportName: string }[], covered: readonly Span[]): number {
  const { program } = app;
  let count = 0;
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || program.isSourceFileDefaultLibrary(sf) || !reporter.isAppFile(sf.fileName)) continue;
    // The builder (covet dev) answers from its cache for the files a change did not affect.
    const found = [...program.getSyntacticDiagnostics(sf), ...(app.builder ?? program).getSemanticDiagnostics(sf)];
    for (const d of found) {
      if (d.category !== ts.DiagnosticCategory.Error || d.start === undefined) continue;
      const start = d.start;
      if (covered.some((s) => s.fileName === sf.fileName && start >= s.start && start < s.end)) continue;
      const { line, character } = sf.getLineAndCharacterOfPosition(start);
      const end = sf.getLineAndCharacterOfPosition(start + (d.length ?? 0));
      const handler = routes.find((r) => r.fn.getSourceFile() === sf && start >= r.fn.getStart(sf) && start < r.fn.getEnd())?.exportName;
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      reporter.typescript(`TS${d.code}`, { file: reporter.relative(sf.fileName), line: line + 1, column: character + 1, endLine: end.line + 1, endColumn: end.character + 1 }, handler, message);
      count++;
    }
  }
  return count;
}
