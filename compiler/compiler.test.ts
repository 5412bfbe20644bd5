/**
 * Golden tests: the IR of every fixture app, the diagnostics of every
 * must-fail app (fixtures/fail/), and the warnings of every app that builds
 * with warnings (fixtures/warn/). Apps are read as `covet build` reads them:
 * type-checked. `UPDATE_SNAPSHOTS=1` rewrites the goldens; review the diff.
 */

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileApp, formatDiagnostic } from './index.ts';
import { DIAGNOSTICS, isError } from './diagnostics.ts';

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
  .filter((d) => d.isDirectory() && d.name !== 'fail' && d.name !== 'warn')
  .map((d) => d.name)
  .sort();

for (const name of apps) {
  test(`ir: fixtures/${name}`, () => {
    const { ir, diagnostics } = compileApp(join(FIXTURES, name), { typecheck: true });
    assert.equal(diagnostics.filter(isError).map(formatDiagnostic), [], `fixtures/${name} should compile and type-check`);
    assert.ok(ir);
    const json = JSON.stringify(ir, null, 2) + '\n';
    // JSON-clean: nothing is lost or changed by a round trip.
    assert.equal(JSON.parse(json), ir);
    golden(join(FIXTURES, name, 'expected', 'ir.json'), json);
    // An app may mean a warning (fixtures/types reads an `any` on purpose): then it is in expected/warnings.txt.
    const warnings = join(FIXTURES, name, 'expected', 'warnings.txt');
    if (diagnostics.length || existsSync(warnings)) golden(warnings, diagnostics.map(formatDiagnostic).join('\n') + '\n');
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
    const { ir, diagnostics } = compileApp(join(failDir, name), { typecheck: true });
    assert.is(ir, null, `fixtures/fail/${name} must not compile`);
    assert.ok(diagnostics.some(isError));
    assert.ok(existsSync(join(failDir, name, 'expected.txt')) || UPDATE, `fixtures/fail/${name}/expected.txt is missing`);
    for (const d of diagnostics) {
      assert.match(d.id, /^(COVET1\d\d|TS\d+)$/);
      assert.ok(d.hint.length > 0, 'every diagnostic says what to do');
      assert.ok(d.line >= 1 && d.column >= 1);
    }
    golden(join(failDir, name, 'expected.txt'), diagnostics.map(formatDiagnostic).join('\n') + '\n');
  });
}

// Warnings matter most without the type check (an unresolved type is also TypeScript's error): read without it.
const warnDir = join(FIXTURES, 'warn');
const warned = existsSync(warnDir)
  ? readdirSync(warnDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
  : [];

for (const name of warned) {
  test(`warn: fixtures/warn/${name}`, () => {
    const { ir, diagnostics } = compileApp(join(warnDir, name), { typecheck: false });
    assert.ok(ir, `fixtures/warn/${name} must compile: ${diagnostics.filter(isError).map(formatDiagnostic).join('\n')}`);
    assert.ok(diagnostics.length > 0);
    assert.ok(existsSync(join(warnDir, name, 'expected.txt')) || UPDATE, `fixtures/warn/${name}/expected.txt is missing`);
    for (const d of diagnostics) {
      assert.is(d.severity, 'warning');
      assert.match(d.id, /^COVET1\d\d$/);
      assert.ok(d.handler, 'a warning names the route');
      assert.ok(d.hint.length > 0, 'every diagnostic says what to do');
    }
    golden(join(warnDir, name, 'expected.txt'), diagnostics.map(formatDiagnostic).join('\n') + '\n');
  });
}

test('fail and warn fixtures cover every diagnostic id', () => {
  const seen = new Set<string>();
  for (const [dir, names] of [[failDir, failures], [warnDir, warned]] as const) {
    for (const name of names) {
      const text = readFileSync(join(dir, name, 'expected.txt'), 'utf8');
      for (const m of text.matchAll(/(?:error|warning) (COVET\d+)/g)) seen.add(m[1]!);
    }
  }
  // The compiler's ids (COVET1xx) of the table; COVET100 (no app folder) is tested below, the build's COVET9xx in test/.
  const declared = Object.keys(DIAGNOSTICS).filter((id) => id.startsWith('COVET1') && id !== 'COVET100');
  assert.ok(declared.length >= 20);
  const missing = declared.filter((id) => !seen.has(id));
  assert.equal(missing, [], 'each compile error id has a must-fail fixture, each warning a fixture in fixtures/warn');
});

test('a TypeScript error is reported only with typecheck, and an unresolved import either way', () => {
  const typeError = join(failDir, 'type-error');
  assert.ok(compileApp(typeError, { typecheck: false }).ir, 'without the check, the type error builds');
  const unresolved = compileApp(join(failDir, 'unresolved-import'), { typecheck: false });
  assert.is(unresolved.ir, null);
  assert.ok(unresolved.diagnostics.some((d) => d.id === 'COVET119'));
});

test('a duplicate or ambiguous route points at the earlier one as its related location, not in its text', () => {
  for (const [name, id, related] of [
    ['duplicate-route', 'COVET105', { message: 'getItem handles GET /items/:id here', file: 'a.ts', line: 2, column: 17 }],
    ['ambiguous-routes', 'COVET106', { message: 'byX handles GET /a/:x here', file: 'app.ts', line: 2, column: 17 }],
  ] as const) {
    const d = compileApp(join(failDir, name)).diagnostics.find((x) => x.id === id);
    assert.ok(d, `${name} reports ${id}`);
    assert.equal(d.related, related);
    assert.not.match(d.message, /\.ts:\d/);
  }
});

test('a missing app folder is a diagnostic, not a crash', () => {
  const { ir, diagnostics } = compileApp(join(FIXTURES, 'no-such-app'));
  assert.is(ir, null);
  assert.is(diagnostics[0]?.id, 'COVET100');
});

test.run();
