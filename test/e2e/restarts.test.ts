/**
 * Restarts without loss, under load, on both engines (fixtures/health).
 *
 * - SIGTERM to a lone server while a client of our own keeps connections busy: the client
 *   records every request it writes (on an open connection) and what came of it; every one is
 *   answered, the last answer on each connection says `connection: close`, requests in flight at
 *   the signal finish, new connections are refused, and the process exits 0.
 * - SIGTERM with `--readiness-delay`: readiness answers 503 at once while the server still
 *   accepts and serves for the delay; liveness stays 200.
 * - An idle keep-alive connection is closed at the stop (it does not hold the drain until its
 *   keep-alive timeout).
 * - SIGHUP to `--workers 2` while wrk runs, twice per run, once with keep-alive connections and
 *   once with a new connection per request: every worker is replaced each time, and wrk counts
 *   0 non-2xx answers and 0 socket errors (connect, read, write, timeout). Each run is bounded
 *   (wrk -d30s, --timeout 2s, stopped half a second after the second restart, each restart
 *   given 10 s); the counts are printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../harness.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/health', import.meta.url));
const HAVE_WRK = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exitOf(app: RunningApp): Promise<number | null> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return Promise.resolve(app.child.exitCode);
  return new Promise((resolve) => app.child.once('exit', (code) => resolve(code)));
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

// ------------------------------------------------------------------ a client that keeps a record

interface Exchange {
  connection: number;
  target: string;
  /** ms (performance.now) when the request was written on an open connection. */
  startedAt: number;
  endedAt: number;
  /** The answer's status, or null when the connection ended without one. */
  status: number | null;
  /** The answer said `connection: close`. */
  close: boolean;
  /** Why there was no answer. */
  error: string | null;
}

interface Load {
  exchanges: Exchange[];
  /** Connection attempts that failed (no request was written on them), by error code. */
  refused: Map<string, number>;
  /** Resolves when every connection has ended and no new one could be opened (or `stop` was called). */
  done: Promise<void>;
  stop(): void;
}

/**
 * `connections` keep-alive connections, each sending `pick(n)` (its n-th request) as soon as the
 * previous answer is in; a connection the server closes after a `connection: close` answer is
 * opened again, until opening fails (the server no longer accepts). Answers are parsed by their
 * content-length (the fixture's answers all have one).
 */
function load(port: number, connections: number, pick: (n: number) => string): Load {
  const exchanges: Exchange[] = [];
  const refused = new Map<string, number>();
  let stopped = false;
  let open = 0;
  let resolveDone: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const ended = () => {
    if (--open === 0) resolveDone();
  };
  let sent = 0;
  const connect = (id: number) => {
    if (stopped) return;
    open++;
    const socket = net.connect(port, '127.0.0.1');
    let current: Exchange | null = null;
    let buffer = Buffer.alloc(0);
    let reopen = false;
    const next = () => {
      if (stopped) {
        socket.end();
        return;
      }
      const target = pick(sent++);
      current = { connection: id, target, startedAt: performance.now(), endedAt: 0, status: null, close: false, error: null };
      exchanges.push(current);
      socket.write(`GET ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
    };
    socket.on('connect', next);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const headEnd = buffer.indexOf('\r\n\r\n');
        if (headEnd < 0 || current === null) return;
        const head = buffer.subarray(0, headEnd).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < headEnd + 4 + length) return;
        buffer = buffer.subarray(headEnd + 4 + length);
        current.status = Number(head.slice(9, 12));
        current.close = /\r\nconnection: *close/i.test(head);
        current.endedAt = performance.now();
        const wasClose = current.close;
        current = null;
        if (wasClose) {
          reopen = true;
          socket.end();
          return;
        }
        next();
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (current !== null) {
        current.error = err.code ?? err.message;
        current.endedAt = performance.now();
        current = null;
      } else if (!socket.connecting && socket.bytesWritten > 0) {
        /* an error after the last answer: nothing was owed */
      } else refused.set(err.code ?? err.message, (refused.get(err.code ?? err.message) ?? 0) + 1);
    });
    socket.on('close', () => {
      if (current !== null) {
        current.error = 'closed before the answer';
        current.endedAt = performance.now();
        current = null;
      }
      const again = reopen && socket.bytesWritten > 0;
      ended();
      if (again) connect(id);
    });
  };
  for (let i = 0; i < connections; i++) connect(i);
  return {
    exchanges,
    refused,
    done,
    stop: () => {
      stopped = true;
    },
  };
}

function lost(exchanges: readonly Exchange[]): Exchange[] {
  return exchanges.filter((e) => e.status === null);
}

// ------------------------------------------------------------------ wrk

interface WrkCounts {
  requests: number;
  connect: number;
  read: number;
  write: number;
  timeout: number;
  /** Answers with a status of 400 or more (wrk's "Non-2xx or 3xx"; the fixture answers none with 3xx). */
  status: number;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'covet-restarts-'));
const WRK_SCRIPT = path.join(scratch, 'counts.lua');
writeFileSync(
  WRK_SCRIPT,
  `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("covet-wrk requests=%d connect=%d read=%d write=%d timeout=%d status=%d\\n",
    summary.requests, e.connect, e.read, e.write, e.timeout, e.status))
end
`,
);

/**
 * wrk for at most `seconds` on `url` (2 threads, 32 connections, 2 s timeout); `stop()` ends it
 * sooner (SIGINT: wrk then reports as at its end). Resolves to its counts.
 */
function wrk(url: string, seconds: number, extra: string[] = []): { done: Promise<WrkCounts>; running: () => boolean; stop: () => void } {
  const child = spawn('wrk', ['-t2', '-c32', `-d${seconds}s`, '--timeout', '2s', '-s', WRK_SCRIPT, ...extra, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  let running = true;
  const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 10) * 1000);
  const done = new Promise<WrkCounts>((resolve, reject) =>
    child.on('close', () => {
      running = false;
      clearTimeout(timer);
      const m = /covet-wrk requests=(\d+) connect=(\d+) read=(\d+) write=(\d+) timeout=(\d+) status=(\d+)/.exec(out);
      if (!m) return reject(new Error(`wrk said:\n${out}`));
      const [requests, connect, read, write, timeout, status] = m.slice(1).map(Number) as [number, number, number, number, number, number];
      resolve({ requests, connect, read, write, timeout, status });
    }),
  );
  return { done, running: () => running, stop: () => void child.kill('SIGINT') };
}

// ------------------------------------------------------------------ per engine

for (const engine of ['node', 'native'] as const) {
  const stop = suite(`SIGTERM under load, ${engine} engine`);

  stop('every request written before the server closed its connection is answered; in-flight ones finish; exit 0', async () => {
    const app = await startApp(APP_DIR, { engine });
    try {
      // 16 connections; every 10th request is slow (200 ms), so that some are in flight at the signal.
      const client = load(app.port, 16, (n) => (n % 10 === 9 ? '/sleep/200' : '/sleep/0'));
      await until('load', () => client.exchanges.length > 2_000);
      const signalAt = performance.now();
      const exit = app.stop();
      await Promise.race([client.done, sleep(15_000)]);
      client.stop();
      assert.is(await exit, 0, app.output());
      const all = client.exchanges;
      assert.equal(lost(all).slice(0, 5), [], `${lost(all).length} of ${all.length} requests got no answer`);
      assert.ok(all.every((e) => e.status === 200), 'all answered 200');
      const before = all.filter((e) => e.startedAt < signalAt);
      const finishedAfter = before.filter((e) => e.endedAt > signalAt && e.target === '/sleep/200');
      assert.ok(finishedAfter.length > 0, 'slow requests in flight at the signal were answered after it');
      // Each of the 16 connections ended with an answer that said so (none was cut between requests).
      const closes = all.filter((e) => e.close);
      assert.is(new Set(closes.map((e) => e.connection)).size, 16, `connection: close answers: ${closes.length}`);
      assert.ok((client.refused.get('ECONNREFUSED') ?? 0) > 0, 'reconnecting after the last answer was refused');
      assert.match(app.output(), /covet: SIGTERM received, finishing in-flight requests\ncovet: stopped\n/);
      console.log(`  ${engine}: SIGTERM under load: ${all.length} requests (${before.length} written before the signal), ${lost(all).length} unanswered, ${closes.length} connection: close`);
    } finally {
      if (app.child.exitCode === null) app.child.kill('SIGKILL');
    }
  });

  stop('--readiness-delay: /readyz 503 at once, the server goes on accepting and serving for the delay, /healthz 200; then refused', async () => {
    const app = await startApp(APP_DIR, { engine, args: ['--readiness-delay', '600'] });
    try {
      const get = (target: string) => fetch(`${app.url}${target}`, { headers: { connection: 'close' } }).then(async (r) => ({ status: r.status, body: await r.text() }));
      assert.equal(await get('/readyz'), { status: 200, body: '{"status":"ready","checks":{"database":{"ok":true},"cache":{"ok":true}}}' });
      const signalAt = Date.now();
      const exit = app.stop();
      await until('the signal to be seen', () => /SIGTERM received/.test(app.output()));
      assert.match(app.output(), /covet: SIGTERM received, not ready; serving 600 ms more, then finishing in-flight requests\n/);
      assert.equal(await get('/readyz'), { status: 503, body: '{"status":"draining"}' }, 'not ready from the signal on');
      assert.equal(await get('/healthz'), { status: 200, body: '{"status":"ok"}' }, 'alive while draining');
      assert.equal(await get('/sleep/0'), { status: 200, body: '{"slept":0}' }, 'new connections are still served');
      assert.ok(Date.now() - signalAt < 550, 'all within the delay');
      await until('new connections to be refused', async () => get('/sleep/0').then(() => false, () => true), 5_000);
      assert.ok(Date.now() - signalAt >= 600, 'not before the delay');
      assert.is(await exit, 0, app.output());
    } finally {
      if (app.child.exitCode === null) app.child.kill('SIGKILL');
    }
  });

  stop('an idle keep-alive connection is closed at the stop, not held until its keep-alive timeout', async () => {
    const app = await startApp(APP_DIR, { engine });
    try {
      const socket = net.connect(app.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
      await new Promise((r) => socket.once('data', r));
      await sleep(400); // quiet for longer than the 250 ms after which a connection at rest is closed
      const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now())));
      socket.on('error', () => {});
      const stoppedAt = Date.now();
      const exit = app.stop();
      assert.ok((await closed) - stoppedAt < 1_000, 'closed by the stop');
      assert.is(await exit, 0, app.output());
      assert.ok(Date.now() - stoppedAt < 2_000, 'exited long before the 5 s keep-alive timeout');
    } finally {
      if (app.child.exitCode === null) app.child.kill('SIGKILL');
    }
  });

  stop.run();

  if (!HAVE_WRK) {
    console.log(`SIGHUP under wrk, ${engine} engine: skipped, wrk is not installed (node scripts/setup.mjs installs it)`);
    continue;
  }
  const hup = suite(`SIGHUP under wrk, --workers 2, ${engine} engine`);
  let app: RunningApp | undefined;
  hup.before(async () => {
    app = await startApp(APP_DIR, { engine, args: ['--workers', '2'] });
  });
  hup.after(async () => {
    await app?.stop();
  });

  for (const [name, extra] of [['keep-alive connections', []], ['a new connection per request', ['-H', 'Connection: close']]] as const) {
    hup(`${name}: two rolling restarts while wrk runs replace every worker twice; 0 non-2xx, 0 socket errors`, async () => {
      const supervisor = app!.child.pid!;
      const seen = new Set(childrenOf(supervisor));
      assert.is(seen.size, 2);
      const replacedBefore = app!.output().match(/workers replaced/g)?.length ?? 0;
      // At most 30 s; stopped half a second after the second restart (a loaded machine starts workers slowly).
      const run = wrk(`${app!.url}/sleep/0`, 30, [...extra]);
      for (let round = 1; round <= 2; round++) {
        await sleep(500);
        const before = childrenOf(supervisor);
        process.kill(supervisor, 'SIGHUP');
        await until(`rolling restart ${round}`, () => (app!.output().match(/covet: 2 of 2 workers replaced/g)?.length ?? 0) === replacedBefore + round, 10_000);
        const after = childrenOf(supervisor);
        assert.is(after.length, 2);
        assert.ok(after.every((p) => !before.includes(p) && !seen.has(p)), `new workers ${after} (before ${before})`);
        for (const p of after) seen.add(p);
      }
      await sleep(500);
      assert.ok(run.running(), 'both restarts happened while wrk was running');
      run.stop();
      const counts = await run.done;
      console.log(`  ${engine}, ${name}: ${JSON.stringify(counts)}`);
      assert.ok(counts.requests > 1_000, `wrk made ${counts.requests} requests`);
      assert.equal({ ...counts, requests: 0 }, { requests: 0, connect: 0, read: 0, write: 0, timeout: 0, status: 0 });
      assert.is(seen.size, 6, 'the first two workers and two replacements of each');
      assert.not.match(app!.output(), /could not start|while it was being replaced|killing/);
    });
  }

  hup.run();
}

process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
