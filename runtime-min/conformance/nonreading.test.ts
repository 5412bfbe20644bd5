/**
 * Clients that pipeline and never read, on the engine named by COVET_ENGINE (like the other
 * conformance suites); issue 8, class 7.
 * - 200 clients each pipeline 2,000 requests in one write and never read their answers; a
 *   normal client on a connection of its own, one request every ~10 ms, is still answered
 *   promptly: it never waits for more than a little of the server's work (its event loop's CPU
 *   time, which unlike latency does not grow with whatever else the machine runs). Both engines
 *   hand a connection at most a share of its requests per loop turn and parse the rest of a
 *   read only when its turn comes, so one connection's 1,400-request read cannot hold the loop
 *   for the others.
 * - `--send-timeout MS`: a connection whose answers stop leaving (its client does not read) is
 *   closed after about that long, while a client that reads, however slowly, keeps being
 *   served. Without the flag (60 s, nginx's `send_timeout`) the same clients stay connected.
 * The non-reading clients run in a child process of their own, so that writing their requests
 * does not delay this process's measurement of the normal client.
 */
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../../test/harness.ts';
import { APP_DIR, ENGINE } from './server.ts';
import { sleep, Wire } from './wire.ts';

/**
 * Work of the server's event loop that a normal request may wait for. Measured with this test on
 * a 2-core machine, quiet or with two busy loops competing: the native engine before its fair
 * share 630–880 ms (the clients' 400,000 requests ran in one or two loop turns; latency 670 ms to
 * 4.4 s), after it 9–22 ms (latency 18–70 ms); the node engine with its fair share 54–92 ms
 * (four runs; the first request waits for its connection to be accepted behind the 200).
 */
const WORK_MS = 150;
/** A normal request's latency: generous, since the machine may be loaded (the issue's clients gave up at 5 s). */
const WORST_MS = 5000;
/** The send timeout of the second test, and how long after it the clients must be cut. */
const SEND_TIMEOUT_MS = 1000;
const CUT_WITHIN_MS = 5000;
/** Trials of the first test before it fails (see there). */
const TRIALS = 3;
const SHOW = process.env.COVET_SHOW_LATENCY !== undefined;

let app: RunningApp | undefined;
/** The server's sockets with no client connected. */
let idleSockets = 0;

test.before(async () => {
  app = await startApp(APP_DIR, { engine: ENGINE });
  idleSockets = sockets(app.child.pid!);
});

test.after(async () => {
  await app?.stop();
});

const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: conformance\r\n\r\n`;

/** The server's open sockets (listener and connections), from /proc. */
function sockets(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}

/** Waits until the server holds at least (`atLeast`) or at most `n` sockets; false after `ms`. */
async function socketsReach(pid: number, n: number, atLeast: boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = sockets(pid);
    if (atLeast ? now >= n : now <= n) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

/** Waits until the connections of an earlier test have closed. */
async function settled(pid: number, idle: number): Promise<void> {
  if (!(await socketsReach(pid, idle, false, 10_000))) {
    assert.unreachable(`the server still holds ${sockets(pid) - idle} connections of the earlier test after 10 s`);
  }
}

/** `count` clients in a child process, each pipelining `depth` GETs of `path` in one write and never reading. */
async function nonReaders(port: number, count: number, depth: number, path: string): Promise<ChildProcess> {
  const code = `
    import net from 'node:net';
    const [port, count, depth, req] = [Number(process.argv[1]), Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
    const bytes = req.repeat(depth);
    let connected = 0;
    for (let i = 0; i < count; i++) {
      const s = net.connect({ port, host: '127.0.0.1' });
      s.on('error', () => {});
      s.once('connect', () => { s.pause(); s.write(bytes); if (++connected === count) process.stdout.write('connected\\n'); });
    }
    process.stdin.on('end', () => process.exit(0)).resume();`;
  const child = spawn(process.execPath, ['--input-type=module', '--eval', code, String(port), String(count), String(depth), request(path)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${count} non-reading clients did not connect within 10 s`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (!d.toString().includes('connected')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`the non-reading clients exited with ${code}`)));
  });
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin!.end();
  return exited;
}

/** CPU time of a process's main thread, where the event loop runs, in ms (/proc/PID/schedstat). */
function loopCpuMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

interface Waits {
  /** Each request's latency, ms. */
  latencies: number[];
  /** The CPU time the server's event loop spent while each request waited, ms. */
  work: number[];
}

/**
 * A normal client: `GET /` on one keep-alive connection every ~10 ms until `until()`. Besides
 * each answer's latency, it records how much the server's event loop worked meanwhile: on a
 * loaded machine latencies grow with whatever else runs, but that work is what the request was
 * made to wait for (all 400,000 requests, before the fair share; a turn or two after it).
 */
async function normalClient(port: number, pid: number, until: () => boolean): Promise<Waits> {
  const wire = new Wire(port);
  const waits: Waits = { latencies: [], work: [] };
  try {
    while (!until()) {
      const cpu = loopCpuMs(pid);
      const start = performance.now();
      await wire.write(Buffer.from(request('/')));
      const r = await wire.response({ withinMs: 5000 });
      const took = performance.now() - start;
      waits.work.push(loopCpuMs(pid) - cpu);
      assert.is(r.statusLine, 'HTTP/1.1 200 OK');
      waits.latencies.push(took);
      await sleep(Math.max(0, 10 - took));
    }
  } finally {
    wire.destroy();
  }
  return waits;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Count, p99 and max of the latencies; the most work a request waited for. */
function summary(waits: Waits): { n: number; p99: number; max: number; work: number } {
  const sorted = [...waits.latencies].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
  return { n: sorted.length, p99: round(p99), max: round(sorted.at(-1) ?? 0), work: round(Math.max(0, ...waits.work)) };
}

function describe(s: ReturnType<typeof summary>): string {
  return `${s.n} requests, p99 ${s.p99} ms, max ${s.max} ms, waited for at most ${s.work} ms of the server's work`;
}

/** A normal client's bounds: the work it waited for, and (generous: the machine may be loaded) its latency. */
function assertServed(s: ReturnType<typeof summary>, during: string): void {
  assert.ok(s.work < WORK_MS, `a normal request waited for ${s.work} ms of the server's work ${during} (bound ${WORK_MS} ms; ${describe(s)})`);
  assert.ok(s.max < WORST_MS, `a normal request took ${s.max} ms ${during} (bound ${WORST_MS} ms; ${describe(s)})`);
}

/** JIT and buffers warmed up: the server at work, not at rest (the attack meets a running server). */
async function warmUp(port: number, path: string): Promise<void> {
  const wire = new Wire(port);
  try {
    for (let i = 0; i < 200; i++) {
      await wire.write(Buffer.from(request('/')));
      await wire.response();
    }
    await wire.write(Buffer.from(request(path).repeat(200)));
    for (let i = 0; i < 200; i++) await wire.response();
  } finally {
    wire.destroy();
  }
}

test(`${ENGINE}: a normal client is answered promptly while 200 clients pipeline 2,000 requests each and never read`, async () => {
  const { port, child } = app!;
  // A stall of the machine itself (a virtual CPU descheduled by its host) is counted as the
  // server's work too; CI saw one once (210 ms in one request, every other request quick). The
  // old, unfair engine fails every trial, since the flood is the same each time: so a trial
  // that misses the bound is run again, up to TRIALS times, and every trial is reported.
  const trials: string[] = [];
  for (let trial = 1; trial <= TRIALS; trial++) {
    await settled(child.pid!, idleSockets);
    // 1 KiB answers: 2,000 of them (2.2 MB) still fit in the sockets' buffers, so every one of
    // the 400,000 requests is run within a second or two; the question is in what order.
    await warmUp(port, '/big/1');
    const flood = await nonReaders(port, 200, 2000, '/big/1');
    let waits: Waits;
    try {
      const end = Date.now() + 3000;
      waits = await normalClient(port, child.pid!, () => Date.now() >= end);
    } finally {
      await stop(flood);
    }
    const s = summary(waits);
    if (SHOW) console.log(`  normal client, trial ${trial}: ${describe(s)}`);
    trials.push(`trial ${trial}: ${describe(s)}`);
    if (s.work < WORK_MS && s.max < WORST_MS) return;
  }
  assert.unreachable(`in each of ${TRIALS} trials, a normal request waited too long while the non-reading clients were served (bounds: ${WORK_MS} ms of the server's work, ${WORST_MS} ms of latency); ${trials.join('; ')}`);
});

test(`${ENGINE}: with --send-timeout, connections whose answers stop leaving are closed; clients that read are served`, async () => {
  const quick = await startApp(APP_DIR, { engine: ENGINE, args: ['--send-timeout', String(SEND_TIMEOUT_MS)] });
  try {
    const { port, child } = quick;
    const before = sockets(child.pid!);
    await warmUp(port, '/big/64');
    await settled(child.pid!, before);
    // A client that reads one chunk every 200 ms: slow, but its answers keep leaving.
    const slow = net.connect({ port, host: '127.0.0.1' });
    let slowBytes = 0;
    let slowClosed = false;
    slow.on('data', (d: Buffer) => {
      slowBytes += d.length;
      slow.pause();
    });
    slow.on('error', () => {});
    slow.on('close', () => (slowClosed = true));
    await new Promise<void>((resolve) => slow.once('connect', resolve));
    slow.pause();
    slow.write(request('/big/64').repeat(200));
    const drip = setInterval(() => slow.resume(), 200);
    // 64 KiB answers, 200 per client: 13 MB each, more than the sockets can hold.
    const flood = await nonReaders(port, 20, 200, '/big/64');
    const t0 = Date.now();
    let cutMs = -1;
    let waits: Waits;
    try {
      // The server has them all (the slow client and the 20), then cuts the 20.
      assert.ok(await socketsReach(child.pid!, before + 21, true, 10_000), 'the server did not accept the 20 non-reading clients within 10 s');
      waits = await normalClient(port, child.pid!, () => {
        // The normal and the slow client stay; the 20 are gone.
        if (cutMs < 0 && sockets(child.pid!) <= before + 2) cutMs = Date.now() - t0;
        return cutMs >= 0 || Date.now() - t0 > CUT_WITHIN_MS + 2000;
      });
    } finally {
      clearInterval(drip);
      await stop(flood);
    }
    const s = summary(waits);
    if (SHOW) console.log(`  cut after ${cutMs} ms; slow reader read ${slowBytes} bytes; normal client: ${describe(s)}`);
    assert.ok(cutMs >= 0 && cutMs < CUT_WITHIN_MS, `the non-reading clients were ${cutMs < 0 ? 'not cut' : `cut after ${cutMs} ms`} (send timeout ${SEND_TIMEOUT_MS} ms, bound ${CUT_WITHIN_MS} ms)`);
    assert.ok(!slowClosed, `the client that reads slowly was cut too (after ${slowBytes} bytes)`);
    assert.ok(slowBytes > 0, 'the client that reads slowly got nothing');
    assertServed(s, 'meanwhile');
    slow.destroy();
  } finally {
    await quick.stop();
  }
});

test(`${ENGINE}: without --send-timeout, clients that do not read stay connected (60 s)`, async () => {
  const { port, child } = app!;
  await settled(child.pid!, idleSockets);
  const before = idleSockets;
  const flood = await nonReaders(port, 20, 200, '/big/64');
  try {
    // Once the server has them all (accepted), none goes within the second test's timeout and more.
    assert.ok(await socketsReach(child.pid!, before + 20, true, 10_000), 'the server did not accept the 20 non-reading clients within 10 s');
    await sleep(SEND_TIMEOUT_MS + 1500);
    const open = sockets(child.pid!) - before;
    assert.is(open, 20, `${20 - open} of the 20 non-reading clients were cut before the default send timeout`);
  } finally {
    await stop(flood);
  }
});

test.run();
