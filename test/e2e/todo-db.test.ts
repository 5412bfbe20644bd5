/**
 * The todo-app's database module on its own: migrations, pragmas, the
 * statements the handlers run. No server; a fresh SQLite file per test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MIGRATIONS, SCHEMA_VERSION, TODO_ORDER, isUniqueViolation, likeContaining, migrate, openConnection, openTodoDb,
  schemaVersion, type TodoDb, type TodoFilter, type TodoOrder,
} from '../../fixtures/todo-app/db.ts';

const dirs: string[] = [];

function freshFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'covet-todo-db-'));
  dirs.push(dir);
  return join(dir, 'todo.db');
}

test.after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const NO_FILTER: TodoFilter = { userId: null, done: null, priority: null, tags: null, like: null, dueBefore: null };
const NOW = '2025-01-02T03:04:05.000Z';

function tableNames(connection: Database.Database): string[] {
  return connection
    .prepare<[], string>(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all();
}

function addUser(db: TodoDb, name: string, email: string) {
  const row = db.users.insert.get({ name, email, age: null, createdAt: NOW });
  if (!row) throw new Error('no row');
  return row;
}

function addTodo(db: TodoDb, userId: number, title: string, more: { tags?: string[]; priority?: string; due?: string; done?: 0 | 1 } = {}) {
  const row = db.todos.insert.get({
    userId,
    title,
    notes: null,
    done: more.done ?? 0,
    priority: more.priority ?? 'normal',
    tags: JSON.stringify(more.tags ?? []),
    due: more.due ?? null,
    now: NOW,
  });
  if (!row) throw new Error('no row');
  return row;
}

test('a new file is created, migrated to the latest version, in WAL mode with foreign keys on', () => {
  const file = freshFile();
  const connection = openConnection(file);
  assert.is(schemaVersion(connection), SCHEMA_VERSION);
  assert.is(SCHEMA_VERSION, MIGRATIONS.length);
  assert.equal(tableNames(connection), ['todos', 'users']);
  assert.is(connection.pragma('journal_mode', { simple: true }), 'wal');
  assert.is(connection.pragma('foreign_keys', { simple: true }), 1);
  connection.close();
});

test('migrating twice is a no-op: same version, same schema, data kept', () => {
  const file = freshFile();
  const first = openTodoDb(file);
  const user = addUser(first, 'Ada', 'ada@example.com');
  addTodo(first, user.id, 'write the compiler');
  const schemaBefore = first.connection.prepare(`SELECT type, name, sql FROM sqlite_schema ORDER BY name`).all();
  assert.is(migrate(first.connection), 0, 'second migrate on the same connection applies nothing');
  first.close();

  const second = openTodoDb(file);
  assert.is(schemaVersion(second.connection), SCHEMA_VERSION);
  assert.is(migrate(second.connection), 0);
  assert.equal(second.connection.prepare(`SELECT type, name, sql FROM sqlite_schema ORDER BY name`).all(), schemaBefore);
  assert.equal(second.stats.get(), { users: 1, todos: 1 });
  assert.is(second.users.byId.get(user.id)?.email, 'ada@example.com');
  second.close();
});

test('an older database is brought up to date, one migration at a time', () => {
  const file = freshFile();
  const old = new Database(file);
  const first = MIGRATIONS[0];
  if (!first) throw new Error('no migrations');
  old.exec(first.sql);
  old.pragma('user_version = 1');
  old.prepare(`INSERT INTO users (name, email, created_at) VALUES ('Old', 'old@example.com', ?)`).run(NOW);
  old.close();

  const connection = new Database(file);
  assert.is(migrate(connection), MIGRATIONS.length - 1);
  assert.is(schemaVersion(connection), SCHEMA_VERSION);
  assert.is(connection.prepare('SELECT count(*) FROM users').pluck().get(), 1);
  connection.close();
});

test('a database from a newer app is refused, not damaged', () => {
  const file = freshFile();
  const future = new Database(file);
  future.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  future.close();
  assert.throws(() => openConnection(file), /schema version/);
  const after = new Database(file);
  assert.is(schemaVersion(after), SCHEMA_VERSION + 1);
  after.close();
});

test('e-mail addresses are unique regardless of case', () => {
  const db = openTodoDb(freshFile());
  addUser(db, 'Ada', 'ada@example.com');
  let caught: unknown;
  try {
    addUser(db, 'Ada again', 'ADA@Example.com');
  } catch (error) {
    caught = error;
  }
  assert.ok(isUniqueViolation(caught), 'a UNIQUE violation');
  assert.not.ok(isUniqueViolation(new Error('other')));
  assert.is(db.users.byEmail.get('Ada@EXAMPLE.com')?.name, 'Ada');
  db.close();
});

test('deleting a user deletes their todos', () => {
  const db = openTodoDb(freshFile());
  const ada = addUser(db, 'Ada', 'ada@example.com');
  const bob = addUser(db, 'Bob', 'bob@example.com');
  addTodo(db, ada.id, 'one');
  addTodo(db, ada.id, 'two');
  addTodo(db, bob.id, 'three');
  assert.is(db.users.delete.run(ada.id).changes, 1);
  assert.equal(db.stats.get(), { users: 1, todos: 1 });
  db.close();
});

test('a todo for a user that does not exist is refused by the foreign key', () => {
  const db = openTodoDb(freshFile());
  assert.throws(() => addTodo(db, 42, 'orphan'), /FOREIGN KEY/);
  db.close();
});

test('user list: search by name or e-mail, pages, count', () => {
  const db = openTodoDb(freshFile());
  for (const name of ['Ada', 'Bob', 'Cy', 'Dee', 'Eve']) addUser(db, name, `${name.toLowerCase()}@example.com`);
  addUser(db, 'Percent', '100%@example.com');
  const page = db.users.list.all({ like: null, limit: 2, offset: 2 }).map((u) => u.name);
  assert.equal(page, ['Cy', 'Dee']);
  assert.is(db.users.count.get({ like: null }), 6);
  assert.equal(db.users.list.all({ like: likeContaining('E'), limit: 10, offset: 0 }).map((u) => u.name).length, 6, 'e is in every address');
  assert.equal(db.users.list.all({ like: likeContaining('ev'), limit: 10, offset: 0 }).map((u) => u.name), ['Eve']);
  assert.equal(db.users.list.all({ like: likeContaining('%'), limit: 10, offset: 0 }).map((u) => u.name), ['Percent'], '% is literal');
  assert.is(db.users.count.get({ like: likeContaining('_') }), 0, '_ is literal');
  db.close();
});

test('todo list: every filter, tags must all be present, every order', () => {
  const db = openTodoDb(freshFile());
  const ada = addUser(db, 'Ada', 'ada@example.com');
  const bob = addUser(db, 'Bob', 'bob@example.com');
  const milk = addTodo(db, ada.id, 'Buy milk', { tags: ['home', 'errand'], priority: 'low', due: '2025-03-01' });
  const taxes = addTodo(db, ada.id, 'file taxes', { tags: ['home'], priority: 'high', due: '2025-02-01', done: 1 });
  const bike = addTodo(db, bob.id, 'Fix bike', { tags: ['errand'] });
  const titles = (filter: Partial<TodoFilter>, order: TodoOrder = 'created') =>
    db.todos.list[order].all({ ...NO_FILTER, ...filter, limit: 100, offset: 0 }).map((t) => t.title);

  assert.equal(titles({}), ['Buy milk', 'file taxes', 'Fix bike']);
  assert.equal(titles({ userId: bob.id }), ['Fix bike']);
  assert.equal(titles({ done: 1 }), ['file taxes']);
  assert.equal(titles({ done: 0 }), ['Buy milk', 'Fix bike']);
  assert.equal(titles({ priority: 'high' }), ['file taxes']);
  assert.equal(titles({ tags: JSON.stringify(['home']) }), ['Buy milk', 'file taxes']);
  assert.equal(titles({ tags: JSON.stringify(['home', 'errand']) }), ['Buy milk']);
  assert.equal(titles({ tags: JSON.stringify(['nope']) }), []);
  assert.equal(titles({ like: likeContaining('BIKE') }), ['Fix bike']);
  assert.equal(titles({ dueBefore: '2025-02-15' }), ['file taxes']);

  assert.equal(titles({}, '-created'), ['Fix bike', 'file taxes', 'Buy milk']);
  assert.equal(titles({}, 'due'), ['file taxes', 'Buy milk', 'Fix bike']);
  assert.equal(titles({}, 'priority'), ['file taxes', 'Fix bike', 'Buy milk']);
  assert.equal(titles({}, 'title'), ['Buy milk', 'file taxes', 'Fix bike']);
  assert.equal(Object.keys(db.todos.list).sort(), Object.keys(TODO_ORDER).sort());

  assert.is(db.todos.count.get({ ...NO_FILTER, userId: ada.id }), 2);
  const page = db.todos.list.created.all({ ...NO_FILTER, limit: 1, offset: 1 });
  assert.equal(page.map((t) => t.id), [taxes.id]);
  assert.ok(milk.id < bike.id);
  db.close();
});

test('setDone touches updated_at only when the value changes', () => {
  const db = openTodoDb(freshFile());
  const ada = addUser(db, 'Ada', 'ada@example.com');
  const todo = addTodo(db, ada.id, 'x');
  const later = '2025-06-01T00:00:00.000Z';
  const done = db.todos.setDone.get({ id: todo.id, done: 1, now: later });
  assert.is(done?.done, 1);
  assert.is(done?.updated_at, later);
  const again = db.todos.setDone.get({ id: todo.id, done: 1, now: '2026-01-01T00:00:00.000Z' });
  assert.is(again?.updated_at, later);
  assert.is(db.todos.setDone.get({ id: 999, done: 1, now: later }), undefined);
  db.close();
});

test.run();
