/** Imports that do not resolve (COVET119), and the ones that do although TypeScript has no symbol for them. */

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileFiles } from './testing/compile.ts';
import { formatDiagnostic } from './diagnostics.ts';

const ROUTE = `/** @route GET /x */\nexport function x(): { ok: boolean } { return { ok: true }; }\n`;

function errors(files: Record<string, string>): string[] {
  const r = compileFiles(files);
  return r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

test('a package that is not installed: install it, or its @types', () => {
  const [e, ...rest] = errors({ 'app.ts': `import type { Opts } from '@acme/missing/sub';\n${ROUTE}` });
  assert.equal(rest, []);
  assert.match(e!, /^app\.ts:1:27 - error COVET119: cannot find the package "@acme\/missing\/sub" \(or its type declarations\)/);
  assert.match(e!, /npm install @acme\/missing`; .*npm install -D @types\/acme__missing/);
});

test("Node's own modules without @types/node are no COVET119 (they are there at run time); under the type check, TypeScript says what is missing", () => {
  const files = { 'app.ts': `import { readFileSync } from 'node:fs';\nimport path from 'path';\nvoid readFileSync; void path;\n${ROUTE}` };
  const r = compileFiles(files);
  assert.equal(r.diagnostics.map(formatDiagnostic), []);
  const checked = compileFiles(files, { typecheck: true });
  assert.is(checked.diagnostics.length, 2);
  for (const d of checked.diagnostics) {
    assert.match(d.id, /^TS\d+$/);
    assert.match(d.message, /@types\/node/, 'TypeScript says which types to install');
  }
});

test('re-exports and import types are checked too; a name the module lacks gets a "did you mean"', () => {
  const list = errors({
    'models.ts': 'export interface User { id: number }\n',
    'app.ts': `export { Usr } from './models.ts';\nexport * from './gone.ts';\nexport type T = import('./nowhere').T;\n${ROUTE}`,
  });
  assert.is(list.length, 3, list.join('\n'));
  assert.match(list[0]!, /app\.ts:1:10 - error COVET119: "\.\/models\.ts" has no export named Usr.*\n {2}fix: did you mean User\?/);
  assert.match(list[1]!, /app\.ts:2:15 - error COVET119: cannot find the module "\.\/gone\.ts"/);
  assert.match(list[2]!, /app\.ts:3:24 - error COVET119: cannot find the module "\.\/nowhere"/);
});

test('what resolves is no error: an untyped JS package, an ambient module, JSON, a folder with index.ts', () => {
  const r = compileFiles({
    'node_modules/untyped/package.json': '{"name":"untyped","main":"index.js"}',
    'node_modules/untyped/index.js': 'module.exports = 1;',
    'ambient.d.ts': "declare module 'virtual:config' { export const port: number }",
    'data.json': '{"a": 1}',
    'lib/index.ts': 'export const one = 1;',
    'app.ts': `import u from 'untyped';\nimport { port } from 'virtual:config';\nimport data from './data.json';\nimport { one } from './lib';\nvoid u; void port; void data; void one;\n${ROUTE}`,
  });
  assert.equal(r.diagnostics.map(formatDiagnostic), []);
  assert.ok(r.ir);
});

test('a type from a failed import is said once (the import), not again as a warning at each use', () => {
  const r = compileFiles({ 'app.ts': `import type { Thing } from './missing';\n/** @route POST /t */\nexport function t(body: Thing): void { void body; }\n` });
  assert.equal(r.diagnostics.map((d) => d.id), ['COVET119']);
});

test.run();
