/**
 * Credential parameters (`BearerToken`, `OAuth2Token`, `ApiKey`, `BasicCredentials` from 'covet'),
 * `Scopes` and `Form<T>`: recognising them by their `__covet_*` marker property (through aliases
 * and `| undefined`), reading the scheme their type arguments declare, and keeping the app's
 * security schemes, one per name (COVET134 when one name declares two). The route-level checks of
 * `@scopes` (unknown scope, no credential) are `checkScopes`.
 */
import { ts } from 'ts-morph';
import type { CredentialParamIR, SecuritySchemeIR } from '../ir/ir.ts';
import { didYouMean } from './diagnostics.ts';
import type { Reporter } from './source.ts';
import { literalValue, TAG_PREFIX } from './tags.ts';

const F = ts.TypeFlags;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** OpenAPI's rule for a `components` key. */
const COMPONENT_KEY = /^[A-Za-z0-9._-]+$/;
/** RFC 6749 §3.3 scope-token: printable ASCII but space, `"` and `\`. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The members of a type other than `undefined` / `void`. */
function defined(t: ts.Type): ts.Type[] {
  return (t.flags & F.Union ? (t as ts.UnionType).types : [t]).filter((m) => !(m.flags & (F.Undefined | F.Void)));
}

/** The type of property `name` on one of the defined members of `t`, if any has it. */
function marker(checker: ts.TypeChecker, t: ts.Type, name: string): ts.Type | undefined {
  for (const m of defined(t)) {
    const prop = checker.getPropertyOfType(m, `${TAG_PREFIX}${name}`);
    if (prop) return checker.getTypeOfSymbol(prop);
  }
  return undefined;
}

export function isScopesType(checker: ts.TypeChecker, t: ts.Type): boolean {
  return marker(checker, t, 'scopes') !== undefined;
}

export function isFormType(checker: ts.TypeChecker, t: ts.Type): boolean {
  return marker(checker, t, 'form') !== undefined;
}

/** A string literal property of the marker's object type, '' when the property is absent, undefined when it is not one literal. */
function stringProp(checker: ts.TypeChecker, obj: ts.Type, name: string): string | undefined {
  const prop = checker.getPropertyOfType(obj, name);
  if (!prop) return undefined;
  const v = literalValue(checker.getTypeOfSymbol(prop), false);
  return typeof v === 'string' ? v : undefined;
}

/** A credential parameter read from its type, or the reason it cannot be (a COVET135 text). */
export type ReadCredential =
  | { scheme: string; ir: SecuritySchemeIR; kind: 'bearer' | 'oauth2' | 'apiKey' | 'basic' }
  | { problem: 'notLiteral'; what: string }
  | { problem: 'badHeaderName'; key: string }
  | { problem: 'emptyKey' }
  | { problem: 'badSchemeName'; scheme: string }
  | { problem: 'badTokenUrl'; url: string }
  | { problem: 'badScopes' }
  | { problem: 'badScope'; scope: string };

/** The credential a parameter's type declares, undefined when it is no credential. */
export function readCredential(checker: ts.TypeChecker, t: ts.Type): ReadCredential | undefined {
  const info = marker(checker, t, 'credential');
  if (!info) return undefined;
  const obj = defined(info)[0];
  if (!obj) return undefined;
  const kind = stringProp(checker, obj, 'type');
  const scheme = stringProp(checker, obj, 'scheme');
  if (scheme === undefined) return { problem: 'notLiteral', what: 'the scheme name (its Scheme type argument)' };
  const named = (fallback: string): string => (scheme === '' ? fallback : scheme);
  switch (kind) {
    case 'bearer':
      return checkName({ scheme: named('bearerAuth'), ir: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, kind });
    case 'basic': {
      const realm = stringProp(checker, obj, 'realm');
      if (realm === undefined) return { problem: 'notLiteral', what: 'the realm (its Realm type argument)' };
      return checkName({ scheme: named('basicAuth'), ir: { type: 'http', scheme: 'basic', realm }, kind });
    }
    case 'apiKey': {
      const where = stringProp(checker, obj, 'in');
      const name = stringProp(checker, obj, 'name');
      if (where !== 'header' && where !== 'query' && where !== 'cookie') return { problem: 'notLiteral', what: "where the key is (its In type argument: 'header', 'query' or 'cookie')" };
      if (name === undefined) return { problem: 'notLiteral', what: 'the key name (its Name type argument)' };
      if (name === '') return { problem: 'emptyKey' };
      const key = where === 'header' ? name.toLowerCase() : name;
      if (where !== 'query' && !HEADER_NAME.test(key)) return { problem: 'badHeaderName', key };
      return checkName({ scheme: named(apiKeySchemeName(where, key)), ir: { type: 'apiKey', in: where, name: key }, kind });
    }
    case 'oauth2': {
      const tokenUrl = stringProp(checker, obj, 'tokenUrl');
      if (tokenUrl === undefined) return { problem: 'notLiteral', what: 'the token URL (its TokenUrl type argument)' };
      if (tokenUrl === '' || /[\s"<>\\^`{|}]/.test(tokenUrl)) return { problem: 'badTokenUrl', url: tokenUrl };
      const scopesProp = checker.getPropertyOfType(obj, 'scopes');
      const scopes: Record<string, string> = {};
      if (scopesProp) {
        const st = defined(checker.getTypeOfSymbol(scopesProp))[0];
        if (st) {
          if (checker.getIndexInfosOfType(st).length) return { problem: 'badScopes' };
          for (const p of checker.getPropertiesOfType(st)) {
            const v = literalValue(checker.getTypeOfSymbol(p), false);
            if (typeof v !== 'string') return { problem: 'badScopes' };
            if (!SCOPE_TOKEN.test(p.name)) return { problem: 'badScope', scope: p.name };
            Object.defineProperty(scopes, p.name, { value: v, enumerable: true, writable: true, configurable: true });
          }
        }
      }
      const sorted: Record<string, string> = {};
      for (const k of Object.keys(scopes).sort()) Object.defineProperty(sorted, k, { value: scopes[k], enumerable: true, writable: true, configurable: true });
      return checkName({ scheme: named('oauth2'), ir: { type: 'oauth2', flow: 'password', tokenUrl, scopes: sorted }, kind });
    }
    default:
      return undefined;
  }
}

function checkName(c: { scheme: string; ir: SecuritySchemeIR; kind: 'bearer' | 'oauth2' | 'apiKey' | 'basic' }): ReadCredential {
  return COMPONENT_KEY.test(c.scheme) ? c : { problem: 'badSchemeName', scheme: c.scheme };
}

/**
 * The scheme name of an `ApiKey` without one: `apiKey_<in>_<name>`, every character OpenAPI does
 * not allow in a component key made `_` (`ApiKey<'header', 'x-api-key'>` → `apiKey_header_x-api-key`).
 */
export function apiKeySchemeName(where: string, key: string): string {
  return `apiKey_${where}_${key.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** How a scheme reads in a message: `http bearer`, `apiKey in header "x-api-key"`. */
function describeScheme(s: SecuritySchemeIR): string {
  switch (s.type) {
    case 'http':
      return s.scheme === 'bearer' ? 'BearerToken (http bearer)' : `BasicCredentials (http basic, realm ${JSON.stringify(s.realm)})`;
    case 'apiKey':
      return `ApiKey (${s.in} ${JSON.stringify(s.name)})`;
    case 'oauth2':
      return `OAuth2Token (password flow, tokenUrl ${JSON.stringify(s.tokenUrl)}, scopes ${Object.keys(s.scopes).join(' ') || 'none'})`;
  }
}

/** The app's security schemes, by name, with the parameter that declared each first. */
export class Security {
  private readonly schemes = new Map<string, { ir: SecuritySchemeIR; decl: ts.Node; text: string }>();

  constructor(private readonly reporter: Reporter) {}

  /** Binds a credential parameter; null when its type is refused (reported). */
  param(decl: ts.ParameterDeclaration, name: string, read: ReadCredential, optional: boolean, label: string): CredentialParamIR | null {
    if ('problem' in read) {
      this.reporter.report('COVET135', read.problem, decl, label, { name, ...read } as never);
      return null;
    }
    const text = JSON.stringify(read.ir);
    const seen = this.schemes.get(read.scheme);
    if (!seen) this.schemes.set(read.scheme, { ir: read.ir, decl, text });
    else if (seen.text !== text && seen.decl !== decl) {
      this.reporter.report(
        'COVET134',
        'twoSchemes',
        decl,
        label,
        { scheme: read.scheme, first: describeScheme(seen.ir), second: describeScheme(read.ir), name },
        seen.decl,
      );
    }
    return { kind: 'credential', name, scheme: read.scheme, required: !optional };
  }

  get(name: string): SecuritySchemeIR | undefined {
    return this.schemes.get(name)?.ir;
  }

  /** The schemes, sorted by name. */
  all(): Record<string, SecuritySchemeIR> {
    const out: Record<string, SecuritySchemeIR> = {};
    for (const k of [...this.schemes.keys()].sort()) Object.defineProperty(out, k, { value: this.schemes.get(k)!.ir, enumerable: true, writable: true, configurable: true });
    return out;
  }
}

/**
 * A route's `@scopes` against its graph: COVET136 for a scope that an OAuth2Token of the graph
 * does not declare (did-you-mean), COVET137 (a warning) when the graph reads no credential.
 */
export function checkScopes(
  scopes: readonly { scope: string; node: ts.Node }[],
  schemes: readonly SecuritySchemeIR[],
  handler: string,
  tag: ts.Node | undefined,
  reporter: Reporter,
): void {
  if (scopes.length === 0) return;
  if (schemes.length === 0) {
    reporter.report('COVET137', 'noCredential', tag ?? scopes[0]!.node, handler, { scopes: scopes.map((s) => s.scope).join(' '), handler });
    return;
  }
  const oauth = schemes.filter((s): s is Extract<SecuritySchemeIR, { type: 'oauth2' }> => s.type === 'oauth2');
  if (oauth.length === 0) return;
  const declared = new Set(oauth.flatMap((s) => Object.keys(s.scopes)));
  for (const { scope, node } of scopes) {
    if (declared.has(scope)) continue;
    reporter.report('COVET136', 'unknown', node, handler, { scope, close: didYouMean(scope, declared), declared: [...declared].join(', ') || '(none)' });
  }
}
