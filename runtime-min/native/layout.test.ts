/**
 * The record layout, request flags and MAX_OWED that runtime-min/native-engine.ts reads the
 * addon's records with agree with covet.h, as the built addon reports it (layout(), from
 * COVET_LAYOUT); and loadAddon refuses an addon that disagrees. Skipped, with the reason
 * printed, when the addon is not built.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NATIVE_ADDON } from '../../pipeline/build.ts';
import { LAYOUT, layoutMismatches, loadAddon, type NativeAddon } from '../native-engine.ts';

if (!existsSync(NATIVE_ADDON)) {
  console.log(`  skipped: the native engine is not built (${NATIVE_ADDON}; \`node scripts/setup.mjs\` builds it)`);
} else {
  const addon = createRequire(import.meta.url)(NATIVE_ADDON) as NativeAddon;

  test('layout(): the addon exports every name native-engine.ts reads records with, with the same value', () => {
    assert.type(addon.layout, 'function');
    assert.equal({ ...addon.layout() }, { ...LAYOUT });
    assert.equal(layoutMismatches(addon.layout()), []);
  });

  test('layout(): the header spans follow the fixed words, and flags sit above the 8-bit method', () => {
    const l = addon.layout();
    const words = Object.entries(l).filter(([n]) => n.startsWith('R_') && n !== 'R_HEADERS').map(([, v]) => v);
    assert.equal(words.sort((a, b) => a - b), [...Array(l.R_HEADERS).keys()], 'R_* are 0 … R_HEADERS - 1, each once');
    for (const f of ['F_HEAD', 'F_CLOSE', 'F_HAS_BODY']) assert.is(l[f]! & l.F_METHOD!, 0, `${f} is not a method bit`);
  });

  test('a difference is named, and loadAddon accepts the built addon', () => {
    assert.equal(layoutMismatches({ ...LAYOUT, R_SEQ: 7 }), ['R_SEQ: addon 7, native-engine.ts 3']);
    assert.equal(layoutMismatches({ ...LAYOUT, EXTRA: 1 }), ['EXTRA: addon 1, native-engine.ts undefined']);
    assert.type(loadAddon().send, 'function');
  });

  test.run();
}
