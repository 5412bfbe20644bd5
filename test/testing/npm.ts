/**
 * Covet as a user gets it, for the tests that need the real package
 * (test/package.test.ts, test/init.test.ts): `npm pack` of this repository
 * (its prepack and prepare scripts run: the native binary, lib/) and
 * `npm install` of the tarball, with npm run the way a user runs it.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This repository: what `npm pack` packs. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * npm as a user runs it: none of the npm_* settings of an `npm test` that may be running the
 * test (npm_config_local_prefix would point npm back here), no audit, fund or update notices.
 */
export const npmEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD')),
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  FORCE_COLOR: '0',
};

export interface Ran {
  code: number | null;
  out: string;
  err: string;
  /** Wall clock, milliseconds. */
  ms: number;
  /** Why it did not run or was stopped (spawn error, timeout), if so. */
  failure?: string;
}

/** A command in a child process with `npmEnv` (npm installs take their time: 4 minutes at most). */
export function run(command: string, args: readonly string[], cwd: string, options: SpawnSyncOptions = {}): Ran {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd, env: npmEnv, encoding: 'utf8', timeout: 240_000, ...options });
  const failure = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : undefined;
  return { code: r.status, out: String(r.stdout ?? ''), err: String(r.stderr ?? ''), ms: performance.now() - started, ...(failure ? { failure } : {}) };
}

/** `npm pack` of this repository into `dest`; `tarball` is '' when npm made none. */
export function packCovet(dest: string): Ran & { tarball: string } {
  const r = run('npm', ['pack', '--pack-destination', dest], ROOT);
  const name = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  return { ...r, tarball: name ? path.join(dest, name) : '' };
}

/** `npm install` of `packages` (a tarball, `name@version`) into the project at `cwd`, from npm's cache when it has them. */
export function npmInstall(cwd: string, packages: readonly string[]): Ran {
  return run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...packages], cwd);
}
