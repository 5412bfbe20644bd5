/**
 * `--workers N` end to end, on both engines: a supervisor and N worker
 * processes behind one port. What each process holds is read from /proc (its
 * children, its sockets), never from anything the server reports about
 * itself: on the native engine the supervisor holds one listening socket
 * (SO_REUSEPORT) per worker, which accepts from it, on the node engine the
 * supervisor owns the one socket and hands connections out (node:cluster);
 * either way the accepted connections
 * end up in both workers. Then: a killed worker is replaced while the others
 * answer, SIGTERM lets a slow request finish before everything exits 0, and a
 * worker that cannot start stops the server instead of being restarted forever.
 * Last, what each process loads: the app's modules (their top-level code) in
 * the workers only, never in the supervisor, which runs dist/supervisor.mjs
 * instead of dist/app.mjs (and loads the native addon only to bind).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildApp, nodeAppTsconfig, startApp, startServer, type RunningApp } from '../harness.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/async', import.meta.url));
const ADDON = fileURLToPath(new URL('../../runtime-min/native/build/Release/covet_runtime.node', import.meta.url));

// ------------------------------------------------------------------ /proc

/** The direct children of `pid`, from /proc (its main thread forks them). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Socket inodes the process holds open. */
function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

const TCP_LISTEN = '0A';
const TCP_ESTABLISHED = '01';

/** Inodes of the TCP sockets whose local port is `port`, in `state`. */
function tcpInodes(port: number, state: string): Set<string> {
  const out = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = f[1]!;
      if (parseInt(local.slice(local.indexOf(':') + 1), 16) === port && f[3] === state) out.add(f[9]!);
    }
  }
  return out;
}

/** Which of `pids` hold a socket on `port` in `state`, and how many each. */
function holders(pids: number[], port: number, state: string): Map<number, number> {
  const wanted = tcpInodes(port, state);
  const out = new Map<number, number>();
  for (const pid of pids) {
    let n = 0;
    for (const inode of socketInodes(pid)) if (wanted.has(inode)) n++;
    if (n > 0) out.set(pid, n);
  }
  return out;
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ------------------------------------------------------------------ HTTP

/** One request on a connection of its own (no pool that could hold a socket to a dead worker). */
function get(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: target, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${target} timed out`)));
    req.on('error', reject);
  });
}

/** Opens `count` keep-alive connections, each answered once, and keeps them open. */
async function openConnections(port: number, count: number): Promise<net.Socket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /sleep/0 HTTP/1.1\r\nHost: x\r\n\r\n'));
          let seen = '';
          socket.setEncoding('utf8').on('data', (d: string) => {
            seen += d;
            if (seen.includes('{"slept":0}')) resolve(socket);
          });
          socket.on('error', reject);
          socket.setTimeout(10_000, () => reject(new Error(`no answer on a connection: ${JSON.stringify(seen)}`)));
        }),
    ),
  );
}

/** The workers holding the server side of `count` fresh connections. */
async function connectionHolders(port: number, workers: number[], count = 24): Promise<Map<number, number>> {
  const sockets = await openConnections(port, count);
  try {
    return holders(workers, port, TCP_ESTABLISHED);
  } finally {
    for (const s of sockets) s.destroy();
  }
}

/** Runs a server to its exit (or kills it after `timeoutMs`). */
function runToExit(serverFile: string, args: string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<{ code: number | null; out: string; pid: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [serverFile, '--host', '127.0.0.1', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, pid: child.pid! });
    });
  });
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

function exitOf(app: RunningApp): Promise<number | null> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return Promise.resolve(app.child.exitCode);
  return new Promise((resolve) => app.child.once('exit', (code) => resolve(code)));
}

// ------------------------------------------------------------------ per engine

for (const engine of ['node', 'native'] as const) {
  if (engine === 'native' && !existsSync(ADDON)) {
    console.log(`workers, native engine: skipped, the addon is not built (${ADDON}; node scripts/setup.mjs builds it)`);
    continue;
  }
  const it = suite(`--workers 2, ${engine} engine`);
  let app: RunningApp | undefined;

  it.before(async () => {
    app = await startApp(APP_DIR, { engine, args: ['--workers', '2'] });
  });

  it.after(async () => {
    await app?.stop();
    app = undefined;
  });

  it('one "listening" line from the supervisor; two workers share the port and both get connections', async () => {
    const { port, child } = app!;
    const supervisor = child.pid!;
    assert.match(app!.output(), new RegExp(`^covet: listening on http://127\\.0\\.0\\.1:${port} \\(engine: ${engine}, 2 workers, pid ${supervisor}\\)\n`));
    assert.is(count(app!.output(), /listening on/), 1, app!.output());
    const workers = await until('two workers', () => {
      const c = childrenOf(supervisor);
      return c.length === 2 && c;
    });

    const listeners = holders([supervisor, ...workers], port, TCP_LISTEN);
    if (engine === 'native') {
      // The supervisor bound one SO_REUSEPORT socket per worker and holds them all; each worker accepts from its own.
      assert.equal([...listeners].sort(), [[supervisor, 2], ...workers.map((w) => [w, 1])].sort(), `listening sockets: ${JSON.stringify([...listeners])}`);
      const listening = tcpInodes(port, TCP_LISTEN);
      const own = (pid: number) => [...socketInodes(pid)].filter((i) => listening.has(i));
      const [first, second] = workers.map(own) as [string[], string[]];
      assert.ok(first[0] !== second[0] && own(supervisor).includes(first[0]!) && own(supervisor).includes(second[0]!), 'a socket of the supervisor\'s each');
    } else {
      // cluster: the supervisor owns the one listening socket and passes connections on.
      assert.equal([...listeners.keys()], [supervisor], `listening sockets: ${JSON.stringify([...listeners])}`);
    }

    const held = await connectionHolders(port, workers);
    assert.equal([...held.keys()].sort(), [...workers].sort(), `connections by worker: ${JSON.stringify([...held])}`);
  });

  it('a killed worker is replaced on the same port, and the other answers meanwhile', async () => {
    const { port, child } = app!;
    const supervisor = child.pid!;
    const [victim, survivor] = childrenOf(supervisor) as [number, number];
    process.kill(victim, 'SIGKILL');
    await until('the killed worker to be gone', () => !alive(victim) && !childrenOf(supervisor).includes(victim));
    for (let i = 0; i < 10; i++) assert.equal(await get(port, '/sleep/0'), { status: 200, body: '{"slept":0}' });

    const workers = await until('a replacement', () => {
      const c = childrenOf(supervisor);
      return c.length === 2 && c.includes(survivor) && !c.includes(victim) && c;
    });
    const replacement = workers.find((p) => p !== survivor)!;
    await until(`worker ${replacement} to take connections`, () => {
      // The replacement is a child before it listens: wait for its socket (native) or its turn (node).
      if (engine === 'native') return holders([replacement], port, TCP_LISTEN).has(replacement);
      return true;
    });
    assert.match(app!.output(), new RegExp(`covet: worker ${victim} was killed by SIGKILL; starting another`));
    // A replacement cluster worker takes its first connection only once it has joined the shared socket: allow a retry.
    await until('connections in both workers', async () => (await connectionHolders(port, workers)).size === 2);
    assert.is(count(app!.output(), /listening on/), 1, 'the supervisor announced the port once');
  });

  it('another server on the same port: exit 1 with the reason, no silent sharing', async () => {
    for (const args of [['--workers', '2'], []]) {
      const second = await runToExit(await buildApp(APP_DIR, { engine }), ['--port', String(app!.port), ...args]);
      assert.is(second.code, 1, second.out);
      assert.is(count(second.out, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${app!.port}: port ${app!.port} is already in use`)), 1, second.out);
      assert.not.match(second.out, /listening on/);
    }
    assert.equal(await get(app!.port, '/sleep/0'), { status: 200, body: '{"slept":0}' }, 'the first server still answers');
  });

  it('Ctrl-C (SIGINT to the whole process group): one stop, the slow request finishes, exit 0', async () => {
    // Every process gets the SIGINT from the terminal, and the supervisor forwards its own: a worker must not take that for a second Ctrl-C.
    const child = spawn(process.execPath, [await buildApp(APP_DIR, { engine }), '--port', '0', '--host', '127.0.0.1', '--workers', '2'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const port = Number((await until('the server to listen', () => /listening on http:\/\/[^\s]+:(\d+)/.exec(out)?.[1], 10_000)));
      const pending = get(port, '/sleep/500');
      await new Promise((r) => setTimeout(r, 150));
      process.kill(-child.pid!, 'SIGINT');
      assert.equal(await pending, { status: 200, body: '{"slept":500}' });
      assert.is(await exit, 0, out);
      assert.match(out, /covet: SIGINT received, finishing in-flight requests\n[^]*covet: stopped\n/);
      assert.not.match(out, /again|exiting now|while stopping/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });

  it('SIGTERM: the in-flight request finishes, new connections are refused, every process exits 0', async () => {
    const running = app!;
    app = undefined;
    const supervisor = running.child.pid!;
    const workers = childrenOf(supervisor);
    assert.is(workers.length, 2);
    let answered = false;
    const pending = get(running.port, '/sleep/1000').finally(() => (answered = true));
    await new Promise((r) => setTimeout(r, 150));
    const exit = running.stop();
    const refused = () =>
      new Promise<boolean>((resolve) => {
        const s = net.connect(running.port, '127.0.0.1', () => {
          s.destroy();
          resolve(false);
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
      });
    await until('new connections to be refused', refused, 5_000);
    assert.not.ok(answered, 'refused while the slow request was still in flight');
    assert.equal(await pending, { status: 200, body: '{"slept":1000}' });
    assert.is(await exit, 0, running.output());
    for (const pid of workers) assert.not.ok(alive(pid), `worker ${pid} exited`);
    assert.match(running.output(), /covet: SIGTERM received, finishing in-flight requests\n[^]*covet: stopped\n/);
    assert.is(count(running.output(), /covet: stopped/), 1, running.output());
  });

  it.run();
}

// ------------------------------------------------------------------ workers that cannot start

// A throwaway app whose workers throw at import while a flag file exists (the supervisor ignores it).
const CRASH_APP = `import cluster from 'node:cluster';
import { existsSync } from 'node:fs';

const flag = process.env.CRASH_FLAG;
if (cluster.isWorker && flag && existsSync(flag)) throw new Error('this worker refuses to start');

/** @route GET /ping */
export function ping(): { ok: boolean } {
  return { ok: true };
}
`;

const crash = suite('--workers: a worker that cannot start');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'covet-workers-'));
const appDir = path.join(scratch, 'app');
const flag = path.join(scratch, 'refuse');
let crashServer = '';

crash.before(async () => {
  mkdirSync(appDir);
  writeFileSync(path.join(appDir, 'app.ts'), CRASH_APP);
  writeFileSync(path.join(appDir, 'tsconfig.json'), nodeAppTsconfig());
  crashServer = await buildApp(appDir, { engine: 'node' });
});

crash.after(() => rmSync(scratch, { recursive: true, force: true }));

crash('at startup: the server exits 1 with the worker\'s error and starts no other', async () => {
  writeFileSync(flag, '');
  try {
    const r = await runToExit(crashServer, ['--port', '0', '--workers', '3'], { CRASH_FLAG: flag });
    assert.is(r.code, 1, r.out);
    assert.is(count(r.out, /Error: this worker refuses to start/), 1, r.out);
    assert.match(r.out, /covet: worker \d+ exited with code 1 before it was listening\ncovet: a worker could not start; stopping\n/);
    assert.not.match(r.out, /listening on/);
  } finally {
    rmSync(flag, { force: true });
  }
});

crash('replacements that cannot start: three in a row, then the server gives up with exit 1', async () => {
  const app = await startServer(crashServer, { args: ['--workers', '2'], env: { CRASH_FLAG: flag } });
  try {
    const [victim] = await until('two workers', () => {
      const c = childrenOf(app.child.pid!);
      return c.length === 2 && c;
    });
    writeFileSync(flag, '');
    process.kill(victim!, 'SIGKILL');
    assert.is(await exitOf(app), 1, app.output());
    const out = app.output();
    assert.match(out, new RegExp(`covet: worker ${victim} was killed by SIGKILL; starting another in 100 ms`));
    assert.is(count(out, /Error: this worker refuses to start/), 3, out);
    assert.match(out, /covet: starting another in 100 ms[^]*covet: starting another in 200 ms[^]*covet: 3 workers in a row could not start; giving up\n/);
    assert.not.match(out, /covet: stopped/);
  } finally {
    rmSync(flag, { force: true });
    if (app.child.exitCode === null) await app.stop();
  }
});

crash.run();

// ------------------------------------------------------------------ what the supervisor loads

// A throwaway app whose module does top-level work, as one that opens a database at import does: it
// appends the pid of the process evaluating it to LOADED_LOG, and throws there when REFUSE_TO_LOAD is set.
const LOADING_APP = `import { appendFileSync } from 'node:fs';

if (process.env.LOADED_LOG) appendFileSync(process.env.LOADED_LOG, process.pid + '\\n');
if (process.env.REFUSE_TO_LOAD) throw new Error('this app refuses to load in process ' + process.pid);

/** @route GET /pid */
export function pid(): { pid: number } {
  return { pid: process.pid };
}
`;

const loadingScratch = mkdtempSync(path.join(os.tmpdir(), 'covet-workers-loading-'));
const loadingAppDir = path.join(loadingScratch, 'app');
mkdirSync(loadingAppDir);
writeFileSync(path.join(loadingAppDir, 'app.ts'), LOADING_APP);
writeFileSync(path.join(loadingAppDir, 'tsconfig.json'), nodeAppTsconfig());
let logs = 0;

/** A fresh LOADED_LOG file name. */
function newLog(): string {
  return path.join(loadingScratch, `loaded-${++logs}.log`);
}

/** The pids that evaluated the app's module, in order; [] when none did. */
function loadedBy(log: string): number[] {
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
}

/** Whether `pid` has mapped the native addon. */
function mapsAddon(pid: number): boolean {
  return readFileSync(`/proc/${pid}/maps`, 'utf8').includes('covet_runtime.node');
}

for (const engine of ['node', 'native'] as const) {
  if (engine === 'native' && !existsSync(ADDON)) continue; // said above
  const loading = suite(`--workers 2, ${engine} engine: the app loads in the workers, never in the supervisor`);

  loading('each worker, and each replacement, evaluates the app\'s modules once; the supervisor never does', async () => {
    const log = newLog();
    const app = await startServer(await buildApp(loadingAppDir, { engine }), { args: ['--workers', '2'], env: { LOADED_LOG: log } });
    try {
      const supervisor = app.child.pid!;
      const workers = await until('two workers', () => {
        const c = childrenOf(supervisor);
        return c.length === 2 && c;
      });
      assert.equal(loadedBy(log).sort(), [...workers].sort(), `pids that loaded the app (supervisor ${supervisor}, workers ${workers})`);
      const answered = new Set<number>();
      await until('answers from both workers', async () => {
        answered.add(JSON.parse((await get(app.port, '/pid')).body).pid);
        return answered.size === 2;
      });
      assert.equal([...answered].sort(), [...workers].sort());
      if (engine === 'native') {
        // The supervisor binds the workers' sockets with the addon (and never starts the engine); the app is the workers' only.
        assert.ok(mapsAddon(supervisor), 'the supervisor loaded the addon, to bind');
        for (const pid of workers) assert.ok(mapsAddon(pid), `worker ${pid} loaded the addon`);
      }

      process.kill(workers[0]!, 'SIGKILL');
      const replacement = await until('a replacement that loaded the app', () => {
        const c = childrenOf(supervisor).filter((p) => !workers.includes(p));
        return c.length === 1 && loadedBy(log).includes(c[0]!) && c[0];
      });
      assert.equal(loadedBy(log), [...loadedBy(log).slice(0, 2), replacement]);
      assert.not.ok(loadedBy(log).includes(supervisor), 'never the supervisor');
      assert.is(await app.stop(), 0, app.output());
    } finally {
      if (app.child.exitCode === null) await app.stop();
    }
  });

  loading('a module that throws at import: exit 1 with its error, reported once by the one worker started, none restarted', async () => {
    const log = newLog();
    const r = await runToExit(await buildApp(loadingAppDir, { engine }), ['--port', '0', '--workers', '2'], { LOADED_LOG: log, REFUSE_TO_LOAD: '1' });
    assert.is(r.code, 1, r.out);
    assert.is(count(r.out, /Error: this app refuses to load/), 1, r.out);
    const thrower = Number(/Error: this app refuses to load in process (\d+)/.exec(r.out)?.[1]);
    assert.is.not(thrower, r.pid, 'not the supervisor');
    assert.equal(loadedBy(log), [thrower]);
    assert.match(r.out, new RegExp(`covet: worker ${thrower} exited with code 1 before it was listening\ncovet: a worker could not start; stopping\n`));
    assert.not.match(r.out, /listening on|starting another/);
  });

  loading('a bad command line or --help with --workers: the supervisor answers as the lone server does, and loads none of the app', async () => {
    const server = await buildApp(loadingAppDir, { engine });
    for (const args of [['--port', 'http'], ['--max-body-size', '1k'], ['--workers', 'many'], ['--nope'], ['--help']]) {
      const log = newLog();
      const supervised = await runToExit(server, ['--workers', '2', ...args], { LOADED_LOG: log });
      const alone = await runToExit(server, args);
      assert.is(supervised.code, args[0] === '--help' ? 0 : 2, supervised.out);
      assert.is(alone.code, supervised.code, alone.out);
      assert.fixture(supervised.out, alone.out);
      assert.equal(loadedBy(log), [], `${args.join(' ')}: the app was not loaded`);
    }
  });

  loading('--workers 1 or COVET_WORKERS=1: one process, which loads the app and serves', async () => {
    const ways: { args: string[]; env: Record<string, string> }[] = [{ args: ['--workers', '1'], env: {} }, { args: [], env: { COVET_WORKERS: '1' } }];
    for (const options of ways) {
      const log = newLog();
      const app = await startServer(await buildApp(loadingAppDir, { engine }), { args: options.args, env: { ...options.env, LOADED_LOG: log } });
      try {
        const pid = app.child.pid!;
        assert.match(app.output(), new RegExp(`^covet: listening on http://127\\.0\\.0\\.1:${app.port} \\(engine: ${engine}, pid ${pid}\\)\n`));
        assert.equal(JSON.parse((await get(app.port, '/pid')).body), { pid });
        assert.equal(loadedBy(log), [pid]);
        assert.equal(childrenOf(pid), []);
      } finally {
        await app.stop();
      }
    }
  });

  loading('app.mjs started directly with --workers 2: exit 2, pointing at server.mjs', async () => {
    const bundle = path.join(path.dirname(await buildApp(loadingAppDir, { engine })), 'app.mjs');
    const r = await runToExit(bundle, ['--port', '0', '--workers', '2']);
    assert.is(r.code, 2, r.out);
    assert.match(r.out, /^covet: --workers is run by server\.mjs, which supervises the workers: start the server with node server\.mjs, not app\.mjs\nusage: node server\.mjs /);
  });

  loading.run();
}

// uvu runs the suites after this module's code: remove the scratch folder when the process ends.
process.on('exit', () => rmSync(loadingScratch, { recursive: true, force: true }));
