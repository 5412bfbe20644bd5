import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AppIR, TypeIR } from '../../ir/ir.ts';
import { jsonSchema, namedSchemas } from './index.ts';

const types: AppIR['types'] = {
  Cat: { display: 'Cat', type: { kind: 'object', properties: [{ name: 'kind', type: { kind: 'literal', value: 'cat' }, optional: false }, { name: 'owner', type: { kind: 'ref', name: 'Person' }, optional: true }] } },
  Dog: { display: 'Dog', type: { kind: 'object', properties: [{ name: 'kind', type: { kind: 'literal', value: 'dog' }, optional: false }] } },
  Person: { display: 'Person', description: 'A human.', type: { kind: 'object', properties: [{ name: 'name', type: { kind: 'string', minLength: 1 }, optional: false, description: 'Full name' }, { name: 'friends', type: { kind: 'array', items: { kind: 'ref', name: 'Person' } }, optional: false }] } },
  Pet: { display: 'Cat | Dog', type: { kind: 'union', variants: [{ kind: 'ref', name: 'Cat' }, { kind: 'ref', name: 'Dog' }], discriminator: { property: 'kind', mapping: [{ value: 'cat', variant: 0 }, { value: 'dog', variant: 1 }] } } },
  Unused: { display: 'Unused', type: { kind: 'enum', names: ['A'], values: ['a'] } },
};

test('scalars and tags map to JSON Schema keywords', () => {
  const cases: [TypeIR, object][] = [
    [{ kind: 'string', format: 'url', minLength: 1, maxLength: 9, pattern: '^h' }, { type: 'string', format: 'uri', minLength: 1, maxLength: 9, pattern: '^h' }],
    [{ kind: 'string', format: 'email' }, { type: 'string', format: 'email' }],
    [{ kind: 'number', integer: true, minimum: 0, exclusiveMaximum: 10, multipleOf: 2 }, { type: 'integer', minimum: 0, exclusiveMaximum: 10, multipleOf: 2 }],
    [{ kind: 'date', description: 'when' }, { type: 'string', format: 'date-time', description: 'when' }],
    [{ kind: 'literal', value: 'a' }, { const: 'a' }],
    [{ kind: 'enum', names: ['A', 'B'], values: [1, 2] }, { enum: [1, 2] }],
    [{ kind: 'union', variants: [{ kind: 'literal', value: 'a' }, { kind: 'literal', value: 1 }] }, { enum: ['a', 1] }],
    [{ kind: 'union', variants: [{ kind: 'string' }, { kind: 'null' }] }, { anyOf: [{ type: 'string' }, { type: 'null' }] }],
    [{ kind: 'unknown' }, {}],
    [{ kind: 'tuple', items: [{ kind: 'string' }, { kind: 'boolean' }], minItems: 1 }, { type: 'array', prefixItems: [{ type: 'string' }, { type: 'boolean' }], items: false, minItems: 1, maxItems: 2 }],
    [{ kind: 'tuple', items: [{ kind: 'string' }], minItems: 1, rest: { kind: 'number' } }, { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' }, minItems: 1 }],
    [{ kind: 'array', items: { kind: 'null' }, minItems: 1, uniqueItems: true, default: [null] }, { type: 'array', items: { type: 'null' }, minItems: 1, uniqueItems: true, default: [null] }],
  ];
  for (const [t, s] of cases) assert.equal(jsonSchema(t, {}), s);
});

test('Int carries the safe range wherever no tag bounds that side; number does not', () => {
  const S = Number.MAX_SAFE_INTEGER;
  const cases: [TypeIR, object][] = [
    [{ kind: 'number', integer: true }, { type: 'integer', minimum: -S, maximum: S }],
    [{ kind: 'number', integer: true, minimum: 1 }, { type: 'integer', minimum: 1, maximum: S }],
    [{ kind: 'number', integer: true, exclusiveMaximum: 0 }, { type: 'integer', exclusiveMaximum: 0, minimum: -S }],
    [{ kind: 'number', integer: true, exclusiveMinimum: -S - 1, maximum: S }, { type: 'integer', maximum: S, exclusiveMinimum: -S - 1 }],
    // A looser bound (only hand-written IR has one: the compiler refuses it) is narrowed to the range.
    [{ kind: 'number', integer: true, minimum: -1e20, exclusiveMaximum: 1e20 }, { type: 'integer', minimum: -S, exclusiveMaximum: 1e20, maximum: S }],
    [{ kind: 'number' }, { type: 'number' }],
  ];
  for (const [t, s] of cases) assert.equal(jsonSchema(t, {}), s, JSON.stringify(t));
  const validate = new Ajv2020({ strict: false }).compile(jsonSchema({ kind: 'number', integer: true }, {}));
  assert.ok(validate(S) && validate(-S));
  assert.not.ok(validate(2 ** 53) || validate(-(2 ** 53)) || validate(1e20));
});

test('objects: required excludes optional and defaulted properties; additionalProperties only for index signatures', () => {
  const t: TypeIR = {
    kind: 'object',
    properties: [
      { name: 'a', type: { kind: 'string' }, optional: false },
      { name: 'b', type: { kind: 'string' }, optional: true },
      { name: 'c', type: { kind: 'number', default: 1 }, optional: false },
      { name: '__proto__', type: { kind: 'boolean' }, optional: false },
    ],
  };
  const s = jsonSchema(t, {}) as any;
  assert.equal(s.required, ['a', '__proto__']);
  assert.equal(Object.keys(s.properties), ['a', 'b', 'c', '__proto__']);
  assert.is(Object.getPrototypeOf(s.properties), Object.prototype);
  assert.is(s.additionalProperties, undefined);
  assert.equal(jsonSchema({ kind: 'object', properties: [], additionalProperties: { kind: 'number' } }, {}), { type: 'object', additionalProperties: { type: 'number' } });
});

test('refs: only reachable named types land in $defs, recursion included, and ajv can compile it', () => {
  const s = jsonSchema({ kind: 'array', items: { kind: 'ref', name: 'Pet' } }, types) as any;
  assert.equal(Object.keys(s.$defs), ['Cat', 'Dog', 'Person', 'Pet']);
  assert.equal(s.items, { $ref: '#/$defs/Pet' });
  assert.equal(s.$defs.Pet, { oneOf: [{ $ref: '#/$defs/Cat' }, { $ref: '#/$defs/Dog' }] });
  assert.is(s.$defs.Person.description, 'A human.');
  assert.is(s.$defs.Person.properties.name.description, 'Full name');
  const validate = new Ajv2020({ strict: false }).compile(s);
  assert.ok(validate([{ kind: 'cat', owner: { name: 'A', friends: [{ name: 'B', friends: [] }] } }, { kind: 'dog' }]));
  assert.not.ok(validate([{ kind: 'cat', owner: { name: '', friends: [] } }]));
  assert.not.ok(validate([{ kind: 'bird' }]));
});

test('namedSchemas: every named type, OpenAPI refs, discriminator only on request', () => {
  const plain = namedSchemas(types) as any;
  assert.equal(Object.keys(plain), ['Cat', 'Dog', 'Person', 'Pet', 'Unused']);
  assert.equal(plain.Person.properties.friends.items, { $ref: '#/components/schemas/Person' });
  assert.is(plain.Pet.discriminator, undefined);
  const api = namedSchemas(types, { openapi: true }) as any;
  assert.equal(api.Pet.discriminator, { propertyName: 'kind', mapping: { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' } });
});

test.run();
