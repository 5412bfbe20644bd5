/**
 * Security in the OpenAPI document, from fixtures/auth-params' IR golden: the schemes its
 * credential parameters declare, each operation's requirement (scopes on OAuth2 only; `{}` beside
 * an optional credential), the 401 and 403 answers, and form request bodies. The three validators
 * of test/openapi-lint.test.ts check the same document.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppIR } from '../../ir/ir.ts';
import { openApiDocument } from './index.ts';

const appDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/auth-params');
const ir = JSON.parse(readFileSync(path.join(appDir, 'expected', 'ir.json'), 'utf8')) as AppIR;
const doc = openApiDocument(ir, { title: 'auth-params', version: '1.0.0' }) as any;

test('components.securitySchemes: one per scheme name, in OpenAPI terms', () => {
  assert.equal(doc.components.securitySchemes, {
    'apiKey_header_x-api-key': { type: 'apiKey', in: 'header', name: 'x-api-key' },
    apiKey_query_api_key: { type: 'apiKey', in: 'query', name: 'api_key' },
    basicAuth: { type: 'http', scheme: 'basic', description: 'HTTP Basic, realm "admin area" (RFC 7617, UTF-8)' },
    bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    oauth2: { type: 'oauth2', flows: { password: { tokenUrl: '/token', scopes: { 'todos:read': 'Read todos', 'todos:write': 'Change todos' } } } },
    sessionCookie: { type: 'apiKey', in: 'cookie', name: 'session' },
  });
  // Operations without credentials inherit the top level's "none".
  assert.equal(doc.security, []);
  assert.is(doc.paths['/token'].post.security, undefined);
});

test("per operation: the graph's credentials, the route's scopes on OAuth2, {} when every credential is optional", () => {
  assert.equal(doc.paths['/me'].get.security, [{ oauth2: [] }]);
  assert.equal(doc.paths['/todos'].post.security, [{ oauth2: ['todos:write'] }]);
  assert.equal(doc.paths['/todos/{id}'].get.security, [{ oauth2: ['todos:read'] }]);
  assert.equal(doc.paths['/bearer'].get.security, [{ bearerAuth: [] }]);
  assert.equal(doc.paths['/maybe'].get.security, [{ bearerAuth: [] }, {}]);
  assert.equal(doc.paths['/key/cookie'].get.security, [{ sessionCookie: [] }]);
  assert.equal(doc.paths['/basic'].get.security, [{ basicAuth: [] }]);
  // A credential is security, never a parameter.
  assert.is(doc.paths['/key/header'].get.parameters, undefined);
  assert.equal(doc.paths['/key/query'].get.parameters.map((p: any) => p.name), ['other']);
});

test('401 on every route with a credential, 403 where it has scopes', () => {
  assert.ok(doc.paths['/me'].get.responses['401']);
  assert.is(doc.paths['/me'].get.responses['403'], undefined);
  assert.match(doc.paths['/todos'].post.responses['403'].description, /todos:write/);
  assert.is(doc.paths['/token'].post.responses['401'], undefined);
});

test('Form<T> bodies are application/x-www-form-urlencoded', () => {
  assert.equal(Object.keys(doc.paths['/token'].post.requestBody.content), ['application/x-www-form-urlencoded']);
  assert.equal(doc.paths['/token'].post.requestBody.content['application/x-www-form-urlencoded'].schema, { $ref: '#/components/schemas/OAuth2PasswordRequest' });
  assert.is(doc.paths['/signup/maybe'].post.requestBody.required, false);
  assert.equal(doc.components.schemas.OAuth2PasswordRequest.required, ['grant_type', 'username', 'password']);
});

test.run();
