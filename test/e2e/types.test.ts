/**
 * fixtures/types end to end: each type family is POSTed to its echo route.
 * A valid value comes back byte-equal to JSON.stringify of the expected value
 * (properties in declaration order, unknown keys stripped); a spoiled value
 * answers 422 with the exact loc and type. Also: `__proto__` keys, deep
 * nesting, Date round trips, Default<V>, discriminated-union tags.
 */
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../harness.ts';
import { client, expectBody, expectInvalid, expectStatus, type Failure, type Json } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/types', import.meta.url));

let app: RunningApp | undefined;
const call = client(() => app);

test.before(async () => {
  app = await startApp(APP_DIR);
});

test.after(async () => {
  await app?.stop();
  app = undefined;
});

const MISSING = { type: 'missing', msg: 'Field required' };

/** POSTs `sent` to /echo/<route> and expects exactly JSON.stringify(expected) back. */
async function echoes(route: string, sent: unknown, expected: unknown = sent): Promise<void> {
  expectBody(await call('POST', `/echo/${route}`, { json: sent }), 200, JSON.stringify(expected));
}

/** POSTs `sent` to /echo/<route> and expects a 422 listing exactly `failures` (locs given after "body"). */
async function rejects(route: string, sent: unknown, failures: Failure[]): Promise<void> {
  const reply = await call('POST', `/echo/${route}`, { json: sent });
  expectInvalid(reply, failures.map((f) => ({ ...f, loc: ['body', ...f.loc] })));
}

/** `{ ...base, [key]: value }`, keeping the key's place in `base`. */
function spoil(base: Record<string, unknown>, key: string, value: unknown): Json {
  return { ...base, [key]: value };
}

function without(base: Record<string, unknown>, key: string): Json {
  const { [key]: _, ...rest } = base;
  return rest;
}

// ---------------------------------------------------------------- primitives and tags

const PRIMITIVES = {
  str: 'text "quoted" \\ and \n newline and ünïcödé 🎉',
  num: -1.25e-7,
  bool: false,
  nul: null,
  int: 9007199254740991,
  email: 'ada@example.com',
  uuid: '123e4567-e89b-12d3-a456-426614174000',
  url: 'https://example.com/a?b=c#d',
  dateTime: '2024-01-31T12:00:00+01:00',
  dateOnly: '2024-02-29',
  bounded: 100,
  exclusive: 0.5,
  step: -2.5,
  name: 'x'.repeat(20),
  slug: 'a-b-0',
  list: ['a', 'b', 'c'],
};

test('primitives and every tag: a valid value echoes byte-equal', async () => {
  await echoes('primitives', PRIMITIVES);
  await echoes('primitives', { ...PRIMITIVES, bounded: 0, list: ['only'], name: '🎉'.repeat(20), extra: 1 }, { ...PRIMITIVES, bounded: 0, list: ['only'], name: '🎉'.repeat(20) });
});

test('primitives and every tag: each spoiler answers its loc and type', async () => {
  const cases: [string, unknown, string, string?][] = [
    ['str', 1, 'string_type', 'Input should be a valid string'],
    ['num', '1', 'float_type', 'Input should be a valid number'],
    ['bool', 'true', 'bool_type', 'Input should be a valid boolean'],
    ['bool', 1, 'bool_type'],
    ['nul', 0, 'none_required', 'Input should be null'],
    ['int', 1.5, 'int_from_float', 'Input should be a valid integer, got a number with a fractional part'],
    ['int', '1', 'int_type', 'Input should be a valid integer'],
    ['email', 'not-an-email', 'value_error'],
    ['uuid', '123e4567e89b12d3a456', 'uuid_parsing'],
    ['url', 'ftp://example.com', 'url_scheme', "URL scheme should be 'http' or 'https'"],
    ['url', 'not a url', 'url_parsing'],
    ['dateTime', '2024-01-31', 'datetime_parsing'],
    ['dateTime', '2024-01-31T12:00:00', 'datetime_parsing'],
    ['dateOnly', '2023-02-29', 'date_parsing', 'Input should be a valid date in the format YYYY-MM-DD'],
    ['dateOnly', '2024-1-1', 'date_parsing'],
    ['bounded', -0.001, 'greater_than_equal', 'Input should be greater than or equal to 0'],
    ['bounded', 100.5, 'less_than_equal', 'Input should be less than or equal to 100'],
    ['exclusive', 0, 'greater_than', 'Input should be greater than 0'],
    ['exclusive', 1, 'less_than', 'Input should be less than 1'],
    ['step', 0.3, 'multiple_of', 'Input should be a multiple of 0.5'],
    ['name', '', 'string_too_short', 'String should have at least 1 character'],
    ['name', 'x'.repeat(21), 'string_too_long', 'String should have at most 20 characters'],
    ['slug', 'Not A Slug', 'string_pattern_mismatch', "String should match pattern '^[a-z0-9-]+$'"],
    ['list', [], 'too_short', 'List should have at least 1 item after validation, not 0'],
    ['list', ['a', 'b', 'c', 'd'], 'too_long', 'List should have at most 3 items after validation, not 4'],
    ['list', ['a', 'a'], 'value_error'],
    ['list', 'a', 'list_type', 'Input should be a valid list'],
  ];
  for (const [key, value, type, msg] of cases) {
    await rejects('primitives', spoil(PRIMITIVES, key, value), [{ loc: [key], type, ...(msg ? { msg } : {}) }]);
  }
  await rejects('primitives', spoil(PRIMITIVES, 'list', ['a', 2]), [{ loc: ['list', 1], type: 'string_type' }]);
  const email = await call('POST', '/echo/primitives', { json: spoil(PRIMITIVES, 'email', 'nope') });
  assert.match(email.json.detail[0].msg, /^value is not a valid email address: /);
});

test('primitives: every failure in one answer, in declaration order; missing fields', async () => {
  await rejects('primitives', { ...PRIMITIVES, str: null, int: 0.5, slug: '' }, [
    { loc: ['str'], type: 'string_type' },
    { loc: ['int'], type: 'int_from_float' },
    { loc: ['slug'], type: 'string_pattern_mismatch' },
  ]);
  await rejects('primitives', without(without(PRIMITIVES, 'num'), 'list'), [
    { loc: ['num'], ...MISSING },
    { loc: ['list'], ...MISSING },
  ]);
  await rejects('primitives', [PRIMITIVES], [{ loc: [], type: 'model_type', msg: 'Input should be a valid dictionary or instance of Primitives' }]);
});

// ---------------------------------------------------------------- literals, enums

test('literals and unions of literals', async () => {
  const value = { one: 'one', two: 2, yes: true, size: 'M', mixed: 'auto' };
  await echoes('literals', value);
  await echoes('literals', { ...value, mixed: 0 });
  await echoes('literals', { ...value, mixed: false });
  await rejects('literals', { ...value, one: 'One', two: '2', yes: 1, size: 'XL', mixed: '0' }, [
    { loc: ['one'], type: 'literal_error', msg: "Input should be 'one'" },
    { loc: ['two'], type: 'literal_error', msg: 'Input should be 2' },
    { loc: ['yes'], type: 'literal_error', msg: 'Input should be true' },
    { loc: ['size'], type: 'literal_error', msg: "Input should be 'S', 'M' or 'L'" },
    { loc: ['mixed'], type: 'literal_error', msg: "Input should be false, 0 or 'auto'" },
  ]);
});

test('string and numeric enums, and an enum member as a type', async () => {
  await echoes('enums', { direction: 'DOWN', level: 10, only: 'UP' });
  await echoes('enums', { only: 'UP', level: 2, direction: 'UP' }, { direction: 'UP', level: 2, only: 'UP' });
  await rejects('enums', { direction: 'Down', level: 3, only: 'DOWN' }, [
    { loc: ['direction'], type: 'enum', msg: "Input should be 'UP' or 'DOWN'" },
    { loc: ['level'], type: 'enum', msg: 'Input should be 1, 2 or 10' },
    { loc: ['only'], type: 'literal_error', msg: "Input should be 'UP'" },
  ]);
  await rejects('enums', { direction: 'UP', level: '1', only: 'UP' }, [{ loc: ['level'], type: 'enum' }]);
});

// ---------------------------------------------------------------- arrays and tuples

const LISTS = {
  strings: ['a', ''],
  numbers: [1, 2.5, -0],
  matrix: [[1], [], [2, 3]],
  pair: ['p', 1],
  optionalTail: ['t'],
  rest: ['r', true, false],
  named: [1, 2],
};

test('arrays, readonly arrays, nested arrays, tuples (optional element, rest, named)', async () => {
  await echoes('lists', LISTS, { ...LISTS, numbers: [1, 2.5, 0] });
  await echoes('lists', { ...LISTS, numbers: [], optionalTail: ['t', 7], rest: ['r'] });
  await rejects('lists', { ...LISTS, strings: ['a', 1], matrix: [[1, '2'], 3], pair: ['p'], optionalTail: ['t', 1.5], rest: ['r', true, 0], named: { x: 1, y: 2 } }, [
    { loc: ['strings', 1], type: 'string_type' },
    { loc: ['matrix', 0, 1], type: 'float_type' },
    { loc: ['matrix', 1], type: 'list_type' },
    { loc: ['pair'], type: 'too_short', msg: 'Tuple should have at least 2 items after validation, not 1' },
    { loc: ['optionalTail', 1], type: 'int_from_float' },
    { loc: ['rest', 2], type: 'bool_type' },
    { loc: ['named'], type: 'tuple_type', msg: 'Input should be a valid tuple' },
  ]);
  await rejects('lists', { ...LISTS, pair: ['p', 1, 2], optionalTail: [] }, [
    { loc: ['pair'], type: 'too_long', msg: 'Tuple should have at most 2 items after validation, not 3' },
    { loc: ['optionalTail'], type: 'too_short' },
  ]);
});

// ---------------------------------------------------------------- objects

test('nested objects, named and inline; loc goes all the way down', async () => {
  const value = { address: { street: 'Main St 1', city: 'Basel' }, inline: { a: 'x', b: { c: 3 } } };
  await echoes('nested', value);
  await echoes('nested', { inline: { b: { c: 3, d: 4 }, a: 'x', z: 1 }, address: { city: 'Basel', street: 'Main St 1', zip: '4000' } }, value);
  await rejects('nested', { address: { street: 1 }, inline: { a: 'x', b: { c: '3' } } }, [
    { loc: ['address', 'street'], type: 'string_type' },
    { loc: ['address', 'city'], ...MISSING },
    { loc: ['inline', 'b', 'c'], type: 'float_type' },
  ]);
  await echoes('address', { street: 's', city: 'c' });
});

test('an intersection is one flattened object; a Date field round-trips as ISO-8601', async () => {
  const id = '0b8a5c1e-3f4d-4e5a-9b6c-7d8e9f0a1b2c';
  await echoes('intersection', { label: 'l', createdAt: '2024-01-31T13:00:00+01:00', id, extra: true }, { id, createdAt: '2024-01-31T12:00:00.000Z', label: 'l' });
  await echoes('intersection', { id, createdAt: '2024-01-31T12:00:00.123456Z', label: '' }, { id, createdAt: '2024-01-31T12:00:00.123Z', label: '' });
  await rejects('intersection', { id: 'nope', createdAt: 'yesterday', label: 5 }, [
    { loc: ['id'], type: 'uuid_parsing' },
    { loc: ['createdAt'], type: 'datetime_parsing' },
    { loc: ['label'], type: 'string_type' },
  ]);
  await rejects('intersection', { id, createdAt: 1706702400000, label: 'l' }, [
    { loc: ['createdAt'], type: 'datetime_type', msg: 'Input should be a valid datetime' },
  ]);
});

test('Date: optional and nullable', async () => {
  await echoes('dates', { at: '2000-01-01T00:00:00Z' }, { at: '2000-01-01T00:00:00.000Z' });
  await echoes('dates', { at: '2000-01-01T00:00:00.5-02:30', when: null }, { at: '2000-01-01T02:30:00.500Z', when: null });
  await echoes('dates', { when: '1999-12-31T23:59:59Z', at: '2000-01-01T00:00:00Z' }, { at: '2000-01-01T00:00:00.000Z', when: '1999-12-31T23:59:59.000Z' });
  await rejects('dates', { at: '2000-13-01T00:00:00Z', when: 'soon' }, [
    { loc: ['at'], type: 'datetime_parsing' },
    { loc: ['when'], type: 'datetime_parsing' },
  ]);
  await rejects('dates', {}, [{ loc: ['at'], ...MISSING }]);
});

// ---------------------------------------------------------------- utility types

const USER = { id: 1, name: 'Ada', email: 'ada@example.com', age: 36 };

test('an interface with an optional property; declaration order wins over the sent order', async () => {
  await echoes('user', USER);
  await echoes('user', { age: 36, email: 'ada@example.com', name: 'Ada', id: 1, role: 'admin' }, USER);
  await echoes('user', without(USER, 'email'));
  await rejects('user', { id: 1.5, name: '', email: 'x', age: -1 }, [
    { loc: ['id'], type: 'int_from_float' },
    { loc: ['name'], type: 'string_too_short' },
    { loc: ['email'], type: 'value_error' },
    { loc: ['age'], type: 'greater_than_equal', msg: 'Input should be greater than or equal to 0' },
  ]);
});

test('Partial, Required, Pick, Omit, Readonly', async () => {
  await echoes('partial', {});
  await echoes('partial', { age: 3, nick: 'x' }, { age: 3 });
  await rejects('partial', { name: '' }, [{ loc: ['name'], type: 'string_too_short' }]);
  await echoes('required', USER);
  await rejects('required', without(USER, 'email'), [{ loc: ['email'], ...MISSING }]);
  await echoes('pick', { email: 'a@b.co', name: 'n', id: 7, age: 1 }, { name: 'n', email: 'a@b.co' });
  await echoes('pick', { name: 'n' });
  await rejects('pick', { email: 'a@b.co' }, [{ loc: ['name'], ...MISSING }]);
  await echoes('omit', USER, without(USER, 'id'));
  await rejects('omit', { name: 'n' }, [{ loc: ['age'], ...MISSING }]);
  await echoes('readonly', USER);
});

test('Record<string, T>, Record<literal keys, T> and an index signature', async () => {
  await echoes('record', { z: 1, a: -2.5, '': 0 });
  await rejects('record', { a: 1, b: true }, [{ loc: ['b'], type: 'float_type' }]);
  await rejects('record', ['x'], [{ loc: [], type: 'dict_type', msg: 'Input should be a valid dictionary' }]);
  await echoes('record-keys', { beta: false, alpha: true, gamma: true }, { alpha: true, beta: false });
  await rejects('record-keys', { alpha: 'yes' }, [
    { loc: ['alpha'], type: 'bool_type' },
    { loc: ['beta'], ...MISSING },
  ]);
  await echoes('index', { fixed: 'f', other: 'o', more: '' });
  await echoes('index', { other: 'o', fixed: 'f' }, { fixed: 'f', other: 'o' });
  await rejects('index', { fixed: 'f', n: 1 }, [{ loc: ['n'], type: 'string_type' }]);
  await rejects('index', { other: 'o' }, [{ loc: ['fixed'], ...MISSING }]);
});

test('generics instantiated at the use site', async () => {
  await echoes('page', { items: [USER, without(USER, 'email')], total: 2, next: 'cursor' });
  await echoes('page', { items: [], total: 0, next: null });
  await rejects('page', { items: [USER, { ...USER, name: '' }], total: 2.5 }, [
    { loc: ['items', 1, 'name'], type: 'string_too_short' },
    { loc: ['total'], type: 'int_from_float' },
    { loc: ['next'], ...MISSING },
  ]);
  await echoes('page-of-strings', { items: ['a', 'b'], total: 2, next: null });
  await rejects('page-of-strings', { items: [USER], total: 1, next: null }, [{ loc: ['items', 0], type: 'string_type' }]);
});

// ---------------------------------------------------------------- unions

test('a discriminated union: the tag picks the variant; tag errors', async () => {
  await echoes('shape', { kind: 'circle', radius: 2 });
  await echoes('shape', { side: 3, kind: 'square', radius: 9 }, { kind: 'square', side: 3 });
  await rejects('shape', { kind: 'circle', side: 1 }, [{ loc: ['circle', 'radius'], ...MISSING }]);
  await rejects('shape', { kind: 'square', side: '1' }, [{ loc: ['square', 'side'], type: 'float_type' }]);
  await rejects('shape', { kind: 'triangle' }, [
    {
      loc: [],
      type: 'union_tag_invalid',
      msg: "Input tag 'triangle' found using 'kind' does not match any of the expected tags: 'circle', 'square'",
    },
  ]);
  await rejects('shape', { radius: 1 }, [{ loc: [], type: 'union_tag_not_found', msg: "Unable to extract tag using discriminator 'kind'" }]);
  await rejects('shape', 'circle', [{ loc: [], type: 'model_type' }]);
});

test('a union without a discriminant is tried in order', async () => {
  await echoes('contact', { email: 'a@b.co' });
  await echoes('contact', { phone: '+41 00' });
  await echoes('contact', { email: 'bad', phone: '1' }, { phone: '1' });
  await echoes('contact', { email: 'a@b.co', phone: '1' }, { email: 'a@b.co' });
  await rejects('contact', {}, [
    { loc: ['object', 'email'], ...MISSING },
    { loc: ['object #2', 'phone'], ...MISSING },
  ]);
});

test('nullable properties', async () => {
  await echoes('nullable', { maybe: null, maybeUser: null });
  await echoes('nullable', { maybe: 'x', maybeUser: USER, maybeNum: null });
  await echoes('nullable', { maybeNum: 5, maybeUser: USER, maybe: '' }, { maybe: '', maybeUser: USER, maybeNum: 5 });
  await rejects('nullable', { maybe: 1, maybeUser: { ...USER, age: 'old' }, maybeNum: 0.5 }, [
    { loc: ['maybe'], type: 'string_type' },
    { loc: ['maybeUser', 'age'], type: 'int_type' },
    { loc: ['maybeNum'], type: 'int_from_float' },
  ]);
  await rejects('nullable', {}, [
    { loc: ['maybe'], ...MISSING },
    { loc: ['maybeUser'], ...MISSING },
  ]);
});

// ---------------------------------------------------------------- recursion, unknown, optionals, defaults, classes

function tree(depth: number): string {
  return '{"value":1,"children":['.repeat(depth) + '{"value":0,"children":[]}' + ']}'.repeat(depth);
}

test('a recursive type echoes at a reasonable depth', async () => {
  const value = { value: 1, children: [{ value: 2, children: [] }, { value: 3, children: [{ value: 4, children: [], x: 1 }] }] };
  await echoes('tree', value, { value: 1, children: [{ value: 2, children: [] }, { value: 3, children: [{ value: 4, children: [] }] }] });
  const twenty = JSON.parse(tree(20));
  await echoes('tree', twenty);
  await rejects('tree', { value: 1, children: [{ value: 'x', children: {} }] }, [
    { loc: ['children', 0, 'value'], type: 'float_type' },
    { loc: ['children', 0, 'children'], type: 'list_type' },
  ]);
});

test('deeply nested input (10000 levels) answers 422 and the server keeps serving', async () => {
  const TOO_DEEP = { type: 'recursion_loop', msg: 'Input is nested too deeply: at most 64 levels are allowed' };
  const json = { 'content-type': 'application/json' };
  // Each tree level is an object and an array: the 33rd child is at depth 66 > 64.
  const deepLoc = ['body', ...Array.from({ length: 33 }, () => ['children', 0]).flat()];
  expectInvalid(await call('POST', '/echo/tree', { body: tree(10_000), headers: json }), [{ loc: deepLoc, ...TOO_DEEP }]);
  await echoes('tree', JSON.parse(tree(32)));
  expectInvalid(await call('POST', '/echo/tree', { body: tree(33), headers: json }), [{ loc: deepLoc, ...TOO_DEEP }]);

  // unknown / any values are held to the same bound.
  const arrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
  expectInvalid(await call('POST', '/echo/any-json', { body: arrays(10_000), headers: json }), [{ loc: ['body'], ...TOO_DEEP }]);
  expectBody(await call('POST', '/echo/any-json', { body: arrays(65), headers: json }), 200, arrays(65));
  expectInvalid(await call('POST', '/echo/any-json', { body: arrays(66), headers: json }), [{ loc: ['body'], ...TOO_DEEP }]);
  expectInvalid(await call('POST', '/echo/unknown', { body: `{"u":${arrays(10_000)},"a":{"b":${arrays(64)}},"o":{}}`, headers: json }), [
    { loc: ['body', 'u'], ...TOO_DEEP },
    { loc: ['body', 'a'], ...TOO_DEEP },
  ]);
  await echoes('tree', { value: 1, children: [] });
});

test('nesting as deep as the body limit allows never costs a 500', async () => {
  const levels = 500_000;
  for (const route of ['any-json', 'unknown', 'tree']) {
    const body = route === 'unknown' ? `{"u":${'['.repeat(levels)}${']'.repeat(levels)},"a":0,"o":{}}` : '['.repeat(levels) + ']'.repeat(levels);
    const reply = await call('POST', `/echo/${route}`, { body, headers: { 'content-type': 'application/json' } });
    assert.ok(reply.status === 422 || reply.status === 400, `${route}: ${reply.status} ${reply.text.slice(0, 200)}`);
  }
  await echoes('tree', { value: 1, children: [] });
  assert.not.match(app!.output(), /Internal Server Error|failed:/);
});

test('unknown and any accept any JSON value; object requires an object', async () => {
  const value = { u: [1, 'two', { three: null }], a: false, o: { k: [1], n: null } };
  await echoes('unknown', value);
  await echoes('unknown', { u: null, a: 'x', o: {} });
  await rejects('unknown', { u: 1, a: 1, o: [] }, [{ loc: ['o'], type: 'dict_type' }]);
  await rejects('unknown', { o: {} }, [
    { loc: ['u'], ...MISSING },
    { loc: ['a'], ...MISSING },
  ]);
  for (const v of [1, 'string', null, true, [1, [2]], { a: { b: [] } }, -0.5]) await echoes('any-json', v);
});

test('optional properties: absent stays absent', async () => {
  await echoes('optionals', {});
  await echoes('optionals', { c: 1, b: 'b', a: 'a' }, { a: 'a', b: 'b', c: 1 });
  await echoes('optionals', { b: 'only' });
  await rejects('optionals', { a: 1, b: null, c: 'x' }, [
    { loc: ['a'], type: 'string_type' },
    { loc: ['b'], type: 'string_type' },
    { loc: ['c'], type: 'float_type' },
  ]);
});

test('Default<V> is applied when the property is absent, not when it is sent', async () => {
  await echoes('defaults', {}, { size: 10, sort: 'asc', on: true, label: 'none' });
  await echoes('defaults', { on: false, size: 3 }, { size: 3, sort: 'asc', on: false, label: 'none' });
  await echoes('defaults', { size: 0, sort: 'desc', on: true, label: '' });
  await rejects('defaults', { size: '3', sort: 'up', on: null, label: 1 }, [
    { loc: ['size'], type: 'int_type' },
    { loc: ['sort'], type: 'literal_error' },
    { loc: ['on'], type: 'bool_type' },
    { loc: ['label'], type: 'string_type' },
  ]);
});

test("a class's public fields only", async () => {
  await echoes('point', { x: 1, y: -2 });
  await echoes('point', { y: 2, x: 1, secret: 's', '#hash': 2, origin: {} }, { x: 1, y: 2 });
  await rejects('point', { x: '1' }, [
    { loc: ['x'], type: 'float_type' },
    { loc: ['y'], ...MISSING },
  ]);
});

// ---------------------------------------------------------------- __proto__

test('__proto__ keys in a body are inert; nothing is polluted for later requests', async () => {
  const user = JSON.stringify(USER).slice(0, -1) + ',"__proto__":{"polluted":"yes","isAdmin":true}}';
  expectBody(await call('POST', '/echo/user', { body: user, headers: { 'content-type': 'application/json' } }), 200, JSON.stringify(USER));

  // A Record keeps `__proto__` as an ordinary key (JSON.parse does the same).
  const scores = '{"a":1,"__proto__":2,"constructor":3}';
  expectBody(await call('POST', '/echo/record', { body: scores, headers: { 'content-type': 'application/json' } }), 200, scores);
  const poisoned = '{"__proto__":{"polluted":1}}';
  expectBody(await call('POST', '/echo/any-json', { body: poisoned, headers: { 'content-type': 'application/json' } }), 200, poisoned);
  const index = '{"fixed":"f","__proto__":"p","toString":"t"}';
  expectBody(await call('POST', '/echo/index', { body: index, headers: { 'content-type': 'application/json' } }), 200, index);
  const bad = await call('POST', '/echo/record', { body: '{"__proto__":{"x":1}}', headers: { 'content-type': 'application/json' } });
  expectInvalid(bad, [{ loc: ['body', '__proto__'], type: 'float_type' }]);
  const ctor = '{"constructor":{"prototype":{"polluted":1}},"o":{"__proto__":{"polluted":1}},"u":0,"a":0}';
  expectBody(
    await call('POST', '/echo/unknown', { body: ctor, headers: { 'content-type': 'application/json' } }),
    200,
    '{"u":0,"a":0,"o":{"__proto__":{"polluted":1}}}',
  );

  // Later requests see clean objects: defaults, optionals and records are unaffected.
  await echoes('defaults', {}, { size: 10, sort: 'asc', on: true, label: 'none' });
  await echoes('optionals', {});
  await echoes('record', {});
  await echoes('partial', {});
  await rejects('user', {}, [
    { loc: ['id'], ...MISSING },
    { loc: ['name'], ...MISSING },
    { loc: ['age'], ...MISSING },
  ]);
});

test('nothing in this suite made a handler fail', async () => {
  await echoes('address', { street: 's', city: 'c' });
  assert.not.match(app!.output(), /failed:|Internal Server Error/, app!.output());
});

test('a type imported from an npm package validates and echoes like a local one', async () => {
  const box = { southWest: { lat: 1.5, lng: 2 }, northEast: { lat: 3, lng: 4, label: 'NE' } };
  await echoes('npm-box', box);
  await echoes('npm-box', { ...box, extra: true }, box);
  await rejects('npm-box', { southWest: { lat: '1', lng: 2 } }, [
    { loc: ['southWest', 'lat'], type: 'float_type', msg: 'Input should be a valid number' },
    { loc: ['northEast'], ...MISSING },
  ]);
});

test('extended interfaces and subclasses: inherited properties first, in the bases\' order', async () => {
  const dog = { id: 1, name: 'Rex', owner: 'Ada', breed: 'collie' };
  await echoes('dog', { breed: 'collie', owner: 'Ada', name: 'Rex', id: 1 }, dog);
  await rejects('dog', { ...dog, name: '' }, [{ loc: ['name'], type: 'string_too_short', msg: 'String should have at least 1 character' }]);
  await echoes('point3', { z: 3, y: 2, x: 1 }, { x: 1, y: 2, z: 3 });
});

test.run();
