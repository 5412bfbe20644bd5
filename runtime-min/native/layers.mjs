// The native engine's layering, checked on object files: include/covet.h lists the C files lowest
// first ("Layers, lowest first"); each file may use only the covet_ functions and data defined in
// the files before it (a call up the layers goes through covet_hooks_t), and only the binding, the
// last one, may use napi_*. Each source of binding.gyp is compiled on its own (gcc -c, -O0, with
// binding.gyp's defines and includes) and `nm` tells what it defines and what it uses.
//
//   node runtime-min/native/layers.mjs [native-dir]     prints the layers, or what breaks them (exit 1)
//
// layers.test.ts runs it in `npm test`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeHeadersDir } from './binary.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The files of covet.h's layer list, lowest first (as named there: `parse.c`, …). */
export function readLayers(header) {
  const start = header.indexOf('Layers, lowest first');
  if (start < 0) return [];
  const lines = header.slice(start).split('\n').slice(1);
  const files = [];
  for (const line of lines) {
    if (/^ \*\/?\s*$/.test(line) && files.length > 0) break; // the blank line after the list
    const m = /^ \*   (\w+\.c)\s/.exec(line);
    if (m) files.push(m[1]);
  }
  return files;
}

/**
 * What breaks the layering. `layers`: file names lowest first; `objects`: per file, the global
 * symbols it defines and the undefined ones it uses. Returns one line per fault.
 */
export function layerViolations(layers, objects) {
  const faults = [];
  const definedBy = new Map();
  for (const [file, { defines }] of objects) for (const s of defines) definedBy.set(s, file);
  for (const file of objects.keys()) if (!layers.includes(file)) faults.push(`${file} is not in covet.h's layer list`);
  for (const file of layers) if (!objects.has(file)) faults.push(`${file} is in covet.h's layer list but not a source of binding.gyp`);
  const binding = layers[layers.length - 1];
  for (const [file, { uses }] of objects) {
    const level = layers.indexOf(file);
    for (const s of uses) {
      if (s.startsWith('napi_') && file !== binding) faults.push(`${file} uses ${s}: only the binding (${binding}) calls napi_*`);
      if (!s.startsWith('covet_')) continue;
      const owner = definedBy.get(s);
      if (owner === undefined) faults.push(`${file} uses ${s}, which no file defines`);
      else if (layers.indexOf(owner) >= level) faults.push(`${file} uses ${s} of ${owner}, a layer above it`);
    }
  }
  return faults;
}

/** binding.gyp's Covet sources (not the llhttp wrappers), defines, include directories and C flags. */
function gypTarget(dir) {
  const gyp = JSON.parse(readFileSync(path.join(dir, 'binding.gyp'), 'utf8'));
  const t = gyp.targets[0];
  return {
    sources: t.sources.filter((s) => !s.includes('/llhttp/')),
    defines: t.defines ?? [],
    includes: (t.include_dirs ?? []).map((d) => path.resolve(dir, d)),
    cflags: (t.cflags ?? []).filter((f) => f.startsWith('-std=')),
  };
}

/** nm -P of one object file: the global symbols it defines, and those it uses. */
function symbols(object) {
  const r = spawnSync('nm', ['-P', object], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nm ${object}: ${r.stderr || r.error}`);
  const defines = [];
  const uses = [];
  for (const line of r.stdout.split('\n')) {
    const [name, type] = line.split(' ');
    if (!name || !type) continue;
    if (type === 'U') uses.push(name);
    else if (/^[A-Z]$/.test(type)) defines.push(name);
  }
  return { defines, uses };
}

/**
 * Compiles and reads every source of `dir` (the native folder). Returns { layers, objects } or
 * { skipped } saying what is missing (gcc, nm, node's headers, llhttp's).
 */
export function inspect(dir = HERE) {
  for (const tool of ['gcc', 'nm']) {
    if (spawnSync(tool, ['--version']).status !== 0) return { skipped: `${tool} is not installed` };
  }
  const nodeDir = nodeHeadersDir();
  if (nodeDir === null) return { skipped: "node's headers (include/node/node_api.h) are not installed" };
  const target = gypTarget(dir);
  const layers = readLayers(readFileSync(path.join(dir, 'include', 'covet.h'), 'utf8'));
  const out = mkdtempSync(path.join(os.tmpdir(), 'covet-layers-'));
  try {
    const objects = new Map();
    for (const source of target.sources) {
      const object = path.join(out, path.basename(source) + '.o');
      const args = ['-c', '-O0', ...target.cflags, ...target.defines.map((d) => `-D${d}`), ...target.includes.map((d) => `-I${d}`), `-I${path.join(nodeDir, 'include', 'node')}`, path.join(dir, source), '-o', object];
      const r = spawnSync('gcc', args, { encoding: 'utf8' });
      if (r.status !== 0) {
        if (/llhttp\.h: No such file/.test(r.stderr)) return { skipped: "llhttp's headers are not installed (Debian's node-llhttp)" };
        throw new Error(`gcc ${source}:\n${r.stderr}`);
      }
      objects.set(path.basename(source), symbols(object));
    }
    return { layers, objects };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = inspect(process.argv[2] ? path.resolve(process.argv[2]) : HERE);
  if ('skipped' in result) {
    console.log(`layers: skipped, ${result.skipped}`);
  } else {
    const faults = layerViolations(result.layers, result.objects);
    if (faults.length === 0) console.log(`layers: ${result.layers.join(' < ')}: no call goes up`);
    else for (const f of faults) console.log(`layers: ${f}`);
    process.exitCode = faults.length === 0 ? 0 : 1;
  }
}
