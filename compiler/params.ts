/**
 * The binding rules (DESIGN.md §1): which request part each handler parameter
 * reads, and the response type.
 *
 * 1. `Ctx` (from 'covet') → the request context.
 * 2. `Header<T, N?>` / `Cookie<T, N?>` / `Query<T, N?>` → that source (default
 *    names: header → kebab-case of the parameter name, cookie/query → the
 *    parameter name).
 * 3. A name that matches a `:name` / `*name` path segment → path (scalar).
 * 4. Named `body`, or an object / union of objects / array of non-scalars /
 *    tuple / Record type → the JSON body (at most one).
 * 5. Anything else → query (an array of scalars reads a repeated key).
 */

import { ts } from 'ts-morph';
import type { DepParamIR, JsonValue, ParamIR, ScalarParamIR, SegmentIR, TypeIR } from '../ir/ir.ts';
import { renderType } from '../ir/queries.ts';
import { didYouMean } from './diagnostics.ts';
import type { Reporter } from './source.ts';
import { includesUndefined, type Site, type TypeReader } from './types.ts';
import { literalValue, TAG_PREFIX } from './tags.ts';
import type { FoundRoute, HandlerFunction } from './routes.ts';
import { COVET_API } from './project.ts';
import { isFormType, isScopesType, readCredential, type Security } from './security.ts';

const F = ts.TypeFlags;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `apiKey` → `api-key`, `XRequestID` → `x-request-id`, `user_agent` → `user-agent`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[_$]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

/** Scalars: what can be coerced from the text of a path segment, a query value, a header or a cookie. */
export function isScalar(ir: TypeIR, reader: TypeReader, seen = new Set<string>()): boolean {
  switch (ir.kind) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'literal':
    case 'enum':
    case 'date':
    case 'null':
      return true;
    case 'union':
      return ir.variants.every((v) => isScalar(v, reader, seen));
    case 'ref': {
      if (seen.has(ir.name)) return false;
      seen.add(ir.name);
      const entry = reader.named(ir.name);
      return !!entry && isScalar(entry.type, reader, seen);
    }
    default:
      return false;
  }
}

/** A JSON literal initializer (`= 10`, `= 'asc'`, `= ['a']`), else undefined. */
export function jsonLiteral(e: ts.Expression): JsonValue | undefined {
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) return jsonLiteral(e.expression);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand)) {
    if (e.operator === ts.SyntaxKind.MinusToken) return -Number(e.operand.text);
    if (e.operator === ts.SyntaxKind.PlusToken) return Number(e.operand.text);
  }
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (e.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isArrayLiteralExpression(e)) {
    const out: JsonValue[] = [];
    for (const el of e.elements) {
      const v = jsonLiteral(el);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  if (ts.isObjectLiteralExpression(e)) {
    const out: Record<string, JsonValue> = {};
    for (const p of e.properties) {
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return undefined;
      const v = jsonLiteral(p.initializer);
      if (v === undefined) return undefined;
      Object.defineProperty(out, p.name.text, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return undefined;
}

interface Marker {
  kind: 'header' | 'cookie' | 'query';
  /** The name given in the marker, '' for the default. */
  name: string | undefined;
}

function readMarker(checker: ts.TypeChecker, t: ts.Type): Marker | undefined {
  const members = t.flags & F.Union ? (t as ts.UnionType).types : [t];
  for (const kind of ['header', 'cookie', 'query'] as const) {
    for (const m of members) {
      if (m.flags & (F.Undefined | F.Void)) continue;
      const prop = checker.getPropertyOfType(m, `${TAG_PREFIX}${kind}`);
      if (!prop) continue;
      const v = literalValue(checker.getTypeOfSymbol(prop), false);
      return { kind, name: typeof v === 'string' ? v : undefined };
    }
  }
  return undefined;
}

/** The type is covet's `name` (`Ctx`, `ResponseInfo`, `Answer`, `HttpError`): declared in its handler API. */
export function isCovetType(t: ts.Type, name: string): boolean {
  const sym = t.aliasSymbol ?? t.symbol;
  if (!sym || sym.name !== name) return false;
  return (sym.declarations ?? []).some((d) => d.getSourceFile().fileName === COVET_API);
}

/** A function whose parameters are bound to the request: a handler, or a provider. */
export interface BindTarget {
  /** For messages: the handler's export name, or the chain from a route to a provider (`listTodos → currentUser`). */
  label: string;
  fn: HandlerFunction;
}

/**
 * A parameter typed `Dep<typeof fn>`: its DepParamIR, `null` when it names no provider (the
 * resolver reported why), `undefined` when the parameter is not a `Dep`.
 */
export type DepResolver = (decl: ts.ParameterDeclaration, label: string) => DepParamIR | null | undefined;

/** The bound parameters, and the declaration each comes from (parallel). */
export interface Bound {
  params: ParamIR[];
  decls: ts.ParameterDeclaration[];
}

/**
 * Reads the parameters of a handler or a provider; reports binding errors. `pathNames` are the
 * path segments of the route it is bound for. Checks within the one function only (two bodies,
 * one key twice); a route's whole graph is checked by the caller, so is a segment nothing binds.
 */
export function bindParams(
  target: BindTarget,
  pathNames: ReadonlySet<string>,
  checker: ts.TypeChecker,
  reader: TypeReader,
  reporter: Reporter,
  deps?: DepResolver,
  security?: Security,
): Bound {
  const handler = target.label;
  const params: ParamIR[] = [];
  const decls: ts.ParameterDeclaration[] = [];
  let bodyParam: ts.ParameterDeclaration | undefined;
  const wireKeys = new Map<string, string>();
  const push = (p: ParamIR, decl: ts.ParameterDeclaration): void => {
    params.push(p);
    decls.push(decl);
  };

  target.fn.parameters.forEach((decl, index) => {
    if (!ts.isIdentifier(decl.name)) {
      reporter.report('COVET114', 'destructured', decl, handler, { index: index + 1 });
      return;
    }
    const name = decl.name.text;
    if (decl.dotDotDotToken) {
      reporter.report('COVET114', 'rest', decl, handler, { name });
      return;
    }
    // Before the type is read: a provider's value need not be JSON (a transaction, a client).
    const dep = deps?.(decl, handler);
    if (dep === null) return;
    if (dep) {
      push(dep, decl);
      return;
    }
    const sym = checker.getSymbolAtLocation(decl.name);
    const type = sym ? checker.getTypeOfSymbol(sym) : checker.getTypeAtLocation(decl);
    const optional = !!decl.questionToken || !!decl.initializer || includesUndefined(type);
    if (isCovetType(type, 'Ctx')) {
      push({ kind: 'ctx', name }, decl);
      return;
    }
    const credential = security ? readCredential(checker, type) : undefined;
    if (credential) {
      const p = security!.param(decl, name, credential, optional, handler);
      if (p) push(p, decl);
      return;
    }
    if (isScopesType(checker, type)) {
      push({ kind: 'scopes', name }, decl);
      return;
    }
    const marker = readMarker(checker, type);
    const site: Site = { handler, node: decl, path: name };
    const form = isFormType(checker, type);
    // `Form<T>` is read as its T (the form's schema is T's, named as T is).
    const formOf = form ? formArgument(type) : undefined;
    const ir = formOf ? reader.read(formOf, site) : reader.read(type, site, decl.type);
    const scalar = isScalar(ir, reader);
    const scalarList = ir.kind === 'array' && isScalar(ir.items, reader);
    const withDefault = (p: ScalarParamIR): ScalarParamIR => {
      const v = decl.initializer ? jsonLiteral(decl.initializer) : undefined;
      if (v !== undefined) p.default = v;
      return p;
    };
    const claim = (kind: string, key: string): void => {
      const id = `${kind}:${kind === 'header' ? key.toLowerCase() : key}`;
      const other = wireKeys.get(id);
      if (other !== undefined) {
        reporter.report('COVET118', 'sameKey', decl, handler, { other, name, kind, key });
      } else wireKeys.set(id, name);
    };

    if (marker) {
      let key = marker.name === undefined || marker.name === '' ? (marker.kind === 'header' ? kebabCase(name) : name) : marker.name;
      if (marker.kind === 'header') key = key.toLowerCase();
      if (marker.name === undefined) {
        reporter.report('COVET112', 'nameNotLiteral', decl, handler, { kind: marker.kind, name });
      } else if ((marker.kind === 'header' || marker.kind === 'cookie') && !HEADER_NAME.test(key)) {
        reporter.report('COVET112', 'badName', decl, handler, { kind: marker.kind, key });
      } else if (marker.kind === 'query' && key === '') {
        reporter.report('COVET112', 'emptyQueryKey', decl, handler, { name });
      }
      if (!(scalar || (scalarList && marker.kind !== 'cookie'))) {
        reporter.report('COVET115', 'marked', decl, handler, { kind: marker.kind, name, type: reader.text(type) });
      }
      claim(marker.kind, key);
      push(withDefault({ kind: marker.kind, name, key, type: ir, required: !optional }), decl);
      return;
    }

    if (pathNames.has(name)) {
      if (!scalar) {
        reporter.report('COVET104', 'nonScalar', decl, handler, { name, type: reader.text(type) });
      }
      if (optional) {
        reporter.report('COVET116', 'optional', decl, handler, { name });
      }
      push({ kind: 'path', name, key: name, type: ir, required: true }, decl);
      return;
    }

    if (form || name === 'body' || (!scalar && !scalarList && isBodyType(ir, reader))) {
      if (bodyParam) {
        const first = bodyParam.name.getText();
        reporter.report('COVET102', 'twoBodies', decl, handler, { first, name });
        return;
      }
      bodyParam = decl;
      reader.checkInput(ir, site);
      if (form) checkForm(ir, reader, reporter, decl, handler, name);
      push(form ? { kind: 'body', name, type: ir, required: !optional, media: 'form' } : { kind: 'body', name, type: ir, required: !optional }, decl);
      return;
    }

    if (!scalar && !scalarList && ir.kind !== 'unknown') {
      reporter.report('COVET115', 'query', decl, handler, { name, type: reader.text(type) });
    }
    claim('query', name);
    push(withDefault({ kind: 'query', name, key: name, type: ir, required: !optional }), decl);
  });

  return { params, decls };
}

/** COVET103 for each path segment that no parameter of the route's graph binds (`bound`: the path parameters' names; `names`: every parameter name of the graph, for did-you-mean). */
export function reportUnboundSegments(route: FoundRoute, segments: readonly SegmentIR[], bound: ReadonlySet<string>, names: readonly string[], reporter: Reporter): void {
  const handler = route.exportName;
  for (const seg of segments) {
    if (seg.kind === 'static' || bound.has(seg.name)) continue;
    const close = didYouMean(seg.name, names);
    const sigil = seg.kind === 'param' ? ':' : '*';
    reporter.report('COVET103', 'unbound', route.tag, handler, { sigil, name: seg.name, method: route.method, path: route.path, close, handler });
  }
}

/** The T of a `Form<T>` (or of `Form<T> | undefined`), when the alias is still visible. */
function formArgument(t: ts.Type): ts.Type | undefined {
  for (const m of t.flags & F.Union ? (t as ts.UnionType).types : [t]) {
    if (isCovetType(m, 'Form') && m.aliasTypeArguments?.length === 1) return m.aliasTypeArguments[0];
  }
  return undefined;
}

/** COVET138 unless a `Form<T>`'s T is an object whose fields are scalars (no null) or arrays of them. */
function checkForm(ir: TypeIR, reader: TypeReader, reporter: Reporter, decl: ts.ParameterDeclaration, handler: string, name: string): void {
  let t = ir;
  for (let i = 0; t.kind === 'ref' && i < 32; i++) t = reader.named(t.name)?.type ?? { kind: 'unknown' };
  if (t.kind !== 'object' || t.additionalProperties) {
    reporter.report('COVET138', 'notObject', decl, handler, { name, type: renderType(ir) });
    return;
  }
  const text = (x: TypeIR): boolean => isScalar(x, reader) && !hasNull(x, reader);
  for (const p of t.properties) {
    if (text(p.type) || (p.type.kind === 'array' && text(p.type.items))) continue;
    reporter.report('COVET138', 'field', decl, handler, { name, field: p.name, type: renderType(p.type) });
  }
}

function hasNull(t: TypeIR, reader: TypeReader, depth = 0): boolean {
  if (depth > 32) return false;
  if (t.kind === 'null') return true;
  if (t.kind === 'union') return t.variants.some((v) => hasNull(v, reader, depth + 1));
  if (t.kind === 'ref') {
    const e = reader.named(t.name);
    return !!e && hasNull(e.type, reader, depth + 1);
  }
  return false;
}

/** Object, union of objects (nullable allowed), array of non-scalars, tuple, Record. */
function isBodyType(ir: TypeIR, reader: TypeReader, seen = new Set<string>()): boolean {
  switch (ir.kind) {
    case 'object':
    case 'tuple':
      return true;
    case 'array':
      return !isScalar(ir.items, reader);
    case 'union':
      return ir.variants.every((v) => v.kind === 'null' || isBodyType(v, reader, seen)) && ir.variants.some((v) => v.kind !== 'null');
    case 'ref': {
      if (seen.has(ir.name)) return true;
      seen.add(ir.name);
      const entry = reader.named(ir.name);
      return !!entry && isBodyType(entry.type, reader, seen);
    }
    default:
      return false;
  }
}

/** The response type (Promise unwrapped), null for void; and whether the handler is async. */
export function readResponse(
  route: FoundRoute,
  checker: ts.TypeChecker,
  reader: TypeReader,
  reporter: Reporter,
): { response: TypeIR | null; async: boolean } {
  const fn = route.fn;
  const isAsyncFn = !!ts.getCombinedModifierFlags(fn as ts.Declaration) && (ts.getCombinedModifierFlags(fn as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
  const sig = checker.getSignatureFromDeclaration(fn);
  if (!sig) return { response: null, async: isAsyncFn };
  const ret = checker.getReturnTypeOfSignature(sig);
  const awaited = checker.getAwaitedType(ret) ?? ret;
  const async = isAsyncFn || awaited !== ret;
  const members = awaited.flags & F.Union ? (awaited as ts.UnionType).types : [awaited];
  if (members.every((m) => m.flags & (F.Void | F.Undefined | F.Never))) return { response: null, async };
  const site: Site = { handler: route.exportName, node: fn.type ?? route.nameNode, path: 'response' };
  if (includesUndefined(awaited)) {
    reporter.report('COVET117', 'mayBeUndefined', site.node, route.exportName, { type: reader.text(awaited) });
  }
  let typeNode = fn.type;
  if (typeNode && ts.isTypeReferenceNode(typeNode) && typeNode.typeName.getText() === 'Promise') typeNode = typeNode.typeArguments?.[0];
  return { response: reader.read(awaited, site, typeNode), async };
}
