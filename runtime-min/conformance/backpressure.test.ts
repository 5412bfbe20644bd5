/**
 * Write backpressure, on the engine named by COVET_ENGINE (like the other conformance suites):
 * a client that sends and never reads cannot make the server buffer without bound. The
 * server stops reading a connection whose answers back up, so its memory stays flat while
 * the client's requests wait in the kernel; other clients are served meanwhile; and once the
 * client reads, every answer arrives, in order. Both engines also stop handing a read's
 * requests to the handler once their answers back up (the native engine past its high-water
 * mark, 64 KiB; the node engine pauses node:http's parser when the socket is paused), and
 * neither counts the headers timeout while it is the one not reading.
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../../test/harness.ts';
import { APP_DIR, ENGINE } from './server.ts';
import { serves, sleep } from './wire.ts';

let app: RunningApp | undefined;

test.before(async () => {
  // The default headers timeout (10 s), not the suite's 1 s: the last request of the paused
  // client's last read is cut in the middle (the third test checks the clock with 500 ms).
  app = await startApp(APP_DIR, { engine: ENGINE });
});

test.after(async () => {
  await app?.stop();
});

/** The server's resident memory in KiB (VmRSS). */
function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** Counts status lines in the stream (the answers' bodies are only `x`s). */
function countAnswers(socket: net.Socket, expected: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let tail = '';
    const timer = setTimeout(() => reject(new Error(`only ${seen} of ${expected} answers after ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (d: Buffer) => {
      const text = tail + d.toString('latin1');
      for (let at = text.indexOf('HTTP/1.1 200 OK'); at !== -1; at = text.indexOf('HTTP/1.1 200 OK', at + 1)) seen++;
      tail = text.slice(-14);
      if (seen >= expected) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
    socket.once('error', reject);
  });
}

/** Connects, stops reading, and pipelines `count` copies of `request` in one write. */
async function pausedClient(port: number, request: string, count: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.pause();
  socket.write(request.repeat(count));
  return socket;
}

/**
 * Warms the server up (JIT, buffers: the baseline is the server at work, not at rest), sends
 * `count` copies of `request` from a client that does not read, waits, checks that another
 * client is still served, and returns the paused client and how much the server grew (kB).
 */
async function whilePaused(request: string, count: number): Promise<{ socket: net.Socket; grownKb: number }> {
  const { port, child } = app!;
  for (let i = 0; i < 20; i++) await serves(port);
  const before = rssKb(child.pid!);
  const socket = await pausedClient(port, request, count);
  await sleep(1500);
  await serves(port);
  const grownKb = rssKb(child.pid!) - before;
  if (process.env.COVET_SHOW_RSS) console.log(`  grew by ${grownKb} kB`);
  return { socket, grownKb };
}

/** Lets the paused client read at last: every one of its `count` answers must arrive. */
async function readsEverything(socket: net.Socket, count: number, timeoutMs: number): Promise<void> {
  const answers = countAnswers(socket, count, timeoutMs);
  socket.resume();
  assert.is(await answers, count);
  socket.destroy();
}

test(`${ENGINE}: a client that pipelines without reading cannot make the server buffer without bound`, async () => {
  // 200,000 requests (~7 MB) for 1 KiB answers each: ~240 MB of answers if the server kept
  // reading. What it may hold: the answers to the requests of the reads before it stopped
  // (node:http runs every request of a 64 KiB read: ~1,600 answers, ~2 MB) and the heap's slack.
  const count = 200_000;
  const { socket, grownKb } = await whilePaused('GET /big/1 HTTP/1.1\r\nHost: conformance\r\n\r\n', count);
  assert.ok(grownKb < 64 * 1024, `the server grew by ${grownKb} kB while its client did not read (limit 64 MB)`);
  await readsEverything(socket, count, 60_000);
  await serves(app!.port);
});

test(`${ENGINE}: one read of many requests for large answers does not run them all at once`, async () => {
  // ~58 KB of requests: one read of the server's. 1,400 answers of 64 KiB: 90 MB if all ran.
  const count = 1_400;
  const { socket, grownKb } = await whilePaused('GET /big/64 HTTP/1.1\r\nHost: c\r\n\r\n', count);
  assert.ok(grownKb < 24 * 1024, `the server grew by ${grownKb} kB while its client did not read (limit 24 MB)`);
  await readsEverything(socket, count, 30_000);
});

test(`${ENGINE}: the headers timeout does not run while the server is the one not reading`, async () => {
  const quick = await startApp(APP_DIR, { engine: ENGINE, args: ['--headers-timeout', '500'] });
  try {
    const count = 60_000;
    const socket = await pausedClient(quick.port, 'GET /big/1 HTTP/1.1\r\nHost: conformance\r\n\r\n', count);
    await sleep(1500); // three headers timeouts
    await readsEverything(socket, count, 30_000);
  } finally {
    await quick.stop();
  }
});

test.run();
