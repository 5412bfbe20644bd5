import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SerializerGen } from './index.ts';
import { NameTable } from '../code.ts';
import type { AppIR, TypeIR } from '../../ir/ir.ts';
import { anyString, anyType, conforming, put, sampleTypes } from './testing/arbitraries.ts';

type Types = AppIR['types'];
type Serialize = (v: unknown) => string;

const SEED = 20240611;

/** Generate, then load the code the way the server would (no eval at run time there; new Function here). */
function compile(type: TypeIR, types: Types, hint = 'response'): { fn: Serialize; source: string } {
  const gen = new SerializerGen(types, new NameTable());
  const name = gen.forType(type, hint);
  const source = gen.code().text;
  const fn = new Function(`'use strict';\n${source}\nreturn ${name.text};`)() as Serialize;
  return { fn, source };
}

/** Byte-equality with JSON.stringify, and a JSON.parse round-trip that gives the same text again. */
function assertSameAsJson(fn: Serialize, value: unknown, source: string): void {
  const expected = JSON.stringify(value);
  const actual = fn(value);
  if (actual !== expected) {
    assert.unreachable(`mismatch\n value:    ${fc.stringify(value)}\n expected: ${expected}\n actual:   ${actual}\n--- code ---\n${source}`);
  }
  assert.is(JSON.stringify(JSON.parse(actual)), actual);
}

// ── the types of a realistic app ────────────────────────────────────────────

const str: TypeIR = { kind: 'string' };
const int: TypeIR = { kind: 'number', integer: true };

const appTypes: Types = {
  ...sampleTypes,
  User: {
    display: 'User',
    source: { file: 'app/users.ts', line: 4, column: 1 },
    type: {
      kind: 'object',
      properties: [
        { name: 'id', type: int, optional: false },
        { name: 'name', type: { kind: 'string', minLength: 1, maxLength: 50 }, optional: false },
        { name: 'email', type: { kind: 'string', format: 'email' }, optional: false },
        { name: 'age', type: { kind: 'number', integer: true, minimum: 0, maximum: 150 }, optional: true },
        { name: 'tags', type: { kind: 'array', items: str }, optional: false },
      ],
    },
  },
  Priority: { display: 'Priority', type: { kind: 'enum', names: ['Low', 'Normal', 'High'], values: ['low', 'normal', 'high'] } },
  Todo: {
    display: 'Todo',
    source: { file: 'app/todos.ts', line: 10, column: 1 },
    type: {
      kind: 'object',
      properties: [
        { name: 'id', type: int, optional: false },
        { name: 'title', type: { kind: 'string', minLength: 1, maxLength: 200 }, optional: false },
        { name: 'done', type: { kind: 'boolean' }, optional: false },
        { name: 'priority', type: { kind: 'union', variants: [{ kind: 'literal', value: 'low' }, { kind: 'literal', value: 'normal' }, { kind: 'literal', value: 'high' }] }, optional: false },
        { name: 'due', type: { kind: 'date' }, optional: true },
        { name: 'tags', type: { kind: 'array', items: str }, optional: false },
        { name: 'owner', type: { kind: 'ref', name: 'User' }, optional: false },
      ],
    },
  },
  Page_Todo: {
    display: 'Page<Todo>',
    source: { file: 'app/page.ts', line: 1, column: 1 },
    type: {
      kind: 'object',
      properties: [
        { name: 'items', type: { kind: 'array', items: { kind: 'ref', name: 'Todo' } }, optional: false },
        { name: 'total', type: int, optional: false },
        { name: 'next', type: { kind: 'union', variants: [str, { kind: 'null' }] }, optional: false },
      ],
    },
  },
};

const families: Record<string, TypeIR> = {
  string: str,
  number: { kind: 'number' },
  integer: int,
  boolean: { kind: 'boolean' },
  null: { kind: 'null' },
  date: { kind: 'date' },
  unknown: { kind: 'unknown' },
  'string literal': { kind: 'literal', value: 'a"\u2028' },
  'number literal': { kind: 'literal', value: 1e21 },
  'string enum': { kind: 'ref', name: 'Priority' },
  'mixed enum': { kind: 'enum', names: ['A', 'B'], values: ['a', 2] },
  'nullable string': { kind: 'union', variants: [str, { kind: 'null' }] },
  'nullable object': { kind: 'union', variants: [{ kind: 'ref', name: 'User' }, { kind: 'null' }] },
  'mixed union': { kind: 'union', variants: [str, { kind: 'number' }, { kind: 'boolean' }, { kind: 'null' }, { kind: 'date' }, { kind: 'array', items: int }, { kind: 'ref', name: 'User' }] },
  'union of objects, no discriminant': {
    kind: 'union',
    variants: [
      { kind: 'object', properties: [{ name: 'a', type: str, optional: false }] },
      { kind: 'object', properties: [{ name: 'a', type: str, optional: false }, { name: 'b', type: int, optional: true }] },
    ],
  },
  'discriminated union': { kind: 'ref', name: 'Shape' },
  'discriminated union or null': { kind: 'union', variants: [{ kind: 'ref', name: 'Circle' }, { kind: 'ref', name: 'Square' }, { kind: 'null' }] },
  tuple: { kind: 'tuple', items: [str, int, { kind: 'boolean' }], minItems: 1 },
  'tuple with rest': { kind: 'tuple', items: [{ kind: 'date' }], minItems: 1, rest: { kind: 'union', variants: [str, { kind: 'null' }] } },
  'empty tuple': { kind: 'tuple', items: [], minItems: 0 },
  'Record<string, number>': { kind: 'object', properties: [], additionalProperties: { kind: 'number' } },
  'object with index signature': { kind: 'object', properties: [{ name: 'id', type: int, optional: true }, { name: 'name', type: str, optional: false }], additionalProperties: { kind: 'array', items: str } },
  'all optional': { kind: 'object', properties: [{ name: 'a', type: str, optional: true }, { name: 'b', type: int, optional: true }, { name: 'c', type: { kind: 'boolean' }, optional: true }] },
  'empty object': { kind: 'object', properties: [] },
  'array-index keys': { kind: 'object', properties: [{ name: 'b', type: str, optional: false }, { name: '10', type: int, optional: false }, { name: '2', type: int, optional: true }, { name: '02', type: int, optional: false }] },
  'recursive tree': { kind: 'ref', name: 'Tree' },
  'Page<Todo>': { kind: 'ref', name: 'Page_Todo' },
  'array of nullable dates': { kind: 'array', items: { kind: 'union', variants: [{ kind: 'date' }, { kind: 'null' }] } },
};

for (const [family, type] of Object.entries(families)) {
  test(`${family}: byte-equal to JSON.stringify on generated values`, () => {
    const { fn, source } = compile(type, appTypes);
    fc.assert(
      fc.property(conforming(type, appTypes), (value) => assertSameAsJson(fn, value, source)),
      { seed: SEED, numRuns: 600 },
    );
  });
}

test('random types: byte-equal to JSON.stringify on values of each', () => {
  fc.assert(
    fc.property(anyType, fc.integer(), (type, seed) => {
      const { fn, source } = compile(type, appTypes);
      const values = fc.sample(conforming(type, appTypes), { seed, numRuns: 20 });
      for (const value of values) assertSameAsJson(fn, value, source);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('strings: every escape class, unicode and lone surrogates', () => {
  const { fn } = compile(str, {});
  const cases = ['', 'plain', '"', '\\', '/', '\u0000', '\u0008\u0009\u000a\u000c\u000d', '\u001f', '\u007f', '\u2028\u2029', 'é😀', '\ud83d', '\ude00', 'a\ud83d\ude00b', '\ude00\ud83d', 'x'.repeat(31) + '"', 'x'.repeat(32) + '"', 'x'.repeat(500), 'x'.repeat(500) + '\ud800', 'é'.repeat(40)];
  for (const s of cases) assert.is(fn(s), JSON.stringify(s), JSON.stringify(s));
  fc.assert(fc.property(anyString, (s) => fn(s) === JSON.stringify(s)), { seed: SEED, numRuns: 5000 });
});

test('numbers: -0, 1e21, 5e-324 and the non-finite', () => {
  const { fn } = compile({ kind: 'number' }, {});
  for (const n of [-0, 0, 1e21, 1e-7, 5e-324, -1.5, 2 ** 53, NaN, Infinity, -Infinity]) assert.is(fn(n), JSON.stringify(n), String(n));
});

test('numbers in hundredths (the cents path): the text JSON.stringify writes, at every boundary', () => {
  const { fn } = compile({ kind: 'number' }, {});
  const edges = [0.01, -0.01, 0.1, -0.1, 0.05, 0.5, 1.005, 12.345, 99.99, 0.1 + 0.2, 21474836.47, -21474836.47, 21474836.48, -21474836.48, 1e7 + 0.01];
  for (const n of edges) assert.is(fn(n), JSON.stringify(n), String(n));
  for (let c = -20_000; c <= 20_000; c++) if (fn(c / 100) !== JSON.stringify(c / 100)) assert.unreachable(`${c / 100}: ${fn(c / 100)}`);
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), (c) => fn(c / 100) === JSON.stringify(c / 100)), { seed: SEED, numRuns: 20_000 });
  fc.assert(fc.property(fc.double(), (n) => fn(n) === JSON.stringify(n)), { seed: SEED, numRuns: 20_000 });
});

test('dates: ISO text, and null for an invalid date', () => {
  const { fn } = compile({ kind: 'date' }, {});
  assert.is(fn(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))), '"2024-01-02T03:04:05.006Z"');
  assert.is(fn(new Date(NaN)), 'null');
  assert.is(fn(new Date(-8.64e15)), JSON.stringify(new Date(-8.64e15)));
});

test('optional properties that are undefined are omitted, wherever they are', () => {
  const { fn } = compile(families['all optional']!, {});
  assert.is(fn({}), '{}');
  assert.is(fn({ a: undefined, b: 2 }), '{"b":2}');
  assert.is(fn({ a: 'x', b: undefined, c: true }), '{"a":"x","c":true}');
  const rec = compile(families['object with index signature']!, {}).fn;
  assert.is(rec({ id: undefined, name: 'n', extra: ['a'], gone: undefined }), '{"name":"n","extra":["a"]}');
});

// ── values that do not conform ──────────────────────────────────────────────

/** Anything a handler could return after lying to the type checker. */
const lies = fc.oneof(
  fc.anything({ maxDepth: 3, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withDate: true, withTypedArray: true, withSparseArray: true, withObjectString: true }),
  fc.constantFrom(undefined, () => 1, Symbol('s'), new Date(NaN), { toJSON: () => 'custom' }, { toJSON: () => undefined }, [undefined, () => 1, Symbol('s')], Object.create(null)),
);

test('non-conforming values: still valid JSON, never throws', () => {
  fc.assert(
    fc.property(anyType, fc.integer(), (type, seed) => {
      const { fn, source } = compile(type, appTypes);
      for (const value of fc.sample(lies, { seed, numRuns: 20 })) {
        let text: string;
        try {
          text = fn(value);
        } catch (e) {
          return assert.unreachable(`threw ${e} on ${fc.stringify(value)}\n${source}`);
        }
        assert.type(text, 'string');
        try {
          JSON.parse(text);
        } catch {
          assert.unreachable(`invalid JSON ${JSON.stringify(text)} for ${fc.stringify(value)}\n${source}`);
        }
      }
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('non-conforming values in each field of Todo fall back per node', () => {
  const { fn } = compile({ kind: 'ref', name: 'Todo' }, appTypes);
  const out = fn({ id: '7', title: undefined, done: 'yes', priority: 3, due: '2024-01-01', tags: 'a', owner: { id: 1, name: 2, email: null, tags: [1, undefined, () => 0] } });
  assert.equal(JSON.parse(out), { id: '7', title: null, done: 'yes', priority: 3, due: '2024-01-01', tags: 'a', owner: { id: 1, name: 2, email: null, tags: [1, null, null] } });
  assert.is(fn(undefined), 'null');
  assert.is(fn({ toJSON: () => ({ id: 1 }) }), '{"id":1}');
  const sparse = compile({ kind: 'array', items: str }, {}).fn;
  // eslint-disable-next-line no-sparse-arrays
  assert.is(sparse(['a', , 'b']), '["a",null,"b"]');
});

// ── hostile names and recursion ─────────────────────────────────────────────

const hostileNames = ["it's", '*/', 'a\u2028b\u2029', '__proto__', '"', '\\', 'constructor', 'toString', '</script>', '${x}', 'x`y', '\ud800', '', 'class', '0'];

test('hostile property names: generated code parses and output matches', () => {
  const type: TypeIR = {
    kind: 'union',
    variants: hostileNames.slice(0, 3).map((d) => ({ kind: 'object', properties: [{ name: '*/kind', type: { kind: 'literal', value: d }, optional: false }, ...hostileNames.map((name, i) => ({ name, type: str, optional: i % 2 === 0 }))] })),
  };
  const types: Types = { [`Hostile`]: { display: "Hostile<'*/\u2028>", source: { file: "app/it's\u2028*/.ts", line: 1, column: 1 }, type } };
  const { fn, source } = compile({ kind: 'ref', name: 'Hostile' }, types, "it's */ hint");
  assert.not.match(source, /\u2028|\u2029/);
  for (const d of hostileNames.slice(0, 3)) {
    const value: Record<string, unknown> = {};
    put(value, '*/kind', d);
    hostileNames.forEach((name, i) => put(value, name, `v${i}`));
    assertSameAsJson(fn, value, source);
  }
  // Absent __proto__ / constructor / toString must not serialize the inherited values.
  const allOptional = compile({ kind: 'object', properties: hostileNames.map((name) => ({ name, type: str, optional: true })) }, {}).fn;
  assert.is(allOptional({}), '{}');
});

test('recursive tree: one named function calling itself', () => {
  const { fn, source } = compile({ kind: 'ref', name: 'Tree' }, appTypes);
  assert.match(source, /function serialize_Tree\(v\)/);
  assert.match(source, /serialize_Tree\(/);
  type Node = { value: string; children: Node[]; parent?: Node | null };
  const leaf = (value: string): Node => ({ value, children: [] });
  let tree: Node = leaf('root');
  for (let i = 0; i < 200; i++) tree = { value: `n${i}`, children: [tree, leaf('"x"')], parent: i % 2 ? null : undefined };
  assertSameAsJson(fn, tree, source);
});

test('forType memoizes named types and numbers anonymous names only on collision', () => {
  const names = new NameTable();
  const gen = new SerializerGen(appTypes, names);
  const a = gen.forType({ kind: 'ref', name: 'User' }, 'getUser_response');
  const b = gen.forType({ kind: 'ref', name: 'User' }, 'createUser_response');
  assert.is(a, b);
  assert.is(a.text, 'serialize_User');
  assert.is(gen.forType(str, 'hello_response').text, 'serialize_hello_response');
  assert.is(gen.forType(str, 'hello_response').text, 'serialize_hello_response');
  assert.is(gen.forType(int, 'hello_response').text, 'serialize_hello_response_2');
  // Each helper appears once however many serializers use it.
  assert.is(gen.code().text.match(/function __covet_s_str\(/g)!.length, 1);
});

// ── golden generated code ───────────────────────────────────────────────────

const SNAPSHOTS = fileURLToPath(new URL('./__snapshots__/', import.meta.url));

function golden(file: string, build: (gen: SerializerGen) => void): void {
  const gen = new SerializerGen(appTypes, new NameTable());
  build(gen);
  const actual = `${gen.code().text}\n`;
  const path = SNAPSHOTS + file;
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(path, actual);
  }
  assert.ok(existsSync(path), `missing snapshot ${file}: run with UPDATE_SNAPSHOTS=1`);
  assert.fixture(actual, readFileSync(path, 'utf8'));
}

test('golden: Page<Todo> (objects, optional, enum-like union, date, nullable, arrays)', () => {
  golden('page-todo.js', (gen) => gen.forType({ kind: 'ref', name: 'Page_Todo' }, 'listTodos_response'));
});

test('golden: unions (discriminated, nullable, mixed), tuple, record', () => {
  golden('unions-tuples-records.js', (gen) => {
    gen.forType({ kind: 'ref', name: 'Shape' }, 'getShape_response');
    gen.forType(families['discriminated union or null']!, 'maybeShape_response');
    gen.forType(families['mixed union']!, 'anything_response');
    gen.forType(families['tuple with rest']!, 'row_response');
    gen.forType(families['object with index signature']!, 'labels_response');
  });
});

test('golden: recursive tree', () => {
  golden('tree.js', (gen) => gen.forType({ kind: 'ref', name: 'Tree' }, 'getTree_response'));
});

test('golden: hostile names', () => {
  golden('hostile-names.js', (gen) =>
    gen.forType({ kind: 'object', properties: hostileNames.map((name, i) => ({ name, type: i % 3 ? str : { kind: 'array', items: int }, optional: i % 2 === 0 })) }, "it's */ hint"),
  );
});

test.run();
