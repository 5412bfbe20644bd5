/**
 * Golden tests: the IR of every fixture app, and the diagnostics of every
 * must-fail app. `UPDATE_SNAPSHOTS=1` rewrites the goldens; review the diff.
 */

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileApp, formatDiagnostic } from './index.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

/** Compares with the golden file; writes it under UPDATE_SNAPSHOTS=1. Without a golden (and no update) only success is checked. */
function golden(file: string, actual: string): void {
  if (UPDATE) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    console.warn(`  (no golden ${file}: run with UPDATE_SNAPSHOTS=1 and review it)`);
    return;
  }
  assert.fixture(actual, readFileSync(file, 'utf8'));
}

const apps = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'fail')
  .map((d) => d.name)
  .sort();

for (const name of apps) {
  test(`ir: fixtures/${name}`, () => {
    const { ir, diagnostics } = compileApp(join(FIXTURES, name));
    assert.equal(diagnostics.map(formatDiagnostic), [], `fixtures/${name} should compile`);
    assert.ok(ir);
    const json = JSON.stringify(ir, null, 2) + '\n';
    // JSON-clean: nothing is lost or changed by a round trip.
    assert.equal(JSON.parse(json), ir);
    golden(join(FIXTURES, name, 'expected', 'ir.json'), json);
  });
}

const failDir = join(FIXTURES, 'fail');
const failures = existsSync(failDir)
  ? readdirSync(failDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
  : [];

for (const name of failures) {
  test(`fail: fixtures/fail/${name}`, () => {
    const { ir, diagnostics } = compileApp(join(failDir, name));
    assert.is(ir, null, `fixtures/fail/${name} must not compile`);
    assert.ok(diagnostics.length > 0);
    assert.ok(existsSync(join(failDir, name, 'expected.txt')) || UPDATE, `fixtures/fail/${name}/expected.txt is missing`);
    for (const d of diagnostics) {
      assert.match(d.id, /^COVET1\d\d$/);
      assert.ok(d.hint.length > 0, 'every diagnostic says what to do');
      assert.ok(d.line >= 1 && d.column >= 1);
    }
    golden(join(failDir, name, 'expected.txt'), diagnostics.map(formatDiagnostic).join('\n') + '\n');
  });
}

test('fail fixtures cover every diagnostic id', () => {
  const seen = new Set<string>();
  for (const name of failures) {
    const text = readFileSync(join(failDir, name, 'expected.txt'), 'utf8');
    for (const m of text.matchAll(/error (COVET\d+)/g)) seen.add(m[1]!);
  }
  const source = readFileSync(new URL('./diagnostics.ts', import.meta.url), 'utf8');
  const declared = [...source.matchAll(/'(COVET\d+)'/g)].map((m) => m[1]!).filter((id) => id !== 'COVET100');
  const missing = [...new Set(declared)].filter((id) => !seen.has(id));
  assert.equal(missing, [], 'each compile error id has a must-fail fixture');
});

test('a missing app folder is a diagnostic, not a crash', () => {
  const { ir, diagnostics } = compileApp(join(FIXTURES, 'no-such-app'));
  assert.is(ir, null);
  assert.is(diagnostics[0]?.id, 'COVET100');
});

test.run();
