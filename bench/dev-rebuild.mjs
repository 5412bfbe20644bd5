// How fast `covet dev` serves an edit: a copy of fixtures/todo-app under `covet dev`, then
// EDITS edits of one handler (health.ts: the request id it echoes gets a new suffix), each
// timed from the file's write to the first HTTP answer that shows the new behaviour (a
// fresh connection every 5 ms). Prints each, the median, and covet dev's own account of
// the rebuild (its stages and the restart). Target: a median under 1 s.
//
//   node scripts/build.mjs && node bench/dev-rebuild.mjs [EDITS=7] [--engine node|native]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, freePort, pollUntil, startDev } from './lib/dev-session.mjs';

const edits = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 7);
const engine = process.argv.includes('--engine') ? process.argv[process.argv.indexOf('--engine') + 1] : undefined;
const dir = copyFixture('todo-app');
const port = await freePort();
const dev = startDev(dir, port, { args: engine ? ['--engine', engine] : [] });
const file = path.join(dir, 'app', 'health.ts');
const original = readFileSync(file, 'utf8');
const LINE = 'const id = requestId || randomUUID();';
if (!original.includes(LINE)) throw new Error(`health.ts no longer has the line this bench edits: ${LINE}`);
const health = (suffix) => (a) => a.status === 200 && JSON.parse(a.body).requestId === `bench${suffix}`;

try {
  await dev.waitFor(/covet dev: built .* started in/);
  await pollUntil(port, '/health', { 'x-request-id': 'bench' }, health(''));
  const times = [];
  const accounts = [];
  for (let i = 1; i <= edits; i++) {
    const from = dev.output().length;
    const t0 = performance.now();
    writeFileSync(file, original.replace(LINE, `const id = (requestId || randomUUID()) + '-${i}';`));
    await pollUntil(port, '/health', { 'x-request-id': 'bench' }, health(`-${i}`));
    const ms = performance.now() - t0;
    times.push(ms);
    const account = (await dev.waitFor(/covet dev: rebuilt (.*)\n/, from))[1];
    accounts.push(account);
    console.log(`edit ${i}: ${ms.toFixed(0)} ms from write to the new answer  (covet dev: ${account})`);
    await new Promise((r) => setTimeout(r, 200)); // let the new server settle before the next edit
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const engineLine = /covet dev: (engine .*)/.exec(dev.output())?.[1] ?? '';
  console.log(`\ncovet dev, todo-app, ${engineLine}: one-handler edit to new behaviour served, median ${median.toFixed(0)} ms of ${edits} (min ${sorted[0].toFixed(0)}, max ${sorted.at(-1).toFixed(0)}); target < 1000 ms`);
} finally {
  await dev.close();
}
