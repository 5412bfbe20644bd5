/**
 * `covet/build` as a build script uses it: a Node process that imports the
 * bundled lib/build.mjs through the package's own exports (`covet/build`),
 * builds, and looks at the report. That process must print nothing, keep
 * running after a failed build and leave process.exitCode alone; the CLI must
 * print exactly what formatDiagnostics makes of the same report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'covet-build-api-'));

// Every case runs in one child process (each build pays for a TypeScript
// program; one process keeps that to a few seconds).
const run = spawnSync(process.execPath, [path.join(root, 'test', 'build-api.child.mjs'), tmp], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
const reportFile = path.join(tmp, 'report.json');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const r: any = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : {};

test('the script ran to its end, printed nothing, and process.exitCode was never set', () => {
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stdout, '');
  assert.is(run.stderr, '');
  assert.is(r.exitCode, null, 'a failed build must not set process.exitCode');
});

test('a build that succeeds reports the server, the routes, the engine and no diagnostics', () => {
  assert.is(r.ok.ok, true);
  assert.equal(r.ok.diagnostics, []);
  assert.is(r.ok.engine, 'node');
  assert.is(r.ok.server, path.join(tmp, 'ok', 'server.mjs'));
  assert.ok(existsSync(r.ok.server));
  assert.is(r.ok.appDir, path.join(root, 'fixtures', 'routing'));
  assert.ok(r.ok.routes.length > 3);
  const route = r.ok.routes[0];
  assert.equal(Object.keys(route), ['method', 'path', 'handler', 'file', 'line', 'status']);
  for (const k of ['compile', 'typecheck', 'codegen', 'bundle', 'total']) assert.ok(r.ok.timings[k] >= 0, k);
  assert.ok(r.ok.timings.total >= r.ok.timings.compile + r.ok.timings.typecheck + r.ok.timings.bundle);
});

test('a build that fails resolves (it does not throw) with the errors as data, and writes no server', () => {
  assert.is(r.fail.ok, false);
  assert.is(r.fail.server, null);
  assert.not.ok(existsSync(path.join(tmp, 'fail', 'server.mjs')));
  const d = r.fail.diagnostics[0];
  assert.is(d.id, 'COVET102');
  assert.is(d.severity, 'error');
  assert.match(d.file, /^[\w.-]+\.ts$/, 'relative to the app folder');
  assert.ok(d.line >= 1 && d.column >= 1 && d.hint.length > 0);
  assert.is(typeof d.handler, 'string');
});

test('formatDiagnostics gives exactly what the CLI prints on stderr for the same build', () => {
  const cli = spawnSync(process.execPath, ['bin/covet.mjs', 'build', 'fixtures/fail/two-bodies', '--engine', 'node', '--out', path.join(tmp, 'fail-cli')], { cwd: root, encoding: 'utf8' });
  assert.is(cli.status, 1);
  assert.is(cli.stderr, r.failText);
  assert.match(r.failText, /^fixtures\/fail\/two-bodies\/[\w.-]+\.ts:\d+:\d+ - error COVET102: /);
  assert.match(r.failText, /covet: 1 error; nothing was built\n$/);
});

test('a diagnostic about two places carries the other one as related, relative to the app folder; formatDiagnostics prints it like the main one', () => {
  const d = r.duplicate.diagnostics.find((x: { id: string }) => x.id === 'COVET105');
  assert.ok(d, 'the duplicate route is reported');
  assert.equal(d.related, { message: 'getItem handles GET /items/:id here', file: 'a.ts', line: 2, column: 17 });
  assert.match(r.duplicateText, /^fixtures\/fail\/duplicate-route\/b\.ts:1:5 - error COVET105: fetchItem: GET \/items\/:id is already handled by getItem\n  fixtures\/fail\/duplicate-route\/a\.ts:2:17 - note: getItem handles GET \/items\/:id here\n  fix: /);
});

test("a TypeScript error of the app is an error under TypeScript's code, with the handler; typecheck: false builds it", () => {
  assert.is(r.typeError.ok, false);
  assert.is(r.typeError.server, null);
  const d = r.typeError.diagnostics.find((x: { id: string }) => x.id === 'TS2322');
  assert.ok(d, JSON.stringify(r.typeError.diagnostics));
  assert.equal([d.severity, d.handler, d.file, d.line, d.column], ['error', 'countOne', 'app.ts', 7, 12]);
  assert.ok(r.typeError.timings.typecheck > 0);
  assert.is(r.typeErrorSkipped.ok, true, JSON.stringify(r.typeErrorSkipped.diagnostics));
  assert.ok(existsSync(r.typeErrorSkipped.server));
  assert.is(r.typeErrorSkipped.timings.typecheck, 0);
});

test('an app folder that does not exist is a diagnostic (COVET100), not a rejection', () => {
  assert.is(r.missing.ok, false);
  assert.is(r.missing.diagnostics[0].id, 'COVET100');
});

test('no engine asked for and no native addon: built with the node engine, and a warning says so', () => {
  assert.is(r.fallback.ok, true);
  assert.is(r.fallback.engine, 'node');
  assert.is(r.fallback.appDir, path.join(root, 'fixtures', 'routing'), 'app is relative to cwd');
  assert.equal(r.fallback.diagnostics.map((d: { id: string; severity: string }) => `${d.severity} ${d.id}`), ['warning COVET902']);
  assert.match(r.fallbackText, /^covet: warning COVET902: the native engine is not available \(COVET_NATIVE_ADDON names \S+no-addon\.node, which does not exist\); this server uses the node engine/);
  assert.match(r.fallbackText, /\n {2}fix: .*; or choose the node engine with --engine node/, 'what to do');
  assert.not.match(r.fallbackText, /nothing was built/);
});

test('options of the wrong type reject with a TypeError that names the option', () => {
  assert.equal(r.rejections, [
    "TypeError: covet/build: build() takes an options object, e.g. build({ app: 'src' }); got undefined",
    "TypeError: covet/build: option app is required: the folder with the handler modules, e.g. build({ app: 'src' })",
    'TypeError: covet/build: unknown option outDir; the options are app, out, engine, tsconfig, minify, typecheck, docs, docsPath, openapiPath, cwd, client, config',
    "TypeError: covet/build: option engine must be 'native' or 'node', got \"fast\"",
    'TypeError: covet/build: option minify must be a boolean, got "yes"',
    'TypeError: covet/build: option typecheck must be a boolean, got "no"',
    'TypeError: covet/build: option docs must be a boolean, got "no"',
    'TypeError: covet/build: the docs path "docs" is not usable: it must start with "/", e.g. /docs',
    'TypeError: covet/build: the OpenAPI path /docs/swagger-ui.css is the path of the docs asset docs/swagger-ui.css',
  ]);
});

test('docs: false writes no dist/docs/ and bundles no docs code; docsPath and openapiPath move both routes', () => {
  assert.is(r.docsOff.ok, true, JSON.stringify(r.docsOff.diagnostics));
  const off = path.join(tmp, 'docs-off');
  assert.not.ok(existsSync(path.join(off, 'docs')));
  assert.ok(existsSync(path.join(off, 'openapi.json')), 'the document is still written');
  assert.not.match(readFileSync(path.join(off, 'app.mjs'), 'utf8'), /covet_docs|swagger/i);
  assert.is(r.docsMoved.ok, true, JSON.stringify(r.docsMoved.diagnostics));
  const moved = path.join(tmp, 'docs-moved');
  assert.match(readFileSync(path.join(moved, 'docs', 'swagger-initializer.js'), 'utf8'), /url: "\/api\/schema\.json"/);
  assert.match(readFileSync(path.join(moved, 'docs', 'index.html'), 'utf8'), /src="\/api\/docs\/swagger-ui-bundle\.js"/);
  const app = readFileSync(path.join(moved, 'app.mjs'), 'utf8');
  assert.match(app, /case "\/api\/docs":/);
  assert.match(app, /case "\/api\/schema\.json":/);
  assert.not.match(app, /case "\/docs":/);
});

test('the package ships the types of covet/build beside it', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.exports['./build'], { types: './lib/build.d.ts', default: './lib/build.mjs' });
  assert.is(readFileSync(path.join(root, 'lib', 'build.d.ts'), 'utf8'), readFileSync(path.join(root, 'pipeline', 'covet-build.d.ts'), 'utf8'));
});

test.run();
