// The native engine's binary on this machine: which file it is (node-gyp-build's
// rules: a local build in build/Release first, then the prebuilt binary of
// prebuilds/<platform>-<arch>/ whose tags match), whether it loads, and what a
// build from source would need. Used by `covet build` (bundled into lib/cli.mjs)
// and by install.mjs (npm's install step). Plain JavaScript: it runs at install
// time, before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import nodeGypBuild from 'node-gyp-build';

const require = createRequire(import.meta.url);

/** llhttp's C sources and header, as Debian's node-llhttp installs them (binding.gyp and src/llhttp/*.c name these paths). */
export const LLHTTP_FILES = ['/usr/share/llhttp/api.c', '/usr/share/llhttp/http.c', '/usr/share/llhttp/llhttp.c', '/usr/share/include/llhttp/llhttp.h'];

/** `linux-x64 (glibc)`: the platform a binary must be built for. */
export function platformName() {
  const libc = process.platform === 'linux' ? (existsSync('/etc/alpine-release') ? ' (musl)' : ' (glibc)') : '';
  return `${process.platform}-${process.arch}${libc}`;
}

/**
 * The binary for this machine in `dir` (runtime-min/native of the covet package), loaded once
 * to be sure it works here: `{ file }`, or `{ file: null, reason }` saying what was found.
 */
export function locateBinary(dir) {
  let file;
  try {
    file = nodeGypBuild.path(dir);
  } catch {
    return { file: null, reason: `no prebuilt binary for ${platformName()} and no local build` };
  }
  try {
    const addon = require(file);
    if (typeof addon.listen !== 'function') return { file: null, reason: `${file} is not covet's native engine` };
  } catch (err) {
    return { file: null, reason: `${file} does not load on this machine (${firstLine(err)})` };
  }
  return { file };
}

/** The folder whose include/node holds Node's headers (node-gyp's --nodedir), or null: a build never downloads them. */
export function nodeHeadersDir(env = process.env) {
  const candidates = [env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..'), '/usr'].filter(Boolean);
  return candidates.find((d) => existsSync(path.join(d, 'include', 'node', 'node_api.h')) && existsSync(path.join(d, 'include', 'node', 'common.gypi'))) ?? null;
}

/** node-gyp's entry point: npm's own (npm names it to install scripts), else the one bundled with npm beside node. */
export function nodeGypPath(env = process.env) {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const candidates = [
    env.npm_config_node_gyp,
    path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].filter(Boolean);
  return candidates.find((f) => existsSync(f)) ?? null;
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' }).status === 0;
}

/**
 * What a build from source is missing here, each as `{ what, debian }` (debian: the Debian/Ubuntu
 * package that provides it); empty when everything is there.
 */
export function missingForSourceBuild(env = process.env) {
  const missing = [];
  const cc = env.CC ? env.CC.split(' ')[0] : undefined;
  if (cc ? !onPath(cc) : !['cc', 'gcc', 'clang'].some(onPath)) missing.push({ what: cc ? `a C compiler (CC=${cc} is not found)` : 'a C compiler', debian: 'build-essential' });
  if (!onPath('make')) missing.push({ what: 'make', debian: 'build-essential' });
  if (!(env.PYTHON ? onPath(env.PYTHON) : onPath('python3'))) missing.push({ what: env.PYTHON ? `python3 (PYTHON=${env.PYTHON} is not found)` : 'python3', debian: 'python3' });
  const llhttp = LLHTTP_FILES.filter((f) => !existsSync(f));
  if (llhttp.length) missing.push({ what: `llhttp's C sources (${llhttp.join(', ')} missing)`, debian: 'node-llhttp' });
  if (nodeHeadersDir(env) === null) missing.push({ what: "Node's headers (include/node/node_api.h under node's prefix or /usr)", debian: 'libnode-dev' });
  if (nodeGypPath(env) === null) missing.push({ what: 'node-gyp (it comes with npm)', debian: 'npm' });
  return missing;
}

/**
 * What the user can do on a machine without a usable binary, as one clause: build one (what that
 * needs here, and the Debian/Ubuntu packages that provide it), then `rebuild` (the command that
 * runs install.mjs again: `npm rebuild covet` in a project that depends on covet).
 */
export function whatToDo(missing = missingForSourceBuild(), rebuild = 'npm rebuild covet') {
  if (missing.length === 0) return `this machine can build one: run \`${rebuild}\` (node-gyp compiles runtime-min/native, about 10 s)`;
  const packages = [...new Set(missing.map((m) => m.debian))];
  return (
    `covet ships it prebuilt for linux-x64 (glibc); building it here needs ${list(missing.map((m) => m.what))}` +
    `; on Debian/Ubuntu: apt-get install ${packages.join(' ')}, then run \`${rebuild}\``
  );
}

/**
 * Compiles the addon in `dir` with node-gyp against local headers. Returns null when it built
 * and loads, else the reason (with node-gyp's last lines of output).
 */
export function buildFromSource(dir, env = process.env) {
  const gyp = nodeGypPath(env);
  const nodedir = nodeHeadersDir(env);
  if (gyp === null || nodedir === null) return 'node-gyp or Node headers not found';
  const r = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--directory=${dir}`, `--nodedir=${nodedir}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, npm_config_nodedir: nodedir },
  });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').filter((l) => l && !l.startsWith('gyp info')).slice(-12).join('\n');
    return `node-gyp failed (exit ${r.status ?? r.signal}):\n${tail}`;
  }
  const found = locateBinary(dir);
  return found.file === null ? found.reason : null;
}

/** `a`, `a and b`, `a, b and c`. */
function list(items) {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function firstLine(err) {
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}
