/**
 * The OpenAPI 3.1 document of an app, from the App IR: one operation per
 * route, parameters and request bodies from the bound parameters, responses
 * from the return types, named types as components, and the error answers
 * every route can give (422 with FastAPI's body; `{"detail": …}` otherwise).
 */
import type { AppIR, RouteIR } from '../../ir/ir.ts';
import { namedSchemas, referencingSchema, type Schema } from '../schema/index.ts';

export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
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
  // The error schemas keep FastAPI's names unless a user type has taken one.
  const names = new Map<string, string>();
  for (const name of ['ValidationError', 'HTTPValidationError', 'HTTPError']) names.set(name, name in components ? `Covet${name}` : name);
  const ref = (name: string) => `#/components/schemas/${names.get(name)!}`;
  for (const [name, schema] of Object.entries(errorSchemas(ref))) components[names.get(name)!] = schema;
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of ir.routes) {
    const item = (paths[openApiPath(route)] ??= {});
    item[route.method.toLowerCase()] = operation(route, ir, ref);
  }
  const info: Schema = { title: options.title, version: options.version };
  if (options.description) info.description = options.description;
  return { openapi: '3.1.0', info, paths, components: { schemas: components } };
}

function operation(route: RouteIR, ir: AppIR, ref: (name: string) => string): Schema {
  const op: Schema = { operationId: route.id };
  if (route.summary) op.summary = route.summary;
  if (route.description) op.description = route.description;
  if (route.tags.length) op.tags = route.tags;
  if (route.deprecated) op.deprecated = true;
  const parameters: Schema[] = [];
  let hasInput = false;
  for (const p of route.params) {
    if (p.kind === 'ctx') continue;
    hasInput = true;
    if (p.kind === 'body') {
      op.requestBody = { required: p.required, content: { 'application/json': { schema: referencingSchema(p.type, ir.types, { openapi: true }) } } };
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
  const responses: Schema = {};
  const success: Schema = { description: route.response === null ? 'No content' : 'Successful response' };
  if (route.response !== null) {
    const media = route.response.kind === 'string' && route.response.mediaType ? route.response.mediaType : 'application/json';
    success.content = { [media]: { schema: referencingSchema(route.response, ir.types, { openapi: true }) } };
  }
  responses[String(route.status)] = success;
  if (hasInput) {
    responses['422'] = {
      description: 'Validation error',
      content: { 'application/json': { schema: { $ref: ref('HTTPValidationError') } } },
    };
  }
  responses.default = { description: 'Error', content: { 'application/json': { schema: { $ref: ref('HTTPError') } } } };
  op.responses = responses;
  return op;
}
