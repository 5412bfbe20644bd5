/**
 * Diagnostics as people and tools read them: text with a code frame (the CLI,
 * `formatDiagnostics`), or JSON lines (`--json`, for editors and CI).
 *
 * Paths are relative to the working directory, `file:line:col`, so a terminal
 * makes them clickable. Colour is the caller's choice (`useColor` decides it
 * for a stream: a TTY, unless NO_COLOR; FORCE_COLOR overrides both).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What printing reads of a diagnostic (the compiler's and the build API's both fit). */
export interface Printable {
  id: string;
  severity: 'error' | 'warning';
  handler?: string;
  message: string;
  hint: string;
  /** Relative to the app folder; '' for a finding about the whole build. */
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  related?: { message: string; file: string; line: number; column: number };
}

export interface PrintOptions {
  /** The app folder the diagnostics' files are relative to. */
  appDir: string;
  /** Paths are printed relative to this folder; default process.cwd(). */
  cwd?: string;
  /** ANSI colours; default false. */
  color?: boolean;
  /** A code frame under each diagnostic that points into a readable file; default true. */
  frames?: boolean;
}

/** Colour for a stream: FORCE_COLOR (other than 0/false) forces it, NO_COLOR or FORCE_COLOR=0 turns it off, else only on a TTY. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

const ANSI = { bold: '1', dim: '2', red: '31', yellow: '33', cyan: '36', boldRed: '1;31', boldYellow: '1;33' } as const;
type Paint = (style: keyof typeof ANSI, s: string) => string;
const painter = (color: boolean): Paint => (color ? (style, s) => `\x1b[${ANSI[style]}m${s}\x1b[0m` : (_style, s) => s);

function displayFile(file: string, o: PrintOptions): string {
  if (!file) return '';
  const rel = path.relative(path.resolve(o.cwd ?? process.cwd()), path.resolve(o.appDir, file));
  return rel === '' ? '.' : rel;
}

/**
 * One diagnostic:
 * ```
 * app.ts:7:12 - error TS2322: countOne: Type 'string' is not assignable to type 'number'.
 *   fix: covet builds only code that type-checks: …
 *
 *      6 | export function countOne(): number {
 *   >  7 |   return 'one';
 *        |          ^^^^^
 *      8 | }
 * ```
 * The header, note and fix lines read as `formatDiagnostic` (compiler/diagnostics.ts) prints them.
 */
export function printDiagnostic(d: Printable, o: PrintOptions, sources: SourceCache = new SourceCache()): string {
  const paint = painter(o.color ?? false);
  const file = displayFile(d.file, o);
  const where = file ? `${paint('bold', `${file}:${d.line}:${d.column}`)} -` : 'covet:';
  const severity = d.severity === 'error' ? paint('boldRed', 'error') : paint('boldYellow', 'warning');
  let out = `${where} ${severity} ${paint('dim', d.id)}: ${d.message}`;
  if (d.related) out += `\n  ${displayFile(d.related.file, o)}:${d.related.line}:${d.related.column} - ${paint('cyan', 'note')}: ${d.related.message}`;
  out += `\n  ${paint('cyan', 'fix')}: ${d.hint}`;
  if ((o.frames ?? true) && d.file && d.line > 0) {
    const text = sources.read(path.resolve(o.appDir, d.file));
    if (text !== null) {
      const frame = codeFrame(text, d, paint, d.severity === 'error' ? 'red' : 'yellow');
      if (frame) out += `\n\n${frame}`;
    }
  }
  return out;
}

/**
 * The line of the span with one line of context on each side, and a caret run
 * under the span (to the end of its first line when it spans several). Null
 * when the line is not in the text (the file changed since).
 */
export function codeFrame(
  text: string,
  at: { line: number; column: number; endLine?: number; endColumn?: number },
  paint: Paint = painter(false),
  caretStyle: keyof typeof ANSI = 'red',
): string | null {
  const lines = text.split(/\r?\n/);
  const index = at.line - 1;
  if (index < 0 || index >= lines.length) return null;
  const line = lines[index]!;
  const start = Math.min(Math.max(at.column - 1, 0), line.length);
  const end =
    at.endLine === undefined || at.endColumn === undefined ? start + 1 : at.endLine === at.line ? Math.min(at.endColumn - 1, line.length) : line.length;
  const width = Math.max(end - start, 1);
  const first = Math.max(index - 1, 0);
  const last = Math.min(index + 1, lines.length - 1);
  const gutter = String(last + 1).length;
  const rows: string[] = [];
  for (let i = first; i <= last; i++) {
    const mark = i === index ? '>' : ' ';
    rows.push(`  ${i === index ? paint(caretStyle, mark) : mark} ${paint('dim', `${String(i + 1).padStart(gutter)} |`)}${lines[i] ? ` ${lines[i]}` : ''}`);
    if (i === index) {
      // Tabs before the span stay tabs, so that the carets line up under it.
      const pad = line.slice(0, start).replace(/[^\t]/g, ' ');
      rows.push(`    ${paint('dim', `${' '.repeat(gutter)} |`)} ${pad}${paint(caretStyle, '^'.repeat(width))}`);
    }
  }
  return rows.join('\n');
}

/** Every diagnostic, a blank line after each; files are read once. */
export function printDiagnostics(list: readonly Printable[], o: PrintOptions): string {
  const sources = new SourceCache();
  return list.map((d) => printDiagnostic(d, o, sources) + '\n\n').join('');
}

/** One diagnostic as one JSON object (one line of `--json`); files relative to the working directory, `null` where there is none. */
export function diagnosticJson(d: Printable, o: Pick<PrintOptions, 'appDir' | 'cwd'>): Record<string, unknown> {
  const has = d.file !== '' && d.line > 0;
  return {
    id: d.id,
    severity: d.severity,
    file: d.file ? displayFile(d.file, o) : null,
    line: has ? d.line : null,
    column: has ? d.column : null,
    // A point, when only a point is known: the span ends where it starts.
    endLine: has ? (d.endLine ?? d.line) : null,
    endColumn: has ? (d.endColumn ?? d.column) : null,
    message: d.message,
    fix: d.hint,
    handler: d.handler ?? null,
    related: d.related ? { message: d.related.message, file: displayFile(d.related.file, o), line: d.related.line, column: d.related.column } : null,
  };
}

/** JSON lines: one object per diagnostic, each on its own line. */
export function diagnosticsJsonLines(list: readonly Printable[], o: Pick<PrintOptions, 'appDir' | 'cwd'>): string {
  return list.map((d) => JSON.stringify(diagnosticJson(d, o)) + '\n').join('');
}

/** Files read once per printing. */
export class SourceCache {
  private readonly files = new Map<string, string | null>();
  read(file: string): string | null {
    let text = this.files.get(file);
    if (text === undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = null; // a folder (COVET100, COVET122), or a file gone since
      }
      this.files.set(file, text);
    }
    return text;
  }
}
