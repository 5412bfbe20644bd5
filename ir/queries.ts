/**
 * Questions every stage asks about the App IR, answered once here beside the
 * types they read: following references, finding a union's discriminant,
 * rendering a type for a comment or message, which property names a plain
 * object inherits, and how a name becomes identifier-safe. The compiler uses
 * them to build the IR; codegen to read it. None of them touches TypeScript.
 */
import type { AppIR, CredentialParamIR, ObjectTypeIR, ParamIR, RouteIR, SecuritySchemeIR, TypeIR, UnionTypeIR } from './ir.ts';

export type Types = AppIR['types'];

/** Follows refs to the type they name (stops on a cycle of refs that never reaches a real type, returning the last ref). */
export function resolve(types: Types, t: TypeIR): TypeIR {
  const seen = new Set<string>();
  while (t.kind === 'ref' && !seen.has(t.name) && types[t.name]) {
    seen.add(t.name);
    t = types[t.name]!.type;
  }
  return t;
}

/** The object type `t` is or names, or null. */
export function resolveObject(types: Types, t: TypeIR): ObjectTypeIR | null {
  const r = resolve(types, t);
  return r.kind === 'object' ? r : null;
}

/**
 * A property that every one of `variants` (each an object, or a ref to one)
 * requires with a literal type, the literals all distinct: the first such
 * property in the first variant's declaration order. `prefer` is tried first.
 * `mapping[i].variant` indexes into `variants`.
 */
export function findDiscriminator(types: Types, variants: readonly TypeIR[], prefer?: string): UnionTypeIR['discriminator'] | undefined {
  if (variants.length < 2) return undefined;
  const objects: ObjectTypeIR[] = [];
  for (const v of variants) {
    const o = resolveObject(types, v);
    if (!o) return undefined;
    objects.push(o);
  }
  const names = objects[0]!.properties.map((p) => p.name);
  const candidates = prefer !== undefined ? [prefer, ...names.filter((n) => n !== prefer)] : names;
  for (const property of candidates) {
    const mapping: { value: string | number | boolean; variant: number }[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < objects.length; i++) {
      const p = objects[i]!.properties.find((q) => q.name === property);
      if (!p || p.optional || p.type.kind !== 'literal') break;
      const key = `${typeof p.type.value}:${String(p.type.value)}`;
      if (seen.has(key)) break;
      seen.add(key);
      mapping.push({ value: p.type.value, variant: i });
    }
    if (mapping.length === objects.length) return { property, mapping };
  }
  return undefined;
}

/** True when the named type can reach itself through refs. */
export function isRecursive(types: Types, name: string): boolean {
  const seen = new Set<string>();
  const reaches = (t: TypeIR): boolean => {
    switch (t.kind) {
      case 'ref':
        if (t.name === name) return true;
        if (seen.has(t.name)) return false;
        seen.add(t.name);
        return types[t.name] ? reaches(types[t.name]!.type) : false;
      case 'array':
        return reaches(t.items);
      case 'tuple':
        return t.items.some(reaches) || (t.rest !== undefined && reaches(t.rest));
      case 'object':
        return t.properties.some((p) => reaches(p.type)) || (t.additionalProperties !== undefined && reaches(t.additionalProperties));
      case 'union':
        return t.variants.some(reaches);
      default:
        return false;
    }
  };
  return types[name] ? reaches(types[name]!.type) : false;
}

/**
 * Property names a plain object inherits from `Object.prototype` (`__proto__`,
 * `constructor`, `toString` …). Generated code reads such a property only after
 * an own-property check, or an absent property would read the inherited value.
 */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

export function isInherited(name: string): boolean {
  return INHERITED.has(name);
}

/**
 * An identifier-safe form of a name (`Page<User>` parts, an export name):
 * every character that cannot be in an identifier becomes `_`, and a leading
 * digit (or nothing) gets a `_` in front.
 */
export function identifierSafe(s: string): string {
  let out = s.replace(/[^A-Za-z0-9_$]/g, '_');
  if (!out || /^[0-9]/.test(out)) out = `_${out}`;
  return out;
}

export interface RenderOptions {
  /** Longer renderings are cut with `…`. */
  budget?: number;
  /** Include tags that only constrain values (`MinLength<1>`, `Min<0>`, a format); default true. */
  constraints?: boolean;
}

/**
 * A short TypeScript-like rendering of a type, for generated comments, union
 * labels and messages (`string & MinLength<1>`, `{ id; tags? }`, `User[]`).
 * Only ever pasted into code through `comment()` or a literal.
 */
export function renderType(t: TypeIR, options: RenderOptions = {}): string {
  const budget = options.budget ?? 80;
  const s = render(t, options.constraints !== false);
  return s.length > budget ? `${s.slice(0, budget - 1)}…` : s;
}

function render(t: TypeIR, tags: boolean): string {
  switch (t.kind) {
    case 'string': {
      const out = ['string'];
      if (tags) {
        if (t.format) out.push(t.format);
        if (t.minLength !== undefined) out.push(`MinLength<${t.minLength}>`);
        if (t.maxLength !== undefined) out.push(`MaxLength<${t.maxLength}>`);
        if (t.pattern !== undefined) out.push('Pattern');
      }
      return out.join(' & ');
    }
    case 'number': {
      const out = ['number'];
      if (t.integer) out.push('Int');
      if (tags) {
        if (t.minimum !== undefined) out.push(`Min<${t.minimum}>`);
        if (t.maximum !== undefined) out.push(`Max<${t.maximum}>`);
        if (t.exclusiveMinimum !== undefined) out.push(`ExclusiveMin<${t.exclusiveMinimum}>`);
        if (t.exclusiveMaximum !== undefined) out.push(`ExclusiveMax<${t.exclusiveMaximum}>`);
        if (t.multipleOf !== undefined) out.push(`MultipleOf<${t.multipleOf}>`);
      }
      return out.join(' & ');
    }
    case 'boolean':
    case 'null':
    case 'unknown':
      return t.kind;
    case 'date':
      return 'Date';
    case 'literal':
      return JSON.stringify(t.value);
    case 'enum':
      return t.values.map((v) => JSON.stringify(v)).join(' | ');
    case 'array': {
      const inner = render(t.items, tags);
      return / [|&] /.test(inner) ? `(${inner})[]` : `${inner}[]`;
    }
    case 'tuple': {
      const items = t.items.map((it, i) => render(it, tags) + (i >= t.minItems ? '?' : ''));
      if (t.rest) {
        const rest = render(t.rest, tags);
        items.push(/ [|&] /.test(rest) ? `...(${rest})[]` : `...${rest}[]`);
      }
      return `[${items.join(', ')}]`;
    }
    case 'object': {
      const props = t.properties.map((p) => `${/^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : JSON.stringify(p.name)}${p.optional ? '?' : ''}`);
      if (t.additionalProperties) props.push(`[key: string]: ${render(t.additionalProperties, tags)}`);
      return `{ ${props.join('; ')} }`;
    }
    case 'union':
      return t.variants.map((v) => render(v, tags)).join(' | ');
    case 'ref':
      return t.name;
  }
}

/**
 * What a route reads from the request, over its whole graph: the handler's own path, query,
 * header, cookie and body parameters, then those of each provider it resolves (its lifecycle's
 * order). A wire input two of them read (the same kind and key, or the body) is listed once, the
 * first time. What OpenAPI documents, the client sends and the engine is told to keep.
 */
export function routeInputs(ir: Pick<AppIR, 'providers'>, route: RouteIR): WireParamIR[] {
  const out: WireParamIR[] = [];
  const seen = new Set<string>();
  const add = (params: readonly ParamIR[]) => {
    for (const p of params) {
      if (!isWire(p)) continue;
      const id = p.kind === 'body' ? 'body' : `${p.kind}:${p.key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(p);
    }
  };
  add(route.params);
  for (const id of route.lifecycle?.providers ?? []) {
    const provider = ir.providers[id];
    if (provider) add(provider.params);
  }
  return out;
}

/**
 * A parameter read from the request as a typed input (not the context, a provider's value, a
 * credential, which OpenAPI lists as security instead, or the route's scopes).
 */
export type WireParamIR = Exclude<ParamIR, { kind: 'ctx' } | { kind: 'dep' } | { kind: 'credential' } | { kind: 'scopes' }>;

export function isWire(p: ParamIR): p is WireParamIR {
  return p.kind !== 'ctx' && p.kind !== 'dep' && p.kind !== 'credential' && p.kind !== 'scopes';
}

/**
 * The credentials a route's graph reads (its handler's, then its providers' in lifecycle order),
 * one per scheme, the first time; `required` when any reader of that scheme requires it. What the
 * dispatch extracts up front, OpenAPI lists as the route's security and the engine keeps.
 */
export function routeCredentials(ir: Pick<AppIR, 'providers'>, route: RouteIR): CredentialParamIR[] {
  const out = new Map<string, CredentialParamIR>();
  const add = (params: readonly ParamIR[]) => {
    for (const p of params) {
      if (p.kind !== 'credential') continue;
      const seen = out.get(p.scheme);
      if (!seen) out.set(p.scheme, { ...p });
      else if (p.required) seen.required = true;
    }
  };
  add(route.params);
  for (const id of route.lifecycle?.providers ?? []) add(ir.providers[id]?.params ?? []);
  return [...out.values()];
}

/** The request header a scheme's credential travels in (`cookie` for a cookie key), null for a query key. */
export function credentialHeader(s: SecuritySchemeIR): string | null {
  if (s.type === 'apiKey') return s.in === 'header' ? s.name : s.in === 'cookie' ? 'cookie' : null;
  return 'authorization';
}

/**
 * `oauth2 [todos:write]`, `bearerAuth?` (optional), `apiKey_header_x-api-key + basicAuth`: the
 * credentials a route's graph reads, by scheme, with the route's scopes on OAuth2 ones; `-` for none.
 */
export function describeSecurity(ir: Pick<AppIR, 'providers' | 'securitySchemes'>, route: RouteIR): string {
  const creds = routeCredentials(ir, route);
  if (creds.length === 0) return '-';
  return creds
    .map((c) => {
      const scopes = ir.securitySchemes?.[c.scheme]?.type === 'oauth2' && route.scopes.length ? ` [${route.scopes.join(' ')}]` : '';
      return `${c.scheme}${scopes}${c.required ? '' : '?'}`;
    })
    .join(' + ');
}

