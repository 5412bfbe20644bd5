/**
 * Diagnostics as `covet build` prints them: a code frame under each (golden
 * files beside the fixtures: expected-cli.txt, `UPDATE_SNAPSHOTS=1` rewrites
 * them), JSON lines with `--json`, colours only when asked for or on a TTY.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codeFrame, useColor } from '../pipeline/print.ts';
import { copyFixture, freePort, startDev } from '../bench/lib/dev-session.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
const out = mkdtempSync(path.join(os.tmpdir(), 'covet-diag-'));

function covet(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const base = { ...process.env, FORCE_COLOR: '0' } as Record<string, string | undefined>;
  delete base.NO_COLOR;
  return promisify(execFile)(process.execPath, [path.join(root, 'bin/covet.mjs'), ...args], { cwd: root, encoding: 'utf8', env: { ...base, ...env } }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );
}

// The builds run side by side: each pays for a TypeScript program.
const build = (app: string, extra: string[] = [], env?: Record<string, string>) => covet(['build', app, '--engine', 'node', '--out', path.join(out, path.basename(app)), ...extra], env);
const runs = Promise.all([
  build('fixtures/fail/type-error'),
  build('fixtures/fail/duplicate-route'),
  build('fixtures/fail/type-error', ['--json']),
  build('fixtures/fail/duplicate-route', [], { FORCE_COLOR: '1' }),
]);

function golden(file: string, actual: string): void {
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`no golden ${file}: run with UPDATE_SNAPSHOTS=1 and review it`);
    writeFileSync(file, actual);
    return;
  }
  assert.fixture(actual, readFileSync(file, 'utf8'));
}

test('each error is printed with file:line:col relative to the cwd, its id, the fix and a code frame (golden: type-error)', async () => {
  const [r] = await runs;
  assert.is(r!.code, 1, r!.err);
  golden(path.join(root, 'fixtures/fail/type-error/expected-cli.txt'), r!.err);
  assert.match(r!.err, /^fixtures\/fail\/type-error\/app\.ts:7:12 - error TS2322: .*\n {2}fix: .*\n\n {4}6 \| .*\n {2}> 7 \| {3}return \{ n: 'one' \};\n {6}\| {12}\^\n {4}8 \| \}\n/);
});

test('a diagnostic with a related place prints the note, the fix and the frame under the span (golden: duplicate-route)', async () => {
  const [, r] = await runs;
  assert.is(r!.code, 1, r!.err);
  golden(path.join(root, 'fixtures/fail/duplicate-route/expected-cli.txt'), r!.err);
  assert.match(r!.err, /\n {6}\| {5}\^{22}\n/, 'the carets cover the @route tag');
});

test('--json prints one JSON object per diagnostic on stdout, with the span, the fix and related', async () => {
  const [, , r] = await runs;
  assert.is(r!.code, 1, r!.err);
  assert.not.match(r!.err, /TS2322/, 'the diagnostics are not printed as text too');
  const lines = r!.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.is(lines.length, 2, r!.out);
  for (const d of lines) {
    assert.equal(Object.keys(d), ['id', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'message', 'fix', 'handler', 'related']);
  }
  assert.equal(lines[0], {
    id: 'TS2322',
    severity: 'error',
    file: 'fixtures/fail/type-error/app.ts',
    line: 7,
    column: 12,
    endLine: 7,
    endColumn: 13,
    message: "countOne: Type 'string' is not assignable to type 'number'.",
    fix: 'covet builds only code that type-checks: fix it (`--no-typecheck` skips the check)',
    handler: 'countOne',
    related: null,
  });
  assert.equal([lines[1]!.id, lines[1]!.line, lines[1]!.column, lines[1]!.endColumn], ['TS2345', 14, 38, 41]);
});

test('covet dev --json: the diagnostics of a build that fails are JSON lines on stdout, its own lines on stderr', async () => {
  const dir = copyFixture('fail/type-error');
  const dev = startDev(dir, await freePort(), { args: ['--json', '--engine', 'node'] });
  try {
    await dev.waitFor(/covet dev: nothing to serve yet/);
  } finally {
    await dev.close();
  }
  const stdout = dev.stdout();
  const lines = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; file: string; line: number });
  assert.equal(lines.map((d) => `${d.id} ${d.file}:${d.line}`), ['TS2322 app/app.ts:7', 'TS2345 app/app.ts:14']);
  assert.match(dev.output(), /covet dev: engine node/);
  assert.not.match(stdout, /covet dev:/);
});

test('colours with FORCE_COLOR=1, none in a pipe otherwise', async () => {
  const [, plain, , coloured] = await runs;
  assert.not.match(plain!.err, /\x1b\[/);
  assert.match(coloured!.err, /\x1b\[1;31merror\x1b\[0m/);
  assert.is(coloured!.err.replace(/\x1b\[[0-9;]*m/g, ''), plain!.err, 'the same text under the colours');
});

test('useColor: a TTY unless NO_COLOR; FORCE_COLOR decides over both', () => {
  assert.is(useColor({ isTTY: true }, {}), true);
  assert.is(useColor({ isTTY: false }, {}), false);
  assert.is(useColor({}, {}), false);
  assert.is(useColor({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.is(useColor({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR is unset');
  assert.is(useColor({ isTTY: false }, { FORCE_COLOR: '1' }), true);
  assert.is(useColor({ isTTY: true }, { FORCE_COLOR: '0' }), false);
  assert.is(useColor({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }), true);
});

test('codeFrame: context lines, carets under the span, tabs kept so the carets line up, a span over lines underlined to its first line end', () => {
  const text = 'one\n\tlet x = 1;\nthree\n';
  assert.is(codeFrame(text, { line: 2, column: 6, endLine: 2, endColumn: 7 }), '    1 | one\n  > 2 | \tlet x = 1;\n      | \t    ^\n    3 | three');
  assert.is(codeFrame(text, { line: 1, column: 1, endLine: 3, endColumn: 2 }), '  > 1 | one\n      | ^^^\n    2 | \tlet x = 1;');
  assert.is(codeFrame(text, { line: 3, column: 2 }), '    2 | \tlet x = 1;\n  > 3 | three\n      |  ^\n    4 |', 'a point: one caret');
  assert.is(codeFrame(text, { line: 9, column: 1 }), null, 'a line the file no longer has');
  assert.is(codeFrame('a\n'.repeat(9) + 'b\nc\n', { line: 10, column: 1 }), '     9 | a\n  > 10 | b\n       | ^\n    11 | c', 'the gutter fits the widest number');
});

test.run();
