/**
 * A generated app of many routes, for what must scale: `covet inspect` on it
 * (test/inspect.test.ts) and the typed client's type-check time (bench/client-tsc.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** An app of `n` routes in a fresh temporary folder, each with a path parameter, a query parameter and an object response. */
export function bigApp(n: number, prefix = 'covet-big-app-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const lines = ['export interface Item { id: number; name: string; tags: string[] }'];
  for (let i = 0; i < n; i++) {
    lines.push(`/** @route GET /r${i}/:id */`, `export function r${i}(id: number, q?: string): Item { return { id, name: q ?? 'x', tags: [] }; }`);
  }
  writeFileSync(path.join(dir, 'routes.ts'), lines.join('\n') + '\n');
  return dir;
}
