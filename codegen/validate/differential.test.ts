// Differential test: the generated validators must agree with ajv (draft
// 2020-12, allErrors) running over jsonSchema() of the same type, on thousands
// of seeded random values (valid, near-valid and garbage).
//
// Formats: ajv-formats' `date` matches ours and is used as is. Its `email`,
// `uri`, `uuid` and `date-time` differ from our documented definitions
// (ajv's email allows more, `uri` allows any scheme, `uuid` allows a
// `urn:uuid:` prefix, `date-time` allows leap seconds and `+0100`), so those
// are registered below backed by independent regex implementations written
// for this test (the validators use hand-written character scanners).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { TypeIR } from '../../ir/ir.ts';
import { jsonSchema } from '../schema/index.ts';
import {
  arr, bodyValidator, bool, date, int, lit, nul, num, obj, prop, ref, sampleTypes, scalarValidator, str, union, unknownT, type Types,
} from './testing/testkit.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020, formats: string[]) => void;

// ── independent format oracles ──
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const EMAIL_RE = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*@(?:${LABEL}\\.)+${LABEL}$`);
function oracleEmail(s: string): boolean {
  const at = s.lastIndexOf('@');
  const tld = s.slice(s.lastIndexOf('.') + 1);
  return s.length <= 254 && at <= 64 && EMAIL_RE.test(s) && !/^[0-9]+$/.test(tld);
}
const URL_RE = /^https?:\/\/(?:[A-Za-z0-9._~!$&'()*+,;=%-]*(?::[A-Za-z0-9._~!$&'()*+,;=%-]*)?@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=-]+)(?::(\d*))?(?:[/?#][^\s\\]*)?$/i;
function oracleUrl(s: string): boolean {
  const m = URL_RE.exec(s);
  return m !== null && (m[1] === undefined || m[1] === '' || Number(m[1]) <= 65535);
}
const UUID_RE = /^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i;
const DT_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
function oracleDateTime(s: string): boolean {
  const m = DT_RE.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se, oh, om] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as number[];
  const daysInMonth = new Date(Date.UTC(2000 + (y! % 400), mo!, 0)).getUTCDate();
  return mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= daysInMonth && h! < 24 && mi! < 60 && se! < 60 && oh! < 24 && om! < 60;
}

function makeAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv, ['date']);
  ajv.addFormat('email', oracleEmail);
  ajv.addFormat('uri', oracleUrl);
  ajv.addFormat('uuid', (s: string) => UUID_RE.test(s));
  ajv.addFormat('date-time', oracleDateTime);
  return ajv;
}

test('format oracles agree with the examples they were written for', () => {
  assert.ok(oracleEmail('a.b+c@x-y.example.org'));
  assert.not.ok(oracleEmail('a@b'));
  assert.ok(oracleUrl('http://[::1]:80/x'));
  assert.not.ok(oracleUrl('http://a:70000'));
  assert.ok(oracleDateTime('2024-02-29 00:00:00.1-01:00'));
  assert.not.ok(oracleDateTime('2023-02-29T00:00:00Z'));
});

// ── value generators ──
const smallAlphabet = (chars: string, maxLength: number) =>
  fc.array(fc.constantFrom(...chars.split('')), { maxLength }).map((cs) => cs.join(''));
const pad = (n: number, w: number) => String(n).padStart(w, '0');
function dateTimeParts(wide: boolean) {
  return fc
    .record({
      y: fc.integer({ min: 0, max: 9999 }), mo: fc.integer({ min: wide ? 0 : 1, max: wide ? 13 : 12 }), d: fc.integer({ min: wide ? 0 : 1, max: wide ? 32 : 28 }),
      h: fc.integer({ min: 0, max: wide ? 25 : 23 }), mi: fc.integer({ min: 0, max: wide ? 60 : 59 }), s: fc.integer({ min: 0, max: wide ? 61 : 59 }),
      sep: wide ? fc.constantFrom('T', 't', ' ', 'x') : fc.constantFrom('T', 't', ' '), frac: fc.constantFrom('', '.5', '.123456', wide ? '.' : ''),
      zone: wide ? fc.constantFrom('Z', 'z', '+01:00', '-23:59', '+24:00', '+0100', '', '+01:60') : fc.constantFrom('Z', 'z', '+01:00', '-23:59'),
    })
    .map((r) => `${pad(r.y, 4)}-${pad(r.mo, 2)}-${pad(r.d, 2)}${r.sep}${pad(r.h, 2)}:${pad(r.mi, 2)}:${pad(r.s, 2)}${r.frac}${r.zone}`);
}
const dateTimeArb = fc.oneof({ weight: 2, arbitrary: dateTimeParts(false) }, { weight: 1, arbitrary: dateTimeParts(true) });
const dateArb = fc
  .record({ y: fc.integer({ min: 0, max: 9999 }), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }) })
  .map((r) => `${pad(r.y, 4)}-${pad(r.mo, 2)}-${pad(r.d, 2)}`);
const urls = [
  'http://example.com', 'https://example.com/a/b?c=d#e', 'http://127.0.0.1:8080/', 'https://user:pw@host.io/x',
  'HTTP://EXAMPLE.COM', 'http://[::1]/', 'https://a.b.c.d/e%20f', 'http://a:65535',
  'ftp://example.com', 'example.com', '/relative', '', 'http://', 'http:///x', 'http://exa mple.com', ' http://a.com',
  'http://a.com:99999', 'https:/a.com', 'mailto:a@b.c', 'http://a.com\\x', 'http://a.com/\tx',
];
const formatArb: Record<string, fc.Arbitrary<string>> = {
  email: fc.oneof(
    fc.emailAddress(),
    smallAlphabet('ab1.-@!_', 12),
    fc.emailAddress().map((e) => e.replace('.', '..')),
    // Edges: numeric top-level label, local part of 64/65 characters, hyphens at label ends, 254/255 characters.
    fc.constantFrom('a@b.12', 'a@1.b2', `${'x'.repeat(64)}@a.io`, `${'x'.repeat(65)}@a.io`, 'a@-b.io', 'a@b-.io', 'a@b..io', '.a@b.io',
      `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(59)}`, `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}`, `a@${'b'.repeat(64)}.io`),
  ),
  uuid: fc.oneof(fc.uuid(), fc.uuid().map((u) => u.toUpperCase()), smallAlphabet('0af-g', 36), fc.uuid().map((u) => `urn:uuid:${u}`), fc.uuid().map((u) => u.slice(1))),
  url: fc.constantFrom(...urls),
  'date-time': dateTimeArb,
  date: fc.oneof(dateArb, dateTimeArb),
};

const SAFE = Number.MAX_SAFE_INTEGER;
const unsafeEdges = fc.constantFrom(SAFE, -SAFE, SAFE - 1, SAFE + 1, -SAFE - 1, SAFE + 2, 2 ** 53 + 2, 2 ** 60, -(2 ** 64), 1e20, -1e21, 1e300, Number.MAX_VALUE, SAFE - 0.5);
function numberArb(t: Extract<TypeIR, { kind: 'number' }>): fc.Arbitrary<number> {
  const bounds = [t.minimum, t.maximum, t.exclusiveMinimum, t.exclusiveMaximum].filter((b): b is number => b !== undefined);
  const near = bounds.flatMap((b) => [b, b - 1, b + 1, b - 0.5, b + 0.5]);
  const parts: fc.Arbitrary<number>[] = [fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1000, max: 1000, noNaN: true })];
  if (t.integer) parts.push(fc.integer({ min: -100, max: 100 }), fc.integer({ min: 0, max: 10 }));
  // Adversarial: both edges of the safe range, doubles just past them, and integers far beyond. Not for a
  // plain number with multipleOf: ajv tests the quotient with parseInt, which reads 4e21 as 4.
  if (t.integer || t.multipleOf === undefined) {
    parts.push(unsafeEdges, fc.oneof(fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true }).map(Math.trunc)));
  }
  if (near.length) parts.push(fc.constantFrom(...near));
  if (t.multipleOf !== undefined) {
    const m = t.multipleOf;
    parts.push(fc.integer({ min: -50, max: 50 }).map((k) => k * m));
  }
  return fc.oneof(...parts);
}

function arbOf(t: TypeIR, types: Types, depth: number): fc.Arbitrary<unknown> {
  const valid = validish(t, types, depth);
  // Sometimes replace the value with unrelated JSON (a spoiler at a random place).
  return fc.oneof({ weight: 19, arbitrary: valid }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) });
}

function validish(t: TypeIR, types: Types, depth: number): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'string': {
      if (t.format) return formatArb[t.format]!;
      const parts: fc.Arbitrary<string>[] = [
        fc.string({ minLength: Math.max(0, (t.minLength ?? 0) - 1), maxLength: (t.maxLength ?? 8) + 1 }),
        fc.string({ unit: 'binary', minLength: Math.max(0, (t.minLength ?? 0) - 1), maxLength: (t.maxLength ?? 8) + 1 }),
      ];
      if (t.pattern) parts.push(fc.stringMatching(new RegExp(t.pattern)));
      return fc.oneof(...parts);
    }
    case 'number':
      return numberArb(t);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'literal':
      return fc.oneof({ weight: 4, arbitrary: fc.constant(t.value) }, { weight: 1, arbitrary: fc.constantFrom('x', 1, true) });
    case 'enum':
      return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...t.values) }, { weight: 1, arbitrary: fc.constantFrom('x', 0, '1') });
    case 'unknown':
      return fc.jsonValue({ maxDepth: 2 });
    case 'date':
      return formatArb['date-time']!;
    case 'array': {
      if (depth > 3) return fc.constant([]);
      const item = arbOf(t.items, types, depth + 1);
      const maxLength = depth > 3 ? 0 : Math.min((t.maxItems ?? 3) + 1, 5);
      const a = fc.array(item, { minLength: Math.max(0, (t.minItems ?? 0) - 1), maxLength });
      // Duplicate an element now and then so uniqueItems is exercised.
      return t.uniqueItems ? fc.oneof(a, a.map((xs) => (xs.length ? [...xs, xs[0]] : xs))) : a;
    }
    case 'tuple': {
      const items = t.items.map((i) => arbOf(i, types, depth + 1));
      const rest = t.rest ? fc.array(arbOf(t.rest, types, depth + 1), { maxLength: 2 }) : fc.constant([]);
      return fc.tuple(fc.tuple(...items), rest, fc.nat({ max: 20 })).map(([fixed, more, k]) => {
        const all = [...fixed, ...(more as unknown[]), 'extra'];
        const lo = Math.max(0, t.minItems - 1);
        return all.slice(0, lo + (k % (all.length - lo + 1)));
      });
    }
    case 'object': {
      const entries = t.properties.map((p) =>
        fc.option(arbOf(p.type, types, depth + 1), { nil: undefined, freq: p.optional || p.type.default !== undefined ? 2 : 12 }),
      );
      const extra = t.additionalProperties
        ? fc.dictionary(fc.string({ maxLength: 3 }), arbOf(t.additionalProperties, types, depth + 1), { maxKeys: 3 })
        : fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
      return fc.tuple(fc.tuple(...entries), extra).map(([values, more]) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(more as object)) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
        t.properties.forEach((p, i) => {
          if (values[i] !== undefined) Object.defineProperty(o, p.name, { value: values[i], enumerable: true, writable: true, configurable: true });
        });
        return o;
      });
    }
    case 'union':
      return fc.oneof(...t.variants.map((v) => validish(v, types, depth)));
    case 'ref':
      return validish(types[t.name]!.type, types, depth + 1);
  }
}

// ── the types under test ──
const types: Types = {
  ...sampleTypes,
  Numbers: {
    display: 'Numbers',
    type: obj([
      prop('a', num({ minimum: -5, maximum: 5 })),
      prop('b', int({ exclusiveMinimum: 0, exclusiveMaximum: 100 }), true),
      prop('c', num({ multipleOf: 0.25 }), true),
      prop('d', int({ multipleOf: 7 }), true),
    ]),
  },
};
const cases: [string, TypeIR][] = [
  ['User', ref('User')],
  ['Tree (recursive)', ref('Tree')],
  ['Shape[] (discriminated)', arr(ref('Shape'))],
  ['email', str({ format: 'email' })],
  ['uuid', str({ format: 'uuid' })],
  ['url', str({ format: 'url' })],
  ['date-time', str({ format: 'date-time' })],
  ['date', str({ format: 'date' })],
  ['pattern', str({ pattern: '^[A-Z]{2,3}-\\d+$' })],
  ['code-point lengths', str({ minLength: 2, maxLength: 4 })],
  ['Numbers (bounds, multipleOf)', ref('Numbers')],
  ['Int and number at the edges of the safe range', obj([prop('i', int()), prop('j', int({ minimum: -SAFE, maximum: SAFE - 1 }), true), prop('x', num(), true)])],
  ['tuples', obj([prop('t', { kind: 'tuple', items: [str(), int(), bool], minItems: 2 }), prop('r', { kind: 'tuple', items: [date], minItems: 1, rest: num() })])],
  ['records', obj([prop('id', int())], arr(int({ minimum: 0 }), { maxItems: 2 }))],
  ['plain union', arr(union(str({ minLength: 2 }), int({ minimum: 0 }), arr(bool), ref('Circle'), nul))],
  ['literals and enums', obj([prop('l', union(lit('a'), lit(2), lit(false))), prop('s', ref('Status')), prop('p', ref('Priority'), true)])],
  ['unknown and uniqueItems', obj([prop('u', arr(unknownT, { uniqueItems: true })), prop('n', arr(num(), { uniqueItems: true, minItems: 1 }), true)])],
  ['Date or null', obj([prop('when', union(date, nul)), prop('days', arr(str({ format: 'date' })), true)])],
];

const RUNS = 700;

// Text coercion of Int (path, query, header, cookie) against an oracle on BigInt, which never rounds:
// optional sign and ASCII digits, surrounding whitespace ignored; in the safe range or refused.
const INT_TEXT = /^\s*([+-]?[0-9]+)\s*$/;
function oracleIntText(s: string): { value: number } | { error: string } {
  const m = INT_TEXT.exec(s);
  if (!m) return { error: 'int_parsing' };
  const n = BigInt(m[1]!);
  return n >= -BigInt(SAFE) && n <= BigInt(SAFE) ? { value: Number(n) } : { error: 'safe_integer' };
}
const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'.split('')), { minLength: min, maxLength: max }).map((d) => d.join(''));
const intText = fc.oneof(
  fc.tuple(fc.constantFrom('', '+', '-'), digits(1, 25)).map(([sign, d]) => sign + d),
  // Within a few units of the edges and of 2^53, 2^54, 2^64, written exactly (BigInt), with leading zeros now and then.
  fc.tuple(fc.constantFrom(SAFE, 2 ** 53, 2 ** 54, 2 ** 64), fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constantFrom('', '0', '000'))
    .map(([edge, k, neg, zeros]) => `${neg ? '-' : ''}${zeros}${BigInt(edge) + BigInt(k)}`),
  fc.tuple(fc.constantFrom(' ', '\t', '', '\u00a0'), digits(1, 17), fc.constantFrom('', '.0', '.', 'e3', '_0', ' ', 'x', '\n')).map(([a, d, b]) => a + d + b),
  smallAlphabet('0123456789+-. e', 20),
);
test('text Int agrees with a BigInt oracle, edges and rounding included', () => {
  const run = scalarValidator({ type: int() });
  const values = fc.sample(intText, { seed: 20261201, numRuns: 3000 });
  const seen = { value: 0, int_parsing: 0, safe_integer: 0 };
  for (const s of values) {
    const want = oracleIntText(s);
    const r = run(s);
    const got = r.errors.length === 0 ? { value: r.value } : { error: r.errors.map((e) => e.type).join(',') };
    assert.equal(got, want, JSON.stringify(s));
    seen['value' in want ? 'value' : (want.error as 'int_parsing' | 'safe_integer')]++;
  }
  for (const [k, n] of Object.entries(seen)) assert.ok(n > 200, `only ${n} samples with outcome ${k}`);
});
for (const [name, type] of cases) {
  test(`agrees with ajv: ${name}`, () => {
    const ajv = makeAjv();
    const check = ajv.compile(jsonSchema(type, types));
    const run = bodyValidator(type, types);
    const values = fc.sample(arbOf(type, types, 0), { seed: 20240531, numRuns: RUNS });
    let valid = 0;
    for (const raw of values) {
      const v = JSON.parse(JSON.stringify(raw ?? null));
      const ours = run(v).errors;
      const theirs = check(v);
      if ((ours.length === 0) !== theirs) {
        assert.unreachable(
          `disagreement on ${JSON.stringify(v)}\n ours: ${JSON.stringify(ours)}\n ajv: ${JSON.stringify(check.errors)}`,
        );
      }
      if (theirs) valid++;
    }
    // Both outcomes must be well represented, or the test proves little.
    assert.ok(valid > RUNS * 0.05, `only ${valid} valid values of ${RUNS}`);
    assert.ok(valid < RUNS * 0.95, `only ${RUNS - valid} invalid values of ${RUNS}`);
  });
}

test.run();
