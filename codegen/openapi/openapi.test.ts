/**
 * The OpenAPI document of the todo app: golden file, every `$ref` resolves,
 * every route is an operation with its parameters, body and responses. It
 * starts from the app's IR golden (fixtures/todo-app/expected/ir.json, which
 * compiler/compiler.test.ts checks against the sources), not from TypeScript.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppIR } from '../../ir/ir.ts';
import { routeInputs } from '../../ir/queries.ts';
import { openApiDocument, openApiPath, summaryOf } from './index.ts';

const appDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/todo-app');
const ir = JSON.parse(readFileSync(path.join(appDir, 'expected', 'ir.json'), 'utf8')) as AppIR;
const doc = openApiDocument(ir, { title: 'todo-app', version: '1.0.0' }) as any;

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

test('golden: fixtures/todo-app/expected/openapi.json', () => {
  const text = JSON.stringify(doc, null, 2) + '\n';
  const golden = path.join(appDir, 'expected', 'openapi.json');
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(golden, text);
  assert.ok(existsSync(golden), 'run with UPDATE_SNAPSHOTS=1 and review');
  assert.fixture(text, readFileSync(golden, 'utf8'));
});

test('every $ref points at a component', () => {
  const all = refs(doc);
  assert.ok(all.length > 10);
  for (const r of all) {
    assert.match(r, /^#\/components\/schemas\//);
    assert.ok(r.slice('#/components/schemas/'.length) in doc.components.schemas, `dangling ${r}`);
  }
});

test('every route is an operation with its parameters, body and responses', () => {
  for (const route of ir.routes) {
    const op = doc.paths[openApiPath(route)]?.[route.method.toLowerCase()];
    assert.ok(op, `${route.method} ${route.path}`);
    assert.is(op.operationId, route.id);
    assert.ok(op.responses[String(route.status)], `${route.id} success response`);
    // What the route reads over its whole graph (its providers' parameters too), each once.
    const inputs = routeInputs(ir, route);
    const scalars = inputs.filter((p) => p.kind !== 'body');
    assert.is((op.parameters ?? []).length, scalars.length, route.id);
    assert.is(op.requestBody !== undefined, inputs.some((p) => p.kind === 'body'), route.id);
  }
  assert.is(doc.paths['/todos/{id}'].get.parameters[0].in, 'path');
  assert.is(doc.paths['/users'].post.requestBody.content['application/json'].schema.$ref, '#/components/schemas/NewUser');
  assert.equal(doc.paths['/users'].get.parameters.find((p: any) => p.name === 'limit').schema, { type: 'integer', minimum: 1, maximum: 100, default: 20 });
  assert.is(doc.paths['/users/{id}'].delete.responses['204'].content, undefined);
  assert.is(doc.paths['/users'].post.responses['422'].content['application/json'].schema.$ref, '#/components/schemas/HTTPValidationError');
});

test('@throws: a response per declared status, with its description; 4XX/5XX on every route', () => {
  const getTodo = doc.paths['/todos/{id}'].get;
  assert.equal(getTodo.responses['404'], { description: 'No todo has this id.', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPError' } } } });
  assert.is(doc.paths['/me'].get.responses['401'].description, 'Not signed in, or the signed-in user no longer exists.');
  // GET /me reads its cookie through its provider (signedInUser): documented all the same.
  assert.equal(doc.paths['/me'].get.parameters.map((p: any) => [p.in, p.name, p.required]), [['cookie', 'todo_session', false]]);
  for (const item of Object.values(doc.paths) as any[]) {
    for (const op of Object.values(item) as any[]) {
      assert.ok(op.responses['4XX'] && op.responses['5XX'], op.operationId);
      for (const r of Object.values(op.responses) as any[]) assert.type(r.description, 'string');
    }
  }
  // A declared 422 on a route with input keeps the validation schema.
  const withThrows = structuredClone(ir);
  const createUser = withThrows.routes.find((r) => r.id === 'createUser')!;
  createUser.throws = [{ status: 422, description: 'The e-mail address is taken, or the body is invalid.' }];
  const op = (openApiDocument(withThrows, { title: 't', version: '1' }) as any).paths['/users'].post;
  assert.is(op.responses['422'].description, 'The e-mail address is taken, or the body is invalid.');
  assert.is(op.responses['422'].content['application/json'].schema.$ref, '#/components/schemas/HTTPValidationError');
});

test('every operation has a summary: @summary, else the handler name in words', () => {
  const route = structuredClone(ir.routes.find((r) => r.id === 'health')!);
  delete route.summary;
  for (const [name, summary] of [['getUser', 'Get user'], ['list_todos', 'List todos'], ['readHTTPStatus', 'Read HTTP status'], ['$', 'GET /health']] as const) {
    route.handler.exportName = name;
    assert.is(summaryOf(route), summary);
  }
  assert.is(doc.paths['/todos/{id}'].get.summary, 'Read a todo');
});

test('servers is the server itself, and no operation needs credentials', () => {
  assert.equal(doc.servers, [{ url: '/' }]);
  assert.equal(doc.security, []);
});

test.run();
