/**
 * The type reader: a TypeScript type (from the checker) → TypeIR, collecting
 * named types into `AppIR.types`. Errors (unsupported types, misplaced tags)
 * are reported with the path from the parameter to the offending part
 * (`body.tags: Map<string, number> is not supported`) and reading goes on
 * with `unknown` in its place, so that every error is found in one run.
 */

import { ts } from 'ts-morph';
import type { EnumTypeIR, JsonValue, NamedTypeIR, ObjectTypeIR, PropertyIR, TupleTypeIR, TypeIR, UnionTypeIR } from '../ir/ir.ts';
import { findDiscriminator, identifierSafe } from '../ir/queries.ts';
import type { Reporter } from './source.ts';
import type { Span } from './imports.ts';
import { applyTags, isTagObject, readTags, TAG_PREFIX, type Tag } from './tags.ts';
import { unsupportedLibType } from './unsupported.ts';
import type { TextName, TextValues } from './diagnostics.ts';

const F = ts.TypeFlags;
const S = ts.SymbolFlags;
const MAX_NESTING = 40;

/** Where a read started and how we got here. */
export interface Site {
  /** The handler's export name (for messages). */
  handler: string;
  /** The parameter or declaration the read started from: errors point here unless `at` is set. */
  node: ts.Node;
  /** A closer node in the app's own files (the property being read), when there is one. */
  at?: ts.Node;
  /** `body`, `body.tags`, `response.items[]`. */
  path: string;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function childPath(path: string, name: string): string {
  return IDENT.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

/** True when `t` is `undefined`/`void` or a union containing one. */
export function includesUndefined(t: ts.Type): boolean {
  if (t.flags & (F.Undefined | F.Void)) return true;
  return !!(t.flags & F.Union) && (t as ts.UnionType).types.some((m) => m.flags & (F.Undefined | F.Void));
}

function leftmost(name: ts.QualifiedName): ts.Identifier {
  let n: ts.EntityName = name;
  while (ts.isQualifiedName(n)) n = n.left;
  return n;
}

export class TypeReader {
  private readonly entries = new Map<string, NamedTypeIR>();
  /** The same entries as a lookup for the IR's queries (no prototype, so no name is inherited). */
  private readonly table: Record<string, NamedTypeIR> = Object.create(null);
  private readonly keys = new Map<ts.Type, string>();
  /** Named classes that have methods or accessors: fine to answer with, not to receive. */
  private readonly methodClasses = new Map<string, string[]>();
  private depth = 0;
  /**
   * Where an unresolved type is already an error, a COVET121 would say it twice:
   * names imported by a failed import (a COVET119), and, under type checking,
   * any name written in the app's files (TypeScript's error).
   */
  private said: { imports: readonly Span[]; typechecked: boolean } = { imports: [], typechecked: false };

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly program: ts.Program,
    private readonly reporter: Reporter,
  ) {}

  /** See `said`. */
  alreadyReported(imports: readonly Span[], typechecked: boolean): void {
    this.said = { imports, typechecked };
  }

  /** The named types collected so far, keys sorted. */
  namedTypes(): Record<string, NamedTypeIR> {
    const out: Record<string, NamedTypeIR> = {};
    for (const k of [...this.entries.keys()].sort()) out[k] = this.entries.get(k)!;
    return out;
  }

  named(name: string): NamedTypeIR | undefined {
    return this.entries.get(name);
  }

  text(t: ts.Type): string {
    return this.checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation);
  }

  /** Reads a type; `undefined` in a union is dropped (the caller decides optionality). */
  read(t: ts.Type, site: Site, typeNode?: ts.TypeNode): TypeIR {
    if (this.depth >= MAX_NESTING) {
      this.fail(site, 'COVET101', 'tooDeep', { type: this.text(t), max: MAX_NESTING });
      return { kind: 'unknown' };
    }
    this.depth++;
    try {
      const hinted = typeNode ? this.aliasHint(t, typeNode, site) : undefined;
      return hinted ?? this.readInner(t, site, false);
    } finally {
      this.depth--;
    }
  }

  /** A diagnostic about the value at `site` (its texts start with where in the value: `body.items[]`). */
  private fail<I extends 'COVET101' | 'COVET110' | 'COVET111', K extends TextName<I>>(site: Site, id: I, text: K, values: Omit<TextValues<I, K>, 'at'>): void {
    this.reporter.report(id, text, site.at ?? site.node, site.handler, { at: site.path, ...values } as TextValues<I, K>);
  }

  private readInner(t: ts.Type, site: Site, skipName: boolean): TypeIR {
    const f = t.flags;
    if (f & F.Any) this.untyped(t, site);
    if (f & (F.Any | F.Unknown)) return { kind: 'unknown' };
    if (f & F.Boolean) return { kind: 'boolean' };
    if (!skipName) {
      const key = this.namedKey(t, site);
      if (key) return { kind: 'ref', name: key };
    }
    if (f & F.Union) return this.readUnion(t as ts.UnionType, site);
    if (f & F.Intersection) return this.readIntersection(t as ts.IntersectionType, site);
    if (f & F.String) return { kind: 'string' };
    if (f & F.Number) return { kind: 'number' };
    if (f & F.StringLiteral) return { kind: 'literal', value: (t as ts.StringLiteralType).value };
    if (f & F.NumberLiteral) return { kind: 'literal', value: (t as ts.NumberLiteralType).value };
    if (f & F.BooleanLiteral) return { kind: 'literal', value: isTrue(t) };
    if (f & F.Null) return { kind: 'null' };
    if (f & F.Object) return this.readObjectLike(t, site);
    if (f & F.NonPrimitive) return { kind: 'object', properties: [], additionalProperties: { kind: 'unknown' } };
    this.fail(site, 'COVET101', unsupportedPrimitive(f), { type: this.text(t) });
    return { kind: 'unknown' };
  }

  /**
   * `any`, or a type that does not resolve (TypeScript's error type, an `any`
   * too): read as `unknown`, which validates nothing. A warning (COVET120,
   * COVET121), since the build can go on; a written `unknown` says the same on
   * purpose and is silent.
   */
  private untyped(t: ts.Type, site: Site): void {
    const at = site.at ?? site.node;
    const input = !(site.path === 'response' || site.path.startsWith('response.') || site.path.startsWith('response['));
    const effect = input ? 'any value is accepted' : 'whatever the handler returns is sent as it is';
    if ((t as { intrinsicName?: string }).intrinsicName === 'error') {
      const ref = this.unresolvedRef(at);
      if (ref && (this.said.typechecked || this.fromFailedImport(ref))) return;
      const name = ref?.typeName.getText();
      this.reporter.report('COVET121', 'unresolved', at, site.handler, { at: site.path, name, effect });
      return;
    }
    this.reporter.report('COVET120', 'any', at, site.handler, { at: site.path, effect });
  }

  /** The first type reference written under `node` that does not resolve (`Thing` in `body: Thing[]`). */
  private unresolvedRef(node: ts.Node): ts.TypeReferenceNode | undefined {
    if (!this.reporter.isAppNode(node)) return undefined;
    let found: ts.TypeReferenceNode | undefined;
    const visit = (n: ts.Node): void => {
      if (found !== undefined) return;
      if (ts.isTypeReferenceNode(n) && (this.checker.getTypeFromTypeNode(n) as { intrinsicName?: string }).intrinsicName === 'error') {
        found = n;
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
    return found;
  }

  /** `ref` names an import that checkImports reported. */
  private fromFailedImport(ref: ts.TypeReferenceNode): boolean {
    const first = ts.isQualifiedName(ref.typeName) ? leftmost(ref.typeName) : ref.typeName;
    const sym = this.checker.getSymbolAtLocation(first);
    if (!sym || !(sym.flags & S.Alias)) return false;
    return (sym.declarations ?? []).some((d) => {
      const fileName = d.getSourceFile().fileName;
      const pos = d.getStart();
      return this.said.imports.some((s) => s.fileName === fileName && pos >= s.start && pos < s.end);
    });
  }

  // ------------------------------------------------------------ named types

  /**
   * `type UserPatch = Partial<User>`: TypeScript keeps the alias name only on some
   * instantiations. When the type was written as a reference to a non-generic alias of
   * the app, name it after that alias.
   */
  private aliasHint(t: ts.Type, node: ts.TypeNode, site: Site): TypeIR | undefined {
    if (!ts.isTypeReferenceNode(node) || node.typeArguments?.length || this.keys.has(t) || this.nameOf(t)) return undefined;
    if (!this.isObjectShaped(t)) return undefined;
    let sym = this.checker.getSymbolAtLocation(node.typeName);
    if (sym && sym.flags & S.Alias) sym = this.checker.getAliasedSymbol(sym);
    if (!sym || !(sym.flags & S.TypeAlias) || this.isLib(sym) || this.checker.getDeclaredTypeOfSymbol(sym) !== t) return undefined;
    const key = this.register(t, { symbol: sym, args: [] }, site);
    return { kind: 'ref', name: key };
  }

  private isExternal(decl: ts.Node): boolean {
    const sf = decl.getSourceFile();
    return this.program.isSourceFileDefaultLibrary(sf) || sf.fileName.includes('/node_modules/');
  }

  private isLib(sym: ts.Symbol | undefined): boolean {
    const decl = sym?.declarations?.[0];
    return !!decl && this.program.isSourceFileDefaultLibrary(decl.getSourceFile());
  }

  /** If `t` is a named type, its symbol and type arguments. */
  private nameOf(t: ts.Type): { symbol: ts.Symbol; args: readonly ts.Type[] } | undefined {
    const f = t.flags;
    if ((f & F.EnumLiteral && f & F.Union) || f & F.Enum) {
      return t.symbol && t.symbol.flags & S.Enum ? { symbol: t.symbol, args: [] } : undefined;
    }
    if (f & F.Boolean) return undefined;
    if (t.aliasSymbol && !this.isLib(t.aliasSymbol)) {
      if (f & F.Union || this.isObjectShaped(t)) return { symbol: t.aliasSymbol, args: t.aliasTypeArguments ?? [] };
      return undefined;
    }
    const sym = t.symbol;
    if (f & F.Object && sym && sym.flags & (S.Interface | S.Class) && !this.isLib(sym) && !this.checker.isArrayType(t) && !this.checker.isTupleType(t)) {
      if (isTagObject(this.checker, t)) return undefined;
      const ref = t as ts.TypeReference;
      const arity = (ref.target as ts.InterfaceType | undefined)?.typeParameters?.length ?? 0;
      const args = ((t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference && arity ? this.checker.getTypeArguments(ref).slice(0, arity) : []) as ts.Type[];
      return { symbol: sym, args };
    }
    return undefined;
  }

  /** An object type (not an array, tuple or tag), or an intersection of such: a shape worth a name. */
  private isObjectShaped(t: ts.Type): boolean {
    const plain = (u: ts.Type): boolean =>
      !!(u.flags & F.Object) && !this.checker.isArrayType(u) && !this.checker.isTupleType(u) && !isTagObject(this.checker, u);
    if (t.flags & F.Intersection) {
      const { bases } = this.splitIntersection(t as ts.IntersectionType);
      return bases.length > 0 && bases.every(plain);
    }
    return plain(t);
  }

  /** A readable, identifier-safe base for a type used as a type argument (`User`, `string`, `UserArray`). */
  private argName(t: ts.Type): string {
    const named = this.nameOf(t);
    if (named) return this.baseName(named.symbol, named.args);
    if (t.flags & (F.StringLiteral | F.NumberLiteral)) return identifierSafe(String((t as ts.LiteralType).value));
    if (t.flags & F.BooleanLiteral) return String(isTrue(t));
    if (t.flags & F.Boolean) return 'boolean';
    if (t.flags & F.Union) return (t as ts.UnionType).types.map((m) => this.argName(m)).join('_or_');
    if (this.checker.isArrayType(t)) return `${this.argName(this.checker.getTypeArguments(t as ts.TypeReference)[0]!)}Array`;
    const intrinsic = (t as { intrinsicName?: string }).intrinsicName;
    if (intrinsic) return intrinsic;
    return 'Anon';
  }

  private baseName(symbol: ts.Symbol, args: readonly ts.Type[]): string {
    return [identifierSafe(symbol.name), ...args.map((a) => this.argName(a))].join('_');
  }

  /** The key of a named type (creating and reading its entry on first sight), or undefined if unnamed. */
  private namedKey(t: ts.Type, site: Site): string | undefined {
    const known = this.keys.get(t);
    if (known) return known;
    const named = this.nameOf(t);
    if (!named) return undefined;
    return this.register(t, named, site);
  }

  private register(t: ts.Type, named: { symbol: ts.Symbol; args: readonly ts.Type[] }, site: Site): string {
    const base = this.baseName(named.symbol, named.args);
    let key = base;
    for (let n = 2; this.entries.has(key); n++) key = `${base}_${n}`;
    this.keys.set(t, key);
    const decl = named.symbol.declarations?.[0];
    // Key order in the golden files: display, source, description, type.
    const entry = { display: this.text(t) } as NamedTypeIR;
    if (decl && !this.isExternal(decl)) entry.source = this.reporter.locate(decl);
    const doc = ts.displayPartsToString(named.symbol.getDocumentationComment(this.checker)).trim();
    if (doc) entry.description = doc;
    entry.type = { kind: 'unknown' };
    this.entries.set(key, entry);
    this.table[key] = entry;
    const inner: Site = { ...site, at: decl && this.reporter.isAppNode(decl) ? decl : site.at };
    entry.type = named.symbol.flags & S.Enum ? this.readEnum(named.symbol, inner) : this.readInner(t, inner, true);
    if (named.symbol.flags & S.Class) {
      const methods = this.checker
        .getPropertiesOfType(t)
        .filter((p) => p.flags & (S.Method | S.Accessor))
        .map((p) => p.name);
      if (methods.length) this.methodClasses.set(key, methods);
    }
    return key;
  }

  private readEnum(symbol: ts.Symbol, site: Site): EnumTypeIR {
    const names: string[] = [];
    const values: (string | number)[] = [];
    for (const decl of symbol.declarations ?? []) {
      if (!ts.isEnumDeclaration(decl)) continue;
      for (const member of decl.members) {
        const value = this.checker.getConstantValue(member);
        const name = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : member.name.getText();
        if (value === undefined) {
          this.fail({ ...site, at: member }, 'COVET101', 'computedEnum', { member: `${symbol.name}.${name}` });
          continue;
        }
        names.push(name);
        values.push(value);
      }
    }
    return { kind: 'enum', names, values };
  }

  // ------------------------------------------------------------ unions

  /** The members of a union as written (aliased unions and enums kept whole). */
  private unionMembers(t: ts.UnionType): readonly ts.Type[] {
    const origin = (t as { origin?: ts.Type }).origin;
    if (origin && origin.flags & F.Union) {
      return (origin as ts.UnionType).types.flatMap((m) =>
        m.flags & F.Union && !(m.flags & (F.Boolean | F.EnumLiteral)) && !this.nameOf(m) && !this.isTaggedUnion(m as ts.UnionType)
          ? this.unionMembers(m as ts.UnionType)
          : [m],
      );
    }
    return t.types;
  }

  /** `boolean & Default<true>` is distributed by TypeScript into `(false & …) | (true & …)`; its origin is the intersection as written. */
  private isTaggedUnion(t: ts.UnionType): boolean {
    const origin = (t as { origin?: ts.Type }).origin;
    return !!origin && !!(origin.flags & F.Intersection) && this.splitIntersection(origin as ts.IntersectionType).bases.length === 1;
  }

  private readUnion(t: ts.UnionType, site: Site): TypeIR {
    if (this.isTaggedUnion(t)) return this.readIntersection((t as unknown as { origin: ts.IntersectionType }).origin, site);
    const members = this.unionMembers(t);
    let hasNull = false;
    const parts: ts.Type[] = [];
    for (const m of members) {
      if (m.flags & (F.Undefined | F.Void)) continue;
      if (m.flags & F.Null) hasNull = true;
      else parts.push(m);
    }
    if (parts.length === 1 && !hasNull) return this.read(parts[0]!, site);
    let hoisted: JsonValue | undefined;
    const bools = parts.filter((p) => p.flags & F.BooleanLiteral);
    const bothBools = bools.length === 2;
    const enumOf = this.completeEnums(parts);
    const done = new Set<unknown>();
    const out: { ir: TypeIR; t: ts.Type | null }[] = [];
    for (const p of parts) {
      if (bothBools && p.flags & F.BooleanLiteral) {
        if (!done.has('boolean')) out.push({ ir: { kind: 'boolean' }, t: null });
        done.add('boolean');
        continue;
      }
      const whole = enumOf.get(p);
      if (whole) {
        if (!done.has(whole)) out.push({ ir: this.read(whole, site), t: null });
        done.add(whole);
        continue;
      }
      const ir = this.read(p, site);
      if (ir.kind === 'union' && !ir.discriminator) {
        // A nested inline union (a tagged literal union): flatten it, keeping its default.
        if (ir.default !== undefined) hoisted = ir.default;
        for (const v of ir.variants) if (v.kind !== 'null') out.push({ ir: v, t: null });
        if (ir.variants.some((v) => v.kind === 'null')) hasNull = true;
      } else out.push({ ir, t: p });
    }
    if (hasNull) out.push({ ir: { kind: 'null' }, t: null });
    if (out.length === 1) return out[0]!.ir;
    if (out.length === 0) {
      this.fail(site, 'COVET101', 'noValue', { type: this.text(t) });
      return { kind: 'unknown' };
    }
    const union: UnionTypeIR = { kind: 'union', variants: out.map((o) => o.ir) };
    if (hoisted !== undefined) union.default = hoisted;
    const disc = this.discriminator(out);
    if (disc) union.discriminator = disc;
    return union;
  }

  /** Enum member literals whose whole enum is present → that enum's type. */
  private completeEnums(parts: readonly ts.Type[]): Map<ts.Type, ts.Type> {
    const groups = new Map<ts.Declaration, ts.Type[]>();
    for (const p of parts) {
      const decl = p.flags & F.EnumLiteral && !(p.flags & F.Union) ? p.symbol?.valueDeclaration : undefined;
      if (!decl || !ts.isEnumMember(decl)) continue;
      const list = groups.get(decl.parent) ?? [];
      list.push(p);
      groups.set(decl.parent, list);
    }
    const out = new Map<ts.Type, ts.Type>();
    for (const [enumDecl, list] of groups) {
      if (!ts.isEnumDeclaration(enumDecl) || list.length !== enumDecl.members.length) continue;
      const sym = this.checker.getSymbolAtLocation(enumDecl.name);
      if (!sym) continue;
      const whole = this.checker.getDeclaredTypeOfSymbol(sym);
      for (const p of list) out.set(p, whole);
    }
    return out;
  }

  /** The IR's one rule (ir/queries.ts); a variant whose named type is still being read counts as not an object here, and `fillDiscriminators` looks again once all are read. */
  private discriminator(out: { ir: TypeIR; t: ts.Type | null }[]): UnionTypeIR['discriminator'] | undefined {
    return findDiscriminator(this.table, out.map((o) => o.ir));
  }

  // ------------------------------------------------------------ intersections and tags

  private splitIntersection(t: ts.IntersectionType): { bases: ts.Type[]; tags: Tag[]; tagNames: Set<string> } {
    const bases: ts.Type[] = [];
    const tags: Tag[] = [];
    const tagNames = new Set<string>();
    for (const m of t.types) {
      if (isTagObject(this.checker, m)) {
        for (const tag of readTags(this.checker, m)) {
          tags.push(tag);
          tagNames.add(TAG_PREFIX + tag.name);
        }
      } else bases.push(m);
    }
    return { bases, tags, tagNames };
  }

  private readIntersection(t: ts.IntersectionType, site: Site): TypeIR {
    const { bases, tags, tagNames } = this.splitIntersection(t);
    if (bases.length === 0) {
      this.fail(site, 'COVET110', 'noBase', { tags: tags.map((g) => g.display).join(' & ') });
      return { kind: 'unknown' };
    }
    // A primitive with object members is a branded primitive: the brand has no run-time form.
    const primitive = bases.find((b) => !(b.flags & (F.Object | F.Intersection)));
    let ir: TypeIR;
    let baseText: string;
    if (primitive) {
      ir = this.read(primitive, site);
      baseText = this.text(primitive);
    } else if (bases.length === 1) {
      ir = this.read(bases[0]!, site);
      baseText = this.text(bases[0]!);
    } else {
      ir = this.readObject(t, site, tagNames);
      baseText = bases.map((b) => this.text(b)).join(' & ');
    }
    for (const p of applyTags(ir, tags, baseText, (x, v) => this.acceptsValue(x, v))) {
      if (p.id === 'COVET111') this.fail(site, p.id, p.text, p.values);
      else this.fail(site, p.id, p.text, p.values as never);
    }
    return ir;
  }

  /** Whether a `Default<V>` value fits a type. */
  private acceptsValue(ir: TypeIR, v: JsonValue): boolean {
    switch (ir.kind) {
      case 'string':
      case 'date':
        return typeof v === 'string';
      case 'number':
        return typeof v === 'number' && (!ir.integer || Number.isSafeInteger(v));
      case 'boolean':
        return typeof v === 'boolean';
      case 'null':
        return v === null;
      case 'literal':
        return ir.value === v;
      case 'enum':
        return ir.values.some((x) => x === v);
      case 'union':
        return ir.variants.some((x) => this.acceptsValue(x, v));
      case 'ref': {
        const entry = this.entries.get(ir.name);
        return !entry || entry.type.kind === 'unknown' || this.acceptsValue(entry.type, v);
      }
      case 'unknown':
        return true;
      default:
        return false;
    }
  }

  // ------------------------------------------------------------ objects

  private readObjectLike(t: ts.Type, site: Site): TypeIR {
    const c = this.checker;
    if (c.isArrayType(t)) {
      return { kind: 'array', items: this.read(c.getTypeArguments(t as ts.TypeReference)[0]!, { ...site, path: `${site.path}[]` }) };
    }
    if (c.isTupleType(t)) return this.readTuple(t as ts.TypeReference, site);
    if (isTagObject(c, t)) return this.readIntersectionLikeTagOnly(t, site);
    const sym = t.symbol;
    if (sym && this.isLib(sym) && sym.flags & (S.Interface | S.Class)) {
      if (sym.name === 'Date') return { kind: 'date' };
      const lib = unsupportedLibType(sym.name, t, (x) => this.text(x), c);
      this.fail(site, 'COVET101', lib.text, lib.values as never);
      return { kind: 'unknown' };
    }
    if (t.getCallSignatures().length || t.getConstructSignatures().length) {
      this.fail(site, 'COVET101', 'function', { type: this.text(t) });
      return { kind: 'unknown' };
    }
    return this.readObject(t, site, undefined);
  }

  private readIntersectionLikeTagOnly(t: ts.Type, site: Site): TypeIR {
    const tags = readTags(this.checker, t)
      .map((g) => g.display)
      .join(' & ');
    this.fail(site, 'COVET110', 'noBase', { tags });
    return { kind: 'unknown' };
  }

  private readTuple(t: ts.TypeReference, site: Site): TupleTypeIR {
    const target = t.target as ts.TupleType;
    const args = this.checker.getTypeArguments(t);
    const out: TupleTypeIR = { kind: 'tuple', items: [], minItems: 0 };
    let optionalSeen = false;
    target.elementFlags.forEach((ef, i) => {
      const elSite = { ...site, path: `${site.path}[${i}]` };
      const arg = args[i]!;
      if (ef & ts.ElementFlags.Required) {
        out.items.push(this.read(arg, elSite));
        if (!optionalSeen) out.minItems = out.items.length;
      } else if (ef & ts.ElementFlags.Optional) {
        optionalSeen = true;
        out.items.push(this.read(arg, elSite));
      } else if (ef & ts.ElementFlags.Rest && i === target.elementFlags.length - 1) {
        out.rest = this.read(arg, { ...site, path: `${site.path}[${i}…]` });
      } else {
        this.fail(elSite, 'COVET101', 'restNotLast', { type: this.text(t) });
      }
    });
    return out;
  }

  /**
   * Properties in declaration order. A mapped type (`Pick`, `Omit`, `Partial`…) lists them in the
   * order of its key union, which follows type creation rather than the source: put properties
   * that come from a declaration back in source order.
   */
  private propertiesInOrder(t: ts.Type): ts.Symbol[] {
    const props = this.inheritedFirst(t, this.checker.getPropertiesOfType(t));
    const mapped = (u: ts.Type): boolean =>
      !!((u as ts.ObjectType).objectFlags & ts.ObjectFlags.Mapped) || (!!(u.flags & F.Intersection) && (u as ts.IntersectionType).types.some(mapped));
    if (!mapped(t)) return props;
    const files: string[] = [];
    const rank = (p: ts.Symbol): [number, number] => {
      const d = p.declarations?.[0];
      if (!d) return [Number.MAX_SAFE_INTEGER, 0];
      const f = d.getSourceFile().fileName;
      if (!files.includes(f)) files.push(f);
      return [files.indexOf(f), d.pos];
    };
    const ranked = props.map((p, i) => ({ p, i, r: rank(p) }));
    ranked.sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i);
    return ranked.map((x) => x.p);
  }

  /**
   * An interface or class that extends others lists the inherited properties
   * first, in the bases' order, then its own — the order a subclass instance
   * has its fields in, and pydantic's. (The checker lists own members first.)
   */
  private inheritedFirst(t: ts.Type, props: ts.Symbol[]): ts.Symbol[] {
    const target = ((t as ts.TypeReference).target ?? t) as ts.InterfaceType;
    if (!((target as ts.ObjectType).objectFlags & ts.ObjectFlags.ClassOrInterface)) return props;
    const bases = this.checker.getBaseTypes(target);
    if (!bases.length) return props;
    const byName = new Map(props.map((p) => [p.name, p]));
    const ordered: ts.Symbol[] = [];
    const seen = new Set<string>();
    for (const base of bases) {
      for (const bp of this.propertiesInOrder(base)) {
        const own = byName.get(bp.name);
        if (own && !seen.has(bp.name)) {
          seen.add(bp.name);
          ordered.push(own);
        }
      }
    }
    for (const p of props) if (!seen.has(p.name)) ordered.push(p);
    return ordered;
  }

  private readObject(t: ts.Type, site: Site, exclude: Set<string> | undefined): ObjectTypeIR {
    const c = this.checker;
    const properties: PropertyIR[] = [];
    const interfaceMethods: string[] = [];
    for (const p of this.propertiesInOrder(t)) {
      const name = p.name;
      if (exclude?.has(name)) continue;
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      if (p.flags & (S.Method | S.Accessor)) {
        // Class methods and accessors live on the prototype: not part of the JSON form.
        const inClass = !!decl && ts.isClassLike(decl.parent);
        if (!inClass && p.flags & S.Method) interfaceMethods.push(`${name}()`);
        if (inClass || p.flags & S.Method) continue;
      }
      if (decl && (ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || name.startsWith('#'))) continue;
      const propSite: Site = { ...site, path: childPath(site.path, name), at: decl && this.reporter.isAppNode(decl) ? decl : site.at };
      if (name.startsWith('__@') || isSymbolKey(c, p)) {
        this.fail(propSite, 'COVET101', 'symbolKey', {});
        continue;
      }
      const pt = c.getTypeOfSymbol(p);
      const typeNode = decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) ? decl.type : undefined;
      const prop: PropertyIR = {
        name,
        type: this.read(pt, propSite, typeNode),
        optional: !!(p.flags & S.Optional) || includesUndefined(pt),
      };
      const doc = ts.displayPartsToString(p.getDocumentationComment(c)).trim();
      if (doc) prop.description = doc;
      properties.push(prop);
    }
    if (interfaceMethods.length) {
      this.fail(site, 'COVET101', 'methods', { type: this.text(t), methods: interfaceMethods.join(', ') });
    }
    const out: ObjectTypeIR = { kind: 'object', properties };
    const infos = c.getIndexInfosOfType(t);
    const info = infos.find((i) => i.keyType.flags & F.String) ?? infos.find((i) => i.keyType.flags & (F.Number | F.TemplateLiteral));
    if (info) out.additionalProperties = this.read(info.type, { ...site, path: `${site.path}[string]` });
    return out;
  }

  // ------------------------------------------------------------ inputs

  /**
   * Reports named classes with methods reached from an input (a body):
   * a validated body is a plain object, so its methods would be missing.
   */
  checkInput(ir: TypeIR, site: Site): void {
    const seen = new Set<string>();
    const walk = (x: TypeIR, path: string): void => {
      switch (x.kind) {
        case 'ref': {
          if (seen.has(x.name)) return;
          seen.add(x.name);
          const methods = this.methodClasses.get(x.name);
          if (methods) {
            this.fail({ ...site, path }, 'COVET101', 'classBody', { name: x.name, methods: methods.map((m) => `${m}()`).join(', ') });
            return;
          }
          const entry = this.entries.get(x.name);
          if (entry) walk(entry.type, path);
          return;
        }
        case 'array':
          return walk(x.items, `${path}[]`);
        case 'tuple':
          x.items.forEach((it, i) => walk(it, `${path}[${i}]`));
          if (x.rest) walk(x.rest, `${path}[${x.items.length}…]`);
          return;
        case 'union':
          x.variants.forEach((v) => walk(v, path));
          return;
        case 'object':
          for (const p of x.properties) walk(p.type, childPath(path, p.name));
          if (x.additionalProperties) walk(x.additionalProperties, `${path}[string]`);
          return;
        default:
          return;
      }
    };
    walk(ir, site.path);
  }
}

function isTrue(t: ts.Type): boolean {
  return (t as { intrinsicName?: string }).intrinsicName === 'true';
}

function isSymbolKey(c: ts.TypeChecker, p: ts.Symbol): boolean {
  const decl = p.valueDeclaration as ts.NamedDeclaration | undefined;
  const nameNode = decl?.name;
  if (!nameNode || !ts.isComputedPropertyName(nameNode)) return false;
  const keyType = c.getTypeAtLocation(nameNode.expression);
  return !!(keyType.flags & (F.ESSymbol | F.UniqueESSymbol));
}

/** The COVET101 text for a primitive type with no JSON form. */
function unsupportedPrimitive(f: ts.TypeFlags): 'bigint' | 'symbol' | 'templateLiteral' | 'typeParameter' | 'undefinedValue' | 'never' | 'notJson' {
  if (f & (F.BigInt | F.BigIntLiteral)) return 'bigint';
  if (f & (F.ESSymbol | F.UniqueESSymbol)) return 'symbol';
  if (f & (F.TemplateLiteral | F.StringMapping)) return 'templateLiteral';
  if (f & F.TypeParameter) return 'typeParameter';
  if (f & (F.Undefined | F.Void)) return 'undefinedValue';
  if (f & F.Never) return 'never';
  return 'notJson';
}
