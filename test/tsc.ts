/**
 * Type-checks files with the repository's `tsc` (node_modules/.bin/tsc), as a user's
 * strict project would: from a folder with no tsconfig, `--strict` and the stricter
 * flags people turn on, so that generated TypeScript is checked as its users compile it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TSC = path.join(REPO, 'node_modules', '.bin', 'tsc');

/** `--strict` plus the flags that catch what `--strict` lets through (unused locals, exact optional properties …). */
export const STRICT_FLAGS = [
  '--strict',
  '--target', 'es2022',
  '--module', 'esnext',
  '--moduleResolution', 'bundler',
  '--noImplicitOverride',
  '--exactOptionalPropertyTypes',
  '--noUncheckedIndexedAccess',
  '--noUnusedLocals',
  '--noUnusedParameters',
  '--noPropertyAccessFromIndexSignature',
  '--isolatedModules',
  '--erasableSyntaxOnly',
  '--allowImportingTsExtensions',
];

/** A browser's libraries, or Node's (@types/node, no lib.dom). */
export const LIBS = {
  dom: ['--lib', 'es2022,dom'],
  node: ['--lib', 'es2022', '--types', 'node', '--typeRoots', path.join(REPO, 'node_modules', '@types')],
} as const;

/** Runs `tsc --noEmit` on `files` in `cwd` (a folder without a tsconfig.json); resolves to its exit code and output. */
export function tsc(cwd: string, files: readonly string[], flags: readonly string[] = [...STRICT_FLAGS, ...LIBS.dom]): { code: number | null; out: string; ms: number } {
  const t0 = performance.now();
  // --pretty false: the output is parsed (and tsc 7 colours it when FORCE_COLOR is set at all, even to 0).
  const r = spawnSync(TSC, ['--noEmit', '--pretty', 'false', ...flags, ...files], { cwd, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, ms: performance.now() - t0 };
}
