/**
 * Finding and loading the native addon, `covet_runtime.node`: beside the bundle (dist/), or in
 * native/build/Release when running from source. The engine (native-engine.ts's loadAddon) checks
 * its record layout on top; the supervisor (supervisor.ts) loads it only to bind the workers'
 * sockets, without the engine's JavaScript.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ADDON_FILE = 'covet_runtime.node';

/** Where the addon may be, relative to `base` (the bundle's or this file's URL). */
export function addonCandidates(base: string | URL = import.meta.url): string[] {
  return [new URL(`./${ADDON_FILE}`, base), new URL(`./native/build/Release/${ADDON_FILE}`, base)].map((u) => fileURLToPath(u));
}

/** The addon's exports and its file, or an Error that says where it looked or why it does not load. */
export function requireAddon<T>(base: string | URL = import.meta.url): { addon: T; file: string } {
  const candidates = addonCandidates(base);
  const file = candidates.find((f) => existsSync(f));
  if (file === undefined) {
    throw new Error(
      `covet: the native engine's binary was not found (looked for ${candidates.join(', ')}); covet build puts ${ADDON_FILE} beside app.mjs: ` +
        'deploy the whole output folder, or build with --engine node',
    );
  }
  try {
    return { addon: createRequire(import.meta.url)(file) as T, file };
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new Error(
      `covet: the native engine's binary ${file} does not load on this machine (${process.platform}-${process.arch}): ${why}; ` +
        'it is the one of the machine that ran covet build: build where the server runs (same platform and libc), or with --engine node',
    );
  }
}
