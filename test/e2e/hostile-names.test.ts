/**
 * fixtures/hostile-names end to end: property, parameter, query-key, header
 * and path names that are quotes, comment ends, line separators, keywords and
 * Object.prototype members. The app builds, its bundle parses, every name
 * round-trips exactly, and nothing a client sends pollutes a prototype.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildApp, startApp, type RunningApp } from '../harness.ts';
import { client, curl, expectBody, expectInvalid, type Failure } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/hostile-names', import.meta.url));

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

/** The Hostile interface's properties, in declaration order, with a value of the declared type. */
const HOSTILE: [string, unknown][] = [
  ["'", "it's"],
  ['*/', '/* not a comment */'],
  ['\u2028', 'line\u2028separator\u2029paragraph'],
  ['"', '"quoted"'],
  ['\\', 'back\\slash'],
  ['__proto__', 'not a prototype'],
  ['constructor', 'not a function'],
  ['prototype', 'plain'],
  ['class', 'c'],
  ['return', 'r'],
  ['default', 'd'],
  ['a-b', 1.5],
  ['', true],
  ['${x}', '${process.exit(1)}'],
  ['</script>', '<script>alert(1)</script>'],
];

/** JSON text of an object with these entries in this order (`__proto__` as a plain key, as JSON.parse reads it). */
function objectText(entries: [string, unknown][]): string {
  return '{' + entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',') + '}';
}

const json = { 'content-type': 'application/json' };

test('the app builds and its bundle parses', async () => {
  // server.mjs loads the bundle, app.mjs, beside it.
  const bundleFile = path.join(path.dirname(await buildApp(APP_DIR)), 'app.mjs');
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['--check', bundleFile], (err, _out, stderr) => (err ? reject(new Error(stderr)) : resolve())),
  );
  const bundle = readFileSync(bundleFile, 'utf8');
  assert.ok(bundle.includes('function validate_Hostile('), 'generated validators are in the bundle');
  assert.not.ok(/\beval\(|new Function\(/.test(bundle), 'no eval or new Function');
});

test('every hostile property name round-trips exactly, in declaration order', async () => {
  const text = objectText(HOSTILE);
  expectBody(await call('POST', '/hostile', { body: text, headers: json }), 200, text);
  const shuffled = objectText([...HOSTILE].reverse());
  expectBody(await call('POST', '/hostile', { body: shuffled, headers: json }), 200, text);
});

test('unknown keys next to hostile ones are stripped', async () => {
  const text = objectText([...HOSTILE, ['toString', 'x'], ['hasOwnProperty', 'y'], ['__defineGetter__', 'z'], ['valueOf', 1]]);
  expectBody(await call('POST', '/hostile', { body: text, headers: json }), 200, objectText(HOSTILE));
});

test('every hostile property is reported missing at its exact loc (inherited names are not "present")', async () => {
  const reply = await call('POST', '/hostile', { body: '{}', headers: json });
  expectInvalid(reply, HOSTILE.map(([k]): Failure => ({ loc: ['body', k], type: 'missing', msg: 'Field required' })));
  for (const [key] of HOSTILE) {
    const without = HOSTILE.filter(([k]) => k !== key);
    expectInvalid(await call('POST', '/hostile', { body: objectText(without), headers: json }), [{ loc: ['body', key], type: 'missing', msg: 'Field required' }]);
  }
});

test('every hostile property is type-checked at its exact loc', async () => {
  const spoiled = HOSTILE.map(([k, v]): [string, unknown] => [k, typeof v === 'string' ? 0 : 'x']);
  const expected = HOSTILE.map(([k, v]): Failure => ({
    loc: ['body', k],
    type: typeof v === 'string' ? 'string_type' : typeof v === 'number' ? 'float_type' : 'bool_type',
  }));
  expectInvalid(await call('POST', '/hostile', { body: objectText(spoiled), headers: json }), expected);
});

test('an object under __proto__ or constructor is a type error, not a prototype', async () => {
  const entries = HOSTILE.map(([k, v]): [string, unknown] =>
    k === '__proto__' ? [k, { polluted: 'yes', isAdmin: true }] : k === 'constructor' ? [k, { prototype: { polluted: 'yes' } }] : [k, v],
  );
  expectInvalid(await call('POST', '/hostile', { body: objectText(entries), headers: json }), [
    { loc: ['body', '__proto__'], type: 'string_type', msg: 'Input should be a valid string' },
    { loc: ['body', 'constructor'], type: 'string_type', msg: 'Input should be a valid string' },
  ]);
  const nested = '{"x":{"user":{"name":"n","__proto__":{"polluted":"yes"}},"__proto__":{"polluted":"yes"}},"__proto__":{"polluted":"yes"}}';
  expectBody(await call('POST', '/generated-names', { body: nested, headers: json }), 200, '{"x":{"user":{"name":"n"}},"extra":null}');
});

test('a quote in a static segment, odd query keys and an odd header name', async () => {
  const reply = await call('GET', "/h/a'b/ID?it's=1&*/=two", { headers: { "x-it's~odd": 'v' } });
  expectBody(reply, 200, '{"id":"ID","its":"1","slashStar":"two","odd":"v"}');
  // As written by curl, and percent-encoded.
  expectBody(await raw("/h/a'b/x%27y?it%27s=%2A%2F&%2A%2F=it's", ['-H', "x-it's~odd: *\\/"]), 200, '{"id":"x\'y","its":"*/","slashStar":"it\'s","odd":"*\\\\/"}');
  // The TS names are not the keys.
  expectInvalid(await raw("/h/a'b/ID?its=1&slashStar=2", ['-H', 'odd: o']), [
    { loc: ['query', "it's"], type: 'missing', msg: 'Field required' },
    { loc: ['query', '*/'], type: 'missing', msg: 'Field required' },
    { loc: ['header', "x-it's~odd"], type: 'missing', msg: 'Field required' },
  ]);
  const head = await raw("/h/a'b/ID?it's=1&*/=2", ['-I', '-H', "x-it's~odd: v"]);
  assert.is(head.status, 200);
  assert.is(head.text, '');
});

test('path and query parameters named constructor and prototype', async () => {
  expectBody(await call('GET', '/params/value'), 200, '{"constructor":"value","prototype":null}');
  expectBody(await call('GET', '/params/constructor?prototype=__proto__'), 200, '{"constructor":"constructor","prototype":"__proto__"}');
  expectBody(await call('GET', '/params/__proto__?prototype='), 200, '{"constructor":"__proto__","prototype":""}');
  expectBody(await call('GET', '/params/%5F%5Fproto%5F%5F?constructor=x&__proto__=y'), 200, '{"constructor":"__proto__","prototype":null}');
  expectBody(await call('GET', '/params/toString?hasOwnProperty=1'), 200, '{"constructor":"toString","prototype":null}');
});

test('type names that look like generated names', async () => {
  const value = { x: { user: { name: 'validate_User' } }, extra: { value: '__covet_x' } };
  expectBody(await call('POST', '/generated-names', { json: value }), 200, JSON.stringify(value));
  expectBody(await call('POST', '/generated-names', { json: { x: { user: { name: '' } } } }), 200, '{"x":{"user":{"name":""}},"extra":null}');
  expectInvalid(await call('POST', '/generated-names', { json: { x: { user: {} }, extra: { value: 1 } } }), [
    { loc: ['body', 'x', 'user', 'name'], type: 'missing', msg: 'Field required' },
    { loc: ['body', 'extra', 'value'], type: 'string_type', msg: 'Input should be a valid string' },
  ]);
});

test('nothing sent earlier polluted the server: later answers are unaffected', async () => {
  // Try once more to pollute through every door: body, query, path, header.
  const poison = '{"__proto__":{"polluted":"yes","name":"polluted","value":"polluted"},"constructor":{"prototype":{"polluted":"yes"}}}';
  await call('POST', '/generated-names', { body: poison, headers: json });
  await call('POST', '/hostile', { body: poison, headers: json });
  await raw('/params/__proto__?__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__.polluted=yes', ['-H', '__proto__: x', '-H', 'constructor: y']);

  // A validator that reads inherited properties would now find "polluted" values.
  expectInvalid(await call('POST', '/generated-names', { body: '{"x":{"user":{}}}', headers: json }), [
    { loc: ['body', 'x', 'user', 'name'], type: 'missing', msg: 'Field required' },
  ]);
  expectBody(await call('POST', '/generated-names', { body: '{"x":{"user":{"name":"n"}}}', headers: json }), 200, '{"x":{"user":{"name":"n"}},"extra":null}');
  expectBody(await call('GET', '/params/p'), 200, '{"constructor":"p","prototype":null}');
  const reply = await call('POST', '/hostile', { body: '{}', headers: json });
  assert.is(reply.json.detail.length, HOSTILE.length);
  assert.not.match(app!.output(), /failed:/);
});

test.run();
