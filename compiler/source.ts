/** Positions in user files, and the shared error sink of one compilation. */

import { ts } from 'ts-morph';
import { relPath } from './project.ts';
import { makeDiagnostic, type Diagnostic, type DiagnosticCode, type Severity, type TypeScriptCode } from './diagnostics.ts';
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

  error(id: DiagnosticCode | TypeScriptCode, at: ts.Node | SourceLocation, handler: string | undefined, message: string, hint: string): void {
    this.report('error', id, at, handler, message, hint);
  }

  /** Printed, but the build goes on. */
  warning(id: DiagnosticCode, at: ts.Node | SourceLocation, handler: string | undefined, message: string, hint: string): void {
    this.report('warning', id, at, handler, message, hint);
  }

  private report(severity: Severity, id: DiagnosticCode | TypeScriptCode, at: ts.Node | SourceLocation, handler: string | undefined, message: string, hint: string): void {
    const loc = 'kind' in at ? this.locate(at as ts.Node) : (at as SourceLocation);
    const d = makeDiagnostic({ id, severity, handler, message, hint, ...loc });
    const key = `${d.file}:${d.line}:${d.column}:${d.id}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push(d);
  }
}
