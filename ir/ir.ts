/**
 * The App IR: the one contract between the compiler (TypeScript → IR) and
 * codegen (IR → JavaScript). Everything here is plain JSON: no class
 * instances, no functions, no `undefined` values that matter (optional fields
 * are simply absent), so that `JSON.stringify(ir)` is a faithful golden file.
 *
 * After this stage nothing touches TypeScript.
 */

export const IR_VERSION = 3;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD';
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A position in a user's source file. `file` is relative to the app root, with `/` separators. */
export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface AppIR {
  version: typeof IR_VERSION;
  /** Routes in a stable order: by file, then by position in the file. */
  routes: RouteIR[];
  /**
   * Named types, keyed by a stable, identifier-safe name derived from the
   * TypeScript name (`User`, `NewUser`, `Page_User` for `Page<User>`; a numeric
   * suffix only on collision). Every interface, class, enum and type alias
   * that is an object, union or enum becomes a named type and is referenced
   * with `{ kind: 'ref' }`; this is also how recursion is expressed.
   * Keys are sorted.
   */
  types: Record<string, NamedTypeIR>;
  /**
   * Providers (`Dep<typeof fn>`), keyed by their id, sorted: every function that a handler, an
   * `@onRequest` hook or another provider receives the value of. Empty when the app has none.
   */
  providers: Record<string, ProviderIR>;
  /** `@onResponse` and `@onError` hooks, keyed by id, sorted (an `@onRequest` hook is a provider). */
  hooks: Record<string, HookIR>;
  /**
   * The security schemes the app's credential parameters (`BearerToken`, `OAuth2Token`, `ApiKey`,
   * `BasicCredentials` from 'covet') declare, keyed by scheme name (OpenAPI's
   * `components.securitySchemes` key), sorted. Empty when the app reads no credential.
   */
  securitySchemes: Record<string, SecuritySchemeIR>;
}

/**
 * How a credential travels, as OpenAPI 3.1 describes it. The dispatch extracts it from the request;
 * a required one that is missing or malformed answers 401 before anything else of the route runs
 * (with `WWW-Authenticate` for the `http` and `oauth2` schemes, RFC 6750 / RFC 7617).
 */
export type SecuritySchemeIR =
  /** `Authorization: Bearer <token>` (`BearerToken`): the token, unverified (a provider verifies it). */
  | { type: 'http'; scheme: 'bearer'; bearerFormat?: string }
  /** `Authorization: Basic base64(user:password)` (`BasicCredentials`): `{ username, password }`. */
  | { type: 'http'; scheme: 'basic'; realm: string }
  /** A key in a header, a query parameter or a cookie (`ApiKey<In, Name>`): the raw value. */
  | { type: 'apiKey'; in: 'header' | 'query' | 'cookie'; name: string }
  /**
   * OAuth2's password flow (`OAuth2Token<TokenUrl, Scopes>`): read as a bearer token; `tokenUrl` is
   * where Swagger UI's Authorize posts the form; `scopes` maps each scope to its description.
   */
  | { type: 'oauth2'; flow: 'password'; tokenUrl: string; scopes: Record<string, string> };

/**
 * A provider: a function whose result reaches a handler (or a hook, or another provider) through
 * a parameter typed `Dep<typeof fn>`. Its parameters bind like a handler's. Per request it is
 * called at most once, whoever asks for it, before anything that asks.
 */
export interface ProviderIR {
  /** Unique among providers and hooks, identifier-safe: the export name (numbered on collision). */
  id: string;
  /** The function: export name, module, position, whether it is async. */
  fn: HandlerIR;
  /**
   * How it hands out its value:
   * - `return`: its return value (awaited when `fn.async`);
   * - `generator`: a generator function (`async function*` when `fn.async`, or `function*`): the
   *   first value it yields; resuming it after the handler is its cleanup, and a failure is thrown
   *   into it at the `yield` (`gen.throw(err)`), so a `try`/`catch` around the `yield` sees it.
   */
  form: 'return' | 'generator';
  /**
   * The value's type has `[Symbol.asyncDispose]` (`async`) or `[Symbol.dispose]` (`sync`): it is
   * called as the provider's cleanup. Absent: no cleanup (a generator's cleanup is its resumption).
   */
  dispose?: 'async' | 'sync';
  /**
   * Its parameters, in order, bound as a handler's are. A path parameter here means the same
   * segment in every route that uses the provider (the compiler checks it).
   */
  params: ParamIR[];
  /**
   * An `@onRequest` hook may return an `Answer` (from 'covet') to answer early: then the declared
   * return type includes it, and the dispatch checks for it. False for every other provider.
   */
  answers: boolean;
}

/** A hook that runs around the handler: `@onResponse` (after the answer is written) or `@onError` (maps a failure to an answer). */
export interface HookIR {
  id: string;
  event: 'response' | 'error';
  /** `app`: every route; `module`: the routes of `fn.file` (the module the hook is declared in). */
  scope: 'app' | 'module';
  fn: HandlerIR;
  /** In the function's order: each is the request context, the response's record, or the failure. */
  params: HookParamIR[];
}

export type HookParamIR =
  /** `Ctx`: the same request context the handler gets. */
  | { kind: 'ctx'; name: string }
  /** `ResponseInfo` (onResponse): status, duration, route pattern, method. */
  | { kind: 'info'; name: string }
  /** The failure (onError): the value the handler, a hook or a provider threw. */
  | { kind: 'error'; name: string };

export interface NamedTypeIR {
  /** The TypeScript text of the type as the user wrote it, e.g. `Page<User>`. */
  display: string;
  /** Where the declaration is (absent for types from node_modules or lib). */
  source?: SourceLocation;
  description?: string;
  type: TypeIR;
}

export interface RouteIR {
  /** Unique, identifier-safe; the handler's export name (numbered on collision). */
  id: string;
  method: HttpMethod;
  /** The pattern as written in `@route`, e.g. `/users/:id/files/*rest`. */
  path: string;
  segments: SegmentIR[];
  handler: HandlerIR;
  /** In the handler's parameter order: dispatch calls the handler with exactly these. */
  params: ParamIR[];
  /** Success status: `@status N`, or 200 (204 when the response is void). */
  status: number;
  /** The declared return type with `Promise` unwrapped; `null` for `void`/`undefined` (answers 204, no body). */
  response: TypeIR | null;
  summary?: string;
  description?: string;
  tags: string[];
  deprecated: boolean;
  /**
   * The error answers the handler declares with JSDoc `@throws 404 description`, in source order,
   * one per status: documented (OpenAPI responses, the client's error types), not enforced.
   * `description` is the text after the status, or the status's reason phrase when there is none.
   */
  throws: ThrowsIR[];
  /**
   * The route's request lifecycle in run order; absent when it has none (no providers, no hooks):
   * then it runs exactly as a plain route.
   */
  lifecycle?: LifecycleIR;
  /**
   * The scopes the route requires (JSDoc `@scopes a b`), in source order, deduplicated; `[]` when
   * none. A `Scopes` parameter of the handler or any provider of its graph receives them (a provider
   * checks them against the token); OpenAPI lists them in the route's security requirement.
   */
  scopes: string[];
}

/**
 * What runs around one route's handler, resolved by the compiler:
 *
 *   onRequest hooks (app, then module) and the providers of the graph, in `providers` order, each
 *   validating its own parameters first (a failure answers 422 with what failed so far) →
 *   the handler's own parameters, all validated together → handler → cleanup of the providers,
 *   in reverse order (also on failure, which they see) → onError hooks on a failure →
 *   the answer is written → onResponse hooks → background tasks.
 */
export interface LifecycleIR {
  /**
   * Provider ids in the order they are resolved, each once: a provider comes after every
   * provider it depends on; the onRequest hooks' graphs first (app hooks, then module hooks, in
   * declaration order), then the handler's, in parameter order, depth first.
   */
  providers: string[];
  /** The ones among `providers` that are onRequest hooks of this route (run for every request even if nothing asks for their value). */
  onRequest: string[];
  /** Hook ids in the order they run: module hooks, then app hooks (the reverse of onRequest's). */
  onResponse: string[];
  /** Hook ids in the order they are asked: module, then app; the first that returns an answer gives it. */
  onError: string[];
}

/** One `@throws STATUS description` of a handler. */
export interface ThrowsIR {
  /** 400 to 599. */
  status: number;
  description: string;
}

export type SegmentIR =
  | { kind: 'static'; value: string }
  /** `:name`, one whole segment. */
  | { kind: 'param'; name: string }
  /** `*name`, the last segment: the rest of the path, may contain `/`, may be empty. */
  | { kind: 'wildcard'; name: string };

export interface HandlerIR {
  /** The exported name to import from `file`. */
  exportName: string;
  /** Path of the module relative to the app root, `/` separators, with its extension (`users.ts`). */
  file: string;
  line: number;
  column: number;
  /** The handler is declared `async` or returns a Promise type. */
  async: boolean;
}

export type ParamIR = ScalarParamIR | BodyParamIR | CtxParamIR | DepParamIR | CredentialParamIR | ScopesParamIR;

/** A value read from the path, query string, a header or a cookie, coerced from text. */
export interface ScalarParamIR {
  kind: 'path' | 'query' | 'header' | 'cookie';
  /** The function parameter's name. */
  name: string;
  /**
   * The name on the wire: the path segment name, the query key, the header
   * name (lower case), the cookie name.
   */
  key: string;
  /**
   * The value's type. Scalars: string, number, boolean, literal, enum, a union
   * of those, `date`; for `query` (and `header`) also an `array` of those,
   * which reads a repeated key (a header's comma-separated values).
   */
  type: TypeIR;
  /** False when marked `?`, given a default, or its type includes `undefined`. Path params are always required. */
  required: boolean;
  /** The parameter's default value when it is a JSON literal. */
  default?: JsonValue;
}

export interface BodyParamIR {
  kind: 'body';
  name: string;
  type: TypeIR;
  required: boolean;
  /**
   * `Form<T>`: the body is `application/x-www-form-urlencoded` (an OAuth2 token request), its
   * values coerced from text as query values are; `T` is an object of scalars and arrays of
   * scalars (a repeated key). Absent: JSON.
   */
  media?: 'form';
}

export interface CtxParamIR {
  kind: 'ctx';
  name: string;
}

/**
 * A credential (`BearerToken`, `OAuth2Token`, `ApiKey`, `BasicCredentials`): extracted from the
 * request as its scheme says, unverified. Required unless optional (`?`, `| undefined`): then a
 * missing credential is `undefined` and no 401.
 */
export interface CredentialParamIR {
  kind: 'credential';
  name: string;
  /** Key into `AppIR.securitySchemes`. */
  scheme: string;
  required: boolean;
}

/** `Scopes`: the route's `scopes` (a frozen array, the same one per request). */
export interface ScopesParamIR {
  kind: 'scopes';
  name: string;
}

/** `Dep<typeof fn>`: the value of a provider, resolved once per request. */
export interface DepParamIR {
  kind: 'dep';
  name: string;
  /** Key into `AppIR.providers`. */
  provider: string;
}

/**
 * The type IR. `default` and `description` may appear on any node:
 * `default` comes from the `Default<V>` tag (applied when a property or
 * parameter is absent), `description` from JSDoc.
 */
export type TypeIR =
  | StringTypeIR
  | NumberTypeIR
  | BooleanTypeIR
  | NullTypeIR
  | LiteralTypeIR
  | EnumTypeIR
  | ArrayTypeIR
  | TupleTypeIR
  | ObjectTypeIR
  | UnionTypeIR
  | RefTypeIR
  | DateTypeIR
  | UnknownTypeIR;

interface TypeBase {
  default?: JsonValue;
  description?: string;
}

export type StringFormat = 'email' | 'uuid' | 'url' | 'date-time' | 'date';

export interface StringTypeIR extends TypeBase {
  kind: 'string';
  format?: StringFormat;
  minLength?: number;
  maxLength?: number;
  /** ECMAScript regular expression source (no flags), checked at compile time. */
  pattern?: string;
  /**
   * `PlainText`: when this string is a route's whole response, it is sent as
   * is with this media type instead of as JSON. Elsewhere it is a plain string.
   */
  mediaType?: 'text/plain';
}

export interface NumberTypeIR extends TypeBase {
  kind: 'number';
  /**
   * `Int` tag: a safe integer (`Number.isSafeInteger`: from -INT_MAX to INT_MAX). Its bounds lie
   * in that range (the compiler refuses others).
   */
  integer?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}

export interface BooleanTypeIR extends TypeBase {
  kind: 'boolean';
}

export interface NullTypeIR extends TypeBase {
  kind: 'null';
}

export interface LiteralTypeIR extends TypeBase {
  kind: 'literal';
  value: string | number | boolean;
}

/** A TypeScript `enum` (string or numeric members). Unions of literals stay `union` of `literal`. */
export interface EnumTypeIR extends TypeBase {
  kind: 'enum';
  /** Member names, in declaration order, parallel to `values`. */
  names: string[];
  values: (string | number)[];
}

export interface ArrayTypeIR extends TypeBase {
  kind: 'array';
  items: TypeIR;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

export interface TupleTypeIR extends TypeBase {
  kind: 'tuple';
  items: TypeIR[];
  /** Number of leading required elements (elements after it are `?` optional). */
  minItems: number;
  /** `[A, ...B[]]`: the type of the rest elements. */
  rest?: TypeIR;
}

export interface PropertyIR {
  /** The property name exactly as on the wire (may be any string, including `__proto__`). */
  name: string;
  type: TypeIR;
  /** Marked `?` or type includes `undefined`. */
  optional: boolean;
  description?: string;
}

export interface ObjectTypeIR extends TypeBase {
  kind: 'object';
  /** In declaration order. */
  properties: PropertyIR[];
  /**
   * Index signature / `Record<string, T>`: the type of values under keys not
   * listed in `properties`. Absent: unknown keys are stripped on input.
   */
  additionalProperties?: TypeIR;
}

export interface UnionTypeIR extends TypeBase {
  kind: 'union';
  /** Flattened (no nested unions), `undefined` removed (it makes the owner optional instead). */
  variants: TypeIR[];
  /**
   * Present when every variant is an object (or a ref to one) with a property
   * of this name whose type is a literal, all distinct: validation checks the
   * discriminant first and then only the matching variant.
   */
  discriminator?: {
    property: string;
    /** literal value → index into `variants`. */
    mapping: { value: string | number | boolean; variant: number }[];
  };
}

export interface RefTypeIR extends TypeBase {
  kind: 'ref';
  /** Key into `AppIR.types`. */
  name: string;
}

/** `Date`: an ISO-8601 date-time string on the wire, a `Date` instance in handlers. */
export interface DateTypeIR extends TypeBase {
  kind: 'date';
}

/** `unknown` / `any`: any JSON value, passed through. */
export interface UnknownTypeIR extends TypeBase {
  kind: 'unknown';
}

/** Input nesting beyond this depth is rejected (422) by validators. */
export const MAX_DEPTH = 64;

/** The largest `Int`, 2^53 - 1; the smallest is its negation. Every larger integer rounds as a double. */
export const INT_MAX = Number.MAX_SAFE_INTEGER;

/**
 * Which sides of a number type its own bounds keep inside the safe range. On an `Int`, a side they
 * leave open is bounded by the range itself (validators test `Number.isSafeInteger`, schemas add
 * `minimum`/`maximum` of ±INT_MAX); a side they close reports an unsafe value with the bound's error.
 */
export function safeBounds(t: NumberTypeIR): { lower: boolean; upper: boolean } {
  return {
    lower: (t.minimum !== undefined && t.minimum >= -INT_MAX) || (t.exclusiveMinimum !== undefined && t.exclusiveMinimum >= -INT_MAX - 1),
    upper: (t.maximum !== undefined && t.maximum <= INT_MAX) || (t.exclusiveMaximum !== undefined && t.exclusiveMaximum <= INT_MAX + 1),
  };
}
