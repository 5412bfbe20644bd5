/**
 * The differential fuzz (differential.mjs) for 20 s (COVET_DIFF_SECONDS), so that `npm test`
 * runs it: generated requests go to both engines and every difference in their answers must be
 * one of the documented ones (README.md, "Differential fuzz"). The seed is fixed (20261201) so
 * that CI is repeatable; COVET_DIFF_SEED=N picks another, =random a random one; a failure prints each case with the command that replays it.
 * Skipped, with the reason printed, when the native addon is not built.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NATIVE_ADDON } from '../../pipeline/build.ts';

const seconds = Number(process.env.COVET_DIFF_SECONDS ?? 20);
const seed = process.env.COVET_DIFF_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.COVET_DIFF_SEED ?? 20261201);
const script = fileURLToPath(new URL('./differential.mjs', import.meta.url));

if (!existsSync(NATIVE_ADDON)) {
  console.log(`  skipped: the native engine is not built (${NATIVE_ADDON}; \`node scripts/setup.mjs\` builds it)`);
} else {
  test(`differential fuzz: ${seconds} s, seed ${seed}: the engines answer alike, but for the documented differences`, async () => {
    const child = spawn(process.execPath, [script, '--seconds', String(seconds), '--seed', String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.once('close', resolve));
    process.stdout.write(out.split('\n').filter((l) => l.startsWith('differential:')).map((l) => `  ${l}\n`).join(''));
    assert.is(code, 0, `differences outside the documented list (replay each with the command shown):\n${out}`);
  });
  test.run();
}
