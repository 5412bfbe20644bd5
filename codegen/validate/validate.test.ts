// Behaviour of generated validators, per type family: a valid value, then
// "spoilers" — a mutation and the exact error (loc + type) it must produce.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TypeIR } from '../../ir/ir.ts';
import {
  arr, bodyValidator, bool, clone, date, int, lit, nul, num, obj, prop, ref, sampleTypes, scalarValidator, str, union, unknownT,
  type Run,
} from './testing/testkit.ts';

type Spoiler = [what: string, mutate: (v: any) => unknown, loc: (string | number)[], type: string];

function spoilers(name: string, run: Run, valid: unknown, cases: Spoiler[]): void {
  test(`${name}: valid value passes`, () => {
    const r = run(clone(valid));
    assert.equal(r.errors, []);
  });
  for (const [what, mutate, loc, type] of cases) {
    test(`${name}: ${what} → ${JSON.stringify(loc)} ${type}`, () => {
      const v = clone(valid);
      const replaced = mutate(v);
      const r = run(replaced === undefined ? v : replaced);
      assert.equal(r.errors.map((e) => ({ loc: e.loc, type: e.type })), [{ loc: ['body', ...loc], type }]);
      for (const e of r.errors) assert.type(e.msg, 'string');
    });
  }
}

const user = { id: 1, name: 'Ada', email: 'ada@example.com', age: 36, tags: ['x'], role: 'admin' };
const userRun = bodyValidator(ref('User'), sampleTypes);

spoilers('User', userRun, user, [
  ['id missing', (v) => void delete v.id, ['id'], 'missing'],
  ['id a string', (v) => void (v.id = '1'), ['id'], 'int_type'],
  ['id fractional', (v) => void (v.id = 1.5), ['id'], 'int_from_float'],
  ['name empty', (v) => void (v.name = ''), ['name'], 'string_too_short'],
  ['name 51 chars', (v) => void (v.name = 'x'.repeat(51)), ['name'], 'string_too_long'],
  ['email without @', (v) => void (v.email = 'ada.example.com'), ['email'], 'value_error'],
  ['age negative', (v) => void (v.age = -1), ['age'], 'greater_than_equal'],
  ['age 151', (v) => void (v.age = 151), ['age'], 'less_than_equal'],
  ['age null', (v) => void (v.age = null), ['age'], 'int_type'],
  ['tags an object', (v) => void (v.tags = {}), ['tags'], 'list_type'],
  ['tags[0] a number', (v) => void (v.tags = ['a', 2]), ['tags', 1], 'string_type'],
  ['role unknown', (v) => void (v.role = 'root'), ['role'], 'literal_error'],
  ['an array body', () => [user], [], 'model_type'],
  ['null body', () => null, [], 'model_type'],
]);

test('User: output is a new object, unknown keys stripped, defaults filled, absent optionals not set', () => {
  const input = { extra: 1, tags: [], email: 'a@b.io', name: 'A', id: 2 };
  const r = userRun(input);
  assert.equal(r.errors, []);
  assert.is.not(r.value, input);
  assert.equal(Object.keys(r.value as object), ['id', 'name', 'email', 'tags', 'role']);
  assert.equal(r.value, { id: 2, name: 'A', email: 'a@b.io', tags: [], role: 'member' });
  assert.not.ok('age' in (r.value as object));
});

test('User: every failure is reported, in property order', () => {
  const r = userRun({ id: 'x', name: 5, email: 'bad', tags: [1, 2] });
  assert.equal(r.errors.map((e) => e.loc), [['body', 'id'], ['body', 'name'], ['body', 'email'], ['body', 'tags', 0], ['body', 'tags', 1]]);
});

test('messages follow pydantic v2', () => {
  const r = userRun({ id: 1, name: '', email: 'x', tags: [] });
  assert.equal(r.errors, [
    { loc: ['body', 'name'], msg: 'String should have at least 1 character', type: 'string_too_short' },
    { loc: ['body', 'email'], msg: 'value is not a valid email address: An email address must have an @-sign.', type: 'value_error' },
  ]);
  assert.equal(bodyValidator(int({ minimum: 0 }))(-1).errors[0]!.msg, 'Input should be greater than or equal to 0');
  assert.equal(bodyValidator(union(lit('a'), lit('b')))('c').errors[0]!.msg, "Input should be 'a' or 'b'");
  assert.equal(bodyValidator(obj([prop('a', str())]))(undefined).errors, [{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
  assert.equal(bodyValidator(arr(num(), { minItems: 2 }))([1]).errors[0]!.msg, 'List should have at least 2 items after validation, not 1');
});

test('optional body absent → undefined; required absent → missing', () => {
  assert.equal(bodyValidator(ref('User'), sampleTypes, false)(undefined), { value: undefined, errors: [] });
  assert.equal(bodyValidator(ref('User'), sampleTypes, true)(undefined).errors[0]!.type, 'missing');
});

// ── strings ──
const strings = obj([
  prop('email', str({ format: 'email' })),
  prop('id', str({ format: 'uuid' })),
  prop('site', str({ format: 'url' })),
  prop('at', str({ format: 'date-time' })),
  prop('day', str({ format: 'date' })),
  prop('code', str({ pattern: '^[A-Z]{3}$' })),
  prop('emoji', str({ minLength: 2, maxLength: 3 })),
]);
spoilers('string formats', bodyValidator(strings), {
  email: 'first.last+tag@sub.example.co.uk',
  id: '123e4567-e89b-12d3-a456-426614174000',
  site: 'https://example.com/a?b=c#d',
  at: '2024-02-29T23:59:59.123+05:30',
  day: '2024-02-29',
  code: 'ABC',
  emoji: '😀😀😀',
}, [
  ['email with two dots', (v) => void (v.email = 'a..b@example.com'), ['email'], 'value_error'],
  ['email without a dot in the domain', (v) => void (v.email = 'a@localhost'), ['email'], 'value_error'],
  ['uuid too short', (v) => void (v.id = '123e4567-e89b-12d3-a456-42661417400'), ['id'], 'uuid_parsing'],
  ['uuid with a g', (v) => void (v.id = '123e4567-e89b-12d3-a456-42661417400g'), ['id'], 'uuid_parsing'],
  ['url relative', (v) => void (v.site = '/a/b'), ['site'], 'url_parsing'],
  ['url ftp', (v) => void (v.site = 'ftp://example.com'), ['site'], 'url_scheme'],
  ['url with a space', (v) => void (v.site = 'http://exa mple.com'), ['site'], 'url_parsing'],
  ['url bad port', (v) => void (v.site = 'http://example.com:99999'), ['site'], 'url_parsing'],
  ['url empty host', (v) => void (v.site = 'http:///x'), ['site'], 'url_parsing'],
  ['date-time without zone', (v) => void (v.at = '2024-02-29T23:59:59'), ['at'], 'datetime_parsing'],
  ['date-time 2023-02-29', (v) => void (v.at = '2023-02-29T00:00:00Z'), ['at'], 'datetime_parsing'],
  ['date-time hour 24', (v) => void (v.at = '2024-01-01T24:00:00Z'), ['at'], 'datetime_parsing'],
  ['date 2023-02-29', (v) => void (v.day = '2023-02-29'), ['day'], 'date_parsing'],
  ['date with time', (v) => void (v.day = '2024-02-29T00:00:00Z'), ['day'], 'date_parsing'],
  ['pattern lower case', (v) => void (v.code = 'abc'), ['code'], 'string_pattern_mismatch'],
  ['one emoji is one character', (v) => void (v.emoji = '😀'), ['emoji'], 'string_too_short'],
  ['four emoji', (v) => void (v.emoji = '😀😀😀😀'), ['emoji'], 'string_too_long'],
]);

test('string length counts code points; a lone surrogate counts as one', () => {
  const run = bodyValidator(str({ minLength: 2, maxLength: 2 }));
  assert.equal(run('😀😀').errors, []);
  assert.equal(run('\ud800x').errors, []);
  assert.equal(run('😀').errors[0]!.type, 'string_too_short');
});

// ── numbers ──
spoilers('numbers', bodyValidator(obj([
  prop('n', num({ exclusiveMinimum: 0, exclusiveMaximum: 10 })),
  prop('m', num({ multipleOf: 0.5 })),
  prop('k', int({ multipleOf: 3 })),
])), { n: 5, m: 1.5, k: -9 }, [
  ['n zero', (v) => void (v.n = 0), ['n'], 'greater_than'],
  ['n ten', (v) => void (v.n = 10), ['n'], 'less_than'],
  ['n a numeric string', (v) => void (v.n = '5'), ['n'], 'float_type'],
  ['n boolean', (v) => void (v.n = true), ['n'], 'float_type'],
  ['m 1.2', (v) => void (v.m = 1.2), ['m'], 'multiple_of'],
  ['k 4', (v) => void (v.k = 4), ['k'], 'multiple_of'],
]);

test('numbers: NaN and Infinity are refused even though JSON cannot carry them', () => {
  assert.equal(bodyValidator(num())(NaN).errors[0]!.type, 'finite_number');
  assert.equal(bodyValidator(int())(Infinity).errors[0]!.type, 'finite_number');
});

// ── booleans, null, literals, enums, unknown ──
spoilers('scalars', bodyValidator(obj([
  prop('b', bool),
  prop('z', nul),
  prop('l', lit(3)),
  prop('s', ref('Status')),
  prop('p', ref('Priority')),
  prop('u', unknownT),
]), sampleTypes), { b: false, z: null, l: 3, s: 'open', p: 2, u: { any: [1, 'thing'] } }, [
  ['b a string', (v) => void (v.b = 'true'), ['b'], 'bool_type'],
  ['z zero', (v) => void (v.z = 0), ['z'], 'none_required'],
  ['l 4', (v) => void (v.l = 4), ['l'], 'literal_error'],
  ['s unknown member', (v) => void (v.s = 'Open'), ['s'], 'enum'],
  ['p as a string', (v) => void (v.p = '2'), ['p'], 'enum'],
  ['u missing', (v) => void delete v.u, ['u'], 'missing'],
]);

// ── arrays and tuples ──
spoilers('arrays', bodyValidator(obj([
  prop('a', arr(int(), { minItems: 1, maxItems: 3, uniqueItems: true })),
  prop('objs', arr(unknownT, { uniqueItems: true })),
])), { a: [1, 2, 3], objs: [{ a: 1 }, { a: 2 }, [1], [2]] }, [
  ['a empty', (v) => void (v.a = []), ['a'], 'too_short'],
  ['a four items', (v) => void (v.a = [1, 2, 3, 4]), ['a'], 'too_long'],
  ['a duplicate', (v) => void (v.a = [1, 2, 1]), ['a'], 'value_error'],
  ['a item fractional', (v) => void (v.a = [1, 2.5]), ['a', 1], 'int_from_float'],
  ['objs deep duplicate', (v) => void v.objs.push({ a: 2 }), ['objs'], 'value_error'],
  ['objs array duplicate', (v) => void v.objs.push([2]), ['objs'], 'value_error'],
]);

test('uniqueItems on a long array of scalars (Set path)', () => {
  const run = bodyValidator(arr(num(), { uniqueItems: true }));
  const xs = Array.from({ length: 1000 }, (_, i) => i);
  assert.equal(run(xs).errors, []);
  const e = run([...xs, 500]).errors;
  assert.equal(e.map((x) => x.msg), ['Value error, List should have unique items; a duplicate is at index 1000']);
});

const tuple: TypeIR = { kind: 'tuple', items: [str(), int(), bool], minItems: 2 };
const tupleRest: TypeIR = { kind: 'tuple', items: [str()], minItems: 1, rest: date };
spoilers('tuples', bodyValidator(obj([prop('t', tuple), prop('r', tupleRest)])), {
  t: ['a', 1, true],
  r: ['x', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z'],
}, [
  ['t too short', (v) => void (v.t = ['a']), ['t'], 'too_short'],
  ['t too long', (v) => void v.t.push(1), ['t'], 'too_long'],
  ['t[1] a string', (v) => void (v.t[1] = '1'), ['t', 1], 'int_type'],
  ['t[2] optional but wrong', (v) => void (v.t[2] = 1), ['t', 2], 'bool_type'],
  ['t an object', (v) => void (v.t = { 0: 'a', 1: 1 }), ['t'], 'tuple_type'],
  ['r rest item not a date', (v) => void v.r.push('yesterday'), ['r', 3], 'datetime_parsing'],
  ['r rest item a number', (v) => void v.r.push(0), ['r', 3], 'datetime_type'],
]);

test('tuples: optional element may be absent; rest elements are converted', () => {
  const r = bodyValidator(obj([prop('t', tuple), prop('r', tupleRest)]))({ t: ['a', 1], r: ['x', '2024-01-01T00:00:00.5Z'] });
  assert.equal(r.errors, []);
  const out = r.value as { t: unknown[]; r: [string, Date] };
  assert.equal(out.t, ['a', 1]);
  assert.ok(out.r[1] instanceof Date);
  assert.is(out.r[1].toISOString(), '2024-01-01T00:00:00.500Z');
});

// ── dates ──
test('Date: offsets, fractions and years below 100 convert exactly', () => {
  const run = bodyValidator(date);
  const cases: [string, string][] = [
    ['2024-01-31T12:00:00+01:30', '2024-01-31T10:30:00.000Z'],
    ['2024-01-31t12:00:00.123456z', '2024-01-31T12:00:00.123Z'],
    ['2024-01-31 12:00:00-00:30', '2024-01-31T12:30:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
    ['2000-02-29T23:59:59.9Z', '2000-02-29T23:59:59.900Z'],
  ];
  for (const [input, iso] of cases) {
    const r = run(input);
    assert.equal(r.errors, [], input);
    assert.is((r.value as Date).toISOString(), iso);
  }
  for (const bad of ['2024-01-31T12:00:00', '2024-13-01T00:00:00Z', '2024-01-31T12:00:00+1:00', '2024-01-31T12:00:00.Z', '1900-02-29T00:00:00Z', '2024-01-31T12:00:60Z', 'x']) {
    assert.equal(run(bad).errors.map((e) => e.type), ['datetime_parsing'], bad);
  }
});

// ── records ──
spoilers('records', bodyValidator(obj([prop('id', int())], int({ minimum: 0 }))), { id: 1, a: 2, b: 3 }, [
  ['extra negative', (v) => void (v.c = -1), ['c'], 'greater_than_equal'],
  ['declared prop is not checked as extra', (v) => void (v.id = 'x'), ['id'], 'int_type'],
]);

test('records keep extra keys after declared ones; pure records say dict_type', () => {
  const r = bodyValidator(obj([prop('id', int())], str()))({ z: 'z', id: 1, a: 'a' });
  assert.equal(Object.keys(r.value as object), ['id', 'z', 'a']);
  assert.equal(bodyValidator(obj([], str()))([]).errors[0]!.type, 'dict_type');
});

// ── unions ──
spoilers('discriminated union', bodyValidator(arr(ref('Shape')), sampleTypes), [{ kind: 'circle', radius: 1 }, { kind: 'square', side: 2 }], [
  ['tag missing', (v) => void delete v[0].kind, [0], 'union_tag_not_found'],
  ['tag unknown', (v) => void (v[0].kind = 'triangle'), [0], 'union_tag_invalid'],
  ['variant field wrong: loc names the tag', (v) => void (v[1].side = -1), [1, 'square', 'side'], 'greater_than_equal'],
  ['not an object', (v) => void (v[0] = 'circle'), [0], 'model_type'],
]);

test('discriminated union: invalid tag message lists the expected tags', () => {
  const r = bodyValidator(ref('Shape'), sampleTypes)({ kind: 'hexagon' });
  assert.is(r.errors[0]!.msg, "Input tag 'hexagon' found using 'kind' does not match any of the expected tags: 'circle', 'square'");
});

const mixed = union(str({ minLength: 3 }), int(), arr(str()), ref('Circle'));
spoilers('plain union', bodyValidator(obj([prop('x', mixed)]), sampleTypes), { x: 'abc' }, [
  ['string too short: only the string variant is tried', (v) => void (v.x = 'ab'), ['x', 'string'], 'string_too_short'],
  ['fraction: only the integer variant is tried', (v) => void (v.x = 1.5), ['x', 'integer'], 'int_from_float'],
  ['object of the wrong shape', (v) => void (v.x = { kind: 'circle' }), ['x', 'Circle', 'radius'], 'missing'],
]);

test('plain union: first fitting variant wins; no fitting JSON type → each variant reports its type error', () => {
  const run = bodyValidator(obj([prop('x', mixed)]), sampleTypes);
  assert.equal(run({ x: 7 }).value, { x: 7 });
  assert.equal(run({ x: ['a'] }).value, { x: ['a'] });
  assert.equal(run({ x: { kind: 'circle', radius: 2, extra: 1 } }).value, { x: { kind: 'circle', radius: 2 } });
  assert.equal(run({ x: true }).errors.map((e) => [e.loc, e.type]), [
    [['body', 'x', 'string'], 'string_type'],
    [['body', 'x', 'integer'], 'int_type'],
    [['body', 'x', 'array'], 'list_type'],
    [['body', 'x', 'Circle'], 'model_type'],
  ]);
});

test('union: a later success discards the errors of earlier variants', () => {
  const run = bodyValidator(union(obj([prop('a', int())]), obj([prop('b', str())])));
  const r = run({ b: 'ok' });
  assert.equal(r.errors, []);
  assert.equal(r.value, { b: 'ok' });
  assert.equal(run({ c: 1 }).errors.map((e) => e.loc), [['body', 'object', 'a'], ['body', 'object #2', 'b']]);
});

test('nullable: null passes; other errors keep the plain loc', () => {
  const run = bodyValidator(obj([prop('x', union(int(), nul))]));
  assert.equal(run({ x: null }), { value: { x: null }, errors: [] });
  assert.equal(run({ x: 'a' }).errors.map((e) => [e.loc, e.type]), [[['body', 'x'], 'int_type']]);
  const nd = bodyValidator(union(date, nul));
  assert.ok((nd('2024-01-01T00:00:00Z').value as Date) instanceof Date);
  assert.is(nd(null).value, null);
});

// ── recursion ──
test('recursive type: errors deep in the tree carry the full loc', () => {
  const run = bodyValidator(ref('Tree'), sampleTypes);
  const tree: any = { value: 1, children: [{ value: 2, children: [] }, { value: 3, children: [{ value: 'x', children: [] }] }] };
  assert.equal(run(tree).errors.map((e) => e.loc), [['body', 'children', 1, 'children', 0, 'value']]);
  tree.children[1]!.children[0]!.value = 4;
  assert.equal(run(tree), { value: tree, errors: [] });
});

// ── scalars from text ──
function scalarCases(name: string, run: Run, ok: [unknown, unknown][], bad: [unknown, string][], loc: (string | number)[] = ['query', 'q']): void {
  test(`text ${name}`, () => {
    for (const [raw, value] of ok) assert.equal(run(raw), { value, errors: [] }, String(raw));
    for (const [raw, type] of bad) {
      const r = run(raw);
      assert.equal(r.errors.map((e) => e.type), [type], String(raw));
      assert.equal(r.errors[0]!.loc, Array.isArray(raw) ? r.errors[0]!.loc : loc);
    }
  });
}
scalarCases('number', scalarValidator({ type: num({ maximum: 100 }) }), [['1.5', 1.5], [' -2e1 ', -20], ['.5', 0.5], ['+3', 3]], [
  ['', 'float_parsing'], ['abc', 'float_parsing'], ['0x10', 'float_parsing'], ['Infinity', 'float_parsing'], ['1e999', 'finite_number'], ['101', 'less_than_equal'], [undefined, 'missing'],
]);
scalarCases('integer', scalarValidator({ kind: 'path', key: 'id', type: int({ minimum: 1 }) }), [['42', 42], ['+7', 7]], [
  ['4.0', 'int_parsing'], ['1e3', 'int_parsing'], ['', 'int_parsing'], ['0', 'greater_than_equal'],
], ['path', 'id']);
scalarCases('boolean', scalarValidator({ type: bool }), [['true', true], ['YES', true], ['on', true], ['1', true], ['False', false], ['off', false], ['0', false], ['no', false]], [['maybe', 'bool_parsing'], ['', 'bool_parsing']]);
scalarCases('string literal union', scalarValidator({ type: union(lit('asc'), lit('desc')) }), [['asc', 'asc']], [['ASC', 'literal_error']]);
scalarCases('numeric enum', scalarValidator({ type: ref('Priority') }, sampleTypes), [['2', 2], [' 1 ', 1]], [['3', 'enum'], ['High', 'enum']]);
scalarCases('string enum', scalarValidator({ type: ref('Status') }, sampleTypes), [['done', 'done']], [['Done', 'enum']]);
scalarCases('string with constraints', scalarValidator({ kind: 'header', key: 'x-api-key', type: str({ minLength: 4, format: 'uuid' }) }), [['123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-12d3-a456-426614174000']], [['abc', 'string_too_short'], ['abcdefg', 'uuid_parsing']], ['header', 'x-api-key']);
test('text union: variants tried in order, each failure labelled', () => {
  const run = scalarValidator({ type: union(int(), lit('all')) });
  assert.equal(run('5'), { value: 5, errors: [] });
  assert.equal(run('all'), { value: 'all', errors: [] });
  assert.equal(run('some').errors.map((e) => [e.loc, e.type]), [
    [['query', 'q', 'integer'], 'int_parsing'],
    [['query', 'q', "literal['all']"], 'literal_error'],
  ]);
});

// ── safe integers: Int is what Number.isSafeInteger accepts, in JSON and in text ──
const SAFE = Number.MAX_SAFE_INTEGER;
const SAFE_MSG = 'Input should be a safe integer, between -9007199254740991 and 9007199254740991';
spoilers('Int in a body', bodyValidator(obj([prop('id', int()), prop('n', int({ minimum: 0 }), true)])), { id: SAFE, n: SAFE }, [
  ['2^53', (v) => void (v.id = 2 ** 53), ['id'], 'safe_integer'],
  ['-(2^53)', (v) => void (v.id = -(2 ** 53)), ['id'], 'safe_integer'],
  ['1e20', (v) => void (v.id = 1e20), ['id'], 'safe_integer'],
  ['9007199254740993 as JSON.parse reads it', (v) => void (v.id = JSON.parse('9007199254740993')), ['id'], 'safe_integer'],
  ['99999999999999999999 as JSON.parse reads it', (v) => void (v.id = JSON.parse('99999999999999999999')), ['id'], 'safe_integer'],
  ['the largest double', (v) => void (v.id = Number.MAX_VALUE), ['id'], 'safe_integer'],
  ['unsafe under a Min', (v) => void (v.n = 2 ** 60), ['n'], 'safe_integer'],
  ['still a fraction first', (v) => void (v.id = 0.5), ['id'], 'int_from_float'],
]);
test('Int bounded on both sides inside the range: a value beyond it reports the bound, as pydantic would', () => {
  const run = bodyValidator(int({ minimum: 0, maximum: 150 }));
  assert.equal(run(1e20).errors.map((e) => e.type), ['less_than_equal']);
  assert.equal(run(-(2 ** 53)).errors.map((e) => e.type), ['greater_than_equal']);
  assert.equal(run(1.5).errors.map((e) => e.type), ['int_from_float']);
  assert.equal(run(Infinity).errors.map((e) => e.type), ['finite_number']);
  const text = scalarValidator({ type: int({ exclusiveMinimum: 0, maximum: 100 }) });
  assert.equal(text('99999999999999999999').errors.map((e) => e.type), ['less_than_equal']);
  assert.equal(text(`1${'0'.repeat(400)}`).errors.map((e) => e.type), ['less_than_equal']);
  assert.equal(text('-9007199254740993').errors.map((e) => e.type), ['greater_than']);
  assert.equal(text('1.0').errors.map((e) => e.type), ['int_parsing']);
  // One side open: that side is the safe range's.
  assert.equal(scalarValidator({ type: int({ maximum: 100 }) })('-9007199254740993').errors.map((e) => e.type), ['safe_integer']);
});
test('Int in a body: the bounds pass, with their exact value; the message names the range', () => {
  const run = bodyValidator(int());
  assert.equal(run(-SAFE), { value: -SAFE, errors: [] });
  assert.equal(run(SAFE), { value: SAFE, errors: [] });
  assert.equal(run(2 ** 53).errors, [{ loc: ['body'], msg: SAFE_MSG, type: 'safe_integer' }]);
  assert.equal(run(Infinity).errors.map((e) => e.type), ['finite_number']);
  assert.equal(run(NaN).errors.map((e) => e.type), ['finite_number']);
  // A plain number keeps every finite double.
  assert.equal(bodyValidator(num())(1e20), { value: 1e20, errors: [] });
});
scalarCases('Int: the safe range, and text that only rounds into a double', scalarValidator({ kind: 'path', key: 'id', type: int() }), [
  ['9007199254740991', SAFE], ['-9007199254740991', -SAFE], ['+9007199254740991', SAFE], ['0009007199254740991', SAFE], [' 5 ', 5], ['\t-5\n', -5], ['007', 7],
], [
  ['9007199254740992', 'safe_integer'], ['-9007199254740992', 'safe_integer'], ['9007199254740993', 'safe_integer'], ['99999999999999999999', 'safe_integer'],
  [`1${'0'.repeat(400)}`, 'safe_integer'], ['5.0', 'int_parsing'], ['5.', 'int_parsing'], ['1e3', 'int_parsing'], ['0x10', 'int_parsing'], ['1_000', 'int_parsing'],
  ['Infinity', 'int_parsing'], ['NaN', 'int_parsing'], ['- 5', 'int_parsing'], ['٥', 'int_parsing'], ['', 'int_parsing'],
], ['path', 'id']);
test('Int from text: the message of an unsafe value, and a Max still applies after the range', () => {
  assert.equal(scalarValidator({ type: int() })('9007199254740993').errors, [{ loc: ['query', 'q'], msg: SAFE_MSG, type: 'safe_integer' }]);
  assert.equal(scalarValidator({ type: int({ maximum: 10 }) })('11').errors.map((e) => e.type), ['less_than_equal']);
  const list = scalarValidator({ type: arr(int()) });
  assert.equal(list(['1', '9007199254740993']).errors.map((e) => [e.loc, e.type]), [[['query', 'q', 1], 'safe_integer']]);
  const either = scalarValidator({ type: union(int(), lit('all')) });
  assert.equal(either('99999999999999999999').errors.map((e) => [e.loc, e.type]), [
    [['query', 'q', 'integer'], 'safe_integer'],
    [['query', 'q', "literal['all']"], 'literal_error'],
  ]);
});

test('text: optional params take the default (a fresh copy) or undefined', () => {
  const withDefault = scalarValidator({ required: false, default: 20, type: int() });
  assert.equal(withDefault(undefined), { value: 20, errors: [] });
  const noDefault = scalarValidator({ required: false, type: int() });
  assert.equal(noDefault(undefined), { value: undefined, errors: [] });
  const list = scalarValidator({ required: false, default: ['a'], type: arr(str()) });
  const a = list([]).value as string[];
  const b = list([]).value as string[];
  assert.equal(a, ['a']);
  assert.is.not(a, b);
});

test('text: array params validate each element with its index', () => {
  const run = scalarValidator({ type: arr(int(), { maxItems: 3, uniqueItems: true }) });
  assert.equal(run(['1', '2']), { value: [1, 2], errors: [] });
  assert.equal(run([]).errors.map((e) => [e.loc, e.type]), [[['query', 'q'], 'missing']]);
  assert.equal(run(['1', 'x', 'y']).errors.map((e) => [e.loc, e.type]), [[['query', 'q', 1], 'int_parsing'], [['query', 'q', 2], 'int_parsing']]);
  assert.equal(run(['1', '01']).errors.map((e) => e.type), ['value_error']);
  assert.equal(run(['1', '2', '3', '4']).errors.map((e) => e.type), ['too_long']);
});

test('text: dates parse RFC 3339', () => {
  const run = scalarValidator({ kind: 'cookie', key: 'since', type: date });
  assert.is((run('2024-05-01T00:00:00Z').value as Date).toISOString(), '2024-05-01T00:00:00.000Z');
  assert.equal(run('yesterday').errors, [{ loc: ['cookie', 'since'], msg: (run('x').errors[0]!.msg), type: 'datetime_parsing' }]);
});

test.run();
