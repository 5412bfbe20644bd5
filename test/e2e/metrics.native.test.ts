/**
 * metrics.test.ts against the native engine. Skipped, with the reason printed, when the addon is
 * not built.
 */
import { existsSync } from 'node:fs';
import { NATIVE_ADDON } from '../../pipeline/build.ts';

if (!existsSync(NATIVE_ADDON)) {
  console.log(`  skipped: the native engine is not built (${NATIVE_ADDON}; \`node scripts/setup.mjs\` builds it)`);
} else {
  process.env.COVET_ENGINE = 'native';
  await import('./metrics.test.ts');
}
