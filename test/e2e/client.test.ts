/**
 * The typed client end to end: `covet build --client` the todo app, start its
 * server, and drive every route through the generated client over real HTTP
 * (errors included: a 404 is a CovetError, a 422 a CovetValidationError with
 * the server's detail list). The client and a file that uses it are
 * type-checked with `tsc --noEmit --strict`, where calls of the wrong types
 * must fail; and, as an independent check, openapi-typescript reads the same
 * dist/openapi.json and the client's argument and result types must be
 * assignable both ways to its `paths[…]` types, route by route.
 * client.native.test.ts runs it all against the native engine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS from 'openapi-typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppIR, RouteIR } from '../../ir/ir.ts';
import { openApiPath } from '../../codegen/openapi/index.ts';
import { build } from '../../pipeline/build-api.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { defaultEngine, startServer, type RunningApp } from '../harness.ts';
import { tsc } from '../tsc.ts';
// The client's types, for this file only: the module under test is the one the build writes (imported below).
import type * as Client from '../../fixtures/todo-app/expected/client.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APP_DIR = path.join(REPO, 'fixtures/todo-app');
const engine = defaultEngine();
/** Type-level tests and the CLI do not depend on the engine: the node run has them, the native run only the HTTP ones. */
const once = engine === 'node' ? test : test.skip;
const work = mkdtempSync(path.join(os.tmpdir(), 'covet-client-e2e-'));
const clientFile = path.join(work, 'client.ts');
const outDir = path.join(work, 'dist');

let app: RunningApp | undefined;
let api: Client.CovetClient;
let mod: typeof Client;
/** Every Set-Cookie header the client's fetch saw (the `fetch` option at work). */
const setCookies: string[] = [];

test.before(async () => {
  const report = await build({ app: APP_DIR, out: outDir, engine, client: clientFile });
  if (!report.ok) throw new Error(report.diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
  app = await startServer(report.server!, { env: { TODO_DB: path.join(work, 'todo.db'), TODO_SECRET: 'client-secret' } });
  mod = (await import(pathToFileURL(clientFile).href)) as typeof Client;
  const recording = async (input: string, init: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    const cookie = response.headers.get('set-cookie');
    if (cookie) setCookies.push(cookie);
    return response;
  };
  api = mod.createClient({ baseUrl: `${app.url}/`, fetch: recording });
});

test.after(async () => {
  await app?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Runs `fn`, which must throw a CovetError (of `kind`, when given); returns it. */
async function rejects<E extends Client.CovetError>(fn: () => Promise<unknown>, kind?: new (...args: never[]) => E): Promise<E> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, mod.CovetError);
    if (kind) assert.instance(e, kind);
    return e as E;
  }
  throw new assert.Assertion({ message: 'expected a CovetError', generated: false, operator: 'rejects', expects: 'throw', actual: 'resolved' });
}

// ---------------------------------------------------------------- every route through the client

once('the file build --client wrote is the golden client (the todo app), and `covet client` prints the same', () => {
  const written = readFileSync(clientFile, 'utf8');
  assert.fixture(written, readFileSync(path.join(APP_DIR, 'expected', 'client.ts'), 'utf8'));
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/covet.mjs'), 'client', 'fixtures/todo-app', '-o', path.join(work, 'cli-client.ts')], { cwd: REPO, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.fixture(readFileSync(path.join(work, 'cli-client.ts'), 'utf8'), written);
});

test('health: a header argument by its handler name, sent under its wire name; client headers, per-call headers', async () => {
  const h = await api.health({ requestId: 'client-1' });
  assert.is(h.status, 'ok');
  assert.is(h.requestId, 'client-1');
  const anonymous = await api.health();
  assert.match(anonymous.requestId, /^[0-9a-f-]{36}$/);
  const withHeaders = mod.createClient({ baseUrl: app!.url, headers: () => ({ 'x-request-id': 'from-options' }) });
  assert.is((await withHeaders.health()).requestId, 'from-options');
  assert.is((await withHeaders.health(undefined, { headers: { 'x-request-id': 'per-call' } })).requestId, 'per-call');
  assert.is((await withHeaders.health({ requestId: 'argument' }, { headers: { 'x-request-id': 'per-call' } })).requestId, 'argument', 'the argument wins');
});

test('users: create, list (a query with & = % and a space), read, update, delete; a 404 and a 409 are CovetErrors', async () => {
  const user = await api.createUser({ body: { name: 'R&D = 100% sure', email: 'rd@client.test', age: 41 } });
  assert.is(user.name, 'R&D = 100% sure');
  assert.type(user.id, 'number');
  const page = await api.listUsers({ q: 'R&D = 100%', limit: 5 });
  assert.equal(page.items.map((u) => u.id), [user.id]);
  assert.is(page.limit, 5);
  assert.equal(await api.getUser({ id: user.id }), user);
  const older = await api.updateUser({ id: user.id, body: { age: 42 } });
  assert.is(older.age, 42);
  const taken = await rejects(() => api.createUser({ body: { name: 'again', email: 'RD@client.test' } }));
  assert.is(taken.status, 409);
  assert.match(String(taken.detail), /already exists/);
  assert.is(taken.operation, 'createUser');
  assert.is(await api.deleteUser({ id: user.id }), undefined);
  const gone = await rejects(() => api.getUser({ id: user.id }));
  assert.is(gone.status, 404);
  assert.not.instance(gone, mod.CovetValidationError);
  assert.equal(gone.body, { detail: `user ${user.id} not found` });
});

test('session: sign in, the cookie argument, sign out', async () => {
  const user = await api.createUser({ body: { name: 'Cookie', email: 'cookie@client.test' } });
  const signedIn = await api.signIn({ body: { email: 'cookie@client.test' } });
  assert.is(signedIn.id, user.id);
  const cookie = setCookies.at(-1) ?? '';
  const value = /^todo_session=([^;]*)/.exec(cookie)?.[1];
  assert.ok(value, cookie);
  assert.equal(await api.me({ session: decodeURIComponent(value!) }), user, 'a cookie argument is sent in the cookie header');
  assert.is((await rejects(() => api.me())).status, 401);
  assert.is(await api.signOut(), undefined);
  assert.match(setCookies.at(-1) ?? '', /^todo_session=; /);
});

test('OAuth2: token() posts the form; a bearer token through the headers option opens the protected routes', async () => {
  await api.createUser({ body: { name: 'Bearer', email: 'bearer@client.test' } });
  const issued = await api.token({ body: { grant_type: 'password', username: 'bearer@client.test', password: 'todo-demo', scope: 'todos:read todos:write' } });
  assert.is(issued.token_type, 'bearer');
  assert.is(issued.scope, 'todos:read todos:write');
  const authed = mod.createClient({ baseUrl: app!.url, headers: () => ({ authorization: `Bearer ${issued.access_token}` }) });
  const todo = await authed.addMyTodo({ body: { title: 'From the client' } });
  assert.equal((await authed.myTodos()).items.map((t) => t.id), [todo.id]);
  const anonymous = await rejects(() => api.myTodos());
  assert.is(anonymous.status, 401);
  assert.is(anonymous.response.headers.get('www-authenticate'), 'Bearer');
  const wrong = await rejects(() => api.token({ body: { grant_type: 'password', username: 'bearer@client.test', password: 'nope' } }));
  assert.is(wrong.status, 400);
});

test('todos: create, list with repeated tag keys, read, update, mark done and not done, delete', async () => {
  const owner = await api.createUser({ body: { name: 'Todo owner', email: 'todos@client.test' } });
  const todo = await api.createTodo({ userId: owner.id, body: { title: 'Buy milk', tags: ['home', 'errand'], priority: 'high', due: '2030-01-02' } });
  assert.is(todo.userId, owner.id);
  assert.equal(todo.tags, ['home', 'errand']);
  assert.is(todo.done, false);
  const other = await api.createTodo({ userId: owner.id, body: { title: 'Call mum', tags: ['home'] } });
  const both = await api.listTodos({ userId: owner.id, tag: ['home', 'errand'] });
  assert.equal(both.items.map((t) => t.id), [todo.id], 'an array argument repeats its key: every tag is required');
  const home = await api.listTodos({ userId: owner.id, tag: ['home'], sort: '-created' });
  assert.equal(home.items.map((t) => t.id), [other.id, todo.id]);
  assert.is((await api.listTodos({ userId: owner.id, done: true })).total, 0);
  assert.equal(await api.getTodo({ id: todo.id }), todo);
  const noted = await api.updateTodo({ id: todo.id, body: { notes: 'semi-skimmed', due: null } });
  assert.is(noted.notes, 'semi-skimmed');
  assert.is(noted.due, null);
  assert.is((await api.markDone({ id: todo.id })).done, true);
  assert.is((await api.listTodos({ userId: owner.id, done: true })).total, 1, 'a boolean argument as the server reads it');
  assert.is((await api.markNotDone({ id: todo.id })).done, false);
  assert.is(await api.deleteTodo({ id: todo.id }), undefined);
  const gone = await rejects(() => api.getTodo({ id: todo.id }));
  assert.is(gone.status, 404);
  assert.is(gone.detail, `todo ${todo.id} not found`);
  assert.match(gone.message, /^getTodo: the server answered 404: todo \d+ not found$/);
});

test('a 422 is a CovetValidationError with the detail list, typed like the server\'s 422 body', async () => {
  const bad = await rejects(() => api.listTodos({ limit: 1000, offset: -1 }), mod.CovetValidationError);
  assert.is(bad.status, 422);
  assert.equal(bad.detail.map((d) => d.loc).sort(), [['query', 'limit'], ['query', 'offset']]);
  for (const d of bad.detail) assert.ok(typeof d.msg === 'string' && typeof d.type === 'string');
  assert.equal(bad.body.detail, bad.detail);
  const path = await rejects(() => api.getTodo({ id: 0 }), mod.CovetValidationError);
  assert.equal(path.detail.map((d) => d.loc), [['path', 'id']]);
  const body = await rejects(() => api.createTodo({ userId: 1, body: { title: '' } }), mod.CovetValidationError);
  assert.equal(body.detail.map((d) => d.loc), [['body', 'title']]);
  assert.match(body.message, /^createTodo: the server answered 422: body\.title: /);
});

// ---------------------------------------------------------------- types

/** A user's file: calls that must type-check, and wrong ones under `@ts-expect-error`. */
const USAGE = `import { createClient, CovetError, CovetValidationError, type CovetClient, type Todo, type ValidationError } from './client.ts';

const api: CovetClient = createClient({ baseUrl: 'http://localhost:3000', headers: async () => ({ authorization: 'Bearer x' }) });

export async function usage(): Promise<number> {
  const todo: Todo = await api.getTodo({ id: 1 });
  const page = await api.listTodos({ tag: ['a', 'b'], done: true, sort: '-created', priority: 'low' });
  const nothing: void = await api.deleteTodo({ id: todo.id });
  await api.health({ requestId: 'x' }, { signal: AbortSignal.timeout(1000) });
  await api.signOut();
  try {
    await api.createTodo({ userId: 1, body: { title: 'x', tags: ['home'] } });
  } catch (e) {
    if (e instanceof CovetValidationError) {
      const detail: ValidationError[] = e.detail;
      const status: 422 = e.status;
      return detail.length + status;
    }
    if (e instanceof CovetError) return e.status;
  }
  void nothing;
  // @ts-expect-error: an id is a number
  await api.getTodo({ id: 'one' });
  // @ts-expect-error: the path parameter is required
  await api.getTodo({});
  // @ts-expect-error: a priority is low, normal or high
  await api.listTodos({ priority: 'urgent' });
  // @ts-expect-error: tag is an array
  await api.listTodos({ tag: 'home' });
  // @ts-expect-error: a todo needs a title
  await api.createTodo({ userId: 1, body: {} });
  // @ts-expect-error: no route is called getTodos
  await api.getTodos();
  // @ts-expect-error: the answer is a Todo, not a string
  const title: string = await api.getTodo({ id: 1 });
  return page.total + title.length;
}
`;

once('the client and a file using it type-check with tsc --strict; each wrong call is an error where it is written', () => {
  writeFileSync(path.join(work, 'usage.ts'), USAGE);
  const ok = tsc(work, ['client.ts', 'usage.ts']);
  assert.is(ok.code, 0, ok.out);
  // Without the directives, each line after one must be an error (the directives are not idle).
  const lines = USAGE.split('\n');
  const expected = lines.flatMap((l, i) => (l.includes('@ts-expect-error') ? [i + 2] : []));
  assert.is(expected.length, 7);
  writeFileSync(path.join(work, 'wrong.ts'), lines.map((l) => (l.includes('@ts-expect-error') ? '' : l)).join('\n'));
  const wrong = tsc(work, ['client.ts', 'wrong.ts']);
  assert.is.not(wrong.code, 0);
  const reported = [...new Set([...wrong.out.matchAll(/^wrong\.ts\((\d+),\d+\): error TS\d+/gm)].map((m) => Number(m[1])))];
  assert.equal(reported, expected, wrong.out);
});

/**
 * For each route, type assertions that its client method's argument and
 * result are mutually assignable to openapi-typescript's types of the same
 * operation: each parameter group (by wire names), the request body, the
 * success response; and the 422 body to the error's.
 */
function typeAssertions(ir: AppIR): string {
  const out = [
    "import type { paths, components } from './openapi.ts';",
    "import type { CovetClient, CovetValidationError } from './client.ts';",
    '',
    '/** True when A and B are assignable to each other. */',
    'type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
    'type Args<K extends keyof CovetClient> = NonNullable<Parameters<CovetClient[K]>[0]>;',
    'type Result<K extends keyof CovetClient> = Awaited<ReturnType<CovetClient[K]>>;',
    '/** The argument `K` of `A` under the wire name `W`, optional as it is. */',
    'type Wire<A, K extends keyof A, W extends string> = { [P in keyof Pick<A, K> as W]: A[P] };',
    '',
  ];
  const q = JSON.stringify;
  for (const r of ir.routes as RouteIR[]) {
    const op = `paths[${q(openApiPath(r))}][${q(r.method.toLowerCase())}]`;
    const checks: string[] = [];
    for (const kind of ['path', 'query', 'header', 'cookie'] as const) {
      const ps = r.params.filter((p) => p.kind === kind);
      if (!ps.length) continue;
      const group = ps.map((p) => `Wire<Args<${q(r.id)}>, ${q(p.name)}, ${q('key' in p ? p.key : p.name)}>`).join(' & ');
      checks.push(`Same<${group}, NonNullable<${op}['parameters'][${q(kind)}]>>`);
    }
    const body = r.params.find((p) => p.kind === 'body');
    const bodyMedia = body?.kind === 'body' && body.media === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
    if (body) checks.push(`Same<Args<${q(r.id)}>[${q(body.name)}], NonNullable<${op}['requestBody']>['content'][${q(bodyMedia)}]>`);
    if (r.response === null) checks.push(`Same<Result<${q(r.id)}>, void>`);
    else {
      const media = r.response.kind === 'string' && r.response.mediaType ? r.response.mediaType : 'application/json';
      checks.push(`Same<Result<${q(r.id)}>, ${op}['responses'][${r.status}]['content'][${q(media)}]>`);
    }
    for (const [i, c] of checks.entries()) out.push(`export const ${r.id}_${i}: ${c} = true;`);
  }
  out.push("export const validation: Same<CovetValidationError['body'], components['schemas']['HTTPValidationError']> = true;");
  return out.join('\n') + '\n';
}

once('openapi-typescript on dist/openapi.json: every method\'s arguments and result match its operation both ways', async () => {
  const document = JSON.parse(readFileSync(path.join(outDir, 'openapi.json'), 'utf8'));
  writeFileSync(path.join(work, 'openapi.ts'), await openapiTS(document));
  // The IR golden, which compiler/compiler.test.ts checks against the sources (and the golden client was made from).
  const ir = JSON.parse(readFileSync(path.join(APP_DIR, 'expected', 'ir.json'), 'utf8')) as AppIR;
  const assertions = typeAssertions(ir);
  assert.ok(assertions.split('\n').filter((l) => l.startsWith('export const')).length >= ir.routes.length * 2);
  writeFileSync(path.join(work, 'agree.ts'), assertions);
  const r = tsc(work, ['client.ts', 'openapi.ts', 'agree.ts']);
  assert.is(r.code, 0, r.out);
  // The check bites: a client whose getTodo answered a User would fail it.
  writeFileSync(path.join(work, 'client.ts.bak'), readFileSync(clientFile));
  writeFileSync(clientFile, readFileSync(clientFile, 'utf8').replace('init?: CovetRequestOptions): Promise<Todo>;', 'init?: CovetRequestOptions): Promise<User>;'));
  const broken = tsc(work, ['client.ts', 'openapi.ts', 'agree.ts']);
  writeFileSync(clientFile, readFileSync(path.join(work, 'client.ts.bak')));
  assert.is.not(broken.code, 0);
  assert.match(broken.out, /agree\.ts\(\d+,\d+\): error/);
});

test.run();
