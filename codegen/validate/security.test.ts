// Hostile input: prototype pollution, deep nesting, hostile property names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_DEPTH } from '../../ir/ir.ts';
import { arr, bodyValidator, int, obj, prop, ref, str, unknownT, type Types } from './testing/testkit.ts';

const payload = '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"name":"x"}';

test('objects: __proto__ and constructor keys in the input are stripped, nothing is polluted', () => {
  const run = bodyValidator(obj([prop('name', str())]));
  const r = run(JSON.parse(payload));
  assert.equal(r.errors, []);
  assert.is(({} as any).polluted, undefined);
  assert.is(Object.getPrototypeOf(r.value), Object.prototype);
  assert.equal(Object.keys(r.value as object), ['name']);
  assert.is((r.value as any).polluted, undefined);
});

test('records: a __proto__ key stays an own data property; the prototype is untouched', () => {
  const run = bodyValidator(obj([], unknownT));
  const r = run(JSON.parse(payload));
  assert.equal(r.errors, []);
  const out = r.value as Record<string, unknown>;
  assert.is(({} as any).polluted, undefined);
  assert.is(Object.getPrototypeOf(out), Object.prototype);
  assert.ok(Object.prototype.hasOwnProperty.call(out, '__proto__'));
  assert.equal(Object.getOwnPropertyDescriptor(out, '__proto__')!.value, { polluted: 1 });
  assert.is((out as any).polluted, undefined);
  assert.equal(Object.keys(out), ['__proto__', 'constructor', 'name']);
});

test('records: a __proto__ key is validated like any other key', () => {
  const run = bodyValidator(obj([], int()));
  assert.equal(run(JSON.parse('{"__proto__":"x"}')).errors.map((e) => e.loc), [['body', '__proto__']]);
});

test('inherited names are not mistaken for present properties', () => {
  const run = bodyValidator(obj([prop('constructor', str()), prop('toString', str(), true), prop('__proto__', int(), true)]));
  assert.equal(run({}).errors.map((e) => [e.loc, e.type]), [[['body', 'constructor'], 'missing']]);
  const r = run(JSON.parse('{"constructor":"c","__proto__":5}'));
  assert.equal(r.errors, []);
  const out = r.value as any;
  assert.is(Object.getPrototypeOf(out), Object.prototype);
  assert.is(Object.getOwnPropertyDescriptor(out, '__proto__')!.value, 5);
  assert.not.ok(Object.prototype.hasOwnProperty.call(out, 'toString'));
  assert.equal(run(JSON.parse('{"constructor":"c","__proto__":{"polluted":1}}')).errors.map((e) => e.loc), [['body', '__proto__']]);
});

test('a declared __proto__ property in the literal part stays data too', () => {
  const run = bodyValidator(obj([prop('__proto__', obj([prop('a', int())]))]));
  const r = run(JSON.parse('{"__proto__":{"a":1}}'));
  assert.equal(r.errors, []);
  assert.is(Object.getPrototypeOf(r.value), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(r.value, '__proto__')!.value, { a: 1 });
});

test('defaults containing __proto__ keys are copied as data', () => {
  const run = bodyValidator(obj([prop('opts', { kind: 'object', properties: [], additionalProperties: unknownT, default: JSON.parse('{"__proto__":{"x":1}}') })]));
  const a = (run({}).value as any).opts;
  const b = (run({}).value as any).opts;
  assert.is(Object.getPrototypeOf(a), Object.prototype);
  assert.is(a.x, undefined);
  assert.is.not(a, b);
});

test('hostile property names become data in generated code', () => {
  const names = ["'", '*/', '\u2028', '"); throw 1; ("', 'class', 'a b', '0'];
  const run = bodyValidator(obj(names.map((n) => prop(n, int()))));
  const input = Object.fromEntries(names.map((n, i) => [n, i]));
  const r = run(input);
  assert.equal(r.errors, []);
  assert.equal(r.value, input);
  assert.equal(run({}).errors.map((e) => e.loc[1]), names);
});

const types: Types = {
  Node: { display: 'Node', type: obj([prop('next', ref('Node'), true), prop('items', arr(ref('Node')), true)]) },
};

function nested(depth: number, key: 'next' | 'items'): string {
  const open = key === 'next' ? '{"next":' : '{"items":[';
  const close = key === 'next' ? '}' : ']}';
  return open.repeat(depth) + '{}' + close.repeat(depth);
}

test('100000 levels of a recursive type: one error, no stack overflow', () => {
  const run = bodyValidator(ref('Node'), types);
  for (const key of ['next', 'items'] as const) {
    const r = run(JSON.parse(nested(100000, key)));
    assert.is(r.errors.length, 1);
    assert.is(r.errors[0]!.type, 'recursion_loop');
    assert.ok(r.errors[0]!.loc.length > MAX_DEPTH);
  }
});

test('nesting up to MAX_DEPTH is accepted; one level more is not', () => {
  const run = bodyValidator(ref('Node'), types);
  assert.equal(run(JSON.parse(nested(MAX_DEPTH, 'next'))).errors, []);
  assert.is(run(JSON.parse(nested(MAX_DEPTH + 1, 'next'))).errors.length, 1);
});

test('uniqueItems on deeply nested unknown items compares without recursion', () => {
  const run = bodyValidator(arr(unknownT, { uniqueItems: true }));
  const deep = JSON.parse('['.repeat(100000) + ']'.repeat(100000));
  const deep2 = JSON.parse('['.repeat(100000) + ']'.repeat(100000));
  // Each item is also too deep for an unknown value (below); the duplicate is still found.
  assert.equal(run([deep, deep2]).errors.map((e) => e.type), ['recursion_loop', 'recursion_loop', 'value_error']);
});

test('an unknown value nests at most MAX_DEPTH levels, counted from the body', () => {
  const run = bodyValidator(unknownT);
  const arrays = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n));
  assert.equal(run(arrays(MAX_DEPTH + 1)).errors, []);
  assert.equal(run(arrays(MAX_DEPTH + 2)).errors.map((e) => [e.loc, e.type]), [[['body'], 'recursion_loop']]);
  assert.equal(run(JSON.parse('[' + '{"a":'.repeat(100000) + '1' + '}'.repeat(100000) + ']')).errors.map((e) => e.type), ['recursion_loop']);
  const inside = bodyValidator(obj([prop('u', unknownT)]));
  assert.equal(inside({ u: arrays(MAX_DEPTH) }).errors, []);
  assert.equal(inside({ u: arrays(MAX_DEPTH + 1) }).errors.map((e) => [e.loc, e.type]), [[['body', 'u'], 'recursion_loop']]);
  assert.equal(run('deep'.repeat(3)).errors, []);
});

test.run();
