/**
 * `covet init [dir]`: a new project that builds, type-checks, serves and
 * tests as it is. The files are templates/init/ (`gitignore` becomes
 * `.gitignore`: npm leaves files of that name out of a package) and a
 * package.json written here, whose versions come from covet's own
 * package.json: covet's version, and the TypeScript, tsx and @types/node
 * ranges covet itself is tested with.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { covetRoot } from '../templates/index.ts';

/** A reason init wrote nothing; the message says what to do. */
export class InitError extends Error {}

export interface InitResult {
  /** The project folder, absolute. */
  dir: string;
  /** The files written, relative to `dir`, in the order written. */
  files: string[];
}

const TEMPLATE = path.join(covetRoot, 'templates', 'init');
/** Template file → project file, where the names differ. */
const RENAMED: Record<string, string> = { gitignore: '.gitignore' };
/** The tools the project's scripts run, at the ranges covet's own devDependencies pin. */
const DEV_TOOLS = ['@types/node', 'tsx', 'typescript'];

export function initProject(dir: string, options: { force?: boolean } = {}): InitResult {
  const root = path.resolve(dir);
  if (existsSync(root)) {
    if (!statSync(root).isDirectory()) throw new InitError(`${dir} is a file; covet init needs a folder: name a new or empty one`);
    // A fresh `git init` counts as empty.
    const present = readdirSync(root).filter((name) => name !== '.git');
    if (present.length && !options.force) {
      const shown = present.sort().slice(0, 5).join(', ') + (present.length > 5 ? ', …' : '');
      throw new InitError(`${dir} is not empty (${shown}); covet init starts a new project: name a new or empty folder, or pass --force to write its files there anyway (files of the same name are replaced, others are kept)`);
    }
  }
  const files: [string, string][] = [['package.json', JSON.stringify(packageJson(root), null, 2) + '\n']];
  for (const file of templateFiles()) {
    const target = path.dirname(file) === '.' && RENAMED[file] ? RENAMED[file] : file;
    files.push([target, readFileSync(path.join(TEMPLATE, file), 'utf8')]);
  }
  for (const [file, text] of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return { dir: root, files: files.map(([file]) => file) };
}

/** What to run next, from `cwd`. */
export function nextSteps(result: InitResult, cwd = process.cwd()): string {
  const rel = path.relative(cwd, result.dir);
  const cd = rel === '' ? [] : [`cd ${/^[\w./-]+$/.test(rel) ? rel : JSON.stringify(rel)}`];
  return [
    'next steps:',
    ...[...cd, 'npm install'].map((c) => `  ${c}`),
    '  npm test            # the example\'s tests (node:test, src/*.test.ts)',
    '  npm run dev         # build, serve on http://localhost:3000, rebuild and restart on every change',
    '  curl -s localhost:3000/notes -H \'content-type: application/json\' -d \'{"text":"hello"}\'',
    '',
    'npm run build writes dist/ (node dist/server.mjs serves it); npm run typecheck runs tsc.',
    '',
  ].join('\n');
}

function packageJson(root: string) {
  const covet = JSON.parse(readFileSync(path.join(covetRoot, 'package.json'), 'utf8')) as { version: string; devDependencies?: Record<string, string> };
  const devDependencies: Record<string, string> = {};
  for (const name of DEV_TOOLS) {
    const range = covet.devDependencies?.[name];
    if (range === undefined) throw new Error(`covet's package.json has no devDependency ${name}, which covet init puts in the new project`);
    devDependencies[name] = range;
  }
  return {
    name: packageName(path.basename(root)),
    version: '0.1.0',
    private: true,
    // ES modules: with npm's default ("commonjs") tsc reads every .ts file as CommonJS (TS1295).
    type: 'module',
    engines: { node: '>=20' },
    scripts: {
      build: 'covet build src --tsconfig tsconfig.json --out dist',
      dev: 'covet dev src --tsconfig tsconfig.json --out dist',
      start: 'node dist/server.mjs',
      test: 'node --import tsx --test src/*.test.ts',
      typecheck: 'tsc',
    },
    dependencies: { covet: `^${covet.version}` },
    devDependencies,
  };
}

/** An npm package name from a folder name: lower case, URL-safe characters, not starting with `.` or `_`. */
export function packageName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._~-]+/g, '-').replace(/^[._~-]+|-+$/g, '').slice(0, 214);
  return name || 'covet-app';
}

function templateFiles(): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(TEMPLATE, rel), { withFileTypes: true })) {
      const file = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(file);
      else out.push(file);
    }
  };
  walk('');
  return out.sort();
}
