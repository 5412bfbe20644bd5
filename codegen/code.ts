/**
 * The safe emitter: the only way codegen produces JavaScript source.
 *
 * - `Code` is a fragment of trusted source. It is only ever made by the `code`
 *   template tag, `raw` (for constant text written in this repository) and the
 *   helpers below.
 * - `Name` is an identifier. It refuses anything that is not a plain ASCII
 *   identifier or that is a reserved word, so a user's string can never become
 *   code by way of a name.
 * - Every other value interpolated into `code\`…\`` becomes a literal through
 *   `literal()` (JSON, with U+2028/U+2029 escaped), so user strings are data.
 */

import { identifierSafe } from '../ir/queries.ts';

export class Code {
  /** @internal use `code`, `raw` or a helper. */
  constructor(
    readonly text: string,
    /** The fragments pasted into this one: how `names()` finds the identifiers it uses without reading text. */
    private readonly parts: readonly Code[] = [],
  ) {}
  toString(): string {
    return this.text;
  }
  /** Every `Name` this fragment was built from (ajv's `_Code` keeps the same: what a fragment uses). */
  names(into: Set<string> = new Set()): Set<string> {
    const stack: Code[] = [this];
    while (stack.length) {
      const c = stack.pop()!;
      if (c instanceof Name) into.add(c.text);
      for (const p of c.parts) stack.push(p);
    }
    return into;
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await async of arguments eval undefined ' +
    'NaN Infinity'
  ).split(' '),
);

/** True if `s` can be written as a bare identifier (and so as `.s` property access). */
export function isIdentifier(s: string): boolean {
  return IDENT.test(s);
}

export class Name extends Code {
  constructor(name: string) {
    if (!IDENT.test(name) || RESERVED.has(name)) {
      throw new Error(`covet internal error: ${JSON.stringify(name)} is not a safe identifier`);
    }
    super(name);
  }
}

/** A JavaScript literal for a JSON-able value; strings are safe anywhere in source. */
export function literal(value: unknown): Code {
  if (value === undefined) return new Code('undefined');
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return new Code('NaN');
    if (!Number.isFinite(value)) return new Code(value > 0 ? 'Infinity' : '-Infinity');
    if (Object.is(value, -0)) return new Code('-0');
  }
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
    throw new Error(`covet internal error: cannot emit a ${typeof value} literal`);
  }
  if (Array.isArray(value)) return new Code(`[${value.map((v) => literal(v).text).join(', ')}]`);
  if (value !== null && typeof value === 'object') {
    // Object literals go key by key: JSON text `{"__proto__": …}` would set the prototype in JS.
    const entries = Object.keys(value).map((k) => `${propertyKey(k).text}: ${literal((value as Record<string, unknown>)[k]).text}`);
    return new Code(entries.length ? `{ ${entries.join(', ')} }` : '{}');
  }
  const json = JSON.stringify(value);
  return new Code(json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));
}

/** A regular expression literal for a pattern already checked to compile. */
export function regexLiteral(source: string, flags = ''): Code {
  // Go through the RegExp constructor so that `/` and line terminators are escaped the way JS expects.
  const re = new RegExp(source, flags);
  const text = re.toString().replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return new Code(text);
}

type Interpolated = Code | string | number | boolean | null | undefined | readonly Interpolated[] | { [k: string]: unknown };

function interpolate(value: Interpolated, parts: Code[]): string {
  if (value instanceof Code) {
    parts.push(value);
    return value.text;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, parts)).join('');
  return literal(value).text;
}

/**
 * Tagged template: `code\`if (${v} === ${userString}) …\`` — `Code`/`Name`
 * values are pasted, arrays of Code are concatenated, everything else becomes
 * a literal.
 */
export function code(strings: TemplateStringsArray, ...values: Interpolated[]): Code {
  let out = strings[0]!;
  const parts: Code[] = [];
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]!, parts) + strings[i + 1]!;
  return new Code(out, parts);
}

/** Constant source text written in this repository (never user data). */
export function raw(text: string): Code {
  return new Code(text);
}

/** Join fragments with a separator (itself constant text). */
export function join(parts: readonly Code[], separator = '\n'): Code {
  return new Code(parts.map((p) => p.text).join(separator), parts);
}

/** `obj.key` when `key` is an identifier, `obj["key"]` otherwise (always safe for hostile keys). */
export function access(obj: Code, key: string | number): Code {
  if (typeof key === 'string' && IDENT.test(key)) return new Code(`${obj.text}.${key}`, [obj]);
  return new Code(`${obj.text}[${literal(key).text}]`, [obj]);
}

/** A property key for an object literal: bare when an identifier, quoted otherwise. `__proto__` is always computed so it never sets the prototype. */
export function propertyKey(key: string): Code {
  if (key === '__proto__') return new Code(`[${literal(key).text}]`);
  if (IDENT.test(key)) return new Code(key);
  return literal(key);
}

/**
 * A `//` comment whose text cannot end the comment early: line terminators
 * (including U+2028/U+2029) are replaced by spaces.
 */
export function comment(text: string): Code {
  return new Code(`// ${text.replace(/[\r\n\u2028\u2029]+/g, ' ')}`);
}

/** A `/* … *\/` comment body made harmless: `*\/` cannot close it early. */
export function blockComment(text: string): Code {
  return new Code(`/* ${text.replace(/\*\//g, '*\\/').replace(/[\u2028\u2029]/g, ' ')} */`);
}

/** Indent every line of a fragment by `n` spaces (for readable nesting). */
export function indent(c: Code, n = 2): Code {
  const pad = ' '.repeat(n);
  return new Code(
    c.text
      .split('\n')
      .map((line) => (line.length ? pad + line : line))
      .join('\n'),
    [c],
  );
}

/** An `&&`/`||` chain that remembers its operator, so that a chain nested in the other kind gets parentheses. */
class Chain extends Code {
  constructor(
    text: string,
    readonly op: '&&' | '||',
    parts: readonly Code[],
  ) {
    super(text, parts);
  }
}

function chain(op: '&&' | '||', parts: readonly Code[]): Code {
  if (parts.length === 0) throw new Error(`covet internal error: an empty ${op} chain`);
  if (parts.length === 1) return parts[0]!;
  const text = parts.map((p) => (p instanceof Chain && p.op !== op ? `(${p.text})` : p.text)).join(` ${op} `);
  return new Chain(text, op, parts);
}

/** `a && b && …`: operands are comparisons, calls or other chains (an `||` chain gets parentheses). */
export function and(...parts: readonly Code[]): Code {
  return chain('&&', parts);
}

/** `a || b || …`: operands are comparisons, calls or other chains (an `&&` chain gets parentheses). */
export function or(...parts: readonly Code[]): Code {
  return chain('||', parts);
}

/** `(c)`, for readers where precedence would already do. */
export function paren(c: Code): Code {
  return new Code(`(${c.text})`, [c]);
}

/**
 * Statements with balanced braces: `open`/`if`/`elseIf`/`else`/`close` keep
 * the nesting, and `code()` refuses a block left open. Conditions are `Code`
 * (compose them with `and`/`or`), never pasted text.
 */
export class Block {
  private readonly lines: string[] = [];
  private readonly parts: Code[] = [];
  /** What each open level is: a braced block, or the statements of a `case` label (no braces). */
  private readonly stack: ('{' | 'case')[] = [];

  /** One statement, or several lines of constant shape (each indented to the current depth). */
  line(...statements: readonly Code[]): this {
    const pad = '  '.repeat(this.stack.length);
    for (const c of statements) {
      this.parts.push(c);
      for (const l of c.text.split('\n')) this.lines.push(l.length ? pad + l : l);
    }
    return this;
  }

  /** `head {` (a bare `{` without a head), then the statements inside; `note`, a comment, goes after the brace. */
  open(head?: Code, note?: Code): this {
    const brace = note ? `{ ${note.text}` : '{';
    this.line(new Code(head ? `${head.text} ${brace}` : brace, head ? [head] : []));
    this.stack.push('{');
    return this;
  }

  if(cond: Code, note?: Code): this {
    return this.open(new Code(`if (${cond.text})`, [cond]), note);
  }

  elseIf(cond: Code): this {
    return this.reopen(new Code(`} else if (${cond.text}) {`, [cond]));
  }

  else(): this {
    return this.reopen(new Code('} else {'));
  }

  close(): this {
    if (this.stack.pop() !== '{') throw new Error('covet internal error: a brace closed that was not opened');
    return this.line(new Code('}'));
  }

  /** `case x:` labels (or `default:`), then its statements one level in, without braces, until `endCase()`. */
  case(...labels: readonly Code[]): this {
    this.line(...labels);
    this.stack.push('case');
    return this;
  }

  endCase(): this {
    if (this.stack.pop() !== 'case') throw new Error('covet internal error: endCase without a case');
    return this;
  }

  /** The statements; every block opened is closed. */
  code(): Code {
    if (this.stack.length !== 0) throw new Error(`covet internal error: ${this.stack.length} block(s) left open`);
    return new Code(this.lines.join('\n'), this.parts);
  }

  /** Ends the innermost braced block and opens the next on the same line: `} catch (err) {`, `} finally {`. `c` is constant text. */
  reopenWith(c: Code): this {
    return this.reopen(c);
  }

  private reopen(c: Code): this {
    if (this.stack[this.stack.length - 1] !== '{') throw new Error('covet internal error: else without an open block');
    this.stack.pop();
    this.line(c);
    this.stack.push('{');
    return this;
  }
}

/** `function name(params) {` body `}` (the body indented one level). */
export function functionDecl(name: Name, params: readonly Name[] | readonly Code[], body: Block | Code): Code {
  const inner = body instanceof Block ? body.code() : body;
  const list = params.map((p) => p.text).join(', ');
  const text = inner.text.length ? `function ${name.text}(${list}) {\n${indent(inner).text}\n}` : `function ${name.text}(${list}) {}`;
  return new Code(text, [name, ...params, inner]);
}

/**
 * Derives stable, unique identifiers from human names: `getUser` stays
 * `getUser`; a second request for the same base gets `getUser_2`. Anything not
 * an identifier character becomes `_`.
 */
export class NameTable {
  private readonly used = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.used.add(r);
  }

  /** Reserve an exact name (throws if taken): for runtime helpers under the reserved prefix. */
  reserve(name: string): Name {
    if (this.used.has(name)) throw new Error(`covet internal error: name ${name} reserved twice`);
    this.used.add(name);
    return new Name(name);
  }

  /** A fresh name based on `base`. */
  fresh(base: string): Name {
    let clean = identifierSafe(base);
    if (RESERVED.has(clean)) clean = `${clean}_`;
    let candidate = clean;
    for (let n = 2; this.used.has(candidate); n++) candidate = `${clean}_${n}`;
    this.used.add(candidate);
    return new Name(candidate);
  }
}


/** A `/** … *\/` doc comment (one ` * ` line per line of text) whose text cannot close it early. */
export function docComment(text: string): Code {
  const lines = text.replace(/\*\//g, '*\\/').split(/\r\n|[\r\n\u2028\u2029]/);
  if (lines.length === 1) return new Code(`/** ${lines[0]} */`);
  return new Code(['/**', ...lines.map((l) => (l ? ` * ${l}` : ' *')), ' */'].join('\n'));
}
