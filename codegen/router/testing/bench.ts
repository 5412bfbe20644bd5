/**
 * Micro-benchmark, run by hand (not a test):
 *   node --import tsx codegen/router/testing/bench.ts
 * The generated router against the reference router on a ~30-route table and
 * a mix of requests (static hits, param hits, deep params, wildcard, 404, 405).
 * The generated router is compiled with route functions that only return a
 * number, so what is measured is the matching (plus param slicing/decoding);
 * `loop` is the cost of the benchmark loop alone. Numbers are ns per request.
 */
import { code, Name, NameTable } from '../../code.ts';
import { table } from './cases.ts';
import { emitRouter } from '../emit.ts';
import { compileRouter } from './harness.ts';
import { createReferenceRouter } from './reference.ts';

const routes = table({
  health: 'GET /health',
  version: 'GET /version',
  listUsers: 'GET /users',
  createUser: 'POST /users',
  me: 'GET /users/me',
  getUser: 'GET /users/:id',
  updateUser: 'PUT /users/:id',
  patchUser: 'PATCH /users/:id',
  deleteUser: 'DELETE /users/:id',
  listTodos: 'GET /users/:id/todos',
  createTodo: 'POST /users/:id/todos',
  getTodo: 'GET /users/:id/todos/:todoId',
  updateTodo: 'PUT /users/:id/todos/:todoId',
  deleteTodo: 'DELETE /users/:id/todos/:todoId',
  listProjects: 'GET /projects',
  createProject: 'POST /projects',
  getProject: 'GET /projects/:projectId',
  projectMembers: 'GET /projects/:projectId/members',
  addMember: 'POST /projects/:projectId/members',
  removeMember: 'DELETE /projects/:projectId/members/:userId',
  projectFiles: 'GET /projects/:projectId/files/*path',
  search: 'GET /search',
  login: 'POST /auth/login',
  logout: 'POST /auth/logout',
  refresh: 'POST /auth/refresh',
  orgs: 'GET /orgs/:org/repos',
  repo: 'GET /orgs/:org/repos/:repo',
  issues: 'GET /orgs/:org/repos/:repo/issues',
  issue: 'GET /orgs/:org/repos/:repo/issues/:number',
  assets: 'GET /assets/*file',
});

const requests: [string, string][] = [
  ['GET', '/health'],
  ['GET', '/users'],
  ['POST', '/users'],
  ['GET', '/users/me'],
  ['GET', '/users/12345'],
  ['PUT', '/users/12345'],
  ['GET', '/users/12345/todos/678'],
  ['DELETE', '/users/12345/todos/678'],
  ['GET', '/projects/p-1/members'],
  ['GET', '/projects/p-1/files/src/index.ts'],
  ['GET', '/orgs/covet/repos/router/issues/42'],
  ['GET', '/assets/css/site.css'],
  ['POST', '/auth/login'],
  ['GET', '/users/caf%C3%A9'],
  ['GET', '/nope/nothing'],
  ['POST', '/users/12345/todos/678'],
];

/** The generated router with route functions and callbacks that just return a number. */
function compileLean(): (method: string, path: string, req: object, res: object) => number {
  const names = new NameTable(['rt', 'match']);
  const routeFns = new Map(routes.map((r) => [r.id, names.fresh(`route_${r.id}`)]));
  const source = emitRouter(routes, {
    name: new Name('match'),
    routeFns,
    notFound: code`rt.notFound`,
    methodNotAllowed: code`rt.methodNotAllowed`,
    badRequest: code`rt.badRequest`,
  }).text;
  const fnNames = [...routeFns.values()].map((n) => n.text);
  const factory = new Function('rt', ...fnNames, `"use strict";\n${source}\nreturn match;`);
  const rt = { notFound: () => -1, methodNotAllowed: () => -2, badRequest: () => -3 };
  return factory(rt, ...fnNames.map((_, i) => (_req: object, _res: object, p1?: string) => (p1 === undefined ? i : i + p1.length)));
}

const generated = compileRouter(routes, false).match;
const lean = compileLean();
const reference = createReferenceRouter(routes);
const req = {};
const res = {};

function run(name: string, fn: (method: string, path: string) => unknown): number {
  // Warm up, then take the best of several rounds.
  const rounds = 7;
  const iterations = 200_000;
  let sink = 0;
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      const [method, path] = requests[i % requests.length]!;
      if (fn(method, path) !== undefined) sink++;
    }
    const ns = Number(process.hrtime.bigint() - t0) / iterations;
    if (r > 0) best = Math.min(best, ns);
  }
  if (sink === 0) throw new Error('nothing ran');
  console.log(`${name.padEnd(10)} ${best.toFixed(1).padStart(8)} ns/request`);
  return best;
}

// Same answers first.
for (const [method, path] of requests) {
  const a = JSON.stringify(generated(method, path, req, res));
  const b = JSON.stringify(reference(method, path));
  if (a !== b) throw new Error(`${method} ${path}: generated ${a}, reference ${b}`);
}
console.log(`${routes.length} routes, ${requests.length} requests in rotation, node ${process.version}`);
run('loop', (m, p) => m.length + p.length);
const g = run('generated', (m, p) => lean(m, p, req, res));
run('generated+', (m, p) => generated(m, p, req, res));
const ref = run('reference', reference);
console.log(`generated is ${(ref / g).toFixed(1)}x faster than reference (generated+ = with the test harness's recording route functions)`);
