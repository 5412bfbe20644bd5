/**
 * What a dispatch needs for credential parameters and `Scopes`: one scheme object per security
 * scheme (runtime-min/credentials.ts), declared at module level the first time a route uses it,
 * and one frozen scopes array per route that has a `Scopes` parameter in its graph. Only apps
 * with credentials get any of it.
 */
import type { AppIR, RouteIR, SecuritySchemeIR } from '../../ir/ir.ts';
import { code, comment, join, literal, type Code, type Name, type NameTable } from '../code.ts';
import { declaration, type Declaration } from '../scope.ts';

export class AuthGen {
  private readonly schemeNames = new Map<string, Name>();
  private readonly scopeNames = new Map<string, Name>();
  private pending: Declaration[] = [];

  constructor(
    private readonly schemes: AppIR['securitySchemes'],
    private readonly names: NameTable,
    private readonly rt: Name,
  ) {}

  ir(name: string): SecuritySchemeIR {
    const s = this.schemes[name];
    if (!s) throw new Error(`covet internal error: unknown security scheme ${JSON.stringify(name)}`);
    return s;
  }

  /**
   * The module-level object that extracts a scheme's credential: one per kind (bearer, API key, and
   * Basic per realm), since they hold no more than that (`__covet_auth_bearer`).
   */
  scheme(name: string): Name {
    const s = this.ir(name);
    const rt = this.rt;
    const [key, base, make, what] =
      s.type === 'apiKey'
        ? ['apiKey', 'apiKey', code`new ${rt}.ApiKeyScheme()`, 'an API key (header, query or cookie value)']
        : s.type === 'http' && s.scheme === 'basic'
          ? [`basic:${s.realm}`, 'basic', code`new ${rt}.BasicScheme(${literal(s.realm)})`, `Authorization: Basic, realm ${JSON.stringify(s.realm)}`]
          : ['bearer', 'bearer', code`new ${rt}.BearerScheme()`, 'Authorization: Bearer <token> (bearer and OAuth2 schemes)'];
    let n = this.schemeNames.get(key);
    if (n) return n;
    n = this.names.fresh(`__covet_auth_${base}`);
    this.schemeNames.set(key, n);
    this.pending.push(declaration(n, join([comment(`credentials: ${what}`), code`const ${n} = ${make};`])));
    return n;
  }

  /** The route's scopes (`__covet_scopes_createTodo`), a frozen array made once. */
  scopes(route: RouteIR): Name {
    let n = this.scopeNames.get(route.id);
    if (n) return n;
    n = this.names.fresh(`__covet_scopes_${route.id}`);
    this.scopeNames.set(route.id, n);
    this.pending.push(declaration(n, code`const ${n} = Object.freeze(${literal(route.scopes)});`));
    return n;
  }

  /** The declarations made since the last call (placed before the route that asked for them). */
  take(): Declaration[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

/** The raw value of a credential: its header, its cookie (the route's `cookies` map) or its query local. */
export function credentialInput(s: SecuritySchemeIR, queryLocal: (key: string) => Name): Code {
  if (s.type !== 'apiKey') return code`req.header("authorization")`;
  if (s.in === 'header') return code`req.header(${literal(s.name)})`;
  if (s.in === 'cookie') return code`cookies.get(${literal(s.name)})`;
  return code`${queryLocal(s.name)}`;
}
