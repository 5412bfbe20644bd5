// One-time setup for a fresh clone: npm dependencies (which also builds
// better-sqlite3 from source and, through `prepare`, the CLI in lib/) and the
// Debian packages the project needs, when running as root with apt.
// Idempotent and quick when everything is already there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const quiet = process.argv.includes('--quiet');
const log = (msg) => quiet || process.stdout.write(`setup: ${msg}\n`);

/**
 * Debian packages the project uses: package → how to tell it is installed
 * (a command on PATH, or a file it installs).
 */
const DEBIAN = {
  curl: { command: 'curl' },
  wrk: { command: 'wrk' },
  // GNU time: the bench reads wrk's own CPU time through it (is the client's core the bottleneck?).
  time: { file: '/usr/bin/time' },
  // llhttp's C sources, compiled into the native engine (runtime-min/native).
  'node-llhttp': { file: '/usr/share/llhttp/llhttp.c' },
  // The browser the docs page tests drive (playwright-core, never its own download).
  chromium: { command: 'chromium' },
  // The Redis the rate-limit tests start on a free port (shared limits across workers).
  'redis-server': { command: 'redis-server' },
  // promtool checks the /metrics output; the tests also scrape it with a real Prometheus.
  prometheus: { command: 'promtool' },
  // The PostgreSQL the Postgres example and bench's db-postgres scenario start on a free port.
  postgresql: { glob: ['/usr/lib/postgresql', 'bin/initdb'] },
  // FastAPI's client for bench's db-postgres scenario (the peers' same query).
  'python3-asyncpg': { file: '/usr/lib/python3/dist-packages/asyncpg/__init__.py' },
};

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** `glob: [dir, rest]`: some `dir/<any>/rest` exists (PostgreSQL's binaries live under their major version). */
const globbed = ([dir, rest]) => existsSync(dir) && readdirSync(dir).some((v) => existsSync(path.join(dir, v, rest)));
const installed = (check) => (check.command ? have(check.command) : check.glob ? globbed(check.glob) : existsSync(check.file));
const missing = Object.entries(DEBIAN).filter(([, check]) => !installed(check)).map(([pkg]) => pkg);
if (missing.length) {
  if (process.getuid?.() === 0 && have('apt-get')) {
    log(`installing Debian packages: ${missing.join(' ')}`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    log(`warning: missing ${missing.join(', ')} (not root or no apt); the tests that use them will fail`);
  }
}

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const declared = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
const needInstall =
  !existsSync(path.join(root, 'node_modules', '.package-lock.json')) ||
  // A checkout that pulled a commit adding a package.
  declared.some((name) => !existsSync(path.join(root, 'node_modules', name, 'package.json'))) ||
  !existsSync(path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')) ||
  !existsSync(path.join(root, 'node_modules', '.bin', 'tsx'));
if (needInstall) {
  log('installing npm dependencies (better-sqlite3 compiles from source: about a minute)');
  const env = { ...process.env };
  // node-gyp cannot download Node's headers here: build against the local ones.
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
}
if (!existsSync(path.join(root, 'lib', 'cli.mjs'))) {
  log('building the CLI');
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}
buildNativeEngine();
log('ready');

/**
 * The native engine's addon (runtime-min/native, node-gyp): built when missing or older
 * than its sources. Without it `covet build` uses the node engine, so a failure is a warning.
 */
function buildNativeEngine() {
  const dir = path.join(root, 'runtime-min', 'native');
  const addon = path.join(dir, 'build', 'Release', 'covet_runtime.node');
  const sources = [path.join(dir, 'binding.gyp'), ...['src', 'src/llhttp', 'include'].flatMap((d) => readdirSync(path.join(dir, d)).filter((f) => /\.[ch]$/.test(f)).map((f) => path.join(dir, d, f)))];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(addon) && statSync(addon).mtimeMs >= newest) return;
  const gyp = ['/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js', path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')].find((f) => existsSync(f));
  const why = !existsSync('/usr/share/llhttp/llhttp.c') ? 'llhttp sources missing (Debian node-llhttp)' : gyp === undefined ? 'node-gyp not found' : null;
  if (why === null) {
    log('building the native engine (runtime-min/native)');
    const args = [gyp, 'rebuild', '--directory', dir];
    if (existsSync('/usr/include/node/node.h')) args.push('--nodedir=/usr');
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status === 0) return;
    if (!quiet) process.stderr.write((r.stdout + r.stderr).split('\n').filter((l) => !l.startsWith('gyp info')).slice(-20).join('\n') + '\n');
  }
  process.stdout.write(`setup: warning: the native engine was not built (${why ?? 'node-gyp failed'}); covet build falls back to the node engine\n`);
}
