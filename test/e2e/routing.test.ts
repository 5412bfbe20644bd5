/**
 * fixtures/routing end to end: the generated router over real HTTP —
 * static, param, multi-param and wildcard routes, priority, HEAD, 405 with
 * `Allow`, 404, the trailing-slash policy, percent-decoding and its limits,
 * 204 for `void`, `@status`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../harness.ts';
import { client, curl, expectBody, expectDetail, expectInvalid, expectStatus } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/routing', import.meta.url));

let app: RunningApp | undefined;
const call = client(() => app);
const raw = (target: string, args: string[] = []) => curl(app!.url, target, args);

test.before(async () => {
  app = await startApp(APP_DIR);
});

test.after(async () => {
  await app?.stop();
  app = undefined;
});

const INT_PARSING = { type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' };

// ---------------------------------------------------------------- matching

test('static routes answer their handler', async () => {
  expectBody(await call('GET', '/'), 200, '{"service":"routing"}');
  expectBody(await call('GET', '/health'), 200, '{"ok":true}');
  expectBody(await call('GET', '/ping'), 200, '{"pong":true}');
  expectBody(await call('POST', '/ping'), 200, '{"pong":true}');
});

test('a :param route binds the segment and coerces it', async () => {
  expectBody(await call('GET', '/items/7'), 200, '{"id":7,"name":"item 7"}');
  expectBody(await call('GET', '/items/-3'), 200, '{"id":-3,"name":"item -3"}');
  expectInvalid(await call('GET', '/items/abc'), [{ loc: ['path', 'id'], ...INT_PARSING }]);
  expectInvalid(await call('GET', '/items/1.5'), [{ loc: ['path', 'id'], ...INT_PARSING }]);
});

test('a static segment wins over a :param at the same place', async () => {
  expectBody(await call('GET', '/items/latest'), 200, '{"id":0,"name":"latest"}');
  expectInvalid(await call('GET', '/items/latest2'), [{ loc: ['path', 'id'], ...INT_PARSING }]);
  expectInvalid(await call('GET', '/items/Latest'), [{ loc: ['path', 'id'], ...INT_PARSING }]);
});

test('two params in one route', async () => {
  expectBody(await call('GET', '/users/u1/posts/p2'), 200, '{"userId":"u1","postId":"p2"}');
  expectBody(await call('GET', '/users/posts/posts/users'), 200, '{"userId":"posts","postId":"users"}');
});

test('a *wildcard takes the rest of the path, slashes included, and may be empty', async () => {
  expectBody(await call('GET', '/files/a/b/c.txt'), 200, '{"path":"a/b/c.txt"}');
  expectBody(await call('GET', '/files/x'), 200, '{"path":"x"}');
  expectBody(await call('GET', '/files'), 200, '{"path":""}');
  expectBody(await call('GET', '/files/'), 200, '{"path":""}');
  expectBody(await call('GET', '/repos/octo/src/main/index.ts'), 200, '{"owner":"octo","rest":"src/main/index.ts"}');
  expectBody(await call('GET', '/repos/octo'), 200, '{"owner":"octo","rest":""}');
  expectBody(await raw('/files/a//b'), 200, '{"path":"a//b"}');
});

test('static segments with . - _ ~ characters', async () => {
  expectBody(await call('GET', '/v1.0/a-b_c~d/9'), 200, '{"id":"9"}');
  expectBody(await raw('/v1.0/a-b_c~d/%7E'), 200, '{"id":"~"}');
  expectDetail(await call('GET', '/v1.0/a-b_c-d/9'), 404, 'Not Found');
  expectDetail(await call('GET', '/v1x0/a-b_c~d/9'), 404, 'Not Found');
});

test('a query string does not take part in matching', async () => {
  expectBody(await call('GET', '/items/5?x=1&y'), 200, '{"id":5,"name":"item 5"}');
  expectBody(await call('GET', '/health?'), 200, '{"ok":true}');
  expectBody(await call('GET', '/files/a?b=/c'), 200, '{"path":"a"}');
});

// ---------------------------------------------------------------- methods

test('HEAD on a GET route: the GET headers and content-length, no body', async () => {
  const get = await raw('/health');
  const head = await raw('/health', ['-I']);
  expectStatus(head, 200);
  assert.is(head.text, '');
  assert.is(head.header('content-type'), 'application/json');
  assert.is(head.header('content-length'), String(Buffer.byteLength(get.text)));
  assert.is(get.header('content-length'), String(Buffer.byteLength(get.text)));

  const item = await raw('/items/42');
  const itemHead = await raw('/items/42', ['-I']);
  expectStatus(itemHead, 200);
  assert.is(itemHead.text, '');
  assert.is(itemHead.header('content-length'), String(Buffer.byteLength(item.text)));

  const viaFetch = await call('HEAD', '/files/a/b');
  expectStatus(viaFetch, 200);
  assert.is(viaFetch.text, '');
  assert.is(viaFetch.headers.get('content-length'), String(Buffer.byteLength('{"path":"a/b"}')));

  // Validation failures and misses answer HEAD with their status and no body too.
  const bad = await raw('/items/abc', ['-I']);
  expectStatus(bad, 422);
  assert.is(bad.text, '');
  const missing = await raw('/nope', ['-I']);
  expectStatus(missing, 404);
  assert.is(missing.text, '');
});

test('an explicit HEAD route is used instead of GET, and other methods of /probe', async () => {
  const head = await raw('/probe', ['-I']);
  expectStatus(head, 204);
  assert.is(head.text, '');
  expectBody(await call('OPTIONS', '/probe'), 200, '{"methods":["HEAD","OPTIONS","PATCH"]}');
  const patch = await call('PATCH', '/probe');
  expectStatus(patch, 204);
  assert.is(patch.text, '');
});

test('a known path with another method: 405 with the exact Allow list', async () => {
  const cases: [string, string, string][] = [
    ['PUT', '/health', 'GET, HEAD'],
    ['POST', '/', 'GET, HEAD'],
    ['DELETE', '/items', 'POST'],
    ['GET', '/items', 'POST'],
    ['POST', '/items/5', 'DELETE, GET, HEAD, PUT'],
    ['PATCH', '/items/latest', 'DELETE, GET, HEAD, PUT'],
    ['DELETE', '/ping', 'GET, HEAD, POST'],
    ['GET', '/probe', 'HEAD, OPTIONS, PATCH'],
    ['POST', '/users/a/posts/b', 'GET, HEAD'],
    ['DELETE', '/files/a/b', 'GET, HEAD'],
    ['PUT', '/repos/o/r', 'GET, HEAD'],
    ['POST', '/v1.0/a-b_c~d/1', 'GET, HEAD'],
    ['PUT', '/health/', 'GET, HEAD'],
  ];
  for (const [method, path, allow] of cases) {
    const reply = await call(method, path);
    expectDetail(reply, 405, 'Method Not Allowed');
    assert.is(reply.headers.get('allow'), allow, `${method} ${path}`);
  }
});

test('an unknown path: 404 {"detail":"Not Found"}', async () => {
  for (const path of ['/nope', '/items/1/extra', '/users/u1/posts', '/users/u1', '/users//posts/p', '/healthy', '/Health', '/items//', '/repos', '/repos/']) {
    expectDetail(await call('GET', path), 404, 'Not Found');
  }
  expectDetail(await call('POST', '/nope'), 404, 'Not Found');
});

test('a request target that is not a path never reaches a handler', async () => {
  const dotted = await raw('/items/../health');
  assert.is.not(dotted.text, '{"ok":true}', 'dot segments are not resolved into another route');
  const asterisk = await raw('/health', ['--request-target', '*', '-X', 'OPTIONS']);
  assert.ok(asterisk.status === 404 || asterisk.status === 400, `${asterisk.status} ${asterisk.text}`);
});

// ---------------------------------------------------------------- trailing slash

test('one trailing slash is ignored; two are not; "/" stays "/"', async () => {
  expectBody(await call('GET', '/health/'), 200, '{"ok":true}');
  expectBody(await call('GET', '/items/3/'), 200, '{"id":3,"name":"item 3"}');
  expectBody(await call('GET', '/items/latest/'), 200, '{"id":0,"name":"latest"}');
  expectBody(await call('GET', '/users/a/posts/b/'), 200, '{"userId":"a","postId":"b"}');
  expectBody(await call('GET', '/files/a/b/'), 200, '{"path":"a/b"}');
  expectBody(await call('GET', '/'), 200, '{"service":"routing"}');
  expectDetail(await raw('/health//'), 404, 'Not Found');
  expectDetail(await raw('//'), 404, 'Not Found');
  expectDetail(await raw('/items/3//'), 404, 'Not Found');
});

// ---------------------------------------------------------------- decoding and limits

test('percent-encoded params are decoded', async () => {
  expectBody(await call('GET', '/users/a%20b/posts/%E2%9C%93'), 200, '{"userId":"a b","postId":"✓"}');
  expectBody(await raw('/users/a%2Fb/posts/c%3Fd'), 200, '{"userId":"a/b","postId":"c?d"}');
  expectBody(await call('GET', '/users/%25/posts/a+b'), 200, '{"userId":"%","postId":"a+b"}');
  expectBody(await call('GET', '/files/dir%20one/f%C3%BCr.txt'), 200, '{"path":"dir one/für.txt"}');
  expectBody(await raw('/files/a%2Fb/c'), 200, '{"path":"a/b/c"}');
  expectBody(await call('GET', '/items/%34%32'), 200, '{"id":42,"name":"item 42"}');
  expectBody(await call('GET', '/users/%22%5C%0A/posts/x'), 200, '{"userId":"\\"\\\\\\n","postId":"x"}');
});

test('an invalid percent-encoding in a param answers 400', async () => {
  for (const target of ['/users/%E0%A4%A/posts/x', '/users/a/posts/%ZZ', '/files/%', '/files/a/%C3', '/repos/%FF/x', '/items/%']) {
    expectDetail(await raw(target), 400, 'invalid percent-encoding in path');
  }
  expectBody(await call('GET', '/health'), 200, '{"ok":true}');
});

test('a param longer than 1024 characters (a wildcard: 4096) answers 400', async () => {
  const at = 'a'.repeat(1024);
  expectBody(await call('GET', `/users/${at}/posts/x`), 200, JSON.stringify({ userId: at, postId: 'x' }));
  expectDetail(await call('GET', `/users/${at}a/posts/x`), 400, 'path parameter "userId" is longer than 1024 characters');
  expectDetail(await call('GET', `/users/x/posts/${at}a`), 400, 'path parameter "postId" is longer than 1024 characters');
  const wild = 'w/'.repeat(2048);
  expectBody(await call('GET', `/files/${wild}`), 200, JSON.stringify({ path: wild.slice(0, -1) }));
  expectDetail(await call('GET', `/files/${wild}ww`), 400, 'path parameter "path" is longer than 4096 characters');
});

test('a request target over 8 KiB answers 414', async () => {
  const reply = await call('GET', `/files/${'x'.repeat(9000)}`);
  expectDetail(reply, 414, 'URI Too Long');
  expectBody(await call('GET', '/health'), 200, '{"ok":true}');
});

// ---------------------------------------------------------------- statuses and bodies

test('void answers 204 with an empty body and no content-type', async () => {
  const reply = await raw('/items/5', ['-X', 'DELETE']);
  expectStatus(reply, 204);
  assert.is(reply.text, '');
  assert.is(reply.header('content-type'), undefined);
  expectInvalid(await call('DELETE', '/items/x'), [{ loc: ['path', 'id'], ...INT_PARSING }]);
});

test('@status 201 sets the success status', async () => {
  expectBody(await call('POST', '/items', { json: { name: 'new' } }), 201, '{"id":1,"name":"new"}');
  expectInvalid(await call('POST', '/items', { json: { name: 5 } }), [
    { loc: ['body', 'name'], type: 'string_type', msg: 'Input should be a valid string' },
  ]);
  expectInvalid(await call('POST', '/items'), [{ loc: ['body'], type: 'missing', msg: 'Field required' }]);
});

test('PlainText answers the string as is, text/plain; charset=utf-8', async () => {
  const reply = await raw('/plaintext');
  expectStatus(reply, 200);
  assert.is(reply.text, 'Hello, World!');
  assert.is(reply.header('content-type'), 'text/plain; charset=utf-8');
  assert.is(reply.header('content-length'), '13');
  const greeting = await raw('/greeting/Ada%20L');
  expectStatus(greeting, 202);
  assert.is(greeting.text, 'Hello, Ada L! "quotes" and\nnewlines stay as they are');
  assert.is(greeting.header('content-type'), 'text/plain; charset=utf-8');
  assert.is(greeting.header('x-greeted'), 'Ada L');
});

test('PUT with a path param and a body', async () => {
  expectBody(await call('PUT', '/items/3', { json: { name: 'renamed', extra: true } }), 200, '{"id":3,"name":"renamed"}');
  expectInvalid(await call('PUT', '/items/x', { json: {} }), [
    { loc: ['path', 'id'], ...INT_PARSING },
    { loc: ['body', 'name'], type: 'missing', msg: 'Field required' },
  ]);
  // `latest` is static for GET only: for PUT it is the :id param.
  expectInvalid(await call('PUT', '/items/latest', { json: { name: 'n' } }), [{ loc: ['path', 'id'], ...INT_PARSING }]);
});

test('keep-alive: many requests on one connection, each answered', async () => {
  const targets = ['/health', '/items/1', '/nope', '/items/x', '/files/a'];
  const urls = targets.flatMap((t) => ['-o', '/dev/null', app!.url + t]);
  const out = await new Promise<string>((resolve, reject) =>
    execFile('curl', ['-sS', '-w', '%{http_code} %{num_connects}\\n', ...urls], (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  assert.equal(out.trim().split('\n'), ['200 1', '200 0', '404 0', '422 0', '200 0']);
});

test.run();
