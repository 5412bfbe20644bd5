// Starting pinned processes and reading what they cost from /proc.
//
// A server runs as `sh -c 'ulimit -n N; exec taskset -c 0 cmd args…'`: `exec`
// keeps one pid from the shell to the server, so the pid we hold is the pid we
// measure. Peers are single-process, but CPU time and memory are summed over
// the process's descendants too, so that a peer that forks is still counted.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

export const SERVER_CORE = 0;
export const CLIENT_CORE = 1;
export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** The highest `ulimit -n` a child may set: 65536, or the hard limit when lower. */
export const NOFILE = (() => {
  const hard = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim();
  return hard === 'unlimited' ? 65536 : Math.min(65536, Number(hard) || 1024);
})();

/** Pins this process (all its threads) to `core`; the runner shares wrk's core and idles while wrk runs. */
export function pinSelf(core = CLIENT_CORE) {
  const r = spawnSync('taskset', ['-a', '-cp', String(core), String(process.pid)], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * Spawns `cmd args` pinned to `core` with the file-descriptor limit raised.
 * Returns { child, pid, started (hrtime ns), exited (promise), output(), stop() }.
 */
export function spawnPinned({ cmd, args = [], env, cwd }, { core = SERVER_CORE, stdio = 'pipe' } = {}) {
  const script = `ulimit -n ${NOFILE} 2>/dev/null; exec taskset -c ${core} "$0" "$@"`;
  const started = process.hrtime.bigint();
  const child = spawn('sh', ['-c', script, cmd, ...args], {
    env,
    cwd,
    stdio: stdio === 'pipe' ? ['pipe', 'pipe', 'pipe'] : stdio,
  });
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let status = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve((status = { code, signal })));
    child.once('error', (error) => resolve((status = { code: null, signal: null, error: error.message })));
  });
  return {
    child,
    pid: child.pid,
    started,
    exited,
    hasExited: () => status !== null,
    output: () => output.trim(),
    /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
    async stop(graceMs = 2000) {
      if (status) return status;
      const tree = descendants(child.pid);
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        for (const pid of [child.pid, ...tree]) tryKill(pid, 'SIGKILL');
      }, graceMs);
      const result = await exited;
      clearTimeout(timer);
      for (const pid of tree) tryKill(pid, 'SIGKILL');
      return result;
    },
  };
}

function tryKill(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

/** The pids of every live descendant of `pid` (scanning /proc/<n>/stat for parents). */
export function descendants(pid) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) parent.set(Number(name), stat.ppid);
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    for (const [child, pp] of parent) {
      if (pp === p) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

/** { ppid, utime, stime } in clock ticks from /proc/<pid>/stat (all threads), or null once gone. */
function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // the command name may contain spaces and parentheses: fields start after the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15
  return { ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]) };
}

/** CPU seconds (user + system) used so far by `pid` and its live descendants. */
export function cpuSeconds(pid) {
  let ticks = 0;
  for (const p of [pid, ...descendants(pid)]) {
    const s = readStat(p);
    if (s) ticks += s.utime + s.stime;
  }
  return ticks / CLK_TCK;
}

function statusField(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident memory now, in kB, summed over the process tree. */
export const rssKb = (pid) => [pid, ...descendants(pid)].reduce((n, p) => n + statusField(p, 'VmRSS'), 0);

/** Peak resident memory (VmHWM) in kB, summed over the process tree. */
export const peakRssKb = (pid) => [pid, ...descendants(pid)].reduce((n, p) => n + statusField(p, 'VmHWM'), 0);

/**
 * Resets the peak (VmHWM) to the current RSS (`echo 5 > /proc/<pid>/clear_refs`,
 * Linux ≥ 4.0), so that one server process can report a peak per scenario.
 * Returns false when the kernel refuses.
 */
export function resetPeakRss(pid) {
  let ok = true;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      ok = false;
    }
  }
  return ok;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
