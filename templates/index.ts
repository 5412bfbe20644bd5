/**
 * Where covet's own files are, from source (tsx) and from the bundled CLI
 * (lib/cli.mjs) alike: the nearest directory upwards holding the `covet`
 * package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'covet') return dir;
      } catch {
        /* keep looking */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('covet: cannot find its own package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** The covet package's root directory. */
export const covetRoot = findRoot();

/** The text of `templates/<name>`. */
export function readTemplate(name: string): string {
  return readFileSync(path.join(covetRoot, 'templates', name), 'utf8');
}

/** The version in covet's package.json. */
export function covetVersion(): string {
  return (JSON.parse(readFileSync(path.join(covetRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
