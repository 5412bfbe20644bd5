/**
 * Golden generated code, reviewed as diffs. `UPDATE_SNAPSHOTS=1` rewrites the
 * files under __snapshots__/ instead of comparing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cases, table } from './testing/cases.ts';
import { compileRouter } from './testing/harness.ts';

const dir = new URL('./__snapshots__/', import.meta.url);
const update = process.env.UPDATE_SNAPSHOTS === '1';

function snapshot(name: string, actual: string): void {
  const file = new URL(`${name}.js`, dir);
  if (update) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `missing golden file __snapshots__/${name}.js: run with UPDATE_SNAPSHOTS=1`);
  assert.fixture(actual, readFileSync(file, 'utf8'));
}

const snapshots: Record<string, ReturnType<typeof table>> = {
  // A small REST app: static paths in the switch, params in the tree, an overlap (/users/me vs /users/:id), a wildcard.
  'users-app': table({
    health: 'GET /health',
    listUsers: 'GET /users',
    createUser: 'POST /users',
    me: 'GET /users/me',
    getUser: 'GET /users/:id',
    updateUser: 'PUT /users/:id',
    deleteUser: 'DELETE /users/:id',
    listTodos: 'GET /users/:id/todos',
    getTodo: 'GET /users/:id/todos/:todoId',
    assets: 'GET /assets/*path',
  }),
  // Backtracking: /a/b/d must reach /a/:x/d after the /a/b branch fails.
  backtracking: table({ abc: 'GET /a/b/c', abcd: 'GET /a/b/c/:d', axd: 'GET /a/:x/d', rest: 'GET /a/*rest', headOnly: 'HEAD /a/b' }),
  hostile: cases.find((c) => c.name.startsWith('hostile'))!.routes,
};

for (const [name, routes] of Object.entries(snapshots)) {
  test(`golden generated router: ${name}`, () => {
    snapshot(name, compileRouter(routes).source + '\n');
  });
}

test.run();
