// One-time setup for a fresh clone: npm dependencies (which also builds
// better-sqlite3 from source and, through `prepare`, the CLI in lib/) and the
// Debian packages the project needs, when running as root with apt.
// Idempotent and quick when everything is already there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const quiet = process.argv.includes('--quiet');
const log = (msg) => quiet || process.stdout.write(`setup: ${msg}\n`);

/** Debian packages the tests and benchmarks use (command → package). */
const DEBIAN = { curl: 'curl', wrk: 'wrk' };

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const missing = Object.entries(DEBIAN).filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg);
if (missing.length) {
  if (process.getuid?.() === 0 && have('apt-get')) {
    log(`installing Debian packages: ${missing.join(' ')}`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    log(`warning: missing ${missing.join(', ')} (not root or no apt); the tests that use them will fail`);
  }
}

const needInstall =
  !existsSync(path.join(root, 'node_modules', '.package-lock.json')) ||
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
log('ready');
