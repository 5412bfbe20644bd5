import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { code, literal, access, Name, comment, propertyKey, NameTable, Block, and, or, paren, raw, functionDecl, join } from './code.ts';
import { Scope } from './scope.ts';

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

test('Block: braces balance, else chains, case bodies; a block left open or closed twice is refused', () => {
  const w = new Block().if(raw('a')).line(raw('x();')).elseIf(raw('b')).line(raw('y();')).else().line(raw('z();')).close();
  w.open(raw('switch (k)')).case(raw('case 1:')).line(raw('break;')).endCase().close();
  assert.is(w.code().text, 'if (a) {\n  x();\n} else if (b) {\n  y();\n} else {\n  z();\n}\nswitch (k) {\n  case 1:\n    break;\n}');
  assert.throws(() => new Block().if(raw('a')).code(), /left open/);
  assert.throws(() => new Block().close(), /not opened/);
  assert.throws(() => new Block().case(raw('case 1:')).close(), /not opened/);
  assert.throws(() => new Block().else(), /without an open block/);
  assert.is(functionDecl(new Name('f'), [new Name('v')], new Block().line(raw('return v;'))).text, 'function f(v) {\n  return v;\n}');
});

test('and/or: a chain inside the other kind gets parentheses; values stay literals', () => {
  const x = new Name('x');
  assert.is(or(code`${x} === ${'a'}`, and(code`${x}.length > 2`, code`f(${x})`)).text, 'x === "a" || (x.length > 2 && f(x))');
  assert.is(and(or(raw('a'), raw('b')), raw('c')).text, '(a || b) && c');
  assert.is(or(paren(raw('a')), paren(raw('b'))).text, '(a) || (b)');
  assert.throws(() => and(), /empty/);
});

test('Scope: a helper, a constant, a shared function: each once, keyed by what it is', () => {
  const scope = new Scope(new NameTable());
  const h = { name: '__covet_x', source: 'const __covet_x = 1;' };
  assert.is(scope.helper(h, 'a').text, scope.helper(h, 'b').text);
  assert.equal(scope.helperDecls([h], 'a').map((d) => d.code.text), ['const __covet_x = 1;']);
  assert.equal(scope.helperDecls([h], 'b'), [], 'emitted once across sections');
  const only = { name: '__covet_y', source: 'const __covet_y = 2;' };
  scope.helper(only, 'b');
  assert.equal(scope.helperDecls([only], 'a'), [], 'not in a section that does not use it');
  assert.equal(scope.helperDecls([only], 'b').length, 1);
  const decl = (n: Name) => code`const ${n} = /a/;`;
  assert.is(scope.constant('first_pattern', raw('/a/'), decl).text, 'first_pattern');
  assert.is(scope.constant('second_pattern', raw('/a/'), decl).text, 'first_pattern');
  assert.is(scope.constantDecls().length, 1);
  let made = 0;
  const a = scope.shared('fn', 'body', () => ++made);
  const b = scope.shared('fn', 'body', () => ++made);
  assert.equal([a, b, made], [{ value: 1, first: true }, { value: 1, first: false }, 1]);
});

test('Code.names: the Names a fragment was built from, through code``, join, Block and functionDecl; not from literals or raw text', () => {
  const f = new Name('f');
  const g = new Name('g_helper');
  const w = new Block().if(code`${g}(${'g_helper'})`).line(raw('h();')).close();
  const decl = functionDecl(f, [new Name('v')], w);
  assert.equal([...decl.names()].sort(), ['f', 'g_helper', 'v']);
  assert.equal([...join([code`${g}`, literal('f')]).names()], ['g_helper']);
});

test.run();
