/**
 * The native engine's fuzz target (fuzz.mjs) for 60 s (COVET_FUZZ_SECONDS), so that `npm test`
 * runs it: random, corpus, mutated and grammar-made requests, split and cut, against the native
 * engine; the server must stay alive, keep answering a probe within 1 s, and give its memory
 * back. The seed is fixed (20261201) so that CI repeats; COVET_FUZZ_SEED=N or =random picks another; a failure prints it, the inputs in flight
 * and the command that replays them. Skipped, with the reason printed, when the addon is not built.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NATIVE_ADDON } from '../../pipeline/build.ts';

const seconds = Number(process.env.COVET_FUZZ_SECONDS ?? 60);
const seed = process.env.COVET_FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.COVET_FUZZ_SEED ?? 20261201);
const script = fileURLToPath(new URL('./fuzz.mjs', import.meta.url));

if (!existsSync(NATIVE_ADDON)) {
  console.log(`  skipped: the native engine is not built (${NATIVE_ADDON}; \`node scripts/setup.mjs\` builds it)`);
} else {
  test(`fuzz: ${seconds} s against the native engine, seed ${seed}: no crash, always served, memory back`, async () => {
    const child = spawn(process.execPath, [script, String(seconds), '32', String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.once('close', resolve));
    process.stdout.write(out.split('\n').filter((l) => l.startsWith('fuzz: seed')).map((l) => `  ${l}\n`).join(''));
    assert.is(code, 0, `the fuzz run failed (replay: node runtime-min/native/fuzz.mjs ${seconds} 32 ${seed}):\n${out}`);
  });
  test.run();
}
