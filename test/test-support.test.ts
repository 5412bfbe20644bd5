/**
 * Test and bench support lives in a `testing/` folder of its area (the
 * reference router, the shared cases, harnesses, arbitraries), named so; the
 * tests are `*.test.ts`. Neither reaches what ships: the bundles that
 * scripts/build.mjs makes from the CLI, the build API and the handler API are
 * built here again, and none of their inputs may be a test or test support.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function isSupport(file: string): boolean {
  return /(^|\/)testing\//.test(file) || file.endsWith('.test.ts') || file.startsWith('test/') || file.startsWith('bench/');
}

test('the shipped bundles include no test and no test support', async () => {
  const r = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { cli: 'bin/covet.ts', build: 'pipeline/build-api.ts', api: 'runtime-min/api.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    splitting: true,
    outdir: 'lib',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.includes('codegen/router/emit.ts'), 'the bundle holds the router stage');
  assert.equal(inputs.filter(isSupport), []);
});

test('the router barrel exports the production router only', async () => {
  const barrel = await import('../codegen/router/index.ts');
  assert.ok('emitRouter' in barrel);
  assert.not.ok('createReferenceRouter' in barrel, 'the reference router is test support (codegen/router/testing/)');
  assert.not.ok('referenceMatch' in barrel);
});

test('no module outside a testing/ folder is named like test support', () => {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'testing' && e.name !== 'node_modules' && !e.name.startsWith('__')) walk(rel);
      } else if (/^(cases|harness|reference|bench|testkit|arbitraries|testing)\.ts$/.test(e.name)) found.push(rel);
    }
  };
  for (const area of ['compiler', 'codegen', 'pipeline']) walk(area);
  assert.equal(found, []);
});

test.run();
