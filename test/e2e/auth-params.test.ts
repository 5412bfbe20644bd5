/**
 * fixtures/auth-params end to end: credential parameters over real HTTP — Bearer / OAuth2 tokens,
 * API keys in a header, a query parameter and a cookie, HTTP Basic — each missing, malformed and
 * present; the 401s (FastAPI's body, RFC 6750 / 7617 challenges) before any other input is
 * validated; `@scopes` reaching a provider through `Scopes`; `Form<T>` bodies (the OAuth2 token
 * request). auth-params.native.test.ts runs it on the native engine.
 */
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../harness.ts';
import { client, curl, expectBody, expectDetail, expectInvalid, type Reply } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/auth-params', import.meta.url));

let app: RunningApp | undefined;
const call = client(() => app);

test.before(async () => {
  app = await startApp(APP_DIR);
});

test.after(async () => {
  await app?.stop();
  app = undefined;
});

const NOT_AUTHENTICATED = '{"detail":"Not authenticated"}';

function expect401(reply: Reply, challenge: string | null): void {
  expectBody(reply, 401, NOT_AUTHENTICATED);
  assert.is(reply.headers.get('www-authenticate'), challenge);
}

const invalidRequest = (description: string) => `Bearer error="invalid_request", error_description="${description}"`;
const auth = (value: string) => ({ headers: { authorization: value } });

// ---------------------------------------------------------------- bearer

test('a bearer token reaches the provider; the scheme word is case-insensitive, spaces after it are allowed', async () => {
  expectBody(await call('GET', '/bearer', auth('Bearer abc.DEF-_~+/==')), 200, '{"token":"abc.DEF-_~+/==","n":null}');
  expectBody(await call('GET', '/bearer?n=2', auth('bearer   t0k3n')), 200, '{"token":"t0k3n","n":2}');
  expectBody(await call('GET', '/bearer', auth('BEARER x')), 200, '{"token":"x","n":null}');
});

test('no Authorization, or another scheme: 401 with a bare Bearer challenge (RFC 6750 §3.1)', async () => {
  expect401(await call('GET', '/bearer'), 'Bearer');
  expect401(await call('GET', '/bearer', auth('Basic dXNlcjpwYXNz')), 'Bearer');
  expect401(await call('GET', '/bearer', auth('Bearerx abc')), 'Bearer');
  expect401(await call('GET', '/me'), 'Bearer');
});

test('a malformed bearer credential: 401 invalid_request, saying what is wrong and never echoing the token', async () => {
  expect401(await call('GET', '/bearer', auth('Bearer')), invalidRequest('the Bearer credentials have no token'));
  const syntax = invalidRequest('the bearer token is not in token68 syntax (RFC 6750 section 2.1)');
  expect401(await call('GET', '/bearer', auth('Bearer a b')), syntax);
  expect401(await call('GET', '/bearer', auth('Bearer a=b')), syntax);
  expect401(await call('GET', '/bearer', auth('Bearer "quoted"')), syntax);
  const reply = await call('GET', '/bearer', auth('Bearer secret<script>'));
  expect401(reply, syntax);
  assert.not.match(reply.text + reply.headers.get('www-authenticate'), /secret/);
  // Two Authorization headers: the first counts, as node:http keeps it (both engines alike).
  const two = await curl(app!.url, '/bearer', ['-H', 'authorization: Bearer a', '-H', 'authorization: Bearer b']);
  expectBody(two, 200, '{"token":"a","n":null}');
});

test('an oversized Authorization header: 401 invalid_request, and the server keeps serving', async () => {
  const reply = await call('GET', '/bearer', auth(`Bearer ${'a'.repeat(8200)}`));
  expect401(reply, invalidRequest('the Authorization header is longer than 8192 characters'));
  expectBody(await call('GET', '/bearer', auth(`Bearer ${'a'.repeat(8000)}`)), 200, `{"token":"${'a'.repeat(8000)}","n":null}`);
});

test('the 401 comes before any other input is validated, and before the providers run', async () => {
  // The query would be a 422; no token is a 401 first.
  expect401(await call('GET', '/bearer?n=abc'), 'Bearer');
  expect401(await call('GET', '/plain/bearer?n=abc'), 'Bearer');
  expect401(await call('POST', '/todos', { json: { nope: 1 } }), 'Bearer');
  expect401(await call('GET', '/todos/not-a-number'), 'Bearer');
  // With a token, the other inputs are validated as usual.
  expectInvalid(await call('GET', '/plain/bearer?n=abc', auth('Bearer t')), [{ loc: ['query', 'n'], type: 'float_parsing' }]);
  expectBody(await call('GET', '/plain/bearer?n=1', auth('Bearer t')), 200, '{"token":"t","n":1}');
});

test('an optional credential is undefined when absent, still 401 when malformed', async () => {
  expectBody(await call('GET', '/maybe'), 200, '{"token":null}');
  expectBody(await call('GET', '/maybe', auth('Basic eDp5')), 200, '{"token":null}');
  expectBody(await call('GET', '/maybe', auth('Bearer here')), 200, '{"token":"here"}');
  expect401(await call('GET', '/maybe', auth('Bearer a b')), invalidRequest('the bearer token is not in token68 syntax (RFC 6750 section 2.1)'));
});

// ---------------------------------------------------------------- OAuth2: form token endpoint, scopes

test('POST /token takes the OAuth2 password form; the token opens the routes its scopes allow', async () => {
  const form = new URLSearchParams({ grant_type: 'password', username: 'bob', password: 'secret' });
  const issued = await call('POST', '/token', { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expectBody(issued, 200, '{"access_token":"bob.token","token_type":"bearer"}');
  const bob = auth(`Bearer ${issued.json.access_token}`);
  expectBody(await call('GET', '/me', bob), 200, '{"sub":"bob","scopes":[]}');
  expectBody(await call('GET', '/todos/3', bob), 200, '{"id":3,"owner":"bob"}');
  // bob lacks todos:write: the provider's 403 with the scopes the route needs.
  const denied = await call('POST', '/todos', { ...bob, json: { title: 'x' } });
  expectDetail(denied, 403, 'Not enough permissions');
  assert.is(denied.headers.get('www-authenticate'), 'Bearer error="insufficient_scope", scope="todos:write"');
  expectBody(await call('POST', '/todos', { ...auth('Bearer alice.token'), json: { title: 'x' } }), 200, '{"title":"x","owner":"alice"}');
  // An unknown token: the provider's 401.
  const bad = await call('GET', '/me', auth('Bearer mallory.token'));
  expectDetail(bad, 401, 'Invalid token');
});

test('form bodies: 415 for another media type, 422 with body locs, values coerced as query values are', async () => {
  const post = (body: string, type = 'application/x-www-form-urlencoded') => call('POST', '/signup', { body, headers: { 'content-type': type } });
  expectBody(await post('name=Ann+Lee&age=41&tags=a&tags=b%20c&newsletter=true&plan=pro'), 200, '{"name":"Ann Lee","age":41,"tags":["a","b c"],"newsletter":true,"plan":"pro"}');
  expectBody(await post('name=%C3%A9&age=1', 'application/x-www-form-urlencoded; charset=UTF-8'), 200, '{"name":"é","age":1}');
  expectInvalid(await post('age=x&newsletter=maybe&plan=gold'), [
    { loc: ['body', 'name'], type: 'missing' },
    { loc: ['body', 'age'], type: 'float_parsing' },
    { loc: ['body', 'newsletter'], type: 'bool_parsing' },
    { loc: ['body', 'plan'], type: 'literal_error' },
  ]);
  expectDetail(await post('{"name":"x","age":1}', 'application/json'), 415, 'Unsupported Media Type: expected application/x-www-form-urlencoded');
  expectInvalid(await call('POST', '/signup'), [{ loc: ['body'], type: 'missing' }]);
  expectBody(await call('POST', '/signup/maybe'), 200, '{"form":null}');
  // Hostile keys are plain fields or ignored, never the prototype.
  expectBody(await post('name=x&age=1&__proto__=y&constructor=z'), 200, '{"name":"x","age":1}');
  // The OAuth2 form: grant_type must be "password".
  expectInvalid(await call('POST', '/token', { body: 'grant_type=client_credentials&username=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), [
    { loc: ['body', 'grant_type'], type: 'literal_error' },
  ]);
});

// ---------------------------------------------------------------- API keys

test('API keys: in a header (any case), a query parameter, a cookie; missing or empty → 401 with an APIKey challenge', async () => {
  expectBody(await call('GET', '/key/header', { headers: { 'X-Api-Key': 'k1' } }), 200, '{"key":"k1"}');
  expect401(await call('GET', '/key/header'), 'APIKey');
  expect401(await call('GET', '/key/header', { headers: { 'x-api-key': '' } }), 'APIKey');
  expectBody(await call('GET', '/key/query?api_key=k%202&other=o'), 200, '{"key":"k 2","other":"o"}');
  expect401(await call('GET', '/key/query?api_key=&other=o'), 'APIKey');
  expect401(await call('GET', '/key/query'), 'APIKey');
  expectBody(await call('GET', '/key/cookie', { headers: { cookie: 'a=1; session=s3' } }), 200, '{"key":"s3"}');
  expect401(await call('GET', '/key/cookie', { headers: { cookie: 'a=1' } }), 'APIKey');
});

// ---------------------------------------------------------------- Basic

test('HTTP Basic: decoded as UTF-8, the first colon splits; anything else is 401 with the realm challenge', async () => {
  const basic = (s: string) => auth(`Basic ${Buffer.from(s, 'utf8').toString('base64')}`);
  expectBody(await call('GET', '/basic', basic('admin:pa:ss wörd')), 200, '{"username":"admin","password":"pa:ss wörd"}');
  expectBody(await call('GET', '/basic', basic(':')), 200, '{"username":"","password":""}');
  const challenge = 'Basic realm="admin area", charset="UTF-8"';
  expect401(await call('GET', '/basic'), challenge);
  expect401(await call('GET', '/basic', auth('Bearer abc')), challenge);
  expect401(await call('GET', '/basic', basic('no colon')), challenge);
  expect401(await call('GET', '/basic', auth('Basic not*base64')), challenge);
  expect401(await call('GET', '/basic', auth(`Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`)), challenge);
  expect401(await call('GET', '/basic', basic('a:b\u0000c')), challenge);
});

test('after all of that the server still serves', async () => {
  expectBody(await call('GET', '/bearer', auth('Bearer ok')), 200, '{"token":"ok","n":null}');
});

test.run();
