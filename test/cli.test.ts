/**
 * The covet command as a user runs it: `node bin/covet.mjs …` in a child
 * process, checking exit codes and what it prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as esbuild from 'esbuild';
import { IR_VERSION } from '../ir/ir.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function covet(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/covet.mjs'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('build writes server.mjs, the supervisor apart from the app, and a source map that points at the handler .ts files', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'covet-cli-'));
  const r = covet('build', 'fixtures/routing', '--out', out);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^covet: built .*server\.mjs — \d+ routes, \d+ types?, engine (native|node), [\d.]+ (B|kB|MB) in \d+ files; \d+ ms: compile \d+, typecheck \d+, generate \d+, bundle \d+\n$/);
  for (const file of ['server.mjs', 'app.mjs', 'app.mjs.map', 'supervisor.mjs', 'openapi.json']) assert.ok(existsSync(path.join(out, file)), file);
  // The supervisor of --workers loads none of the app: no handler module, no engine (on the native
  // engine it loads the addon to bind its workers' sockets, through runtime-min/addon.ts only).
  const supervisor = readFileSync(path.join(out, 'supervisor.mjs'), 'utf8');
  assert.not.match(supervisor, /fixtures\/routing|node:http"|function nativeEngine|function nodeEngine|onBatch/);
  assert.match(supervisor, /export \{[^}]*superviseIfAsked/);
  // dist/ is outside the project here: the map names the handler files by their place in the app, covet's by its package.
  const map = JSON.parse(readFileSync(path.join(out, 'app.mjs.map'), 'utf8')) as { sources: string[] };
  for (const file of ['items.ts', 'nested.ts', 'text.ts', 'covet/runtime-min/rt.ts']) assert.ok(map.sources.includes(file), `${file} in ${map.sources.join(', ')}`);
  assert.not.ok(map.sources.some((s) => s.startsWith('..') || s.startsWith('/')), map.sources.join(', '));
});

test('a build into a folder inside the project keeps the source paths relative, resolving to the handler files', () => {
  mkdirSync(path.join(root, '.covet'), { recursive: true });
  const out = mkdtempSync(path.join(root, '.covet', 'cli-'));
  try {
    const r = covet('build', 'fixtures/routing', '--out', out, '--engine', 'node');
    assert.is(r.code, 0, r.err);
    const map = JSON.parse(readFileSync(path.join(out, 'app.mjs.map'), 'utf8')) as { sources: string[] };
    for (const file of ['fixtures/routing/items.ts', 'runtime-min/rt.ts']) {
      const source = map.sources.find((s) => path.resolve(out, s) === path.join(root, file));
      assert.ok(source !== undefined && !path.isAbsolute(source), `${file} in ${map.sources.join(', ')}`);
    }
    assert.match(readFileSync(path.join(out, 'app.mjs'), 'utf8'), /^\/\/ fixtures\/routing\/items\.ts$/m, 'esbuild names inputs relative to the project');
    assert.equal(JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8')).dependencies, {});
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('build of an app that cannot compile exits 1 with file:line:col, the id and a fix', () => {
  const r = covet('build', 'fixtures/fail/two-bodies', '--out', mkdtempSync(path.join(os.tmpdir(), 'covet-cli-')));
  assert.is(r.code, 1);
  assert.match(r.err, /fixtures\/fail\/two-bodies\/[\w.-]+\.ts:\d+:\d+ - error COVET102: /);
  assert.match(r.err, /\n {2}fix: /);
  assert.match(r.err, /nothing was built/);
  assert.not.match(r.err, /\n\s+at /, 'no stack trace for a compile error');
});

const tmpOut = () => mkdtempSync(path.join(os.tmpdir(), 'covet-cli-'));

test('build fails on a TypeScript error of the app (exit 1: file:line:col, the TS code, the handler); --no-typecheck builds it', () => {
  const r = covet('build', 'fixtures/fail/type-error', '--out', tmpOut(), '--engine', 'node');
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /fixtures\/fail\/type-error\/app\.ts:7:12 - error TS2322: countOne: Type 'string' is not assignable to type 'number'\.\n {2}fix: .*--no-typecheck/);
  assert.match(r.err, /nothing was built/);
  const skipped = covet('build', 'fixtures/fail/type-error', '--out', tmpOut(), '--engine', 'node', '--no-typecheck');
  assert.is(skipped.code, 0, skipped.err);
  assert.match(skipped.out, /covet: built .* — 1 route, .*no typecheck/);
});

test('an import that does not resolve fails the build even with --no-typecheck (exit 1, COVET119)', () => {
  const r = covet('build', 'fixtures/fail/unresolved-import', '--out', tmpOut(), '--engine', 'node', '--no-typecheck');
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /fixtures\/fail\/unresolved-import\/app\.ts:1:28 - error COVET119: cannot find the module "\.\/missing"/);
  assert.match(r.err, /did you mean "\.\/models"\?/);
});

test('a folder with no routes fails (exit 1) saying where covet looked and what a route looks like', () => {
  const r = covet('build', 'fixtures/fail/no-routes', '--out', tmpOut(), '--engine', 'node');
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /^fixtures\/fail\/no-routes:1:1 - error COVET122: no routes found: covet read the 2 \.ts files of this folder .*health\.ts, helpers\/util\.ts/);
  assert.match(r.err, /@route GET \/hello \*\/ export function hello\(\)/);
});

test('warnings (an any type) are printed with the route, and the build succeeds (exit 0)', () => {
  const out = tmpOut();
  const r = covet('build', 'fixtures/warn/any-type', '--out', out, '--engine', 'node');
  assert.is(r.code, 0, r.err);
  assert.ok(existsSync(path.join(out, 'server.mjs')));
  assert.match(r.err, /fixtures\/warn\/any-type\/app\.ts:4:3 - warning COVET120: recordEvent: body\.payload is any, so nothing is validated there/);
  assert.not.match(r.err, /COVET120: echo:/, 'a written unknown is not warned about');
});

test('build of a folder that does not exist is a usage error (exit 2) that says so', () => {
  const r = covet('build', 'fixtures/no-such-app');
  assert.is(r.code, 2);
  assert.match(r.err, /fixtures\/no-such-app is not a directory; pass the folder that holds your handler modules/);
});

test('exit codes: 2 for every kind of usage error, with the reason on stderr', () => {
  const cases: [string[], RegExp][] = [
    [[], /Usage: covet/],
    [['bulid', 'fixtures/routing'], /unknown command 'bulid'/],
    [['build'], /missing required argument 'app'/],
    [['build', 'fixtures/routing', '--outdir', 'x'], /unknown option '--outdir'/],
    [['build', 'fixtures/routing', '--engine', 'fast'], /argument 'fast' is invalid\. Allowed choices are native, node/],
    [['build', 'fixtures/routing', '--tsconfig', 'no-such-tsconfig.json'], /no-such-tsconfig\.json is not a file; pass the path of a tsconfig\.json/],
    [['routes', 'fixtures/no-such-app'], /is not a directory/],
    [['inspect', 'fixtures/todo-app'], /name a route/],
  ];
  for (const [args, message] of cases) {
    const r = covet(...args);
    assert.is(r.code, 2, `covet ${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message, `covet ${args.join(' ')}`);
  }
});

test('exit codes: 0 for --help and --version, and --help documents the codes', () => {
  const help = covet('--help');
  assert.is(help.code, 0);
  assert.match(help.out, /Exit codes:\n {2}0 {2}done\n {2}1 {2}the app has errors[^\n]*\n {2}2 {2}usage/);
  const version = covet('--version');
  assert.is(version.code, 0);
  assert.match(version.out, /^\d+\.\d+\.\d+\n$/);
});

test('exit codes: 1 when the app has errors, for every command that reads it', () => {
  for (const args of [['routes'], ['inspect', '--ir'], ['openapi']]) {
    const [command, ...rest] = args as [string, ...string[]];
    const r = covet(command, 'fixtures/fail/two-bodies', ...rest);
    assert.is(r.code, 1, `covet ${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /error COVET102: /);
  }
});

test('routes prints a table with method, path, handler, file:line, params and status', () => {
  const r = covet('routes', 'fixtures/todo-app');
  assert.is(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  // The todo app has a lifecycle (providers, an onResponse hook) and credentials, so the table has their columns.
  assert.match(lines[0]!, /^METHOD\s+PATH\s+HANDLER\s+SOURCE\s+PARAMS\s+STATUS\s+LIFECYCLE\s+SECURITY$/);
  assert.ok(lines.some((l) => /^GET\s+\/todos\/:id\s+getTodo\s+todos\.ts:\d+\s+path: id\s+200\s+onResponse: countAnswer\s+-$/.test(l)), r.out);
  assert.ok(lines.some((l) => /^POST\s+\/users\s+createUser\s+users\.ts:\d+\s+body: body · ctx: ctx\s+201\s+onResponse: countAnswer\s+-$/.test(l)), r.out);
  assert.ok(lines.some((l) => /^GET\s+\/me\s+me\s+session\.ts:\d+\s+dep: user \(signedInUser\)\s+200\s+providers: signedInUser · onResponse: countAnswer\s+-$/.test(l)), r.out);
  // An app without providers or hooks: the six columns only.
  const plain = covet('routes', 'fixtures/routing');
  assert.is(plain.code, 0, plain.err);
  assert.match(plain.out.split('\n')[0]!, /^METHOD\s+PATH\s+HANDLER\s+SOURCE\s+PARAMS\s+STATUS$/);
});

test('routes --json is machine-readable', () => {
  const r = covet('routes', 'fixtures/todo-app', '--json');
  assert.is(r.code, 0, r.err);
  const rows = JSON.parse(r.out) as { method: string; path: string; status: string }[];
  assert.ok(rows.some((x) => x.method === 'DELETE' && x.path === '/users/:id' && x.status === '204'));
});

test('openapi prints the document of the IR (the golden of codegen/openapi, with the version covet reads from the app)', () => {
  const r = covet('openapi', 'fixtures/todo-app');
  assert.is(r.code, 0, r.err);
  const golden = JSON.parse(readFileSync(path.join(root, 'fixtures/todo-app/expected/openapi.json'), 'utf8')) as { info: { version: string } };
  golden.info.version = '0.0.0'; // the golden names 1.0.0; fixtures/todo-app has no package.json to say so
  assert.equal(JSON.parse(r.out), golden);
});

test('routes and openapi read the IR only: the module they load holds no codegen stage and no bundler', async () => {
  const cli = readFileSync(path.join(root, 'bin/covet.ts'), 'utf8');
  for (const command of ['routes', 'openapi']) {
    const action = cli.slice(cli.indexOf(`.command('${command}')`)).split('\nprogram\n')[0]!;
    assert.match(action, /await describe\(\)/, `covet ${command} loads pipeline/describe.ts`);
    assert.not.match(action, /pipeline\(\)|codegen|generate\(/, `covet ${command} loads nothing else`);
  }
  const r = await esbuild.build({ absWorkingDir: root, entryPoints: ['pipeline/describe.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', write: false, metafile: true, logLevel: 'silent' });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.includes('codegen/openapi/index.ts'));
  assert.equal(inputs.filter((f) => /^codegen\/(app|router|validate|serialize)\/|^pipeline\/build\.ts$/.test(f)), []);
  const packages = Object.values(r.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  assert.ok(packages.includes('ts-morph'), 'the compiler is there');
  assert.not.ok(packages.includes('esbuild'), 'the bundler is not');
});

test('inspect METHOD path prints that route, its validators and serializers, with the source comment', () => {
  const r = covet('inspect', 'fixtures/todo-app', 'GET', '/todos/:id');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /\/\/ GET \/todos\/:id {2}← {2}todos\.ts:\d+ getTodo\nfunction route_getTodo\(req, res, path_id\)/);
  assert.match(r.out, /function reply_200_Todo\(/);
  assert.match(r.out, /function serialize_Todo\(/);
  assert.match(r.out, /function validate_path_id\(/);
  assert.not.match(r.out, /function route_listTodos\(/, 'only the route asked for');
});

test('inspect of a route that does not exist suggests the closest one', () => {
  const r = covet('inspect', 'fixtures/todo-app', 'GET', '/todo/:id');
  assert.is(r.code, 2, 'the app is fine: the argument is wrong');
  assert.match(r.err, /no route GET \/todo\/:id — did you mean GET \/todos\/:id\?/);
});

test('inspect --ir prints the App IR as JSON', () => {
  const r = covet('inspect', 'fixtures/todo-app', '--ir');
  assert.is(r.code, 0, r.err);
  const ir = JSON.parse(r.out) as { version: number; routes: { id: string }[]; types: Record<string, unknown> };
  assert.is(ir.version, IR_VERSION);
  assert.ok(ir.routes.some((x) => x.id === 'getTodo'));
  assert.ok('Todo' in ir.types);
});

test('inspect --router prints the generated router', () => {
  const r = covet('inspect', 'fixtures/todo-app', '--router');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /function __covet_match\(method, path, req, res\)/);
});

test('routes shows each route\'s security, and inspect says it above the code', () => {
  const r = covet('routes', 'fixtures/todo-app');
  assert.is(r.code, 0, r.err);
  const [header = '', ...rows] = r.out.trimEnd().split('\n');
  assert.match(header, /\bSECURITY$/);
  const row = (path: string, method: string) => rows.find((l) => l.startsWith(method.padEnd(8)) && l.includes(` ${path} `)) ?? '';
  assert.match(row('/me/todos', 'GET'), /oauth2 \[todos:read\]$/);
  assert.match(row('/me/todos', 'POST'), /oauth2 \[todos:write\]$/);
  assert.match(row('/token', 'POST'), / -$/);
  // An app without credentials has no such column.
  assert.not.match(covet('routes', 'fixtures/params').out, /SECURITY/);
  const inspect = covet('inspect', 'fixtures/todo-app', 'GET', '/me/todos');
  assert.is(inspect.code, 0, inspect.err);
  assert.match(inspect.out, /^\/\/ GET \/me\/todos: security oauth2 \[todos:read\] \(a missing or malformed credential answers 401 before anything else runs\)\n/);
  assert.match(inspect.out, /__covet_rt\.requireCredential\(__covet_auth_bearer, req\.header\("authorization"\)\)/);
});

test.run();
