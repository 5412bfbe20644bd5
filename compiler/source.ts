/** Positions in user files, and the shared error sink of one compilation. */

import { ts } from 'ts-morph';
import { relPath } from './project.ts';
import { compose, makeDiagnostic, TYPESCRIPT_FIX, type Diagnostic, type DiagnosticCode, type TextName, type TextValues, type TypeScriptCode } from './diagnostics.ts';
import type { SourceLocation } from '../ir/ir.ts';

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(readonly appDir: string) {}

  /** The location of a node's first token (1-based line and column). */
  locate(node: ts.Node): SourceLocation {
    const sf = node.getSourceFile();
    const pos = node.getStart(sf);
    const { line, character } = sf.getLineAndCharacterOfPosition(pos);
    return { file: relPath(this.appDir, sf.fileName), line: line + 1, column: character + 1 };
  }

  /** True when the node is in a file of the app (not node_modules, not a lib). */
  isAppNode(node: ts.Node): boolean {
    return this.isAppFile(node.getSourceFile().fileName);
  }

  /** True for a file inside the app folder and not in a node_modules. */
  isAppFile(fileName: string): boolean {
    return !fileName.includes('/node_modules/') && !this.relative(fileName).startsWith('../');
  }

  /** A file's path relative to the app folder, `/` separators. */
  relative(fileName: string): string {
    return relPath(this.appDir, fileName);
  }

  /**
   * One diagnostic of the table: its id, which of its texts, and the values
   * the text is composed from; `related` is the other place it is about.
   */
  report<I extends DiagnosticCode, K extends TextName<I>>(
    id: I,
    text: K,
    at: ts.Node | SourceLocation,
    handler: string | undefined,
    values: TextValues<I, K>,
    related?: ts.Node | SourceLocation,
  ): void {
    const { severity, message, hint, related: about } = compose(id, text, values);
    this.push(makeDiagnostic({ id, severity, handler, message, hint, ...this.place(at), ...(related && about !== undefined ? { related: { message: about, ...this.locateOnly(related) } } : {}) }));
  }

  /** A TypeScript error in one of the app's files, in TypeScript's words. */
  typescript(code: TypeScriptCode, at: SourceLocation & { endLine?: number; endColumn?: number }, handler: string | undefined, message: string): void {
    this.push(makeDiagnostic({ id: code, handler, message, hint: TYPESCRIPT_FIX, ...at }));
  }

  /** Where a diagnostic points: a node's span (its start and the position after its end), or a place. */
  private place(at: ts.Node | SourceLocation): SourceLocation & { endLine?: number; endColumn?: number } {
    if ('kind' in at) {
      const node = at as ts.Node;
      const end = node.getSourceFile().getLineAndCharacterOfPosition(node.getEnd());
      return { ...this.locate(node), endLine: end.line + 1, endColumn: end.character + 1 };
    }
    const { file, line, column } = at as SourceLocation;
    return { file, line, column };
  }

  private locateOnly(at: ts.Node | SourceLocation): SourceLocation {
    const { file, line, column } = this.place(at);
    return { file, line, column };
  }

  private push(d: Diagnostic): void {
    const key = `${d.file}:${d.line}:${d.column}:${d.id}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push(d);
  }
}
