import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { code, literal, access, Name, comment, propertyKey, NameTable } from './code.ts';

test('literal escapes U+2028 and U+2029 so a string stays on its line', () => {
  assert.is(literal('a\u2028b\u2029c').text, '"a\\u2028b\\u2029c"');
  assert.is(eval(literal('a\u2028b').text), 'a\u2028b');
});

test('hostile strings interpolate as data', () => {
  const hostile = `'"); process.exit(1); //*/\u2028`;
  const c = code`const x = ${hostile};`;
  assert.is(new Function(`${c.text}; return x;`)(), hostile);
});

test('Name refuses non-identifiers and reserved words', () => {
  assert.throws(() => new Name('a-b'));
  assert.throws(() => new Name('constructor"'));
  assert.throws(() => new Name('class'));
  assert.is(new Name('validate_User').text, 'validate_User');
});

test('access uses dot only for identifiers', () => {
  assert.is(access(new Name('v'), 'name').text, 'v.name');
  assert.is(access(new Name('v'), 'a b').text, 'v["a b"]');
  assert.is(access(new Name('v'), '__proto__').text, 'v.__proto__');
});

test('propertyKey never writes a bare __proto__ key', () => {
  const obj = new Function(`return { ${propertyKey('__proto__').text}: 1 };`)();
  assert.is(Object.getPrototypeOf(obj), Object.prototype);
  assert.is(obj['__proto__'], 1);
});

test('comment cannot be ended by line terminators', () => {
  const c = comment('a\nprocess.exit(1)\u2028b');
  assert.not.match(c.text, /[\n\u2028]/);
});

test('NameTable numbers only on collision', () => {
  const t = new NameTable();
  assert.is(t.fresh('getUser').text, 'getUser');
  assert.is(t.fresh('getUser').text, 'getUser_2');
  assert.is(t.fresh('get-user').text, 'get_user');
  assert.is(t.fresh('class').text, 'class_');
  assert.is(t.fresh('9lives').text, '_9lives');
});

test('an object literal with a __proto__ key does not set the prototype', () => {
  const value = JSON.parse('{"__proto__":{"polluted":1},"a":[1,{"b":"\u2028"}]}');
  const made = new Function(`return ${literal(value).text};`)();
  assert.is(Object.getPrototypeOf(made), Object.prototype);
  assert.is(made.polluted, undefined);
  assert.equal(JSON.stringify(made), JSON.stringify(value));
});

test.run();
