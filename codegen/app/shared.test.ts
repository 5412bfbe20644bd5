/**
 * The module's scope emits each helper, constant and function once: no two
 * top-level functions of a generated module have the same parameters and
 * body, and no two constants the same value. Generated from each fixture's
 * expected IR (fixtures/<app>/expected/ir.json), so this stage is tested alone.
 * Caught: the todo-app's five identical path validators (validate_getTodo_id …
 * validate_deleteTodo_id), its three identical pattern regexes, and its
 * identical reply functions.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ts } from 'ts-morph';
import type { AppIR } from '../../ir/ir.ts';
import { emitApp } from './index.ts';

const fixtures = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../fixtures');

/** Top-level declarations that are the same as an earlier one: `[later, earlier]` names. */
function duplicates(source: string): { functions: [string, string][]; constants: [string, string][] } {
  const sf = ts.createSourceFile('server.gen.js', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const fns = new Map<string, string>();
  const consts = new Map<string, string>();
  const out = { functions: [] as [string, string][], constants: [] as [string, string][] };
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s) && s.name && s.body) {
      const key = `${s.parameters.map((p) => p.getText()).join(', ')}\n${s.body.getText()}`;
      const earlier = fns.get(key);
      if (earlier) out.functions.push([s.name.text, earlier]);
      else fns.set(key, s.name.text);
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (!d.initializer || !ts.isIdentifier(d.name)) continue;
        const key = d.initializer.getText();
        const earlier = consts.get(key);
        if (earlier) out.constants.push([d.name.text, earlier]);
        else consts.set(key, d.name.text);
      }
    }
  }
  return out;
}

function generated(app: string): string {
  const ir = JSON.parse(readFileSync(path.join(fixtures, app, 'expected', 'ir.json'), 'utf8')) as AppIR;
  return emitApp(ir, { engine: 'node', version: '0.0.0-test' }).source;
}

test('no two generated functions in the todo-app module have the same body', () => {
  const { functions, constants } = duplicates(generated('todo-app'));
  assert.equal(functions, [], 'functions with the same parameters and body as an earlier one');
  assert.equal(constants, [], 'constants with the same value as an earlier one');
});

test('a function several routes share is named after what it is; one with a single user after that user', () => {
  const source = generated('todo-app');
  const fns = [...source.matchAll(/^function (\w+)\(/gm)].map((m) => m[1]);
  // The path validator of getTodo … deleteUser, and the replies several routes answer through.
  for (const shared of ['validate_path_id', 'validate_query_limit', 'reply_200_Todo', 'reply_204_empty']) assert.ok(fns.includes(shared), shared);
  for (const firstUser of ['validate_getTodo_id', 'validate_listTodos_limit', 'reply_getTodo', 'reply_signOut']) assert.not.ok(fns.includes(firstUser), firstUser);
  // Used once: named after its route.
  assert.ok(fns.includes('validate_listTodos_done'));
  assert.ok(fns.includes('reply_health'));
  // Equal bodies for parameters of different kinds and keys: named after the type, not after one of them.
  const params = generated('params');
  assert.match(params, /\/\/ parameters of headers, cookies, [^\n]*\nfunction validate_optional_string\(/);
});

/** The text of one `// ---- name` section of a generated module. */
function section(source: string, name: string): string {
  const start = source.indexOf(` ${name}\n`, source.indexOf('// ----'));
  const end = source.indexOf('\n// ----', start);
  return source.slice(start, end === -1 ? undefined : end);
}

test('a helper is emitted in the section of its first user, and only when used: __covet_hasOwn', () => {
  const HAS_OWN = 'const __covet_hasOwn = ';
  // todo-app: only validators read inherited names.
  const todo = generated('todo-app');
  assert.not.ok(section(todo, 'serializers').includes(HAS_OWN), 'not among the serializers, which do not use it');
  assert.ok(section(todo, 'validators').includes(HAS_OWN));
  // hostile-names: serializers use it too, so it comes with them, once.
  const hostile = generated('hostile-names');
  assert.ok(section(hostile, 'serializers').includes(HAS_OWN));
  assert.is(hostile.split(HAS_OWN).length, 2);
});

const apps = readdirSync(fixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(fixtures, d.name, 'expected', 'ir.json')))
  .map((d) => d.name)
  .sort();

for (const app of apps) {
  if (app === 'todo-app') continue;
  test(`no two generated functions or constants in fixtures/${app} are the same`, () => {
    assert.equal(duplicates(generated(app)), { functions: [], constants: [] });
  });
}

test.run();
