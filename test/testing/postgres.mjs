/**
 * A real PostgreSQL (Debian's `postgresql`, which scripts/setup.mjs installs) for the tests and the
 * bench: `initdb` in a temporary folder, `postgres` on a free port of 127.0.0.1 with its Unix socket
 * in that folder, stopped and removed by `stop()`. Made for speed, not durability (fsync off, no
 * synchronous commit, small buffers): a cluster starts in about a second.
 *
 * PostgreSQL refuses to run as root. When the tests run as root, the server, initdb and psql run as
 * the `postgres` system user (Debian's package creates it), and the folder is given to that user.
 * The child is spawned with that uid and gid directly rather than through `runuser -u postgres --`:
 * runuser stands between the test and the server, and it answers a SIGINT (PostgreSQL's fast
 * shutdown) with SIGTERM and SIGKILL of its own, so `kill('SIGINT')` would not be what reached it.
 *
 * `kill()` and `start()` again on the same port (the data kept) let a test take the database away
 * mid-test and bring it back.
 *
 * Plain ESM with its types in postgres.d.mts, so that the bench (bench/peers.mjs, run without tsx)
 * starts its database with the same code as the tests.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const SETUP = 'run node scripts/setup.mjs (it installs Debian\'s postgresql)';

/** The newest `/usr/lib/postgresql/<version>/bin` that holds initdb and postgres, or `COVET_PG_BIN`. */
export function findPostgresBin() {
  const override = process.env.COVET_PG_BIN;
  if (override) {
    if (!existsSync(path.join(override, 'postgres'))) throw new Error(`COVET_PG_BIN=${override} holds no postgres binary`);
    return override;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`PostgreSQL's server binaries were not found (no ${root}/<version>/bin/initdb): ${SETUP}`);
  return path.join(root, versions[0], 'bin');
}

/** The uid and gid to run PostgreSQL as: undefined (ours), or the `postgres` user's when we are root. */
function runAs() {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`PostgreSQL refuses to run as root, and there is no postgres user to run it as: ${SETUP}`);
  }
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL program (as `user` when given); resolves to its output, trimmed. @returns {Promise<string>} */
function run(file, args, user, input) {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', timeout: 30_000, ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout.trim());
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/**
 * Every server still running when the process exits gets an immediate shutdown (SIGQUIT) and its
 * folder is removed, so that none outlives a crashed test or a bench that was stopped.
 * @type {Map<import('node:child_process').ChildProcess, string>}
 */
const live = new Map();
let exitHook = false;

/**
 * @param {{ unref?: boolean }} [options] `unref`: the server does not keep this process alive (the
 *   bench's, which exits when its work is done; the exit hook then stops it).
 */
export async function startPostgres(options = {}) {
  const bin = findPostgresBin();
  const user = runAs();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const host = '127.0.0.1';
  try {
    await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale', 'C', '--no-sync', '--no-instructions'], user);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const [proc, dir] of live) {
        proc.kill('SIGQUIT');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  /** @returns {Promise<void>} */
  const start = () =>
    new Promise((resolve, reject) => {
      const settings = {
        listen_addresses: host,
        port: String(port),
        unix_socket_directories: dir,
        fsync: 'off',
        synchronous_commit: 'off',
        full_page_writes: 'off',
        shared_buffers: '16MB',
        max_connections: '100',
        logging_collector: 'off',
        log_min_messages: 'warning',
      };
      const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
      const proc = spawn(path.join(bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } });
      child = proc;
      live.set(proc, dir);
      if (options.unref) {
        proc.unref();
        proc.stdout.unref?.();
        proc.stderr.unref?.();
      }
      let out = '';
      let ready = false;
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`postgres did not start within 15 s:\n${out}`));
      }, 15_000);
      // log_min_messages=warning hides the "ready to accept connections" line: readiness is a
      // successful connection, asked for every 50 ms.
      const probe = () => {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const socket = net.connect(port, host);
        socket.once('connect', () => {
          socket.destroy();
          run(path.join(bin, 'psql'), ['-h', host, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-XAtqc', 'SELECT 1'], undefined).then(
            () => {
              ready = true;
              clearTimeout(timer);
              resolve();
            },
            () => setTimeout(probe, 50),
          );
        });
        socket.once('error', () => {
          socket.destroy();
          setTimeout(probe, 50);
        });
      };
      setTimeout(probe, 50);
      proc.stdout.setEncoding('utf8').on('data', (d) => (out += d));
      proc.stderr.setEncoding('utf8').on('data', (d) => (out += d));
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`postgres could not be started (${SETUP}): ${err.message}`));
      });
      proc.once('exit', (code, signal) => {
        live.delete(proc);
        clearTimeout(timer);
        if (!ready) reject(new Error(`postgres exited (${signal ?? code}) before it was ready:\n${out}`));
      });
    });

  /** @returns {Promise<void>} */
  const kill = (signal = 'SIGINT') => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  };

  try {
    await start();
  } catch (err) {
    await kill('SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    host,
    port,
    bin,
    dir,
    psql: (/** @type {string} */ sql) => run(path.join(bin, 'psql'), ['-h', host, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-f', '-'], undefined, sql),
    kill,
    start,
    stop: async () => {
      await kill('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
