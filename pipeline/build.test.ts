/**
 * build() as a library call: TypeScript's errors are diagnostics (data, with
 * the handler), and `typecheck: false` skips them.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from './build.ts';

const typeError = fileURLToPath(new URL('../fixtures/fail/type-error', import.meta.url));
const out = () => mkdtempSync(path.join(os.tmpdir(), 'covet-build-'));

test('a type error of the app is a TS diagnostic: nothing is built', async () => {
  const r = await build({ appDir: typeError, outDir: out(), engine: 'node' });
  assert.is(r.ok, false);
  assert.is(r.outFile, null);
  const d = r.diagnostics.find((x) => x.id === 'TS2322');
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal([d.severity, d.handler, d.file, d.line, d.column], ['error', 'countOne', 'app.ts', 7, 12]);
  assert.ok(r.timings.typecheck > 0);
});

test('typecheck: false builds it anyway', async () => {
  const r = await build({ appDir: typeError, outDir: out(), engine: 'node', typecheck: false });
  assert.is(r.ok, true, JSON.stringify(r.diagnostics));
  assert.ok(r.outFile);
  assert.is(r.timings.typecheck, 0);
});

test.run();
