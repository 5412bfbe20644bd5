/**
 * fixtures/todo-app end to end: `covet build` it, start `dist/server.mjs` on
 * a fresh SQLite file, and drive it over real HTTP with fetch. Tests run in
 * order and share the server; each one creates the users it looks at (with
 * distinct e-mail addresses) and filters lists down to them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCHEMA_VERSION } from '../../fixtures/todo-app/db.ts';
import { startApp } from '../harness.ts';

type App = Awaited<ReturnType<typeof startApp>>;

const APP_DIR = fileURLToPath(new URL('../../fixtures/todo-app', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'covet-todo-app-'));
const dbFile = join(dataDir, 'todo.db');
const env = { TODO_DB: dbFile, TODO_SECRET: 'e2e-secret' };

let app: App | undefined;

test.before(async () => {
  app = await startApp(APP_DIR, { env });
});

test.after(async () => {
  await app?.stop();
  app = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- helpers

/** A parsed JSON body: tests read it freely and let the assertions check it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when the response is JSON. */
  json: Json;
}

interface Send {
  /** Sent as JSON with `content-type: application/json` (unless `headers` says otherwise). */
  json?: unknown;
  /** Sent as is. */
  body?: string;
  headers?: Record<string, string>;
}

async function call(method: string, path: string, send: Send = {}): Promise<Reply> {
  if (!app) throw new Error('the app is not running');
  const headers: Record<string, string> = { ...send.headers };
  let body = send.body;
  if (send.json !== undefined) {
    body = JSON.stringify(send.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(new URL(path, app.url), { method, headers, body });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, headers: response.headers, text, json: isJson && text !== '' ? JSON.parse(text) : undefined };
}

function expectStatus(reply: Reply, status: number): void {
  assert.is(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
}

/** An error answer: the status and FastAPI's `{"detail": "…"}`. */
function expectDetail(reply: Reply, status: number, detail?: string | RegExp): void {
  expectStatus(reply, status);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
  assert.type(reply.json?.detail, 'string', reply.text);
  if (typeof detail === 'string') assert.is(reply.json.detail, detail);
  else if (detail) assert.match(reply.json.detail, detail);
}

/**
 * A 422 answer in FastAPI's shape, listing a failure at each of `locs` and
 * nowhere else (a location may carry more than one failure).
 */
function expectInvalid(reply: Reply, locs: (string | number)[][]): void {
  expectStatus(reply, 422);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
  const detail: unknown = reply.json?.detail;
  assert.ok(Array.isArray(detail) && detail.length > 0, `detail is a non-empty array: ${reply.text}`);
  for (const failure of detail as { loc: unknown; msg: unknown; type: unknown }[]) {
    assert.ok(Array.isArray(failure.loc), `loc is an array: ${JSON.stringify(failure)}`);
    assert.ok(typeof failure.msg === 'string' && failure.msg.length > 0, `msg is a non-empty string: ${JSON.stringify(failure)}`);
    assert.ok(typeof failure.type === 'string' && failure.type.length > 0, `type is a non-empty string: ${JSON.stringify(failure)}`);
  }
  const reported = [...new Set((detail as { loc: unknown }[]).map((failure) => JSON.stringify(failure.loc)))].sort();
  const expected = locs.map((loc) => JSON.stringify(loc)).sort();
  assert.equal(reported, expected, reply.text);
}

function allowed(reply: Reply): string[] {
  return (reply.headers.get('allow') ?? '').split(',').map((method) => method.trim()).filter(Boolean).sort();
}

const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function createUser(name: string, email: string, age?: number): Promise<Json> {
  const reply = await call('POST', '/users', { json: age === undefined ? { name, email } : { name, email, age } });
  expectStatus(reply, 201);
  return reply.json;
}

async function createTodo(userId: number, todo: Record<string, unknown>): Promise<Json> {
  const reply = await call('POST', `/users/${userId}/todos`, { json: todo });
  expectStatus(reply, 201);
  return reply.json;
}

// ---------------------------------------------------------------- health

test('GET /health answers ok and echoes x-request-id', async () => {
  const reply = await call('GET', '/health', { headers: { 'x-request-id': 'req-42' } });
  expectStatus(reply, 200);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
  assert.is(reply.headers.get('x-request-id'), 'req-42');
  assert.is(reply.json.status, 'ok');
  assert.is(reply.json.requestId, 'req-42');
  assert.is(reply.json.database.schemaVersion, SCHEMA_VERSION);
  assert.equal(Object.keys(reply.json), ['status', 'requestId', 'database', 'uptimeSeconds']);

  const anonymous = await call('GET', '/health');
  assert.match(anonymous.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  assert.is(anonymous.json.requestId, anonymous.headers.get('x-request-id'));
});

// ---------------------------------------------------------------- users

test('POST /users creates a user: 201, Location, the body echoed with id and createdAt in declaration order', async () => {
  const reply = await call('POST', '/users', { json: { name: 'Ada Lovelace', email: 'ada@example.com', age: 36 } });
  expectStatus(reply, 201);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
  const user = reply.json;
  assert.type(user.id, 'number');
  assert.ok(Number.isInteger(user.id) && user.id > 0);
  assert.is(reply.headers.get('location'), `/users/${user.id}`);
  assert.equal(Object.keys(user), ['id', 'name', 'email', 'age', 'createdAt']);
  assert.is(user.name, 'Ada Lovelace');
  assert.is(user.email, 'ada@example.com');
  assert.is(user.age, 36);
  assert.match(user.createdAt, ISO_DATE_TIME);

  const again = await call('GET', `/users/${user.id}`);
  expectStatus(again, 200);
  assert.equal(again.json, user);
});

test('an absent optional property is omitted from the response, not null', async () => {
  const reply = await call('POST', '/users', { json: { name: 'No Age', email: 'noage@example.com' } });
  expectStatus(reply, 201);
  assert.equal(Object.keys(reply.json), ['id', 'name', 'email', 'createdAt']);
});

test('a JSON content-type with parameters is accepted', async () => {
  const reply = await call('POST', '/users', {
    json: { name: 'Charset', email: 'charset@example.com' },
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
  expectStatus(reply, 201);
});

test('a duplicate e-mail answers 409 with a detail, whatever its case', async () => {
  await createUser('Grace', 'grace@example.com');
  expectDetail(await call('POST', '/users', { json: { name: 'Grace 2', email: 'grace@example.com' } }), 409, /grace@example\.com/);
  expectDetail(await call('POST', '/users', { json: { name: 'Grace 3', email: 'GRACE@example.com' } }), 409);
});

test('a body with several bad fields answers 422 listing every failure', async () => {
  const reply = await call('POST', '/users', { json: { name: '', email: 'not-an-email', age: -1 } });
  expectInvalid(reply, [
    ['body', 'name'],
    ['body', 'email'],
    ['body', 'age'],
  ]);
});

test('422 for missing fields and wrong types, located by name', async () => {
  expectInvalid(await call('POST', '/users', { json: { name: 42 } }), [
    ['body', 'name'],
    ['body', 'email'],
  ]);
  expectInvalid(await call('POST', '/users', { json: { name: 'x'.repeat(51), email: 'long@example.com', age: 36.5 } }), [
    ['body', 'name'],
    ['body', 'age'],
  ]);
  expectInvalid(await call('POST', '/users', { json: { name: 'Young', email: 'old@example.com', age: 151 } }), [['body', 'age']]);
});

test('a body that is not an object answers 422 at loc ["body"]', async () => {
  expectInvalid(await call('POST', '/users', { json: ['Ada', 'ada@example.com'] }), [['body']]);
});

test('malformed JSON answers 400', async () => {
  const reply = await call('POST', '/users', { body: '{"name": "Ada", "email": ', headers: { 'content-type': 'application/json' } });
  expectDetail(reply, 400);
  assert.not.match(reply.text, /\bat .*\.m?[jt]s:\d+/, 'no stack trace');
});

test('a body that is not JSON answers 415', async () => {
  const reply = await call('POST', '/users', {
    body: JSON.stringify({ name: 'Ada', email: 'plain@example.com' }),
    headers: { 'content-type': 'text/plain' },
  });
  expectDetail(reply, 415);
});

test('GET /users/:id: 404 for a missing user, 422 for an id that is not a positive integer', async () => {
  expectDetail(await call('GET', '/users/999999'), 404, 'user 999999 not found');
  expectInvalid(await call('GET', '/users/abc'), [['path', 'id']]);
  expectInvalid(await call('GET', '/users/1.5'), [['path', 'id']]);
  expectInvalid(await call('GET', '/users/0'), [['path', 'id']]);
});

test('GET /users pages through a search, with total, limit and offset', async () => {
  const ids: number[] = [];
  for (let i = 1; i <= 5; i++) ids.push((await createUser(`Pager ${i}`, `pager${i}@example.org`)).id);

  const first = await call('GET', '/users?q=pager&limit=2');
  expectStatus(first, 200);
  assert.equal(Object.keys(first.json), ['items', 'total', 'limit', 'offset']);
  assert.is(first.json.total, 5);
  assert.is(first.json.limit, 2);
  assert.is(first.json.offset, 0);
  assert.equal(first.json.items.map((u: { id: number }) => u.id), ids.slice(0, 2));

  const last = await call('GET', '/users?q=pager&limit=2&offset=4');
  assert.equal(last.json.items.map((u: { id: number }) => u.id), ids.slice(4));
  assert.is(last.json.total, 5);

  const beyond = await call('GET', '/users?q=pager&offset=50');
  assert.equal(beyond.json.items, []);
  assert.is(beyond.json.total, 5);

  const byDefault = await call('GET', '/users?q=PAGER');
  assert.is(byDefault.json.limit, 20, 'limit defaults to 20');
  assert.is(byDefault.json.items.length, 5, 'search ignores case');

  // Query values are percent-decoded, with + as a space.
  assert.equal((await call('GET', '/users?q=pager+3')).json.items.map((u: { id: number }) => u.id), [ids[2]]);
  assert.equal((await call('GET', '/users?q=Pager%204')).json.items.map((u: { id: number }) => u.id), [ids[3]]);
  assert.is((await call('GET', '/users?q=example.org')).json.total, 5);
});

test('GET /users rejects a bad limit or offset with 422 at loc ["query", …]', async () => {
  expectInvalid(await call('GET', '/users?limit=0'), [['query', 'limit']]);
  expectInvalid(await call('GET', '/users?limit=101'), [['query', 'limit']]);
  expectInvalid(await call('GET', '/users?limit=ten'), [['query', 'limit']]);
  expectInvalid(await call('GET', '/users?limit=0&offset=-1'), [
    ['query', 'limit'],
    ['query', 'offset'],
  ]);
});

test('an Int past the safe range answers 422, not a 500 from SQLite or another row', async () => {
  // Issue 8, class 6: `offset=99999999999999999999` reached SQLite as 1e20 ("datatype mismatch", a 500),
  // and `/users/9007199254740993` read user 9007199254740992.
  const unsafe = { type: 'safe_integer', msg: 'Input should be a safe integer, between -9007199254740991 and 9007199254740991' };
  const only = (reply: Reply, loc: (string | number)[]) => {
    expectInvalid(reply, [loc]);
    assert.equal(reply.json.detail, [{ loc, ...unsafe }]);
  };
  only(await call('GET', '/users?offset=99999999999999999999'), ['query', 'offset']);
  only(await call('GET', '/users?offset=9007199254740992'), ['query', 'offset']);
  only(await call('GET', '/users/9007199254740993'), ['path', 'id']);
  only(await call('DELETE', '/users/99999999999999999999'), ['path', 'id']);
  only(await call('GET', '/todos?userId=9007199254740993'), ['query', 'userId']);
  only(await call('POST', '/users/9007199254740993/todos', { json: { title: 'x' } }), ['path', 'userId']);
  // Bounded on both sides (Max<150>): the bound's own error, as before.
  const age = await call('POST', '/users', { json: { name: 'Big', email: 'big@example.com', age: 1e20 } });
  expectInvalid(age, [['body', 'age']]);
  assert.is(age.json.detail[0].type, 'less_than_equal');
  // The largest safe offset is served: an empty page.
  const last = await call('GET', '/users?offset=9007199254740991');
  expectStatus(last, 200);
  assert.equal(last.json.items, []);
  assert.is(last.json.offset, 9007199254740991);
});

test('PATCH /users/:id changes only what the body carries', async () => {
  const user = await createUser('Patchy', 'patchy@example.com', 30);
  const reply = await call('PATCH', `/users/${user.id}`, { json: { age: 31 } });
  expectStatus(reply, 200);
  assert.equal(reply.json, { ...user, age: 31 });

  const renamed = await call('PATCH', `/users/${user.id}`, { json: { name: 'Patricia' } });
  assert.equal(renamed.json, { ...user, name: 'Patricia', age: 31 });

  const unchanged = await call('PATCH', `/users/${user.id}`, { json: {} });
  assert.equal(unchanged.json, renamed.json);
  assert.equal((await call('GET', `/users/${user.id}`)).json, renamed.json);

  expectInvalid(await call('PATCH', `/users/${user.id}`, { json: { name: '', email: 'nope' } }), [
    ['body', 'name'],
    ['body', 'email'],
  ]);
  expectDetail(await call('PATCH', '/users/999999', { json: { age: 1 } }), 404, 'user 999999 not found');
});

test('PATCH /users/:id to an e-mail address that is taken answers 409', async () => {
  await createUser('Taken', 'taken@example.com');
  const user = await createUser('Taker', 'taker@example.com');
  expectDetail(await call('PATCH', `/users/${user.id}`, { json: { email: 'taken@example.com' } }), 409);
  assert.is((await call('GET', `/users/${user.id}`)).json.email, 'taker@example.com');
});

// ---------------------------------------------------------------- todos

test('POST /users/:userId/todos creates a todo with defaults; 404 for an unknown user', async () => {
  const user = await createUser('Tod', 'tod@example.com');
  const reply = await call('POST', `/users/${user.id}/todos`, { json: { title: 'Write the README' } });
  expectStatus(reply, 201);
  const todo = reply.json;
  assert.is(reply.headers.get('location'), `/todos/${todo.id}`);
  assert.equal(Object.keys(todo), ['id', 'userId', 'title', 'done', 'priority', 'tags', 'due', 'createdAt', 'updatedAt']);
  assert.is(todo.userId, user.id);
  assert.is(todo.title, 'Write the README');
  assert.is(todo.done, false);
  assert.is(todo.priority, 'normal');
  assert.equal(todo.tags, []);
  assert.is(todo.due, null);
  assert.match(todo.createdAt, ISO_DATE_TIME);
  assert.is(todo.updatedAt, todo.createdAt);

  const full = await call('POST', `/users/${user.id}/todos`, {
    json: { title: 'Ship it', notes: 'by Friday', priority: 'high', tags: ['work', 'release-1'], due: '2030-05-17' },
  });
  expectStatus(full, 201);
  assert.equal(Object.keys(full.json), ['id', 'userId', 'title', 'notes', 'done', 'priority', 'tags', 'due', 'createdAt', 'updatedAt']);
  assert.is(full.json.notes, 'by Friday');
  assert.is(full.json.priority, 'high');
  assert.equal(full.json.tags, ['work', 'release-1']);
  assert.is(full.json.due, '2030-05-17');

  expectDetail(await call('POST', '/users/999999/todos', { json: { title: 'orphan' } }), 404, 'user 999999 not found');
  expectInvalid(await call('POST', '/users/abc/todos', { json: { title: 'x' } }), [['path', 'userId']]);
});

test('a todo body with several bad fields, nested ones included, answers 422 listing each', async () => {
  const user = await createUser('Bad Todo', 'badtodo@example.com');
  const reply = await call('POST', `/users/${user.id}/todos`, {
    json: { title: '', priority: 'urgent', tags: ['fine', 'Not A Tag'], due: 'tomorrow' },
  });
  expectInvalid(reply, [
    ['body', 'title'],
    ['body', 'priority'],
    ['body', 'tags', 1],
    ['body', 'due'],
  ]);
  expectInvalid(await call('POST', `/users/${user.id}/todos`, { json: { title: 'dupes', tags: ['a', 'a'] } }), [['body', 'tags']]);
  const eleven = Array.from({ length: 11 }, (_, i) => `t${i}`);
  expectInvalid(await call('POST', `/users/${user.id}/todos`, { json: { title: 'many', tags: eleven } }), [['body', 'tags']]);
  expectInvalid(await call('POST', `/users/${user.id}/todos`, { json: { notes: 'no title' } }), [['body', 'title']]);
});

test('GET /todos filters by user, done, priority, text, due day, and tags given as a repeated key', async () => {
  const user = await createUser('Filter', 'filter@example.com');
  const other = await createUser('Other', 'other@example.com');
  const milk = await createTodo(user.id, { title: 'Buy milk', priority: 'low', tags: ['home', 'errand'], due: '2030-03-01' });
  const taxes = await createTodo(user.id, { title: 'File taxes', priority: 'high', tags: ['home'], due: '2030-02-01' });
  const bike = await createTodo(user.id, { title: 'Fix bike', tags: ['errand'], notes: 'rear brake' });
  await createTodo(other.id, { title: 'Not mine', tags: ['home', 'errand'] });
  expectStatus(await call('PUT', `/todos/${taxes.id}/done`), 200);

  const ids = async (query: string): Promise<number[]> => {
    const reply = await call('GET', `/todos?userId=${user.id}${query ? `&${query}` : ''}`);
    expectStatus(reply, 200);
    return reply.json.items.map((t: { id: number }) => t.id);
  };
  assert.equal(await ids(''), [milk.id, taxes.id, bike.id]);
  assert.equal(await ids('done=true'), [taxes.id]);
  assert.equal(await ids('done=false'), [milk.id, bike.id]);
  assert.equal(await ids('priority=high'), [taxes.id]);
  assert.equal(await ids('tag=home'), [milk.id, taxes.id]);
  assert.equal(await ids('tag=home&tag=errand'), [milk.id], 'every tag is required');
  assert.equal(await ids('tag=errand&done=false'), [milk.id, bike.id]);
  assert.equal(await ids('tag=nothing'), []);
  assert.equal(await ids('q=BRAKE'), [bike.id], 'q searches notes too, ignoring case');
  assert.equal(await ids('dueBefore=2030-02-15'), [taxes.id]);

  const page = await call('GET', `/todos?userId=${user.id}&limit=2&offset=1`);
  assert.equal(page.json.items.map((t: { id: number }) => t.id), [taxes.id, bike.id]);
  assert.is(page.json.total, 3);
  assert.is(page.json.limit, 2);
  assert.is(page.json.offset, 1);

  const everyones = await call('GET', '/todos?tag=home&tag=errand&limit=100');
  assert.ok(everyones.json.items.length >= 2);
  assert.is(everyones.json.total, everyones.json.items.length);
});

test('GET /todos sorts by a literal union of orders', async () => {
  const user = await createUser('Sorter', 'sorter@example.com');
  const b = await createTodo(user.id, { title: 'banana', priority: 'low', due: '2030-01-02' });
  const a = await createTodo(user.id, { title: 'Apple', priority: 'high' });
  const c = await createTodo(user.id, { title: 'cherry', due: '2030-01-01' });
  const order = async (sort: string): Promise<number[]> => {
    const reply = await call('GET', `/todos?userId=${user.id}&sort=${sort}`);
    expectStatus(reply, 200);
    return reply.json.items.map((t: { id: number }) => t.id);
  };
  assert.equal(await order('created'), [b.id, a.id, c.id]);
  assert.equal(await order('-created'), [c.id, a.id, b.id]);
  assert.equal(await order('title'), [a.id, b.id, c.id]);
  assert.equal(await order('due'), [c.id, b.id, a.id]);
  assert.equal(await order('priority'), [a.id, c.id, b.id]);
});

test('GET /todos rejects bad filters with 422 at loc ["query", …]', async () => {
  expectInvalid(await call('GET', '/todos?done=maybe'), [['query', 'done']]);
  expectInvalid(await call('GET', '/todos?priority=urgent'), [['query', 'priority']]);
  expectInvalid(await call('GET', '/todos?sort=random'), [['query', 'sort']]);
  expectInvalid(await call('GET', '/todos?userId=me'), [['query', 'userId']]);
  expectInvalid(await call('GET', '/todos?dueBefore=soon&limit=1000'), [
    ['query', 'dueBefore'],
    ['query', 'limit'],
  ]);
});

test('GET /todos/:id reads one; 404 and 422 as for users', async () => {
  const user = await createUser('Reader', 'reader@example.com');
  const todo = await createTodo(user.id, { title: 'Read me' });
  const reply = await call('GET', `/todos/${todo.id}`);
  expectStatus(reply, 200);
  assert.equal(reply.json, todo);
  expectDetail(await call('GET', '/todos/999999'), 404, 'todo 999999 not found');
  expectInvalid(await call('GET', '/todos/abc'), [['path', 'id']]);
});

test('PATCH /todos/:id changes only what the body carries; null clears notes and due', async () => {
  const user = await createUser('Editor', 'editor@example.com');
  const created = await createTodo(user.id, { title: 'Draft', notes: 'first pass', tags: ['writing'], due: '2030-09-09' });

  const retitled = await call('PATCH', `/todos/${created.id}`, { json: { title: 'Final', priority: 'high' } });
  expectStatus(retitled, 200);
  const { updatedAt: _before, ...createdRest } = created;
  const { updatedAt: after, ...retitledRest } = retitled.json;
  assert.equal(retitledRest, { ...createdRest, title: 'Final', priority: 'high' });
  assert.ok(after >= created.createdAt);

  const cleared = await call('PATCH', `/todos/${created.id}`, { json: { notes: null, due: null, tags: [], done: true } });
  expectStatus(cleared, 200);
  assert.not.ok('notes' in cleared.json, 'notes cleared, so omitted');
  assert.is(cleared.json.due, null);
  assert.equal(cleared.json.tags, []);
  assert.is(cleared.json.done, true);
  assert.is(cleared.json.title, 'Final');

  expectInvalid(await call('PATCH', `/todos/${created.id}`, { json: { title: '', done: 'yes' } }), [
    ['body', 'title'],
    ['body', 'done'],
  ]);
  expectDetail(await call('PATCH', '/todos/999999', { json: { done: true } }), 404);
});

test('PUT /todos/:id/done marks done and DELETE /todos/:id/done undoes it, both idempotent', async () => {
  const user = await createUser('Doer', 'doer@example.com');
  const todo = await createTodo(user.id, { title: 'Do it' });
  const done = await call('PUT', `/todos/${todo.id}/done`);
  expectStatus(done, 200);
  assert.is(done.json.done, true);
  const again = await call('PUT', `/todos/${todo.id}/done`);
  assert.equal(again.json, done.json, 'nothing changes the second time');
  const undone = await call('DELETE', `/todos/${todo.id}/done`);
  expectStatus(undone, 200);
  assert.is(undone.json.done, false);
  expectDetail(await call('PUT', '/todos/999999/done'), 404);
});

test('DELETE /todos/:id answers 204 with no body, then 404', async () => {
  const user = await createUser('Deleter', 'deleter@example.com');
  const todo = await createTodo(user.id, { title: 'Delete me' });
  const reply = await call('DELETE', `/todos/${todo.id}`);
  expectStatus(reply, 204);
  assert.is(reply.text, '');
  expectDetail(await call('GET', `/todos/${todo.id}`), 404);
  expectDetail(await call('DELETE', `/todos/${todo.id}`), 404, `todo ${todo.id} not found`);
});

test('DELETE /users/:id answers 204, then 404, and takes the todos with it', async () => {
  const user = await createUser('Leaver', 'leaver@example.com');
  const todo = await createTodo(user.id, { title: 'left behind?' });
  const reply = await call('DELETE', `/users/${user.id}`);
  expectStatus(reply, 204);
  assert.is(reply.text, '');
  expectDetail(await call('GET', `/users/${user.id}`), 404, `user ${user.id} not found`);
  expectDetail(await call('DELETE', `/users/${user.id}`), 404);
  expectDetail(await call('GET', `/todos/${todo.id}`), 404);
  assert.is((await call('GET', `/todos?userId=${user.id}`)).json.total, 0);
});

// ---------------------------------------------------------------- session cookie

test('POST /session sets a signed cookie that GET /me reads; DELETE /session clears it', async () => {
  const user = await createUser('Cookie Monster', 'cookie@example.com');
  expectDetail(await call('GET', '/me'), 401);

  const signIn = await call('POST', '/session', { json: { email: 'COOKIE@example.com' } });
  expectStatus(signIn, 200);
  assert.is(signIn.json.id, user.id);
  const setCookie = signIn.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /^todo_session=[^;]+;/);
  // ctx.setCookie: the attributes session.ts asks for, Path=/ by default.
  const attributes = setCookie.split('; ').slice(1).sort();
  assert.equal(attributes, ['HttpOnly', 'Max-Age=604800', 'Path=/', 'SameSite=Lax']);
  const cookie = setCookie.split(';')[0] ?? '';

  const me = await call('GET', '/me', { headers: { cookie: `theme=dark; ${cookie}` } });
  expectStatus(me, 200);
  assert.equal(me.json, user);

  const forged = cookie.replace(/=\d+\./, '=1.');
  if (forged !== cookie) expectDetail(await call('GET', '/me', { headers: { cookie: forged } }), 401);
  expectDetail(await call('GET', '/me', { headers: { cookie: 'todo_session=garbage' } }), 401);
  expectDetail(await call('POST', '/session', { json: { email: 'nobody@example.com' } }), 401);
  expectInvalid(await call('POST', '/session', { json: { email: 'nope' } }), [['body', 'email']]);

  const signOut = await call('DELETE', '/session');
  expectStatus(signOut, 204);
  // ctx.clearCookie: the same cookie (name and path), empty, expired.
  const cleared = signOut.headers.get('set-cookie') ?? '';
  assert.match(cleared, /^todo_session=;.*Max-Age=0/);
  assert.match(cleared, /; Path=\/(;|$)/);
  assert.match(cleared, /; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
});

// ---------------------------------------------------------------- lifecycle: the transaction provider, the onResponse hook

test('GET /stats counts every answer by status, through the app-wide onResponse hook (404s and 422s too)', async () => {
  const count = (stats: { answers: { status: number; count: number }[] }, status: number) => stats.answers.find((a) => a.status === status)?.count ?? 0;
  const before = (await call('GET', '/stats')).json;
  expectDetail(await call('GET', '/todos/999999'), 404);
  expectInvalid(await call('GET', '/todos?limit=0'), [['query', 'limit']]);
  const after = await call('GET', '/stats');
  expectStatus(after, 200);
  assert.is(count(after.json, 404), count(before, 404) + 1);
  assert.is(count(after.json, 422), count(before, 422) + 1);
  // The first /stats itself was counted once it had answered.
  assert.is(count(after.json, 200), count(before, 200) + 1);
  assert.ok(after.json.slowestMs >= 0);
});

test('POST /users/:userId/todos runs in a transaction that ends with the request, committed or rolled back', async () => {
  const user = await createUser('Tx', 'tx@example.com');
  const total = async () => (await call('GET', `/todos?userId=${user.id}`)).json.total as number;
  expectStatus(await call('POST', `/users/${user.id}/todos`, { json: { title: 'kept' } }), 201);
  assert.is(await total(), 1);
  // An unknown user: findUser throws 404 inside the transaction, which rolls back.
  expectDetail(await call('POST', '/users/999999/todos', { json: { title: 'lost' } }), 404);
  // The transaction ended either way: the next write is not refused as nested.
  expectStatus(await call('POST', `/users/${user.id}/todos`, { json: { title: 'kept too' } }), 201);
  assert.is(await total(), 2);
});

// ---------------------------------------------------------------- routing

test('an unknown route answers 404', async () => {
  expectDetail(await call('GET', '/nope'), 404);
  expectDetail(await call('GET', '/users/1/nope'), 404);
  expectDetail(await call('POST', '/todos/1/done/again'), 404);
});

test('a known path with another method answers 405 with Allow', async () => {
  const collection = await call('PUT', '/users');
  expectStatus(collection, 405);
  const onCollection = allowed(collection);
  for (const method of ['GET', 'POST']) assert.ok(onCollection.includes(method), `Allow: ${onCollection.join(', ')}`);
  assert.not.ok(onCollection.includes('PUT'));

  const item = await call('POST', '/users/1');
  expectStatus(item, 405);
  const onItem = allowed(item);
  for (const method of ['GET', 'PATCH', 'DELETE']) assert.ok(onItem.includes(method), `Allow: ${onItem.join(', ')}`);

  const done = await call('GET', '/todos/1/done');
  expectStatus(done, 405);
  const onDone = allowed(done);
  for (const method of ['PUT', 'DELETE']) assert.ok(onDone.includes(method), `Allow: ${onDone.join(', ')}`);
});

test('nothing so far crashed a handler', async () => {
  expectStatus(await call('GET', '/health'), 200);
  const output = app?.output() ?? '';
  assert.not.match(output, /Internal Server Error|\n\s+at \S+ \(/, output);
});

// ---------------------------------------------------------------- persistence

test('the data is in the SQLite file, and a restarted server serves it', async () => {
  const users = (await call('GET', '/users?limit=1')).json.total as number;
  const todos = (await call('GET', '/todos?limit=1')).json.total as number;
  const ada = (await call('GET', '/users?q=ada@example.com')).json.items[0];
  assert.ok(users > 10 && todos > 5, `users ${users}, todos ${todos}`);
  await app?.stop();
  app = undefined;

  const db = new Database(dbFile, { fileMustExist: true });
  try {
    assert.is(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.is(db.prepare('SELECT count(*) FROM users').pluck().get(), users);
    assert.is(db.prepare('SELECT count(*) FROM todos').pluck().get(), todos);
    const row = db.prepare('SELECT name, email, age, created_at FROM users WHERE id = ?').get(ada.id);
    assert.equal(row, { name: 'Ada Lovelace', email: 'ada@example.com', age: 36, created_at: ada.createdAt });
    const shipped = db.prepare(`SELECT done, tags, due FROM todos WHERE title = 'Ship it'`).get();
    assert.equal(shipped, { done: 0, tags: '["work","release-1"]', due: '2030-05-17' }, 'booleans as 0/1, tags as JSON text');
  } finally {
    db.close();
  }

  app = await startApp(APP_DIR, { env });
  const again = await call('GET', `/users/${ada.id}`);
  expectStatus(again, 200);
  assert.equal(again.json, ada);
  const health = await call('GET', '/health');
  assert.is(health.json.database.schemaVersion, SCHEMA_VERSION);
  assert.is(health.json.database.users, users);
  assert.is(health.json.database.todos, todos);
});

test.run();
