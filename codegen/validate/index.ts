/**
 * Validator generator: App IR types → JavaScript functions that check and
 * coerce request input, collecting every failure as a FastAPI/pydantic v2
 * error object `{ loc, msg, type }`.
 *
 * Emitted functions
 * - `validate_<Type>(v, errs, depth)` for each named type with objects, arrays
 *   or tuples in it (memoized; recursion goes through these; smaller types are
 *   inlined where they are used). `depth` is the number of objects/arrays
 *   around `v`; types that can recurse refuse `depth > MAX_DEPTH` with one
 *   error. A non-recursive type that is a whole request body gets a function
 *   of its own whose locs start with `"body"` (numbered if the type also needs
 *   the general one).
 * - `validate_<route>_body(v, errs)`: the JSON body (`undefined` = no body).
 * - `validate_<route>_<param>(raw, errs)`: a path/query/header/cookie value
 *   (`string | undefined`, or `string[]` for array types, `[]` when absent).
 *   One that several routes share is named after what it is instead:
 *   `validate_path_id`, `validate_body_NewTodo` (the scope's forecast tells).
 * Each returns the coerced value (meaningless if it pushed errors).
 *
 * Policies
 * - Unknown keys are STRIPPED: an object's output is a new object with its
 *   declared properties in declaration order (one literal, then fixed-order
 *   assignments after the first property that may be absent); an absent
 *   optional property is not set, a property with a `default` gets a fresh copy
 *   of it. Index signatures / `Record` keep the other own keys, after the
 *   declared ones.
 * - `__proto__`, `constructor` and every other name that `Object.prototype`
 *   has are read from the input only after an own-property check. A dynamic
 *   key `__proto__` in a record is KEPT as an own data property of the output
 *   (`Object.defineProperty`), like `JSON.parse` does: it never sets the
 *   prototype. Declared `__proto__` properties are written the same way.
 * - Locs: errors are created with a loc relative to the function that found
 *   them; callers put their path in front, on the error path only (one new
 *   array per error and call level). Inlined types and the body flavour of a
 *   named type create errors with their final loc at once. A union that
 *   fails puts each tried variant's label in the loc after the union's own
 *   path (`["body", "pet", "Cat", "name"]`); a discriminated union puts the tag
 *   value there instead, like pydantic. Variants that cannot match the input's
 *   JSON type are not tried; when none can, each reports its type error.
 * - The success path allocates only output values (and a `Set` for
 *   `uniqueItems` on long arrays, the `URL` parser for url strings).
 */
import type {
  AppIR,
  ArrayTypeIR,
  BodyParamIR,
  ObjectTypeIR,
  ScalarParamIR,
  StringTypeIR,
  NumberTypeIR,
  TupleTypeIR,
  TypeIR,
  UnionTypeIR,
} from '../../ir/ir.ts';
import { MAX_DEPTH, safeBounds } from '../../ir/ir.ts';
import { isInherited, isRecursive, renderType as describe, resolve } from '../../ir/queries.ts';
import { Block, Code, Name, NameTable, access, and, code, comment, functionDecl, join, literal, or, propertyKey, raw, regexLiteral } from '../code.ts';
import { declaration, scopeOf, shapeName, type Declaration, type Scope } from '../scope.ts';
import { VALIDATOR_HELPERS, VALIDATOR_HELPER_ORDER, type HelperName } from './runtime.ts';
import { M, variantLabel } from './messages.ts';

type Types = AppIR['types'];
type Mode = 'json' | 'text';
type Literal = string | number | boolean;

/** A failed check: the condition, then the error object to push. */
interface Check {
  cond: Code;
  err: Code;
}

const V = new Name('v');
const RAW = new Name('raw');
const ERRS = new Name('errs');
const DEPTH = new Name('depth');
const IS_INTEGER = raw('Number.isInteger');
const IS_SAFE_INTEGER = raw('Number.isSafeInteger');

/** `o.name = value;`, or a defineProperty for `__proto__` (whose assignment would set the prototype). */
function setField(o: Name, name: string, value: Code): Code {
  if (name === '__proto__') return code`Object.defineProperty(${o}, ${literal(name)}, { value: ${value}, enumerable: true, writable: true, configurable: true });`;
  return code`${access(o, name)} = ${value};`;
}

/** Builds one function body: balanced blocks, and local names numbered per function. */
class Writer extends Block {
  private counter = 0;
  constructor(
    /** Base for constants this function needs (`validate_User` → `validate_User_pattern`). */
    readonly fnBase: string,
    /** True in `validate_<Type>` (depth is a parameter), false in entry functions (depth starts at 0). */
    readonly hasDepth: boolean,
  ) {
    super();
  }
  local(base: string): Name {
    return new Name(`${base}${++this.counter}`);
  }
  depth(offset: number): Code {
    if (!this.hasDepth) return literal(offset);
    return offset === 0 ? DEPTH : code`${DEPTH} + ${offset}`;
  }
}

function locCode(loc: readonly Code[]): Code {
  return code`[${join(loc, ', ')}]`;
}

/** A generated function: its declaration and the comments above it (which can list every user of a shared one). */
interface Fn {
  name: Name;
  header: () => Code[];
  decl: Code | null;
}

export class ValidatorGen {
  private readonly scope: Scope;
  private readonly names: NameTable;
  private readonly namedFns = new Map<string, Name>();
  private readonly bodyFns = new Map<string, Name>();
  private readonly recursive = new Map<string, boolean>();
  /** Functions in creation order (a named type's slot is taken before its body is generated). */
  private readonly functions: Fn[] = [];

  constructor(
    private readonly types: Types,
    scope: Scope | NameTable,
  ) {
    this.scope = scopeOf(scope);
    this.names = this.scope.names;
  }

  /** `function (v, errs)`: validates a parsed JSON body (`undefined` when the request had none); locs start with `"body"`. */
  body(param: BodyParamIR, routeId: string): Name {
    const base = `validate_${routeId}_body`;
    const w = new Writer(base, false);
    const loc = [literal('body')];
    w.if(code`${V} === undefined`);
    if (param.required) {
      this.pushErr(w, loc, 'missing', M.missing);
      w.line(raw('return undefined;'));
    } else {
      w.line(code`return ${param.type.default !== undefined ? literal(param.type.default) : raw('undefined')};`);
    }
    w.close();
    const t = param.type;
    if (t.kind === 'ref' && this.types[t.name] && !this.isRecursive(t.name) && !this.isSmall(t)) {
      w.line(code`return ${this.named(t.name, true)}(${V}, ${ERRS}, 0);`);
    } else {
      const r = this.emit(w, t, V, loc, 0, 'json');
      w.line(code`return ${r};`);
    }
    const header = (users: string[]) => [comment(`request body of ${listed(users)}: ${describe(param.type)}`)];
    const what = `body_${shapeName(param.type)}`;
    return this.entry(base, () => `validate_${what}`, what, [V, ERRS], w, header, `${routeId} (parameter ${param.name})`);
  }

  /** `function (raw, errs)`: coerces one text parameter (`string | undefined`; `string[]` for array types, `[]` when absent); locs `[kind, key, …]`. */
  scalar(param: ScalarParamIR, routeId: string): Name {
    const base = `validate_${routeId}_${param.name}`;
    const w = new Writer(base, false);
    const loc = [literal(param.kind), literal(param.key)];
    const isArray = this.resolve(param.type).kind === 'array';
    w.if(isArray ? code`${RAW}.length === 0` : code`${RAW} === undefined`);
    const def = param.default !== undefined ? param.default : param.type.default;
    if (param.required) {
      this.pushErr(w, loc, 'missing', M.missing);
      w.line(raw('return undefined;'));
    } else {
      w.line(code`return ${def !== undefined ? literal(def) : raw('undefined')};`);
    }
    w.close();
    const r = this.emit(w, param.type, RAW, loc, 0, 'text');
    w.line(code`return ${r};`);
    const header = (users: string[], same: boolean) => [
      comment(`${same ? `${param.kind} parameter ${JSON.stringify(param.key)}` : 'parameters'} of ${listed(users)}: ${describe(param.type)}`),
    ];
    // Shared by parameters of one kind and key: named after them; by others (no error names its loc): after its type.
    const what = `${param.kind}_${param.key}`;
    const generic = () => `validate_${param.required ? '' : 'optional_'}${shapeName(param.type)}`;
    return this.entry(base, (same) => (same ? `validate_${what}` : generic()), what, [RAW, ERRS], w, header, routeId);
  }

  /**
   * `function (v, errs)`: a `Form<T>` body, `v` the parsed form (a URLSearchParams, `undefined`
   * when the request had no body); each field is coerced from text as a query value is (an array
   * field reads a repeated key); locs `["body", field, …]`. T is an object of scalars (the compiler checked).
   */
  form(param: BodyParamIR, routeId: string): Name {
    const base = `validate_${routeId}_form`;
    const w = new Writer(base, false);
    w.if(code`${V} === undefined`);
    if (param.required) {
      this.pushErr(w, [literal('body')], 'missing', M.missing);
      w.line(raw('return undefined;'));
    } else w.line(raw('return undefined;'));
    w.close();
    const obj = this.resolve(param.type);
    if (obj.kind !== 'object') throw new Error(`covet internal error: the form of ${routeId} is not an object type`);
    const o = w.local('o');
    w.line(code`const ${o} = {};`);
    for (const prop of obj.properties) {
      const loc = [literal('body'), literal(prop.name)];
      const isArray = this.resolve(prop.type).kind === 'array';
      const r = w.local('r');
      w.line(isArray ? code`const ${r} = ${V}.getAll(${literal(prop.name)});` : code`const ${r} = ${V}.get(${literal(prop.name)}) ?? undefined;`);
      const def = prop.type.default;
      if (prop.optional && def === undefined) {
        w.if(isArray ? code`${r}.length !== 0` : code`${r} !== undefined`);
      } else {
        w.if(isArray ? code`${r}.length === 0` : code`${r} === undefined`);
        if (def !== undefined) w.line(setField(o, prop.name, literal(def)));
        else this.pushErr(w, loc, 'missing', M.missing);
        w.else();
      }
      const out = this.emit(w, prop.type, r, loc, 0, 'text');
      w.line(setField(o, prop.name, out));
      w.close();
    }
    w.line(code`return ${o};`);
    const header = (users: string[]) => [comment(`form body of ${listed(users)}: ${describe(param.type)}`)];
    const what = `form_${shapeName(param.type)}`;
    return this.entry(base, () => `validate_${what}`, what, [V, ERRS], w, header, `${routeId} (parameter ${param.name})`);
  }

  /** Helpers, then constants, then functions in creation order; self-contained. */
  code(): Code {
    return join(this.declarations().map((d) => d.code), '\n\n');
  }

  /** What `code()` joins: each declaration with what it uses (asked once: helpers and constants are handed out once). */
  declarations(): Declaration[] {
    const fns = this.functions.map((f) => declaration(f.name, join([...f.header(), f.decl!])));
    return [...this.scope.helperDecls(VALIDATOR_HELPER_ORDER, 'validators'), ...this.scope.constantDecls(), ...fns];
  }

  // ───────────────────────────── names and types ─────────────────────────────

  /**
   * An entry function, shared by every route whose one is the same (same
   * parameters, same body): named `base` after its route when it has one
   * user, after what it is (`sharedBase`, told whether every user's `what`
   * is the same) when several.
   */
  private entry(
    base: string,
    sharedBase: (sameWhat: boolean) => string,
    what: string,
    params: Name[],
    w: Writer,
    header: (users: string[], sameWhat: boolean) => Code[],
    user: string,
  ): Name {
    const body = w.code();
    const key = `${params.map((p) => p.text).join(',')}\n${body.text}`;
    const { value } = this.scope.shared(
      'validator',
      key,
      (whats) => {
        const same = whats.every((x) => x === whats[0]);
        const name = this.names.fresh(whats.length > 1 ? sharedBase(same) : base);
        const users: string[] = [];
        this.functions.push({ name, header: () => header(users, same), decl: functionDecl(name, params, body) });
        return { name, users };
      },
      what,
    );
    value.users.push(user);
    return value.name;
  }

  private h(name: HelperName): Name {
    return this.scope.helper(VALIDATOR_HELPERS[name], 'validators');
  }

  /**
   * The function of a named type. `asBody`: a second flavour for a type that
   * is a whole request body (not recursive), whose errors are created with
   * their final loc `["body", …]` instead of being prefixed by the caller.
   */
  private named(typeName: string, asBody = false): Name {
    const fns = asBody ? this.bodyFns : this.namedFns;
    const known = fns.get(typeName);
    if (known) return known;
    const nt = this.types[typeName];
    if (!nt) throw new Error(`covet internal error: reference to unknown type ${JSON.stringify(typeName)}`);
    const fn = this.names.fresh(`validate_${typeName}`);
    fns.set(typeName, fn);
    const slot: Fn = { name: fn, header: () => [], decl: null };
    this.functions.push(slot);
    const w = new Writer(fn.text, true);
    if (this.isRecursive(typeName)) {
      w.if(code`${DEPTH} > ${MAX_DEPTH}`);
      this.pushErr(w, [], 'recursion_loop', M.recursion_loop(MAX_DEPTH));
      w.line(raw('return undefined;'));
      w.close();
    }
    const r = this.emit(w, nt.type, V, asBody ? [literal('body')] : [], 0, 'json', typeName);
    w.line(code`return ${r};`);
    const where = nt.source ? `  ←  ${nt.source.file}:${nt.source.line}` : '';
    const header = [comment(`${typeName}: ${nt.display}${where}`)];
    if (nt.description) header.push(comment(nt.description));
    if (asBody) header.push(comment('as a request body: every loc starts with "body"'));
    slot.header = () => header;
    slot.decl = functionDecl(fn, [V, ERRS, DEPTH], w);
    return fn;
  }

  /** True when the named type can reach itself through refs (only those need the depth guard). */
  private isRecursive(name: string): boolean {
    let r = this.recursive.get(name);
    if (r === undefined) this.recursive.set(name, (r = isRecursive(this.types, name)));
    return r;
  }

  /** A type whose checks are a few lines (no objects, arrays or tuples): inlined wherever it is named, as a call would be longer. */
  private isSmall(t: TypeIR): boolean {
    switch (t.kind) {
      case 'object':
      case 'array':
      case 'tuple':
        return false;
      case 'union':
        return t.variants.every((v) => this.isSmall(v));
      case 'ref': {
        const nt = this.types[t.name];
        return nt !== undefined && !this.isRecursive(t.name) && this.isSmall(nt.type);
      }
      default:
        return true;
    }
  }

  private resolve(t: TypeIR): TypeIR {
    return resolve(this.types, t);
  }

  /** Does validation return its input unchanged (so no copy is needed)? */
  private isIdentity(t: TypeIR, mode: Mode): boolean {
    switch (t.kind) {
      case 'string':
      case 'unknown':
        return true;
      case 'number':
      case 'boolean':
      case 'literal':
      case 'enum':
      case 'null':
        return mode === 'json';
      case 'array':
        return this.isIdentity(t.items, mode);
      case 'tuple':
        return mode === 'json' && t.items.every((i) => this.isIdentity(i, mode)) && (!t.rest || this.isIdentity(t.rest, mode));
      case 'union':
        return mode === 'json' && t.variants.every((v) => this.isIdentity(v, mode));
      default:
        return false;
    }
  }

  // ───────────────────────────── emission ─────────────────────────────

  private errObj(loc: readonly Code[], type: string, msg: string | Code): Code {
    return code`{ loc: ${locCode(loc)}, msg: ${msg}, type: ${type} }`;
  }

  private pushErr(w: Writer, loc: readonly Code[], type: string, msg: string | Code): void {
    w.line(code`${ERRS}.push(${this.errObj(loc, type, msg)});`);
  }

  private check(loc: readonly Code[], cond: Code, type: string, msg: string | Code): Check {
    return { cond, err: this.errObj(loc, type, msg) };
  }

  /** `if (c1) push e1; else if (c2) push e2; … else { ok() }`. */
  private chain(w: Writer, checks: readonly Check[], ok?: () => void): void {
    checks.forEach((c, i) => {
      if (i === 0) w.if(code`${c.cond}`);
      else w.elseIf(code`${c.cond}`);
      w.line(code`${ERRS}.push(${c.err});`);
    });
    if (ok) {
      if (checks.length) w.else();
      ok();
    }
    if (checks.length) w.close();
  }

  /**
   * Emits the checks of `t` for the value in `x` (a local or parameter) and
   * returns the expression that holds the output. `loc` is relative to the
   * function; `level` is the static nesting below the function's `v`.
   */
  private emit(w: Writer, t: TypeIR, x: Name, loc: Code[], level: number, mode: Mode, typeName?: string, guarded = false): Code {
    switch (t.kind) {
      case 'string':
        return this.emitString(w, t, x, loc, mode, guarded);
      case 'number':
        return this.emitNumber(w, t, x, loc, mode, guarded);
      case 'boolean':
        if (mode === 'text') {
          const b = w.local('b');
          w.line(code`const ${b} = ${this.h('parseBool')}(${x});`);
          this.chain(w, [this.check(loc, code`${b} === undefined`, 'bool_parsing', M.bool_parsing)]);
          return b;
        }
        if (!guarded) this.chain(w, [this.check(loc, code`typeof ${x} !== "boolean"`, 'bool_type', M.bool_type)]);
        return x;
      case 'null':
        if (mode === 'text') throw new Error('covet internal error: a null type cannot be read from text');
        if (!guarded) this.chain(w, [this.check(loc, code`${x} !== null`, 'none_required', M.none_required)]);
        return x;
      case 'literal':
        if (guarded) return x;
        return this.emitChoice(w, [t.value], x, loc, mode, 'literal_error');
      case 'enum':
        return this.emitChoice(w, t.values, x, loc, mode, 'enum');
      case 'unknown':
        // Any JSON value, but no deeper than any other input (MAX_DEPTH levels in all).
        if (mode === 'json') {
          this.chain(w, [this.check(loc, code`${this.h('tooDeep')}(${x}, ${w.depth(level)})`, 'recursion_loop', M.recursion_loop(MAX_DEPTH))]);
        }
        return x;
      case 'date':
        return this.emitDate(w, x, loc, mode);
      case 'array':
        return this.emitArray(w, t, x, loc, level, mode);
      case 'tuple':
        this.noText(mode, 'tuple');
        return this.emitTuple(w, t, x, loc, level);
      case 'object':
        this.noText(mode, 'object');
        return this.emitObject(w, t, x, loc, level, typeName);
      case 'union':
        return this.emitUnion(w, t, x, loc, level, mode);
      case 'ref':
        return this.emitRef(w, t.name, x, loc, level, mode, guarded);
    }
  }

  private noText(mode: Mode, what: string): void {
    if (mode === 'text') throw new Error(`covet internal error: a ${what} type cannot be read from a path, query, header or cookie value`);
  }

  private emitString(w: Writer, t: StringTypeIR, x: Name, loc: Code[], mode: Mode, guarded: boolean): Code {
    const checks: Check[] = [];
    if (mode === 'json' && !guarded) checks.push(this.check(loc, code`typeof ${x} !== "string"`, 'string_type', M.string_type));
    if (t.minLength !== undefined && t.minLength > 0) {
      const m = t.minLength;
      // Code points ≤ UTF-16 units ≤ 2 × code points: only count when the length alone cannot decide.
      checks.push(this.check(loc, or(code`${x}.length < ${m}`, and(code`${x}.length < ${2 * m}`, code`${this.h('cpLen')}(${x}) < ${m}`)), 'string_too_short', M.string_too_short(m)));
    }
    if (t.maxLength !== undefined) {
      const m = t.maxLength;
      checks.push(this.check(loc, and(code`${x}.length > ${m}`, or(code`${x}.length > ${2 * m}`, code`${this.h('cpLen')}(${x}) > ${m}`)), 'string_too_long', M.string_too_long(m)));
    }
    if (t.pattern !== undefined) {
      const value = regexLiteral(t.pattern);
      const re = this.scope.constant(`${w.fnBase}_pattern`, value, (name) => join([comment(`pattern of ${w.fnBase}`), code`const ${name} = ${value};`]));
      checks.push(this.check(loc, code`!${re}.test(${x})`, 'string_pattern_mismatch', M.string_pattern_mismatch(t.pattern)));
    }
    switch (t.format) {
      case 'email': {
        const email = this.h('email');
        checks.push(this.check(loc, code`${email}(${x}) !== ""`, 'value_error', code`${M.email_prefix} + ${email}(${x})`));
        break;
      }
      case 'uuid':
        checks.push(this.check(loc, code`!${this.h('uuid')}(${x})`, 'uuid_parsing', M.uuid_parsing));
        break;
      case 'url':
        checks.push({ cond: code`${this.h('url')}(${x}) !== ""`, err: code`${this.h('urlError')}(${locCode(loc)}, ${this.h('url')}(${x}))` });
        break;
      case 'date-time':
        checks.push(this.check(loc, code`Number.isNaN(${this.h('dateTime')}(${x}))`, 'datetime_parsing', M.datetime_parsing));
        break;
      case 'date':
        checks.push(this.check(loc, or(code`${x}.length !== 10`, code`!${this.h('date')}(${x})`), 'date_parsing', M.date_parsing));
        break;
    }
    this.chain(w, checks);
    return x;
  }

  private numberChecks(t: NumberTypeIR, n: Code, loc: Code[]): Check[] {
    const checks: Check[] = [];
    if (t.minimum !== undefined) checks.push(this.check(loc, code`${n} < ${t.minimum}`, 'greater_than_equal', M.greater_than_equal(t.minimum)));
    if (t.exclusiveMinimum !== undefined) checks.push(this.check(loc, code`${n} <= ${t.exclusiveMinimum}`, 'greater_than', M.greater_than(t.exclusiveMinimum)));
    if (t.maximum !== undefined) checks.push(this.check(loc, code`${n} > ${t.maximum}`, 'less_than_equal', M.less_than_equal(t.maximum)));
    if (t.exclusiveMaximum !== undefined) checks.push(this.check(loc, code`${n} >= ${t.exclusiveMaximum}`, 'less_than', M.less_than(t.exclusiveMaximum)));
    if (t.multipleOf !== undefined) {
      const m = t.multipleOf;
      // Exact remainder for integer divisors; for fractional ones, the quotient must be an integer (as ajv does).
      const cond = Number.isInteger(m) ? code`${n} % ${m} !== 0` : code`!Number.isInteger(${n} / ${m})`;
      checks.push(this.check(loc, cond, 'multiple_of', M.multiple_of(m)));
    }
    return checks;
  }

  /**
   * `Int` is a safe integer. With a side its tags leave open (`safeBounds`), one test on the
   * success path, `Number.isSafeInteger`; the reason (not an integer in text, not finite, a
   * fraction, out of range) is found on the error path only, by `__covet_v_intError`. With both
   * sides bounded inside the range, `Number.isInteger` and the bounds (whose errors then name
   * the real limit, as pydantic's would). `__covet_v_parseInt` reads text that is not an integer
   * as NaN, other text as the nearest double, which is unsafe exactly when the integer written is
   * (2^53 - 1 is a double; every larger integer rounds to 2^53 or more; very long text to Infinity).
   */
  private emitNumber(w: Writer, t: NumberTypeIR, x: Name, loc: Code[], mode: Mode, guarded: boolean): Code {
    const bounded = safeBounds(t);
    const closed = bounded.lower && bounded.upper;
    if (mode === 'text') {
      const n = w.local('n');
      w.line(code`const ${n} = ${this.h(t.integer ? 'parseInt' : 'parseNumber')}(${x});`);
      const checks: Check[] = [];
      if (!t.integer) {
        checks.push(this.check(loc, code`${n} !== ${n}`, 'float_parsing', M.float_parsing), this.check(loc, code`!Number.isFinite(${n})`, 'finite_number', M.finite_number));
      } else if (closed) {
        checks.push(this.check(loc, code`${n} !== ${n}`, 'int_parsing', M.int_parsing)); // Infinity fails a bound
      } else {
        checks.push({ cond: code`!Number.isSafeInteger(${n})`, err: code`${this.h('intError')}(${locCode(loc)}, ${n}, true)` });
      }
      this.chain(w, [...checks, ...this.numberChecks(t, n, loc)]);
      return n;
    }
    const checks = guarded ? [] : [this.check(loc, code`typeof ${x} !== "number"`, t.integer ? 'int_type' : 'float_type', t.integer ? M.int_type : M.float_type)];
    if (!t.integer) checks.push(this.check(loc, code`!Number.isFinite(${x})`, 'finite_number', M.finite_number));
    else checks.push({ cond: code`!${closed ? IS_INTEGER : IS_SAFE_INTEGER}(${x})`, err: code`${this.h('intError')}(${locCode(loc)}, ${x}, false)` });
    this.chain(w, [...checks, ...this.numberChecks(t, x, loc)]);
    return x;
  }

  /** A literal or an enum: JSON must be one of the values; text is matched as a string, then as a number, then as a boolean. */
  private emitChoice(w: Writer, values: readonly Literal[], x: Name, loc: Code[], mode: Mode, type: string): Code {
    const msg = M.literal(values);
    if (mode === 'json') {
      this.chain(w, [this.check(loc, and(...values.map((v) => code`${x} !== ${v}`)), type, msg)]);
      return x;
    }
    const o = w.local('o');
    w.line(code`let ${o};`);
    const branches: { cond: Code; value: Code }[] = [];
    const strs = values.filter((v) => typeof v === 'string');
    const nums = values.filter((v) => typeof v === 'number');
    const bools = values.filter((v) => typeof v === 'boolean');
    if (strs.length) branches.push({ cond: or(...strs.map((v) => code`${x} === ${v}`)), value: x });
    if (nums.length) {
      const n = w.local('n');
      w.line(code`const ${n} = ${this.h('parseNumber')}(${x});`);
      branches.push({ cond: or(...nums.map((v) => code`${n} === ${v}`)), value: n });
    }
    if (bools.length) {
      const b = w.local('b');
      w.line(code`const ${b} = ${this.h('parseBool')}(${x});`);
      branches.push({ cond: or(...bools.map((v) => code`${b} === ${v}`)), value: b });
    }
    branches.forEach((br, i) => {
      if (i === 0) w.if(code`${br.cond}`);
      else w.elseIf(code`${br.cond}`);
      w.line(code`${o} = ${br.value};`);
    });
    w.else();
    this.pushErr(w, loc, type, msg);
    w.close();
    return o;
  }

  private emitDate(w: Writer, x: Name, loc: Code[], mode: Mode): Code {
    const o = w.local('o');
    w.line(code`let ${o};`);
    const typeCheck = mode === 'json' ? [this.check(loc, code`typeof ${x} !== "string"`, 'datetime_type', M.datetime_type)] : [];
    this.chain(w, typeCheck, () => {
      const ms = w.local('ms');
      w.line(code`const ${ms} = ${this.h('dateTime')}(${x});`);
      this.chain(w, [this.check(loc, code`${ms} !== ${ms}`, 'datetime_parsing', M.datetime_parsing)], () => w.line(code`${o} = new Date(${ms});`));
    });
    return o;
  }

  private emitArray(w: Writer, t: ArrayTypeIR, x: Name, loc: Code[], level: number, mode: Mode): Code {
    const identity = this.isIdentity(t.items, mode);
    const o = identity ? x : w.local('o');
    if (!identity) w.line(code`let ${o};`);
    const checks: Check[] = [];
    if (mode === 'json') checks.push(this.check(loc, code`!Array.isArray(${x})`, 'list_type', M.list_type));
    if (t.minItems !== undefined && t.minItems > 0) checks.push(this.check(loc, code`${x}.length < ${t.minItems}`, 'too_short', code`${M.too_short('List', t.minItems)} + ${x}.length`));
    if (t.maxItems !== undefined) checks.push(this.check(loc, code`${x}.length > ${t.maxItems}`, 'too_long', code`${M.too_long('List', t.maxItems)} + ${x}.length`));
    this.chain(w, checks, () => {
      // The input itself until an item comes back changed: then a copy of the items before it, and the rest pushed.
      if (!identity) w.line(code`${o} = ${x};`);
      const i = w.local('i');
      w.open(code`for (let ${i} = 0; ${i} < ${x}.length; ${i}++)`);
      const xi = w.local('x');
      w.line(code`const ${xi} = ${x}[${i}];`);
      const r = this.emit(w, t.items, xi, [...loc, i], level + 1, mode);
      if (!identity) w.line(code`if (${r} !== ${xi} && ${o} === ${x}) ${o} = ${x}.slice(0, ${i});`, code`if (${o} !== ${x}) ${o}.push(${r});`);
      w.close();
      if (t.uniqueItems) {
        // JSON equality of the input items (text parameters: of the parsed values).
        const d = w.local('d');
        w.line(code`const ${d} = ${this.h('duplicate')}(${mode === 'json' ? x : o});`);
        w.if(code`${d} >= 0`);
        this.pushErr(w, loc, 'value_error', code`${M.unique_items} + ${d}`);
        w.close();
      }
    });
    return o;
  }

  private emitTuple(w: Writer, t: TupleTypeIR, x: Name, loc: Code[], level: number): Code {
    const identity = this.isIdentity(t, 'json');
    const o = identity ? x : w.local('o');
    if (!identity) w.line(code`let ${o};`);
    const checks: Check[] = [this.check(loc, code`!Array.isArray(${x})`, 'tuple_type', M.tuple_type)];
    if (t.minItems > 0) checks.push(this.check(loc, code`${x}.length < ${t.minItems}`, 'too_short', code`${M.too_short('Tuple', t.minItems)} + ${x}.length`));
    if (!t.rest) checks.push(this.check(loc, code`${x}.length > ${t.items.length}`, 'too_long', code`${M.too_long('Tuple', t.items.length)} + ${x}.length`));
    this.chain(w, checks, () => {
      if (!identity) w.line(code`${o} = [];`);
      t.items.forEach((item, k) => {
        const optional = k >= t.minItems;
        if (optional) w.if(code`${x}.length > ${k}`);
        const xk = w.local('x');
        w.line(code`const ${xk} = ${x}[${k}];`);
        const r = this.emit(w, item, xk, [...loc, literal(k)], level + 1, 'json');
        if (!identity) w.line(code`${o}.push(${r});`);
        if (optional) w.close();
      });
      if (t.rest) {
        const i = w.local('i');
        w.open(code`for (let ${i} = ${t.items.length}; ${i} < ${x}.length; ${i}++)`);
        const xi = w.local('x');
        w.line(code`const ${xi} = ${x}[${i}];`);
        const r = this.emit(w, t.rest, xi, [...loc, i], level + 1, 'json');
        if (!identity) w.line(code`${o}.push(${r});`);
        w.close();
      }
    });
    return o;
  }

  private emitObject(w: Writer, t: ObjectTypeIR, x: Name, loc: Code[], level: number, typeName?: string): Code {
    const o = w.local('o');
    w.line(code`let ${o};`);
    const isRecord = t.properties.length === 0 && t.additionalProperties !== undefined;
    const notObject = isRecord
      ? this.check(loc, code`typeof ${x} !== "object" || ${x} === null || Array.isArray(${x})`, 'dict_type', M.dict_type)
      : this.check(loc, code`typeof ${x} !== "object" || ${x} === null || Array.isArray(${x})`, 'model_type', typeName ? M.model_type(typeName) : M.model_anonymous);
    this.chain(w, [notObject], () => {
      const values: { name: string; v: Name; mayBeAbsent: boolean }[] = [];
      // An input with the declared keys only, none defaulted and none changed by its own validation, is returned as it
      // is (no object per request for it: issue 15); otherwise the object is rebuilt, with the declared keys only.
      const keepable = !t.additionalProperties && t.properties.length > 0;
      const same = keepable ? w.local('same') : null;
      const present = keepable ? w.local('n') : null;
      if (same && present) w.line(code`let ${same} = true;`, code`let ${present} = ${raw(String(t.properties.filter((p) => !(p.optional && p.type.default === undefined)).length))};`);
      for (const p of t.properties) {
        w.line(comment(`${JSON.stringify(p.name)}${p.optional ? '?' : ''}: ${describe(p.type)}`));
        const v = w.local('v');
        const read = isInherited(p.name)
          ? code`${this.h('hasOwn')}.call(${x}, ${p.name}) ? ${access(x, p.name)} : undefined`
          : access(x, p.name);
        w.line(code`let ${v} = ${read};`);
        const def = p.type.default;
        const mayBeAbsent = p.optional && def === undefined;
        if (mayBeAbsent) {
          w.if(code`${v} !== undefined`);
          if (present) w.line(code`${present}++;`);
        } else {
          w.if(code`${v} === undefined`);
          if (def !== undefined) w.line(code`${v} = ${literal(def)};`, ...(same ? [code`${same} = false;`] : []));
          else this.pushErr(w, [...loc, literal(p.name)], 'missing', M.missing);
          w.else();
        }
        const r = this.emit(w, p.type, v, [...loc, literal(p.name)], level + 1, 'json');
        if (r !== v) {
          if (same) w.line(code`if (${r} !== ${v}) ${same} = false;`);
          w.line(code`${v} = ${r};`);
        }
        w.close();
        values.push({ name: p.name, v, mayBeAbsent });
      }
      // One shape per type: a literal up to the first property that may be absent, then assignments in declaration order.
      const firstOptional = values.findIndex((p) => p.mayBeAbsent);
      const inLiteral = firstOptional < 0 ? values : values.slice(0, firstOptional);
      const entries = inLiteral.map((p) => code`${propertyKey(p.name)}: ${p.v}`);
      if (same && present) {
        w.if(code`${same} && ${this.h('keyCount')}(${x}) === ${present}`).line(code`${o} = ${x};`);
        w.else();
      }
      w.line(entries.length ? code`${o} = { ${join(entries, ', ')} };` : code`${o} = {};`);
      for (const p of firstOptional < 0 ? [] : values.slice(firstOptional)) {
        const assign = p.name === '__proto__' ? code`${this.h('setKey')}(${o}, ${p.name}, ${p.v});` : code`${access(o, p.name)} = ${p.v};`;
        w.line(p.mayBeAbsent ? code`if (${p.v} !== undefined) ${assign}` : assign);
      }
      if (same && present) w.close();
      if (t.additionalProperties) {
        const k = w.local('k');
        w.open(code`for (const ${k} in ${x})`);
        const skip = or(code`!${this.h('hasOwn')}.call(${x}, ${k})`, ...t.properties.map((p) => code`${k} === ${p.name}`));
        w.line(code`if (${skip}) continue;`);
        const xv = w.local('x');
        w.line(code`const ${xv} = ${x}[${k}];`);
        const r = this.emit(w, t.additionalProperties, xv, [...loc, k], level + 1, 'json');
        w.line(code`${this.h('setKey')}(${o}, ${k}, ${r});`);
        w.close();
      }
    });
    return o;
  }

  private emitRef(w: Writer, name: string, x: Name, loc: Code[], level: number, mode: Mode, guarded: boolean): Code {
    if (mode === 'text') {
      const target = this.resolve({ kind: 'ref', name });
      if (target.kind === 'ref') throw new Error(`covet internal error: type ${name} never resolves`);
      return this.emit(w, target, x, loc, level, mode);
    }
    const nt = this.types[name];
    if (nt && this.isSmall({ kind: 'ref', name })) {
      // Inlined: shorter than a call, and its errors get their final loc at once.
      w.line(comment(`${name}: ${nt.display}${nt.source ? `  ←  ${nt.source.file}:${nt.source.line}` : ''}`));
      return this.emit(w, nt.type, x, loc, level, mode, name, guarded);
    }
    const fn = this.named(name);
    const r = w.local('r');
    if (loc.length === 0) {
      w.line(code`const ${r} = ${fn}(${x}, ${ERRS}, ${w.depth(level)});`);
      return r;
    }
    const n = w.local('n');
    w.line(code`const ${n} = ${ERRS}.length;`);
    w.line(code`const ${r} = ${fn}(${x}, ${ERRS}, ${w.depth(level)});`);
    w.line(code`if (${ERRS}.length !== ${n}) ${this.h('prefix')}(${ERRS}, ${n}, ${locCode(loc)});`);
    return r;
  }

  // ───────────────────────────── unions ─────────────────────────────

  private emitUnion(w: Writer, t: UnionTypeIR, x: Name, loc: Code[], level: number, mode: Mode): Code {
    let variants = t.variants;
    if (mode === 'text') variants = variants.filter((v) => v.kind !== 'null'); // text is never null
    if (variants.length === 0) throw new Error('covet internal error: empty union');
    if (variants.length === 1) return this.emit(w, variants[0]!, x, loc, level, mode);
    const lits = variants.map((v) => this.resolve(v));
    if (lits.every((v) => v.kind === 'literal' || v.kind === 'enum')) {
      const values = lits.flatMap((v) => (v.kind === 'literal' ? [v.value] : v.kind === 'enum' ? v.values : []));
      return this.emitChoice(w, values, x, loc, mode, 'literal_error');
    }
    if (t.discriminator && mode === 'json') return this.emitDiscriminated(w, t, x, loc, level);

    const nonNull = variants.filter((v) => v.kind !== 'null');
    if (mode === 'json' && nonNull.length < variants.length) {
      // `T | null`: null first; T's errors keep the union's loc (as pydantic's nullable does).
      const identity = this.isIdentity({ kind: 'union', variants }, mode);
      const o = identity ? x : w.local('o');
      if (!identity) w.line(code`let ${o};`);
      if (identity) {
        w.if(code`${x} !== null`);
      } else {
        w.if(code`${x} === null`);
        w.line(code`${o} = null;`);
        w.else();
      }
      const r =
        nonNull.length === 1
          ? this.emit(w, nonNull[0]!, x, loc, level, mode)
          : this.emitUnionTry(w, nonNull, x, loc, level, mode);
      if (!identity) w.line(code`${o} = ${r};`);
      w.close();
      return o;
    }
    return this.emitUnionTry(w, variants, x, loc, level, mode);
  }

  /** Tries variants in order (JSON: only those whose JSON type fits); the first without errors wins and drops the others' errors. */
  private emitUnionTry(w: Writer, variants: readonly TypeIR[], x: Name, loc: Code[], level: number, mode: Mode): Code {
    const identity = this.isIdentity({ kind: 'union', variants: [...variants] }, mode);
    const o = identity ? x : w.local('o');
    if (!identity) w.line(code`let ${o};`);
    const labels = uniqueLabels(variants);
    const n = w.local('n');
    const label = w.local('u');
    w.line(code`const ${n} = ${ERRS}.length;`);
    w.open(code`${label}:`);
    const fallback: Check[] = [];
    variants.forEach((variant, i) => {
      w.line(comment(`variant ${labels[i]}: ${describe(variant)}`));
      const guard = mode === 'json' ? this.guard(variant, x) : null;
      if (guard) w.if(guard);
      else w.open();
      const m = w.local('m');
      w.line(code`const ${m} = ${ERRS}.length;`);
      const r = this.emit(w, variant, x, [...loc, literal(labels[i]!)], level, mode, undefined, guard !== null);
      w.if(code`${ERRS}.length === ${m}`);
      w.line(code`${ERRS}.length = ${n};`);
      if (!identity) w.line(code`${o} = ${r};`);
      w.line(code`break ${label};`);
      w.close();
      w.close();
      if (guard) {
        const te = this.typeError(variant);
        fallback.push(this.check([...loc, literal(labels[i]!)], raw(''), te.type, te.msg));
      }
    });
    if (mode === 'json' && fallback.length === variants.length) {
      // No variant fits the input's JSON type: report each variant's type error.
      w.if(code`${ERRS}.length === ${n}`);
      for (const f of fallback) w.line(code`${ERRS}.push(${f.err});`);
      w.close();
    }
    w.close();
    return o;
  }

  private emitDiscriminated(w: Writer, t: UnionTypeIR, x: Name, loc: Code[], level: number): Code {
    const { property, mapping } = t.discriminator!;
    const o = w.local('o');
    w.line(code`let ${o};`);
    const notObject = this.check(loc, code`typeof ${x} !== "object" || ${x} === null || Array.isArray(${x})`, 'model_type', M.model_anonymous);
    this.chain(w, [notObject], () => {
      const tag = w.local('tag');
      w.line(code`const ${tag} = ${this.h('hasOwn')}.call(${x}, ${property}) ? ${access(x, property)} : undefined;`);
      w.open(code`switch (${tag})`);
      for (const { value, variant } of mapping) {
        const vt = t.variants[variant];
        if (!vt) throw new Error(`covet internal error: discriminator maps to missing variant ${variant}`);
        w.open(code`case ${value}:`);
        const r = this.emit(w, vt, x, [...loc, literal(String(value))], level, 'json');
        w.line(code`${o} = ${r};`);
        w.line(raw('break;'));
        w.close();
      }
      w.open(raw('default:'));
      const [before, after] = M.union_tag_invalid(property, mapping.map((m) => m.value));
      w.if(code`${tag} === undefined`);
      this.pushErr(w, loc, 'union_tag_not_found', M.union_tag_not_found(property));
      w.else();
      this.pushErr(w, loc, 'union_tag_invalid', code`${before} + ${this.h('repr')}(${tag}) + ${after}`);
      w.close();
      w.close();
      w.close();
    });
    return o;
  }

  /** A cheap test that the input has the JSON type the variant needs; null when any input could fit. */
  private guard(t: TypeIR, x: Name): Code | null {
    const r = this.resolve(t);
    switch (r.kind) {
      case 'string':
      case 'date':
        return code`typeof ${x} === "string"`;
      case 'number':
        return code`typeof ${x} === "number"`;
      case 'boolean':
        return code`typeof ${x} === "boolean"`;
      case 'null':
        return code`${x} === null`;
      case 'literal':
        return code`${x} === ${r.value}`;
      case 'enum': {
        const kinds = new Set(r.values.map((v) => typeof v));
        return kinds.size === 1 ? code`typeof ${x} === ${[...kinds][0]!}` : null;
      }
      case 'array':
      case 'tuple':
        return code`Array.isArray(${x})`;
      case 'object':
        return code`typeof ${x} === "object" && ${x} !== null && !Array.isArray(${x})`;
      default:
        return null;
    }
  }

  /** The error a variant reports when its guard fails (only asked for variants that have a guard). */
  private typeError(t: TypeIR): { type: string; msg: string } {
    const name = t.kind === 'ref' ? t.name : undefined;
    const r = this.resolve(t);
    switch (r.kind) {
      case 'string':
        return { type: 'string_type', msg: M.string_type };
      case 'date':
        return { type: 'datetime_type', msg: M.datetime_type };
      case 'number':
        return r.integer ? { type: 'int_type', msg: M.int_type } : { type: 'float_type', msg: M.float_type };
      case 'boolean':
        return { type: 'bool_type', msg: M.bool_type };
      case 'null':
        return { type: 'none_required', msg: M.none_required };
      case 'literal':
        return { type: 'literal_error', msg: M.literal([r.value]) };
      case 'enum':
        return { type: 'enum', msg: M.literal(r.values) };
      case 'array':
        return { type: 'list_type', msg: M.list_type };
      case 'tuple':
        return { type: 'tuple_type', msg: M.tuple_type };
      case 'object':
        if (r.properties.length === 0 && r.additionalProperties) return { type: 'dict_type', msg: M.dict_type };
        return { type: 'model_type', msg: name ? M.model_type(name) : M.model_anonymous };
      default:
        throw new Error(`covet internal error: no type error for ${r.kind}`);
    }
  }
}

/** The users of a shared function, for its comment: a few by name, then how many more (a thousand routes make no thousand-name line). */
function listed(users: readonly string[], shown = 4): string {
  if (users.length <= shown + 1) return users.join(', ');
  return `${users.slice(0, shown).join(', ')} and ${users.length - shown} more`;
}

/** Variant labels, made unique by a ` #2` suffix on repeats. */
function uniqueLabels(variants: readonly TypeIR[]): string[] {
  const count = new Map<string, number>();
  return variants.map((v) => {
    const base = variantLabel(v);
    const n = (count.get(base) ?? 0) + 1;
    count.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

