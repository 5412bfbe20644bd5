/**
 * Test support: fast-check arbitraries for values that conform to a type IR
 * node, and for random type IR nodes themselves. Conforming objects are built
 * in declaration order (what handlers do), optional properties are absent or
 * explicitly `undefined`, `__proto__` keys are own properties.
 */

import fc from 'fast-check';
import type { AppIR, ObjectTypeIR, PropertyIR, TypeIR } from '../../../ir/ir.ts';

type Types = AppIR['types'];

/** Every code unit, including lone surrogates. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/** The characters JSON escaping cares about, and some that it must leave alone. */
const tricky = fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u2028', '\u2029', '\ud800', '\udbff', '\udc00', '\udfff', '😀', 'é', '/', 'a', ' ');

export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: tricky, maxLength: 40 }),
  // Long strings go down the regex path; a single tricky character somewhere in them.
  fc.tuple(fc.string({ unit: 'grapheme-ascii', minLength: 30, maxLength: 120 }), fc.option(tricky), fc.nat()).map(([s, t, at]) => {
    if (t === null) return s;
    const i = at % (s.length + 1);
    return s.slice(0, i) + t + s.slice(i);
  }),
);

export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, 0, 1e21, 1e-7, 5e-324, -5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, NaN, Infinity, -Infinity, 0.1 + 0.2),
);

const anyInteger: fc.Arbitrary<number> = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(-0, 0, Number.MAX_SAFE_INTEGER));

const anyDate: fc.Arbitrary<Date> = fc.oneof(fc.date({ noInvalidDate: false }), fc.constant(new Date(NaN)), fc.constant(new Date(8.64e15)), fc.constant(new Date(-8.64e15)));

/** Set an own, enumerable property even for `__proto__`. */
export function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const MAX_DEPTH = 4;

/** Values that conform to `type`. */
export function conforming(type: TypeIR, types: Types, depth = 0): fc.Arbitrary<unknown> {
  const deep = depth >= MAX_DEPTH;
  const next = (t: TypeIR) => conforming(t, types, depth + 1);
  switch (type.kind) {
    case 'string':
      return anyString;
    case 'number':
      return type.integer ? anyInteger : anyNumber;
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'literal':
      return fc.constant(type.value);
    case 'enum':
      return fc.constantFrom(...type.values);
    case 'date':
      return anyDate;
    case 'unknown':
      return fc.jsonValue({ maxDepth: 2 });
    case 'ref':
      return fc.constant(null).chain(() => conforming(types[type.name]!.type, types, depth + 1));
    case 'array':
      return fc.array(next(type.items), { maxLength: deep ? 0 : 4 });
    case 'tuple': {
      const required = type.items.slice(0, type.minItems).map(next);
      const optional = type.items.slice(type.minItems).map(next);
      return fc
        .tuple(fc.tuple(...required), fc.tuple(...optional), fc.nat({ max: optional.length }), type.rest ? fc.array(next(type.rest), { maxLength: deep ? 0 : 3 }) : fc.constant([]))
        .map(([req, opt, take, rest]) => (take === optional.length ? [...req, ...opt, ...rest] : [...req, ...opt.slice(0, take)]));
    }
    case 'object':
      return objectValue(type, types, depth);
    case 'union': {
      // Deep down, prefer variants that cannot recurse, so values stay finite.
      const shallow = type.variants.filter((v) => !canRecurse(v));
      const variants = deep && shallow.length ? shallow : type.variants;
      return fc.oneof(...variants.map(next));
    }
  }
}

function canRecurse(t: TypeIR): boolean {
  return t.kind === 'ref' || t.kind === 'object' || t.kind === 'array' || t.kind === 'tuple' || t.kind === 'union';
}

function objectValue(type: ObjectTypeIR, types: Types, depth: number): fc.Arbitrary<unknown> {
  const deep = depth >= MAX_DEPTH;
  const known = new Set(type.properties.map((p) => p.name));
  // 0: absent, 1: present with `undefined`, 2: present with a value.
  const presence = (p: PropertyIR) => (p.optional ? (deep ? fc.constantFrom(0, 1) : fc.constantFrom(0, 1, 2, 2)) : fc.constant(2));
  const props = fc.tuple(...type.properties.map((p) => fc.tuple(presence(p), conforming(p.type, types, depth + 1))));
  const extraKey = anyString.filter((k) => !known.has(k) && (known.size === 0 || !/^(0|[1-9][0-9]*)$/.test(k)));
  const extra = type.additionalProperties && !deep
    ? fc.uniqueArray(fc.tuple(extraKey, fc.oneof(conforming(type.additionalProperties, types, depth + 1), fc.constant(undefined))), { maxLength: 4, selector: ([k]) => k })
    : fc.constant([] as [string, unknown][]);
  return fc.tuple(props, extra).map(([values, rest]) => {
    const obj: Record<string, unknown> = {};
    type.properties.forEach((p, i) => {
      const [present, value] = values[i]!;
      if (present === 2) put(obj, p.name, value);
      else if (present === 1) put(obj, p.name, undefined);
    });
    for (const [k, v] of rest) put(obj, k, v);
    return obj;
  });
}

// ── random types ────────────────────────────────────────────────────────────

const hostileName = fc.constantFrom('__proto__', 'constructor', 'toString', 'prototype', "it's", '*/', 'a\u2028b', '"quoted"', 'back\\slash', '', ' ', '0', '1', '10', '4294967294', '4294967295', '01', '-1', 'class', 'JSON', 's', 'v', 'x', 'k', 'keys', '__covet_s_str', 'toJSON_', 'é', '\ud800');
const plainName = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'id', '_'), minLength: 1, maxLength: 4 });
const propName = fc.oneof({ weight: 3, arbitrary: plainName }, { weight: 1, arbitrary: hostileName });

const leafType: fc.Arbitrary<TypeIR> = fc.oneof(
  fc.constant<TypeIR>({ kind: 'string' }),
  fc.constant<TypeIR>({ kind: 'string', format: 'email' }),
  fc.constant<TypeIR>({ kind: 'number' }),
  fc.constant<TypeIR>({ kind: 'number', integer: true }),
  fc.constant<TypeIR>({ kind: 'boolean' }),
  fc.constant<TypeIR>({ kind: 'null' }),
  fc.constant<TypeIR>({ kind: 'date' }),
  fc.constant<TypeIR>({ kind: 'unknown' }),
  fc.oneof(anyString, fc.integer(), fc.boolean()).map((value): TypeIR => ({ kind: 'literal', value })),
  fc.uniqueArray(fc.oneof(anyString, fc.integer()), { minLength: 1, maxLength: 4 }).map((values): TypeIR => ({ kind: 'enum', names: values.map((_, i) => `M${i}`), values })),
  fc.constantFrom<TypeIR>({ kind: 'ref', name: 'Tree' }, { kind: 'ref', name: 'Shape' }),
);

/** Random type IR nodes (with refs to the named types of `sampleTypes`). */
export const anyType: fc.Arbitrary<TypeIR> = fc.letrec<{ type: TypeIR }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafType,
    tie('type').map((items): TypeIR => ({ kind: 'array', items })),
    fc.tuple(fc.array(tie('type'), { maxLength: 3 }), fc.nat(), fc.option(tie('type'), { nil: undefined })).map(([items, min, rest]): TypeIR => {
      const t: TypeIR = { kind: 'tuple', items, minItems: items.length ? min % (items.length + 1) : 0 };
      if (rest) t.rest = rest;
      return t;
    }),
    fc
      .tuple(fc.uniqueArray(fc.tuple(propName, tie('type'), fc.boolean()), { maxLength: 5, selector: ([n]) => n }), fc.option(tie('type'), { nil: undefined }))
      .map(([props, extra]): TypeIR => {
        const t: ObjectTypeIR = { kind: 'object', properties: props.map(([name, type, optional]) => ({ name, type, optional })) };
        if (extra) t.additionalProperties = extra;
        return t;
      }),
    fc.array(tie('type'), { minLength: 2, maxLength: 4 }).map((variants): TypeIR => ({ kind: 'union', variants: variants.flatMap((v) => (v.kind === 'union' ? v.variants : [v])) })),
    // Discriminated unions of inline objects.
    fc.uniqueArray(fc.tuple(fc.oneof(anyString, fc.integer()), tie('type')), { minLength: 2, maxLength: 3, selector: ([d]) => d }).map(([...cases]): TypeIR => ({
      kind: 'union',
      variants: cases.map(([d, t]) => ({ kind: 'object', properties: [{ name: 'kind', type: { kind: 'literal', value: d }, optional: false }, { name: 'data', type: t, optional: true }] })),
      discriminator: { property: 'kind', mapping: cases.map(([d], i) => ({ value: d, variant: i })) },
    })),
  ),
})).type;

/** Named types the random types may refer to: a recursive tree and a discriminated union. */
export const sampleTypes: Types = {
  Tree: {
    display: 'Tree',
    source: { file: 'app/tree.ts', line: 1, column: 1 },
    type: {
      kind: 'object',
      properties: [
        { name: 'value', type: { kind: 'string' }, optional: false },
        { name: 'children', type: { kind: 'array', items: { kind: 'ref', name: 'Tree' } }, optional: false },
        { name: 'parent', type: { kind: 'union', variants: [{ kind: 'ref', name: 'Tree' }, { kind: 'null' }] }, optional: true },
      ],
    },
  },
  Circle: {
    display: 'Circle',
    type: { kind: 'object', properties: [{ name: 'type', type: { kind: 'literal', value: 'circle' }, optional: false }, { name: 'r', type: { kind: 'number' }, optional: false }] },
  },
  Square: {
    display: 'Square',
    type: { kind: 'object', properties: [{ name: 'type', type: { kind: 'literal', value: 'square' }, optional: false }, { name: 'side', type: { kind: 'number' }, optional: false }, { name: 'label', type: { kind: 'string' }, optional: true }] },
  },
  Shape: {
    display: 'Shape',
    type: {
      kind: 'union',
      variants: [{ kind: 'ref', name: 'Circle' }, { kind: 'ref', name: 'Square' }],
      discriminator: { property: 'type', mapping: [{ value: 'circle', variant: 0 }, { value: 'square', variant: 1 }] },
    },
  },
};
