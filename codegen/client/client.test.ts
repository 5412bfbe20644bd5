/**
 * The generated client: the todo app's golden file (from its IR golden, as
 * codegen/openapi's test does), and hostile names that must come out as valid,
 * strict TypeScript: quoted property names, user types that would hide a name
 * the client uses are numbered, comments that cannot be closed early. The
 * client is driven over HTTP by test/e2e/client.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppIR, RouteIR } from '../../ir/ir.ts';
import { LIBS, STRICT_FLAGS, tsc } from '../../test/tsc.ts';
import { emitClient } from './index.ts';

const fixtures = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures');
const readIr = (app: string) => JSON.parse(readFileSync(path.join(fixtures, app, 'expected', 'ir.json'), 'utf8')) as AppIR;
const todo = emitClient(readIr('todo-app'), { title: 'todo-app' });
const hostile = emitClient(readIr('hostile-names'), { title: 'hostile-names' });

function route(id: string, path: string, extra: Partial<RouteIR> = {}): RouteIR {
  return {
    id,
    method: 'GET',
    path,
    segments: path.split('/').filter(Boolean).map((s) => (s.startsWith(':') ? { kind: 'param', name: s.slice(1) } : s.startsWith('*') ? { kind: 'wildcard', name: s.slice(1) } : { kind: 'static', value: s })),
    handler: { exportName: id, file: 'app.ts', line: 1, column: 1, async: false },
    params: [],
    status: 200,
    response: { kind: 'ref', name: 'Response' },
    tags: [],
    deprecated: false,
    throws: [],
    scopes: [],
    ...extra,
  };
}

/** User types named like the client's own names and the globals it calls; routes with odd ids, params and docs. */
const collisions: AppIR = {
  version: 3,
  providers: {},
  hooks: {},
  securitySchemes: {},
  types: {
    CovetError: { display: 'CovetError', type: { kind: 'object', properties: [{ name: 'x', type: { kind: 'string' }, optional: false }] } },
    Promise: { display: 'Promise', type: { kind: 'literal', value: 'p' } },
    Response: { display: 'Response', type: { kind: 'object', properties: [{ name: 'e', type: { kind: 'ref', name: 'CovetError' }, optional: false }], description: 'closes */ early? no' } },
    ValidationError: { display: 'ValidationError', type: { kind: 'union', variants: [{ kind: 'null' }, { kind: 'array', items: { kind: 'ref', name: 'ValidationError' } }] } },
    Mixed: { display: 'Mixed', type: { kind: 'object', properties: [{ name: 'n', type: { kind: 'number' }, optional: true }], additionalProperties: { kind: 'boolean' } } },
  },
  routes: [
    route('delete', '/files/*rest', {
      params: [
        { kind: 'path', name: 'rest', key: 'rest', type: { kind: 'string' }, required: true },
        { kind: 'query', name: 'toString', key: 'to-string', type: { kind: 'array', items: { kind: 'number' } }, required: false },
        { kind: 'header', name: 'constructor', key: 'x-ctor', type: { kind: 'ref', name: 'Promise' }, required: false },
      ],
      summary: 'line one\u2028line */ two',
    }),
    route('__proto__', '/m/:id', {
      params: [{ kind: 'path', name: 'id', key: 'id', type: { kind: 'literal', value: 1 }, required: true }, { kind: 'body', name: 'b', type: { kind: 'ref', name: 'Mixed' }, required: false }],
      response: { kind: 'ref', name: 'ValidationError' },
    }),
    route('text', '/', { response: { kind: 'string', mediaType: 'text/plain' } }),
  ],
};
const collided = emitClient(collisions, { title: 'collisions */ \u2028' });

/** The IR of test/big-app.ts's app (what bench/client-tsc.ts times), written out: 1,000 routes, no compile. */
const BIG = 1000;
const big = emitClient(
  {
    version: 3,
    providers: {},
    hooks: {},
    securitySchemes: {},
    types: { Item: { display: 'Item', type: { kind: 'object', properties: [{ name: 'id', type: { kind: 'number' }, optional: false }, { name: 'name', type: { kind: 'string' }, optional: false }, { name: 'tags', type: { kind: 'array', items: { kind: 'string' } }, optional: false }] } } },
    routes: Array.from({ length: BIG }, (_, i) =>
      route(`r${i}`, `/r${i}/:id`, {
        params: [{ kind: 'path', name: 'id', key: 'id', type: { kind: 'number' }, required: true }, { kind: 'query', name: 'q', key: 'q', type: { kind: 'string' }, required: false }],
        response: { kind: 'ref', name: 'Item' },
      }),
    ),
  },
  { title: 'big' },
);

test('golden: fixtures/todo-app/expected/client.ts', () => {
  const golden = path.join(fixtures, 'todo-app', 'expected', 'client.ts');
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(golden, todo);
  assert.ok(existsSync(golden), 'run with UPDATE_SNAPSHOTS=1 and review');
  assert.fixture(todo, readFileSync(golden, 'utf8'));
});

test('one method per route, named after its handler; the client is createClient', () => {
  for (const id of ['health', 'signIn', 'me', 'signOut', 'createTodo', 'listTodos', 'getTodo', 'updateTodo', 'markDone', 'markNotDone', 'deleteTodo', 'createUser', 'listUsers', 'getUser', 'updateUser', 'deleteUser']) {
    assert.match(todo, new RegExp(`^  ${id}\\(args\\??: `, 'm'), id);
    assert.match(todo, new RegExp(`^    ${id}: \\(`, 'm'), id);
  }
  assert.match(todo, /^export function createClient\(options: CovetClientOptions\): CovetClient \{$/m);
  // Wire names where they differ from the handler's: the header and the cookie.
  assert.match(todo, /\[\["x-request-id", args\.requestId\]\]/);
  assert.match(todo, /\[\["todo_session", args\.session\]\]/);
});

test('hostile names: quoted property names, quoted wire names, comments that stay comments', () => {
  for (const key of [`"'"`, '"*/"', '"\\u2028"', '"\\""', '"\\\\"', '"a-b"', '""', '"${x}"', '"</script>"']) assert.ok(hostile.includes(`  ${key}: `), key);
  assert.ok(hostile.includes(`[["it's", args.its], ["*/", args.slashStar]]`));
  assert.ok(hostile.includes(`[["x-it's~odd", args.odd]]`));
  assert.ok(hostile.includes('__covet_segment(__covet_own(args, "constructor"))'), 'an inherited name is read only when own');
  assert.ok(collided.includes('line */ two') === false && collided.includes('line *\\/ two'));
  assert.not.match(collided, /\u2028/);
});

test('user types named like the client\'s names or the globals it uses are numbered; the error bodies step aside', () => {
  assert.match(collided, /^export interface CovetError_2 \{$/m);
  assert.match(collided, /^export type Promise_2 = "p";$/m);
  assert.match(collided, /^export interface Response_2 \{\n {2}e: CovetError_2;/m);
  assert.match(collided, /^export type ValidationError = null \| ValidationError\[\];$/m, "a user type keeps a name only the client's body types would take");
  assert.match(collided, /^export interface CovetValidationError_2 \{$/m, 'the 422 item is CovetValidationError in the document, numbered here past the class');
  assert.match(collided, /\[key: string\]: boolean \| number \| undefined;/);
  assert.match(collided, /"\/files\/" \+ __covet_wildcard\(args\.rest\)/);
  assert.match(collided, /\["__proto__"\]: \(args, init\)/, '__proto__ as a computed key, so the object keeps its prototype');
});

/** Every fixture with an IR golden: between them every TypeIR kind (tuples, recursion, enums, discriminated unions, wildcards …). */
const FIXTURES = ['async', 'conformance', 'errors', 'params', 'routing', 'types'];

test(`each client type-checks with tsc --strict (and the stricter flags), with lib.dom and with @types/node; so do every fixture's and a ${BIG}-route client`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-client-'));
  try {
    writeFileSync(path.join(dir, 'todo.ts'), todo);
    writeFileSync(path.join(dir, 'hostile.ts'), hostile);
    writeFileSync(path.join(dir, 'collided.ts'), collided);
    writeFileSync(path.join(dir, 'big.ts'), big);
    for (const f of FIXTURES) writeFileSync(path.join(dir, `${f}.ts`), emitClient(readIr(f), { title: f }));
    for (const [lib, flags] of Object.entries(LIBS)) {
      const r = tsc(dir, ['todo.ts', 'hostile.ts', 'collided.ts', ...FIXTURES.map((f) => `${f}.ts`), ...(lib === 'dom' ? ['big.ts'] : [])], [...STRICT_FLAGS, ...flags]);
      assert.is(r.code, 0, `${lib}:\n${r.out}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
