/**
 * The Host rule (`isValidHost`): the values of cases/host.md and more, and an independent
 * oracle, a regular expression spelled out from the ABNF of RFC 3986 §3.2.2, run against
 * generated values that mix the characters and shapes a host can have.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isValidHost } from './http-syntax.ts';

const VALID = [
  '', 'example.com', 'example.com:8080', 'EXAMPLE.COM', 'localhost', 'conformance', '127.0.0.1:1', '127.0.0.1',
  'xn--bcher-kva.example', 'a-b_c~d.example', "sub!$&'()*+,;=delims", '%41%62c.example', '999.999.999.999',
  'example.com:', ':80', 'x:0', 'x:65535', 'x:99999', '_srv.example',
  '[::1]', '[::1]:3000', '[::]', '[::]:80', '[2001:db8::ff00:42:8329]', '[2001:0db8:0000:0000:0000:ff00:0042:8329]',
  '[1:2:3:4:5:6:7:8]', '[1::8]', '[1:2:3:4:5:6:7::]', '[::2:3:4:5:6:7:8]', '[::ffff:192.0.2.1]:80', '[::192.0.2.1]',
  '[1:2:3:4:5:6:1.2.3.4]', '[FE80::A]', '[v1.fe80::a+en1]', '[V7.x]', '[::1]:',
];

const INVALID = [
  'a b', 'user@x', 'x:abc', '[::1', 'x:80:80', '::1', '[::1]x', '[::1]:x', '[1.2.3.4]', '[::1%25eth0]', '[:::1]', '[1::2::3]',
  '[1:2:3:4:5:6:7:8:9]', '[1:2:3:4:5:6:7]', '[1:2:3:4:5:6:7:8::]', '[12345::]', '[::g]', '[1.2.3.4::]', '[::1.2.3]',
  '[::1.2.3.256]', '[::01.2.3.4]', '[]', '[v.x]', '[v1.]', '[v1x]', '[vg.x]', 'x/y', 'x?y', 'x#y', 'x\\y', '%zz', '%4', 'x%',
  '"quoted"', 'x\ty', 'bücher.example', 'x:-1', 'x:+80', 'x: 80', 'x:80 x', '<x>', 'x^y', 'x{y}', 'x|y', '`x`', '\x7f',
  '[::1]]', 'example.com:8080/', 'a@b:80', 'x\u0000',
];

test('the values of cases/host.md and more', () => {
  for (const v of VALID) assert.ok(isValidHost(v), `${JSON.stringify(v)} must be valid`);
  for (const v of INVALID) assert.not.ok(isValidHost(v), `${JSON.stringify(v)} must be invalid`);
});

// ---------------------------------------------------------------- the ABNF as a regular expression

const h16 = '[0-9A-Fa-f]{1,4}';
const decOctet = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])';
const ipv4 = `${decOctet}\\.${decOctet}\\.${decOctet}\\.${decOctet}`;
const ls32 = `(?:${h16}:${h16}|${ipv4})`;
const ipv6 = [
  `(?:${h16}:){6}${ls32}`,
  `::(?:${h16}:){5}${ls32}`,
  `(?:${h16})?::(?:${h16}:){4}${ls32}`,
  `(?:(?:${h16}:){0,1}${h16})?::(?:${h16}:){3}${ls32}`,
  `(?:(?:${h16}:){0,2}${h16})?::(?:${h16}:){2}${ls32}`,
  `(?:(?:${h16}:){0,3}${h16})?::${h16}:${ls32}`,
  `(?:(?:${h16}:){0,4}${h16})?::${ls32}`,
  `(?:(?:${h16}:){0,5}${h16})?::${h16}`,
  `(?:(?:${h16}:){0,6}${h16})?::`,
].join('|');
const unreserved = 'A-Za-z0-9\\-._~';
const subDelims = "!$&'()*+,;=";
const ipvFuture = `[vV][0-9A-Fa-f]+\\.[${unreserved}${subDelims}:]+`;
const regName = `(?:[${unreserved}${subDelims}]|%[0-9A-Fa-f]{2})*`;
const HOST = new RegExp(`^(?:\\[(?:${ipv6}|${ipvFuture})\\]|${regName})(?::[0-9]*)?$`);

test('the oracle agrees on the listed values', () => {
  for (const v of VALID) assert.ok(HOST.test(v), `oracle: ${JSON.stringify(v)}`);
  for (const v of INVALID) assert.not.ok(HOST.test(v), `oracle: ${JSON.stringify(v)}`);
});

const char = fc.constantFrom(...'aZv09fF.:[]%-_~!@ /\t\u00e9'.split(''), '25', '255', '256', '::', '1.2.3.4');
const anyText = fc.array(char, { maxLength: 14 }).map((a) => a.join(''));
const hex = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
const group = fc.oneof(
  { arbitrary: fc.string({ unit: hex, minLength: 1, maxLength: 4 }), weight: 12 },
  { arbitrary: fc.string({ unit: hex, minLength: 5, maxLength: 5 }), weight: 1 },
  { arbitrary: fc.constantFrom('1.2.3.4', '255.0.10.1', '1.2.3', '256.1.1.1', '01.2.3.4', ''), weight: 2 },
);
const ipv6Like = fc
  .tuple(fc.array(group, { maxLength: 9 }), fc.option(fc.nat(9)), fc.option(fc.nat(70000)))
  .map(([groups, gapAt, port]) => {
    const g = groups.slice();
    if (gapAt !== null) g.splice(Math.min(gapAt, g.length), 0, '');
    return `[${g.join(':')}]${port === null ? '' : `:${port}`}`;
  });

test('isValidHost agrees with the ABNF on generated values', () => {
  fc.assert(
    fc.property(fc.oneof(anyText, ipv6Like, fc.tuple(anyText, anyText).map(([a, b]) => `${a}:${b}`)), (v) => {
      assert.is(isValidHost(v), HOST.test(v), `on ${JSON.stringify(v)}`);
    }),
    { numRuns: 20_000 },
  );
});

test.run();
