// One wrk run: the exact command line for a scenario, and its result parsed
// from the JSON line that bench/wrk/report.lua prints in done().
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_CORE } from './proc.mjs';

const WRK = '/usr/bin/wrk';
const TIME = '/usr/bin/time';
const SCRIPTS = fileURLToPath(new URL('../wrk/', import.meta.url));

/**
 * The argv (after `taskset -c 1`) that loads `scenario` on 127.0.0.1:port:
 *  - pipelined: pipeline.lua, `depth` requests per write;
 *  - with a body or another method than GET: post.lua;
 *  - plain GET: report.lua alone (wrk's static request).
 * Headers go through -H in every case, so wrk.format() includes them.
 */
export function wrkArgs(scenario, { port, connections, seconds, threads = 1, timeout = 4 }) {
  const url = `http://127.0.0.1:${port}${scenario.path}`;
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeout}s`];
  for (const [name, value] of Object.entries(scenario.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (scenario.pipeline > 1) {
    args.push('-s', path.join(SCRIPTS, 'pipeline.lua'), url, '--', String(scenario.pipeline), scenario.method ?? 'GET', scenario.body ?? '');
  } else if ((scenario.method ?? 'GET') !== 'GET' || scenario.body) {
    args.push('-s', path.join(SCRIPTS, 'post.lua'), url, '--', scenario.method ?? 'POST', scenario.body ?? '');
  } else {
    args.push('-s', path.join(SCRIPTS, 'report.lua'), url);
  }
  return args;
}

/** The shell-quoted command, for the results file and for rerunning one case by hand. */
export function wrkCommandLine(args) {
  const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['taskset', '-c', String(CLIENT_CORE), 'wrk', ...args].map(quote).join(' ');
}

/**
 * Runs wrk pinned to the client core. Resolves to
 * { requests, seconds, rps, bytes, latencyUs: {p50, p90, p99, max, mean}, errors: {connect, read, write, status, timeout},
 *   clientCpuSeconds }.
 * clientCpuSeconds is wrk's own user+system time (from /usr/bin/time), or null without it: with
 * the run's seconds it says whether the client's core was the bottleneck.
 * A percentile that wrk cannot compute (it returns 0, e.g. p99 under pipelining,
 * where its latency correction adds samples below its recorded minimum) is null.
 */
export function runWrk(args) {
  return new Promise((resolve, reject) => {
    const timed = existsSync(TIME);
    const argv = timed ? ['-c', String(CLIENT_CORE), TIME, '-f', 'COVET_TIME %U %S', WRK, ...args] : ['-c', String(CLIENT_CORE), WRK, ...args];
    const child = spawn('taskset', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('COVET_WRK '));
      if (code !== 0 || !line) {
        reject(new Error(`wrk exited ${code} without a result line: ${(err || out).trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      const r = JSON.parse(line.slice('COVET_WRK '.length));
      const seconds = r.duration_us / 1e6;
      const lat = r.latency_us;
      const pct = (v) => (v > 0 ? v : null);
      const time = err.split('\n').find((l) => l.startsWith('COVET_TIME '));
      const clientCpuSeconds = time ? time.slice('COVET_TIME '.length).split(' ').reduce((n, x) => n + Number(x), 0) : null;
      resolve({
        requests: r.requests,
        seconds,
        rps: r.requests / seconds,
        bytes: r.bytes,
        latencyUs: { p50: pct(lat.p50), p90: pct(lat.p90), p99: pct(lat.p99), max: lat.max, mean: lat.mean },
        errors: r.errors,
        clientCpuSeconds,
      });
    });
  });
}

/** Socket errors (connect, read, write, timeout) and responses ≥ 400, as counted by wrk. */
export const errorCount = (e) => e.connect + e.read + e.write + e.timeout + e.status;
