/** The type reader: tags, booleans, utility types, generics, recursion, discriminators. */

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileErrors, compileFiles, compileOk, route } from './testing/compile.ts';
import type { AppIR, TypeIR } from '../ir/ir.ts';

const ir: AppIR = compileOk(`
import type { Int, Email, Min, Max, MinLength, Default, Pattern, UniqueItems } from 'covet';

export interface Tagged {
  /** An id. */
  id: number & Int & Min<1>;
  email?: string & Email & MinLength<3>;
  score: number & Max<10>;
  code: string & Pattern<'^[A-Z]{3}$'>;
  tags: string[] & UniqueItems;
}
export type NoId = Omit<Tagged, 'id'>;

export interface Flags {
  plain: boolean;
  maybe: boolean | null;
  optional?: boolean;
  withDefault: boolean & Default<false>;
}

export interface Box<T> { value: T; all: T[] }

export interface Tree { label: string; kids: Tree[]; parent?: Tree | null }

export type Animal = { type: 'cat'; lives: number } | { type: 'dog'; good: true };
export type Loose = { a: string } | { b: number };
export type SameTag = { t: 'x'; a: string } | { t: 'x'; b: string };

/** @route POST /tagged */
export function tagged(body: Tagged): NoId { return body; }
/** @route POST /flags */
export function flags(body: Flags): Flags { return body; }
/** @route POST /box */
export function box(body: Box<Tagged>): Box<string> { return { value: '', all: [] }; }
/** @route POST /tree */
export function tree(body: Tree): Tree { return body; }
/** @route POST /animal */
export function animal(body: Animal): Loose { return { a: '' }; }
/** @route POST /same */
export function same(body: SameTag): SameTag { return body; }
`);

const props = (t: TypeIR | undefined): Record<string, TypeIR> => {
  assert.ok(t && t.kind === 'object', 'an object type');
  return Object.fromEntries(t.properties.map((p) => [p.name, p.type]));
};

test('tags become constraints on their base type', () => {
  const p = props(ir.types.Tagged?.type);
  assert.equal(p.id, { kind: 'number', integer: true, minimum: 1 });
  assert.equal(p.email, { kind: 'string', format: 'email', minLength: 3 });
  assert.equal(p.score, { kind: 'number', maximum: 10 });
  assert.equal(p.code, { kind: 'string', pattern: '^[A-Z]{3}$' });
  assert.equal(p.tags, { kind: 'array', items: { kind: 'string' }, uniqueItems: true });
  const id = (ir.types.Tagged!.type as { properties: { name: string; description?: string }[] }).properties[0]!;
  assert.is(id.description, 'An id.');
});

test('Omit of an interface with tags keeps the tags and the declaration order', () => {
  const t = ir.types.NoId?.type;
  assert.ok(t && t.kind === 'object');
  assert.equal(t.properties.map((x) => x.name), ['email', 'score', 'code', 'tags']);
  assert.equal(props(t).email, { kind: 'string', format: 'email', minLength: 3 });
  assert.is(t.properties[0]!.optional, true);
});

test('boolean is boolean, not true | false', () => {
  const t = ir.types.Flags!.type;
  const p = props(t);
  assert.equal(p.plain, { kind: 'boolean' });
  assert.equal(p.maybe, { kind: 'union', variants: [{ kind: 'boolean' }, { kind: 'null' }] });
  assert.equal(p.optional, { kind: 'boolean' });
  assert.equal(p.withDefault, { kind: 'boolean', default: false });
  assert.is(t.kind === 'object' && t.properties[2]!.optional, true);
});

test('generic instantiations are named after their arguments', () => {
  assert.ok(ir.types.Box_Tagged);
  assert.ok(ir.types.Box_string);
  assert.is(ir.types.Box_Tagged!.display, 'Box<Tagged>');
  assert.equal(props(ir.types.Box_Tagged!.type).value, { kind: 'ref', name: 'Tagged' });
  assert.equal(props(ir.types.Box_string!.type).all, { kind: 'array', items: { kind: 'string' } });
});

test('recursive types refer to themselves by name', () => {
  const p = props(ir.types.Tree!.type);
  assert.equal(p.kids, { kind: 'array', items: { kind: 'ref', name: 'Tree' } });
  assert.equal(p.parent, { kind: 'union', variants: [{ kind: 'ref', name: 'Tree' }, { kind: 'null' }] });
});

test('a union of objects with distinct literal fields is discriminated', () => {
  const t = ir.types.Animal!.type;
  assert.ok(t.kind === 'union');
  assert.equal(t.discriminator, {
    property: 'type',
    mapping: [
      { value: 'cat', variant: 0 },
      { value: 'dog', variant: 1 },
    ],
  });
});

test('no discriminator without a shared literal field, or with equal values', () => {
  const loose = ir.types.Loose!.type;
  assert.ok(loose.kind === 'union' && loose.discriminator === undefined && loose.variants.length === 2);
  const same = ir.types.SameTag!.type;
  assert.ok(same.kind === 'union' && same.discriminator === undefined);
});

test('named type keys are sorted', () => {
  const keys = Object.keys(ir.types);
  assert.equal(keys, [...keys].sort());
});

test('a route without errors has no undefined anywhere', () => {
  const json = JSON.stringify(route(ir, 'tagged'));
  assert.equal(JSON.parse(json), route(ir, 'tagged'));
});

test('tags on the wrong base and bad regexes are errors with the path', () => {
  const errors = compileErrors(`
import type { Min, Email, Pattern, MaxItems } from 'covet';
/** @route POST /x */
export function x(body: { a: string & Min<3>; b: { c: number & Email }; d: string & Pattern<'(('>; e: string & MaxItems<2> }): void {}
`);
  assert.is(errors.length, 4);
  assert.match(errors[0]!, /COVET110: x: body\.a: Min<3> applies to a number, not to string/);
  assert.match(errors[1]!, /COVET110: x: body\.b\.c: Email applies to a string, not to number/);
  assert.match(errors[2]!, /COVET111: x: body\.d: Pattern<"\(\("> is not a valid regular expression/);
  assert.match(errors[3]!, /COVET110: x: body\.e: MaxItems<2> applies to an array/);
});

test('unsupported types are reported at the property with the path and a fix', () => {
  const errors = compileErrors(`
export interface Inner { when: Map<string, Date> }
/** @route POST /x */
export function x(body: { list: Inner[]; f: Function; s: Set<number> }): void {}
`);
  assert.is(errors.length, 3);
  assert.match(errors[0]!, /^app\.ts:2:26 - error COVET101: x: body\.list\[\]\.when: Map<string, Date> is not supported/);
  assert.match(errors[0]!, /fix: use Record<string, Date>/);
  assert.match(errors.join('\n'), /body\.f: Function is a function type/);
  assert.match(errors.join('\n'), /body\.s: Set<number> is not supported/);
});

test('a Default that does not fit its type is an error', () => {
  const errors = compileErrors(`
import type { Default } from 'covet';
/** @route POST /x */
export function x(body: { n: number & Default<'ten'> }): void {}
`);
  assert.is(errors.length, 1);
  assert.match(errors[0]!, /COVET110: x: body\.n: Default<"ten"> is not a valid number/);
});

test('a bound or Default on an Int outside the safe range is an error; inside it, or on a plain number, it is kept', () => {
  const errors = compileErrors(`
import type { Default, ExclusiveMax, Int, Max, Min } from 'covet';
/** @route POST /x */
export function x(body: { a: number & Int & Max<99999999999999999999>; b: number & Min<-9007199254740992> & Int; c: number & Int & ExclusiveMax<9007199254740992>; d: number & Int & Default<9007199254740993> }): void {}
`);
  assert.is(errors.length, 4, errors.join('\n'));
  assert.match(errors[0]!, /COVET110: x: body\.a: Max<100000000000000000000> is outside the safe integer range of Int \(-9007199254740991 to 9007199254740991\)/);
  assert.match(errors[0]!, /fix: .*remove Max/);
  assert.match(errors[1]!, /COVET110: x: body\.b: Min<-9007199254740992> is outside the safe integer range of Int/);
  assert.match(errors[2]!, /COVET110: x: body\.c: ExclusiveMax<9007199254740992> is outside the safe integer range of Int/);
  assert.match(errors[3]!, /COVET110: x: body\.d: Default<9007199254740992> is not a valid number & Int \(a safe integer\)/);
  const r = compileFiles({
    'app.ts': `import type { Int, Max, Min } from 'covet';\n/** @route POST /x */\nexport function x(body: { a: number & Int & Min<-9007199254740991> & Max<9007199254740991>; b: number & Max<1e300> }): void {}\n`,
  });
  assert.ok(r.ir, JSON.stringify(r.diagnostics));
});

test('type names collide only with a numeric suffix', () => {
  const r = compileFiles({
    'a.ts': `export interface User { a: string }\n/** @route POST /a */\nexport function a(body: User): void {}\n`,
    'b.ts': `export interface User { b: number }\n/** @route POST /b */\nexport function b(body: User): void {}\n`,
  });
  assert.ok(r.ir);
  assert.equal(Object.keys(r.ir.types), ['User', 'User_2']);
  assert.equal(r.ir.types.User!.source, { file: 'a.ts', line: 1, column: 1 });
  assert.equal(r.ir.types.User_2!.source, { file: 'b.ts', line: 1, column: 1 });
  assert.equal(route(r.ir, 'b').params[0], { kind: 'body', name: 'body', type: { kind: 'ref', name: 'User_2' }, required: true });
});

test.run();
