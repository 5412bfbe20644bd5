/**
 * Every compile error and warning the front end can report. Each has a stable
 * id (never renumbered; retired ids are not reused), names the thing and the
 * handler, points at file:line:column (relative to the app folder) and says
 * what to do instead. TypeScript's own errors in the app's files keep
 * TypeScript's code (`TS2322`).
 */

export type DiagnosticCode =
  | 'COVET100' // the app folder or its tsconfig cannot be loaded
  | 'COVET101' // unsupported type
  | 'COVET102' // two body parameters
  | 'COVET103' // a path parameter with no matching function parameter
  | 'COVET104' // a path parameter with a non-scalar type
  | 'COVET105' // duplicate route
  | 'COVET106' // ambiguous routes
  | 'COVET107' // invalid path pattern
  | 'COVET108' // unknown HTTP method
  | 'COVET109' // @route on a function that is not exported
  | 'COVET110' // a type tag on the wrong base type (or a bad tag value)
  | 'COVET111' // invalid Pattern<> regular expression
  | 'COVET112' // malformed @route / @status tag
  | 'COVET113' // @route on something that is not a function
  | 'COVET114' // a parameter Covet cannot bind (destructuring, rest, generic handler)
  | 'COVET115' // a query/header/cookie parameter of a non-scalar type
  | 'COVET116' // an optional path parameter
  | 'COVET117' // a response type that may be undefined
  | 'COVET118' // two parameters read the same key from the same place
  | 'COVET119' // an import that does not resolve (a module, or a name it does not export)
  | 'COVET120' // warning: a parameter or response type (or a part of one) is `any`: nothing is validated there
  | 'COVET121' // warning: a parameter or response type (or a part of one) does not resolve, so it is read as `unknown`
  | 'COVET122'; // no routes in the app folder

/** A TypeScript error in one of the app's own files, under TypeScript's code (`covet build` without `--no-typecheck`). */
export type TypeScriptCode = `TS${number}`;

/** Errors fail the build; warnings are printed and the build goes on. */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** A compiler code above, a TypeScript code, or another stage's `COVET9xx`. */
  id: DiagnosticCode | TypeScriptCode | `COVET${number}`;
  severity: Severity;
  /** The handler's export name, when the error belongs to one. */
  handler?: string;
  /** What is wrong, naming the thing; starts with `handler: ` when there is a handler. */
  message: string;
  /** What to do instead. */
  hint: string;
  /** Relative to the app folder, `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface DiagnosticInput {
  id: DiagnosticCode | TypeScriptCode;
  /** Default: error. */
  severity?: Severity;
  handler?: string;
  message: string;
  hint: string;
  file: string;
  line: number;
  column: number;
}

export function makeDiagnostic(d: DiagnosticInput): Diagnostic {
  const out: Diagnostic = {
    id: d.id,
    severity: d.severity ?? 'error',
    message: d.handler ? `${d.handler}: ${d.message}` : d.message,
    hint: d.hint,
    file: d.file,
    line: d.line,
    column: d.column,
  };
  if (d.handler) out.handler = d.handler;
  return out;
}

/** What printing and sorting read of a diagnostic, of any stage (the build API's ids are plain strings). */
type Located = { id: string; message: string; file: string; line: number; column: number };

/**
 * `users.ts:12:5 - error COVET104: getUser: … \n  fix: …`; a diagnostic of the
 * whole build (no file, line 0) reads `covet: error COVET901: …`. Any stage's
 * diagnostic prints this way, warnings included.
 */
export function formatDiagnostic(d: Located & { severity: 'error' | 'warning'; hint: string }): string {
  const where = d.file ? `${d.file}:${d.line}:${d.column} -` : 'covet:';
  return `${where} ${d.severity} ${d.id}: ${d.message}\n  fix: ${d.hint}`;
}

export function isError(d: Diagnostic): boolean {
  return d.severity === 'error';
}

/** Stable order: by file, line, column, then id. */
export function sortDiagnostics<T extends Located>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) =>
      cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.id, b.id) || cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Levenshtein distance, case-insensitive matches count as distance 0.5 below a real edit. */
function distance(a: string, b: string): number {
  if (a.toLowerCase() === b.toLowerCase()) return 0.5;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `name`, if close enough to be a likely typo. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(name.length, best.length) / 3));
  return bestScore <= limit ? best : undefined;
}
