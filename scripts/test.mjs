// Runs every uvu suite (`*.test.ts` outside fixtures/ and node_modules/) in one
// process under tsx, echoes its output, and ends with `N passed, N failed`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const skip = new Set(['node_modules', 'fixtures', 'dist', 'lib', '.git', 'results']);
// The project `covet init` writes: its test is the new project's (node:test), run by test/init.test.ts there.
const skipPaths = new Set(['templates/init']);
const only = process.argv.slice(2);

function find(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const sub = path.join(dir, entry.name);
      if (!skip.has(entry.name) && !entry.name.startsWith('.') && !skipPaths.has(path.relative(root, sub))) find(sub, out);
    } else if (entry.name.endsWith('.test.ts')) out.push(path.relative(root, path.join(dir, entry.name)));
  }
  return out;
}

let files = find(root, []).sort();
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));

// The CLI tests run bin/covet.mjs, which loads lib/cli.mjs: rebuild it from the current sources.
await new Promise((resolve, reject) =>
  spawn(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' }).on('close', (c) => (c === 0 ? resolve() : reject(new Error('scripts/build.mjs failed')))),
);

// A suite file that has not exited after this long is stopped and counted as failed: a hung
// process (a server or a child left running) must fail the run, not stall it past CI's limit.
const FILE_TIMEOUT_MS = Number(process.env.COVET_TEST_FILE_TIMEOUT_MS) || 10 * 60_000;

let passed = 0;
let failed = 0;
const failedFiles = [];
for (const file of files) {
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    let settled = false;
    const timer = setTimeout(() => {
      process.stdout.write(`\n${file}: still running after ${FILE_TIMEOUT_MS / 1000} s: stopped (counted as failed)\n`);
      settled = true;
      failed += 1;
      child.kill('SIGKILL');
      resolve(1);
    }, FILE_TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (c) => {
      clearTimeout(timer);
      if (settled) return;
      const total = /Total:\s+(\d+)/.exec(out);
      const ok = /Passed:\s+(\d+)/.exec(out);
      if (total && ok) {
        passed += Number(ok[1]);
        failed += Number(total[1]) - Number(ok[1]);
      } else if (c !== 0) {
        failed += 1; // the file crashed before reporting
      }
      resolve(c);
    });
  });
  if (code !== 0) failedFiles.push(file);
}
if (failedFiles.length) process.stdout.write(`\nfailing files:\n${failedFiles.map((f) => `  ${f}`).join('\n')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed || failedFiles.length ? 1 : 0);
