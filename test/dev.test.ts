/**
 * `covet dev` as a user runs it, over real HTTP: a copy of fixtures/todo-app is served; an
 * edit of one handler is served after the rebuild; a type error is printed (with its code
 * frame) while the last good build keeps serving; fixing it serves again; so does a change of
 * covet.config.ts. The engine is
 * COVET_ENGINE's (default node; dev.native.test.ts runs this with the native one). The time
 * an edit takes is logged, not asserted: bench/dev-rebuild.mjs measures it.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFixture, freePort, get, pollUntil, startDev } from '../bench/lib/dev-session.mjs';

const engine = process.env.COVET_ENGINE ?? 'node';
const dir = copyFixture('todo-app');
const port = await freePort();
const dev = startDev(dir, port, { args: ['--engine', engine] });
const file = path.join(dir, 'app', 'health.ts');
const original = readFileSync(file, 'utf8');
const LINE = 'const id = requestId || randomUUID();';
const requestId = async (): Promise<string | null> => {
  const a = await get(port, '/health', { 'x-request-id': 't' });
  return a && a.status === 200 ? (JSON.parse(a.body) as { requestId: string }).requestId : null;
};
const serves = (id: string) => (a: { status: number; body: string }) => a.status === 200 && (JSON.parse(a.body) as { requestId: string }).requestId === id;

test.after(async () => {
  await dev.close();
});

test('covet dev builds, says which engine, and serves the app on the port asked for', async () => {
  assert.ok(original.includes(LINE), 'health.ts has the line the test edits');
  await dev.waitFor(/covet dev: built 20 routes in \d+ ms .*, started in \d+ ms\n/);
  assert.match(dev.output(), new RegExp(`covet dev: engine ${engine}\\b`));
  assert.match(dev.output(), new RegExp(`covet: listening on http://0\\.0\\.0\\.0:${port} \\(engine: ${engine}, pid \\d+\\)`));
  assert.is(await requestId(), 't');
});

test('an edit of one handler is rebuilt and served', async () => {
  const from = dev.output().length;
  const t0 = performance.now();
  writeFileSync(file, original.replace(LINE, "const id = (requestId || randomUUID()) + '-v2';"));
  await pollUntil(port, '/health', { 'x-request-id': 't' }, serves('t-v2'));
  console.log(`  (edit to new answer: ${(performance.now() - t0).toFixed(0)} ms on this machine now)`);
  await dev.waitFor(/covet dev: rebuilt 20 routes in \d+ ms .*, restarted in \d+ ms\n/, from);
});

test('a type error is printed with its code frame, and the last good build keeps serving', async () => {
  const from = dev.output().length;
  writeFileSync(file, original.replace(LINE, "const id: number = (requestId || randomUUID()) + '-v3';"));
  const printed = await dev.waitFor(/covet dev: the last good build is still serving[^\n]*\n/, from);
  const out = dev.output().slice(from, from + printed.index);
  assert.match(out, /app\/health\.ts:\d+:\d+ - error TS2322: health: Type 'string' is not assignable to type 'number'\.\n {2}fix: /);
  assert.match(out, /\n {2}> +\d+ \| +const id: number = \(requestId \|\| randomUUID\(\)\) \+ '-v3';\n +\| +\^+\n/, 'the code frame');
  assert.match(out, /covet: 3 errors; nothing was built/, out); // the id is used twice more as a string
  assert.is(await requestId(), 't-v2', 'the old behaviour stays');
  // Still the same server: nothing restarted it.
  assert.not.match(dev.output().slice(from), /restarted in/);
});

test('fixing the error serves the new code again', async () => {
  const from = dev.output().length;
  writeFileSync(file, original.replace(LINE, "const id = (requestId || randomUUID()) + '-v4';"));
  await pollUntil(port, '/health', { 'x-request-id': 't' }, serves('t-v4'));
  await dev.waitFor(/restarted in \d+ ms\n/, from);
});

test('a new module with a route is picked up, and removing it removes the route', async () => {
  const extra = path.join(dir, 'app', 'extra.ts');
  writeFileSync(extra, "/** @route GET /extra */\nexport function extra(): { added: boolean } {\n  return { added: true };\n}\n");
  const added = await pollUntil(port, '/extra', {}, (a) => a.status === 200);
  assert.equal(JSON.parse(added.body), { added: true });
  await dev.waitFor(/rebuilt 20 routes/);
  rmSync(extra);
  await pollUntil(port, '/extra', {}, (a) => a.status === 404);
  assert.is(await requestId(), 't-v4', 'the rest is served as before');
});

test('a change of covet.config.ts rebuilds: docs off, a wrong value printed while the last good build serves, removed again', async () => {
  const config = path.join(dir, 'app', 'covet.config.ts');
  assert.is((await get(port, '/docs', {}))?.status, 200, 'docs on without a config');
  writeFileSync(config, "import { defineConfig } from 'covet';\nexport default defineConfig({ docs: { enabled: false } });\n");
  await pollUntil(port, '/docs', {}, (a) => a.status === 404);
  const from = dev.output().length;
  writeFileSync(config, "import { defineConfig } from 'covet';\nexport default defineConfig({ docs: { enabled: 'no' as never } });\n");
  const printed = await dev.waitFor(/covet dev: the last good build is still serving[^\n]*\n/, from);
  assert.match(dev.output().slice(from, from + printed.index), /covet\.config\.ts:2:\d+ - error COVET921: docs\.enabled must be true or false, got "no"\n/);
  assert.is((await get(port, '/docs', {}))?.status, 404, 'the last good build');
  rmSync(config);
  await pollUntil(port, '/docs', {}, (a) => a.status === 200);
});

test('stopping covet dev stops its server: the port is free again', async () => {
  const { code } = await dev.close();
  assert.is(code, 0, dev.output());
  assert.is(await get(port, '/health'), null, 'nothing answers');
});

test.run();
