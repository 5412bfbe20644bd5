/**
 * The OpenAPI 3.1 document of an app, from the App IR: one operation per
 * route (its operationId the handler's name, the route id), parameters and
 * request bodies from the bound parameters, responses from the return types,
 * named types as components, the errors a handler declares (`@throws`), and
 * the error answers every route can give (422 with FastAPI's body when it has
 * input; `4XX`/`5XX` with `{"detail": …}`: the server's own refusals, such as a
 * malformed request or a body too large, can meet any route).
 *
 * It is meant to pass linters as well as validators (test/openapi-lint.test.ts
 * runs two validators and `redocly lint` with its recommended rules on every
 * fixture): every response has a description, every operation a summary,
 * `servers` is the server itself (`/`), and the top-level `security: []` says
 * an operation needs no credentials unless its own `security` says so: the
 * credential parameters of its graph (`components.securitySchemes` from
 * `AppIR.securitySchemes`), with the route's `@scopes` on OAuth2 schemes.
 */
import type { AppIR, RouteIR, SecuritySchemeIR } from '../../ir/ir.ts';
import { routeCredentials, routeInputs } from '../../ir/queries.ts';
import { namedSchemas, referencingSchema, type Schema } from '../schema/index.ts';

export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
  /** An SPDX license id (package.json's `license`). */
  license?: string;
}

function errorSchemas(ref: (name: string) => string): Record<string, Schema> {
  return {
  ValidationError: {
    type: 'object',
    properties: {
      loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
      msg: { type: 'string' },
      type: { type: 'string' },
    },
    required: ['loc', 'msg', 'type'],
  },
  HTTPValidationError: {
    type: 'object',
    properties: { detail: { type: 'array', items: { $ref: ref('ValidationError') } } },
    required: ['detail'],
  },
  HTTPError: {
    type: 'object',
    properties: { detail: {} },
    required: ['detail'],
  },
  };
}

/** `/users/:id/files/*rest` → `/users/{id}/files/{rest}` */
export function openApiPath(route: RouteIR): string {
  if (route.segments.length === 0) return '/';
  return '/' + route.segments.map((s) => (s.kind === 'static' ? s.value : `{${s.name}}`)).join('/');
}

export function openApiDocument(ir: AppIR, options: OpenApiOptions): Schema {
  const components = namedSchemas(ir.types, { openapi: true });
  // The error schemas keep FastAPI's names unless a user type has taken one; the validation ones only when a route has input.
  const used = ['HTTPError', ...(ir.routes.some((r) => hasInput(ir, r)) ? ['ValidationError', 'HTTPValidationError'] : [])];
  const names = new Map<string, string>();
  for (const name of used) names.set(name, name in components ? `Covet${name}` : name);
  const ref = (name: string) => `#/components/schemas/${names.get(name)!}`;
  for (const [name, schema] of Object.entries(errorSchemas(ref))) if (names.has(name)) components[names.get(name)!] = schema;
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of ir.routes) {
    const item = (paths[openApiPath(route)] ??= {});
    item[route.method.toLowerCase()] = operation(route, ir, ref);
  }
  const info: Schema = { title: options.title, version: options.version };
  if (options.description) info.description = options.description;
  if (options.license) info.license = { name: options.license, identifier: options.license };
  // `/`: the server that serves this document (a relative URL, so it stays right behind any host or port).
  const schemes = Object.entries(ir.securitySchemes ?? {});
  const componentsOut: Schema = { schemas: components };
  if (schemes.length) componentsOut.securitySchemes = Object.fromEntries(schemes.map(([name, s]) => [name, securityScheme(s)]));
  return { openapi: '3.1.0', info, servers: [{ url: '/' }], security: [], paths, components: componentsOut };
}

/** An OpenAPI Security Scheme Object. */
export function securityScheme(s: SecuritySchemeIR): Schema {
  switch (s.type) {
    case 'http':
      return s.scheme === 'bearer'
        ? { type: 'http', scheme: 'bearer', ...(s.bearerFormat ? { bearerFormat: s.bearerFormat } : {}) }
        : { type: 'http', scheme: 'basic', description: `HTTP Basic, realm ${JSON.stringify(s.realm)} (RFC 7617, UTF-8)` };
    case 'apiKey':
      return { type: 'apiKey', in: s.in, name: s.name };
    case 'oauth2':
      return { type: 'oauth2', flows: { password: { tokenUrl: s.tokenUrl, scopes: { ...s.scopes } } } };
  }
}

/**
 * A route's Security Requirements: one object with every required credential of its graph (the
 * route's scopes on OAuth2 schemes, `[]` on others); when all of them are optional, that object
 * and `{}` (anonymous allowed). Undefined when the graph reads no credential.
 */
export function routeSecurity(ir: AppIR, route: RouteIR): Record<string, string[]>[] | undefined {
  const creds = routeCredentials(ir, route);
  if (creds.length === 0) return undefined;
  const scopesOf = (name: string) => (ir.securitySchemes?.[name]?.type === 'oauth2' ? [...route.scopes] : []);
  const required = creds.filter((c) => c.required);
  if (required.length) return [Object.fromEntries(required.map((c) => [c.scheme, scopesOf(c.scheme)]))];
  return [Object.fromEntries(creds.map((c) => [c.scheme, scopesOf(c.scheme)])), {}];
}

function hasInput(ir: AppIR, route: RouteIR): boolean {
  return routeInputs(ir, route).length !== 0;
}

/** `getUser` → `Get user`, `list_todos` → `List todos`: a summary for a handler without `@summary`. */
export function summaryOf(route: RouteIR): string {
  if (route.summary) return route.summary;
  const words = route.handler.exportName
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  if (words.length === 0) return `${route.method} ${route.path}`;
  const text = words.map((w) => (/^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : w.toLowerCase())).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function operation(route: RouteIR, ir: AppIR, ref: (name: string) => string): Schema {
  const op: Schema = { operationId: route.id, summary: summaryOf(route) };
  if (route.description) op.description = route.description;
  if (route.tags.length) op.tags = route.tags;
  if (route.deprecated) op.deprecated = true;
  const parameters: Schema[] = [];
  for (const p of routeInputs(ir, route)) {
    if (p.kind === 'body') {
      const media = p.media === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
      op.requestBody = { required: p.required, content: { [media]: { schema: referencingSchema(p.type, ir.types, { openapi: true }) } } };
      continue;
    }
    const schema = referencingSchema(p.type, ir.types, { openapi: true });
    if (p.default !== undefined) schema.default = p.default;
    const param: Schema = { name: p.key, in: p.kind, required: p.kind === 'path' ? true : p.required, schema };
    if (p.type.kind === 'array' && p.kind === 'query') {
      param.style = 'form';
      param.explode = true;
    }
    if (p.type.description) param.description = p.type.description;
    parameters.push(param);
  }
  if (parameters.length) op.parameters = parameters;
  const security = routeSecurity(ir, route);
  if (security) op.security = security;
  const responses: Schema = {};
  const success: Schema = { description: route.response === null ? 'No content' : 'Successful response' };
  if (route.response !== null) {
    const media = route.response.kind === 'string' && route.response.mediaType ? route.response.mediaType : 'application/json';
    success.content = { [media]: { schema: referencingSchema(route.response, ir.types, { openapi: true }) } };
  }
  responses[String(route.status)] = success;
  const error = (description: string): Schema => ({ description, content: { 'application/json': { schema: { $ref: ref('HTTPError') } } } });
  for (const t of route.throws) {
    // A declared 422 on a route with input: the validation answer keeps its schema, with the handler's words.
    responses[String(t.status)] = t.status === 422 && hasInput(ir, route)
      ? { description: t.description, content: { 'application/json': { schema: { $ref: ref('HTTPValidationError') } } } }
      : error(t.description);
  }
  if (security) {
    responses['401'] ??= error('Not authenticated: the credential is missing or malformed, or its provider refused it');
    if (route.scopes.length) responses['403'] ??= error(`Not permitted: the credential lacks a scope this route requires (${route.scopes.join(' ')})`);
  }
  if (hasInput(ir, route) && !responses['422']) {
    responses['422'] = {
      description: 'Validation error',
      content: { 'application/json': { schema: { $ref: ref('HTTPValidationError') } } },
    };
  }
  responses['4XX'] = error('Client error: a malformed request, or one the server refuses (too large, too slow)');
  responses['5XX'] = error('Server error');
  op.responses = responses;
  return op;
}
