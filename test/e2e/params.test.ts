/**
 * fixtures/params end to end: every parameter kind (path, query, header,
 * cookie, body, ctx), its coercion from text, defaults and optionality, and
 * the exact 422 answer when a value is wrong or missing.
 */
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../harness.ts';
import { client, curl, expectBody, expectDetail, expectInvalid, expectStatus, type Failure } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/params', import.meta.url));

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

const MISSING = { type: 'missing', msg: 'Field required' };
const INT_PARSING = { type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' };
const FLOAT_PARSING = { type: 'float_parsing', msg: 'Input should be a valid number, unable to parse string as a number' };
const BOOL_PARSING = { type: 'bool_parsing', msg: 'Input should be a valid boolean, unable to interpret input' };
const missing = (...loc: (string | number)[]): Failure => ({ loc, ...MISSING });

// ---------------------------------------------------------------- path

test('path: string, decoded', async () => {
  expectBody(await call('GET', '/path/string/hello'), 200, '{"value":"hello"}');
  expectBody(await call('GET', '/path/string/a%20b%2Fc'), 200, '{"value":"a b/c"}');
  expectBody(await call('GET', '/path/string/a+b'), 200, '{"value":"a+b"}');
  expectBody(await call('GET', '/path/string/%E2%82%AC'), 200, '{"value":"€"}');
});

test('path: Int coerced from text, 422 int_parsing otherwise', async () => {
  expectBody(await call('GET', '/path/int/42'), 200, '{"value":42}');
  expectBody(await call('GET', '/path/int/-7'), 200, '{"value":-7}');
  expectBody(await call('GET', '/path/int/+7'), 200, '{"value":7}');
  expectBody(await call('GET', '/path/int/007'), 200, '{"value":7}');
  for (const bad of ['abc', '1.5', '1e3', '0x10', '4_2', '%20', 'Infinity', '-']) {
    expectInvalid(await call('GET', `/path/int/${bad}`), [{ loc: ['path', 'value'], ...INT_PARSING }]);
  }
});

test('path: enum members only, 422 enum otherwise', async () => {
  expectBody(await call('GET', '/path/color/red'), 200, '{"color":"red"}');
  expectBody(await call('GET', '/path/color/blue'), 200, '{"color":"blue"}');
  for (const bad of ['Red', 'Red'.toUpperCase(), 'purple', 'Green']) {
    expectInvalid(await call('GET', `/path/color/${bad}`), [
      { loc: ['path', 'color'], type: 'enum', msg: "Input should be 'red', 'green' or 'blue'" },
    ]);
  }
});

// ---------------------------------------------------------------- query

const DEFAULTS = { opt: null, limit: 20, order: 'asc', tag: [], pageSize: 10 };
const query = (q: string, n: number, flag: boolean, rest: Partial<typeof DEFAULTS> | Record<string, unknown> = {}) =>
  JSON.stringify({ q, n, flag, ...DEFAULTS, ...rest });

test('query: required string, number and boolean; defaults applied to the rest', async () => {
  expectBody(await call('GET', '/query?q=hi&n=1.5&flag=true'), 200, query('hi', 1.5, true));
  expectBody(await call('GET', '/query?flag=false&n=-2e3&q='), 200, query('', -2000, false));
  expectBody(await call('GET', '/query?q=x&n=.5&flag=0&unknown=1'), 200, query('x', 0.5, false));
  expectBody(await call('GET', '/query?q=x&n=%201%20&flag=1'), 200, query('x', 1, true));
});

test('query: boolean accepts true/1/yes/on and false/0/no/off in any case', async () => {
  for (const yes of ['true', '1', 'yes', 'on', 'TRUE', 'Yes', 'On']) {
    expectBody(await call('GET', `/query?q=x&n=1&flag=${yes}`), 200, query('x', 1, true));
  }
  for (const no of ['false', '0', 'no', 'off', 'False', 'NO', 'OFF']) {
    expectBody(await call('GET', `/query?q=x&n=1&flag=${no}`), 200, query('x', 1, false));
  }
  for (const bad of ['maybe', '2', 'y', 'n', 't', '', 'truee']) {
    expectInvalid(await call('GET', `/query?q=x&n=1&flag=${bad}`), [{ loc: ['query', 'flag'], ...BOOL_PARSING }]);
  }
});

test('query: number parsing failures', async () => {
  for (const bad of ['abc', '', '1,5', '0x10', 'NaN', 'Infinity', '1e']) {
    expectInvalid(await call('GET', `/query?q=x&flag=on&n=${bad}`), [{ loc: ['query', 'n'], ...FLOAT_PARSING }]);
  }
  expectInvalid(await call('GET', '/query?q=x&flag=on&n=1e999'), [
    { loc: ['query', 'n'], type: 'finite_number', msg: 'Input should be a finite number' },
  ]);
});

test('query: every missing required parameter is listed, in declaration order', async () => {
  expectInvalid(await call('GET', '/query'), [missing('query', 'q'), missing('query', 'n'), missing('query', 'flag')]);
  expectInvalid(await call('GET', '/query?n=1'), [missing('query', 'q'), missing('query', 'flag')]);
  expectInvalid(await call('GET', '/query?q=x&n=one&flag=yes&limit=ten&order=up&page-size=x'), [
    { loc: ['query', 'n'], ...FLOAT_PARSING },
    { loc: ['query', 'limit'], ...INT_PARSING },
    { loc: ['query', 'order'], type: 'literal_error', msg: "Input should be 'asc' or 'desc'" },
    { loc: ['query', 'page-size'], ...INT_PARSING },
  ]);
});

test('query: optional, default, literal union, renamed with Query<>', async () => {
  expectBody(await call('GET', '/query?q=x&n=1&flag=on&opt=here'), 200, query('x', 1, true, { opt: 'here' }));
  expectBody(await call('GET', '/query?q=x&n=1&flag=on&opt='), 200, query('x', 1, true, { opt: '' }));
  expectBody(await call('GET', '/query?q=x&n=1&flag=on&limit=5'), 200, query('x', 1, true, { limit: 5 }));
  expectBody(await call('GET', '/query?q=x&n=1&flag=on&order=desc'), 200, query('x', 1, true, { order: 'desc' }));
  expectInvalid(await call('GET', '/query?q=x&n=1&flag=on&order=DESC'), [
    { loc: ['query', 'order'], type: 'literal_error', msg: "Input should be 'asc' or 'desc'" },
  ]);
  expectBody(await call('GET', '/query?q=x&n=1&flag=on&page-size=50'), 200, query('x', 1, true, { pageSize: 50 }));
  expectBody(await call('GET', '/query?q=x&n=1&flag=on&pageSize=50'), 200, query('x', 1, true), 'the TS name is not the key');
  expectInvalid(await call('GET', '/query?q=x&n=1&flag=on&limit=2.5'), [{ loc: ['query', 'limit'], ...INT_PARSING }]);
});

test('query: a repeated key reads an array; a scalar keeps the last value', async () => {
  expectBody(await call('GET', '/query?q=x&n=1&flag=on&tag=a&tag=b&tag=a'), 200, query('x', 1, true, { tag: ['a', 'b', 'a'] }));
  expectBody(await call('GET', '/query?tag=only&q=x&n=1&flag=on'), 200, query('x', 1, true, { tag: ['only'] }));
  expectBody(await call('GET', '/query?q=first&q=last&n=1&n=2&flag=on'), 200, query('last', 2, true));
  expectBody(await call('GET', '/query/ids?id=3&id=1&id=2'), 200, '{"id":[3,1,2]}');
  expectBody(await call('GET', '/query/ids?id=5'), 200, '{"id":[5]}');
  expectInvalid(await call('GET', '/query/ids?id=1&id=x&id=2&id=3.5'), [
    { loc: ['query', 'id', 1], ...INT_PARSING },
    { loc: ['query', 'id', 3], ...INT_PARSING },
  ]);
  expectInvalid(await call('GET', '/query/ids'), [missing('query', 'id')]);
  expectInvalid(await call('GET', '/query/ids?ids=1'), [missing('query', 'id')]);
});

test('query: + is a space, %20 too; keys are decoded as well', async () => {
  expectBody(await call('GET', '/query?q=a+b%20c&n=1&flag=on'), 200, query('a b c', 1, true));
  expectBody(await call('GET', '/query?q=%2B%26%3D%25&n=1&flag=on'), 200, query('+&=%', 1, true));
  expectBody(await call('GET', '/query?q=%E2%9C%93&n=1&flag=on'), 200, query('✓', 1, true));
  expectBody(await call('GET', '/query?%71=encoded-key&n=1&flag=on'), 200, query('encoded-key', 1, true));
  expectBody(await call('GET', '/query?q=a=b&n=1&flag=on'), 200, query('a=b', 1, true));
  expectBody(await call('GET', '/query?q&n=1&flag=on'), 200, query('', 1, true), 'a key without = is the empty string');
  expectBody(await call('GET', '/query?&&q=x&&n=1&flag=on&'), 200, query('x', 1, true));
  expectBody(await call('GET', '/query?q=x&n=1&flag=on&tag=a+b&tag=c%20d'), 200, query('x', 1, true, { tag: ['a b', 'c d'] }));
  expectBody(await call('GET', '/query?page%2Dsize=7&q=x&n=1&flag=on'), 200, query('x', 1, true, { pageSize: 7 }));
});

test('query: an invalid percent-encoding answers 400, also in a key', async () => {
  expectDetail(await raw('/query?q=%ZZ&n=1&flag=on'), 400, 'invalid percent-encoding in query string');
  expectDetail(await raw('/query?q=x&n=1&flag=on&tag=%E0%A4'), 400, 'invalid percent-encoding in query string');
  expectDetail(await raw('/query?%=1&q=x&n=1&flag=on'), 400, 'invalid percent-encoding in query string');
  expectBody(await call('GET', '/query?q=x&n=1&flag=on'), 200, query('x', 1, true));
});

test('query: optional by `| undefined` before a required one', async () => {
  expectBody(await call('GET', '/query/undefined?b=2'), 200, '{"a":null,"b":2}');
  expectBody(await call('GET', '/query/undefined?a=x&b=-0.25'), 200, '{"a":"x","b":-0.25}');
  expectInvalid(await call('GET', '/query/undefined?a=x'), [missing('query', 'b')]);
});

// ---------------------------------------------------------------- headers

test('header: explicit name, default kebab-case name, optional', async () => {
  expectBody(
    await raw('/headers', ['-H', 'x-api-key: k1', '-H', 'request-id: r1']),
    200,
    '{"apiKey":"k1","requestId":"r1","acceptLanguage":null}',
  );
  expectBody(
    await call('GET', '/headers', { headers: { 'X-API-Key': 'k2', 'Request-ID': 'r2', 'Accept-Language': 'fr-CH, fr;q=0.9' } }),
    200,
    '{"apiKey":"k2","requestId":"r2","acceptLanguage":"fr-CH, fr;q=0.9"}',
  );
  expectBody(await raw('/headers', ['-H', 'x-api-key;', '-H', 'request-id: r']), 200, '{"apiKey":"","requestId":"r","acceptLanguage":null}');
});

test('header: the TS name or a snake/camel spelling is not the header name; missing → 422 at loc ["header", name]', async () => {
  expectInvalid(await raw('/headers'), [missing('header', 'x-api-key'), missing('header', 'request-id')]);
  expectInvalid(await raw('/headers', ['-H', 'apiKey: k', '-H', 'requestId: r', '-H', 'request_id: r']), [
    missing('header', 'x-api-key'),
    missing('header', 'request-id'),
  ]);
  expectInvalid(await raw('/headers', ['-H', 'x-api-key: k']), [missing('header', 'request-id')]);
});

test('header: a repeated header arrives joined with ", "', async () => {
  expectBody(
    await raw('/headers', ['-H', 'x-api-key: a', '-H', 'x-api-key: b', '-H', 'request-id: r']),
    200,
    '{"apiKey":"a, b","requestId":"r","acceptLanguage":null}',
  );
});

// ---------------------------------------------------------------- cookies

test('cookie: by parameter name and renamed; optional; missing → 422 at loc ["cookie", name]', async () => {
  expectBody(await call('GET', '/cookies', { headers: { cookie: 'session=abc' } }), 200, '{"session":"abc","theme":null}');
  expectBody(await call('GET', '/cookies', { headers: { cookie: 'ui-theme=dark; session=s1; other=x' } }), 200, '{"session":"s1","theme":"dark"}');
  expectBody(await call('GET', '/cookies', { headers: { cookie: 'session=a%20b%3B; theme=ignored' } }), 200, '{"session":"a b;","theme":null}');
  expectBody(await call('GET', '/cookies', { headers: { cookie: 'session="quoted"' } }), 200, '{"session":"quoted","theme":null}');
  expectBody(await call('GET', '/cookies', { headers: { cookie: 'session=first; session=second' } }), 200, '{"session":"first","theme":null}');
  expectBody(await raw('/cookies', ['-H', 'cookie: ui-theme=light', '-H', 'cookie: session=two-headers']), 200, '{"session":"two-headers","theme":"light"}');
  expectInvalid(await call('GET', '/cookies'), [missing('cookie', 'session')]);
  expectInvalid(await call('GET', '/cookies', { headers: { cookie: 'Session=x; sessions=y; ui-theme=dark' } }), [missing('cookie', 'session')]);
});

// ---------------------------------------------------------------- ctx

test('ctx: method, path, raw query, client address; setHeader and status', async () => {
  const reply = await call('GET', '/ctx?a=1&b=%20');
  expectBody(reply, 203, '{"method":"GET","path":"/ctx","query":"a=1&b=%20","ip":"127.0.0.1"}');
  assert.is(reply.headers.get('x-echo'), 'yes');
  const head = await raw('/ctx', ['-I']);
  expectStatus(head, 203);
  assert.is(head.header('x-echo'), 'yes');
  assert.is(head.text, '');
  const slash = await call('GET', '/ctx/');
  expectStatus(slash, 203);
  assert.is(slash.json.path, '/ctx/', 'ctx.path is the path as received');
});

// ---------------------------------------------------------------- body

const NOTE = { title: 'Hello', stars: 3 };

test('body: by name, with a path param and ctx', async () => {
  expectBody(await call('PUT', '/notes/n1', { json: NOTE }), 200, '{"id":"n1","note":{"title":"Hello","stars":3},"method":"PUT"}');
  expectBody(
    await call('PUT', '/notes/n%201', { json: { stars: 1, extra: [1], title: 't' } }),
    200,
    '{"id":"n 1","note":{"title":"t","stars":1},"method":"PUT"}',
  );
  expectInvalid(await call('PUT', '/notes/n1', { json: { title: '', stars: 1.5 } }), [
    { loc: ['body', 'title'], type: 'string_too_short', msg: 'String should have at least 1 character' },
    { loc: ['body', 'stars'], type: 'int_from_float', msg: 'Input should be a valid integer, got a number with a fractional part' },
  ]);
  expectInvalid(await call('PUT', '/notes/n1'), [missing('body')]);
});

test('body: found by its type; @status 201; the body is not coerced from text', async () => {
  expectBody(await call('POST', '/notes', { json: NOTE }), 201, '{"title":"Hello","stars":3}');
  expectInvalid(await call('POST', '/notes', { json: { title: 5, stars: '3' } }), [
    { loc: ['body', 'title'], type: 'string_type', msg: 'Input should be a valid string' },
    { loc: ['body', 'stars'], type: 'int_type', msg: 'Input should be a valid integer' },
  ]);
  expectInvalid(await call('POST', '/notes', { json: {} }), [missing('body', 'title'), missing('body', 'stars')]);
  expectInvalid(await call('POST', '/notes', { json: [NOTE] }), [
    { loc: ['body'], type: 'model_type', msg: 'Input should be a valid dictionary or instance of Note' },
  ]);
  expectInvalid(await call('POST', '/notes', { json: null }), [
    { loc: ['body'], type: 'model_type', msg: 'Input should be a valid dictionary or instance of Note' },
  ]);
  expectInvalid(await call('POST', '/notes'), [missing('body')]);
  expectInvalid(await call('POST', '/notes', { body: '', headers: { 'content-type': 'application/json' } }), [missing('body')]);
});

test('body: optional', async () => {
  expectBody(await call('POST', '/notes/optional'), 200, '{"note":null}');
  expectBody(await call('POST', '/notes/optional', { json: NOTE }), 200, '{"note":{"title":"Hello","stars":3}}');
  expectInvalid(await call('POST', '/notes/optional', { json: { title: 'x' } }), [missing('body', 'stars')]);
});

test('body: an array of objects, with indexes in loc', async () => {
  expectBody(await call('POST', '/notes/batch', { json: [NOTE, NOTE, NOTE] }), 200, '{"count":3}');
  expectBody(await call('POST', '/notes/batch', { json: [] }), 200, '{"count":0}');
  expectInvalid(await call('POST', '/notes/batch', { json: [NOTE, { title: 'x' }, 'no', NOTE] }), [
    missing('body', 1, 'stars'),
    { loc: ['body', 2], type: 'model_type', msg: 'Input should be a valid dictionary or instance of Note' },
  ]);
  expectInvalid(await call('POST', '/notes/batch', { json: NOTE }), [{ loc: ['body'], type: 'list_type', msg: 'Input should be a valid list' }]);
});

test('body: a Record', async () => {
  expectBody(await call('POST', '/notes/scores', { json: { b: 2, a: 1.5, 'with space': -1 } }), 200, '{"b":2,"a":1.5,"with space":-1}');
  expectBody(await call('POST', '/notes/scores', { json: {} }), 200, '{}');
  expectInvalid(await call('POST', '/notes/scores', { json: { a: 1, b: 'x', c: null } }), [
    { loc: ['body', 'b'], type: 'float_type', msg: 'Input should be a valid number' },
    { loc: ['body', 'c'], type: 'float_type', msg: 'Input should be a valid number' },
  ]);
  expectInvalid(await call('POST', '/notes/scores', { json: [1] }), [{ loc: ['body'], type: 'dict_type', msg: 'Input should be a valid dictionary' }]);
});

// ---------------------------------------------------------------- all kinds at once

test('every kind in one route: values bound to the right parameters', async () => {
  const reply = await call('POST', '/mixed/5?page=2', { json: NOTE, headers: { 'trace-id': '77', cookie: 'token=t0k' } });
  expectBody(reply, 200, '{"id":5,"page":2,"traceId":77,"token":"t0k","note":{"title":"Hello","stars":3}}');
});

test('every kind in one route: failures listed path, query, header, cookie, body', async () => {
  expectInvalid(await call('POST', '/mixed/x?page=y', { json: { title: '' }, headers: { 'trace-id': 'z', cookie: 'other=1' } }), [
    { loc: ['path', 'id'], ...INT_PARSING },
    { loc: ['query', 'page'], ...INT_PARSING },
    { loc: ['header', 'trace-id'], ...INT_PARSING },
    missing('cookie', 'token'),
    { loc: ['body', 'title'], type: 'string_too_short', msg: 'String should have at least 1 character' },
    missing('body', 'stars'),
  ]);
  expectInvalid(await call('POST', '/mixed/x'), [
    { loc: ['path', 'id'], ...INT_PARSING },
    missing('query', 'page'),
    missing('header', 'trace-id'),
    missing('cookie', 'token'),
    missing('body'),
  ]);
});

test('a body of another content type is 415 and malformed JSON 400, even with invalid params', async () => {
  expectDetail(
    await call('POST', '/mixed/1?page=1', { body: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded', 'trace-id': '1', cookie: 'token=t' } }),
    415,
    'Unsupported Media Type: expected application/json',
  );
  const malformed = await call('POST', '/notes', { body: '{"title":', headers: { 'content-type': 'application/json' } });
  expectStatus(malformed, 400);
  assert.match(malformed.json.detail, /^Malformed JSON in request body: /);
  expectBody(await call('POST', '/notes', { body: JSON.stringify(NOTE), headers: { 'content-type': 'application/json; charset=utf-8' } }), 201, JSON.stringify(NOTE));
  expectBody(await call('POST', '/notes', { body: JSON.stringify(NOTE), headers: { 'content-type': 'application/vnd.api+json' } }), 201, JSON.stringify(NOTE));
});

test.run();
