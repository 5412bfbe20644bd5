/**
 * The send timeout, on the engine named by COVET_ENGINE (like the other conformance suites):
 * a client that pipelines requests for large answers and never reads them cannot keep its
 * connection (and the answers buffered for it) for ever. With `--send-timeout 1000` the
 * server closes it once no byte of its answers has gone out for a second, while another
 * client is served all along; and a client that reads slowly but steadily is never cut.
 */
import net from 'node:net';
import { readdirSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../../test/harness.ts';
import { APP_DIR, ENGINE } from './server.ts';
import { serves, sleep, Wire } from './wire.ts';

const SEND_TIMEOUT_MS = 1000;
let app: RunningApp | undefined;

test.before(async () => {
  app = await startApp(APP_DIR, { engine: ENGINE, args: ['--send-timeout', String(SEND_TIMEOUT_MS)] });
});

test.after(async () => {
  await app?.stop();
});

/** The server's open file descriptors (its connections among them). */
const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  return new Promise((resolve, reject) => socket.once('connect', () => resolve(socket)).once('error', reject));
}

/** Reads until the connection ends (EOF or reset); resolves to the bytes received and how many answers began. */
function readToEnd(socket: net.Socket, timeoutMs: number): Promise<{ bytes: number; answers: number; ended: boolean }> {
  return new Promise((resolve) => {
    let bytes = 0;
    let answers = 0;
    let tail = '';
    const done = (ended: boolean) => {
      clearTimeout(timer);
      resolve({ bytes, answers, ended });
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', (d: Buffer) => {
      bytes += d.length;
      const text = tail + d.toString('latin1');
      for (let at = text.indexOf('HTTP/1.1 200 OK'); at !== -1; at = text.indexOf('HTTP/1.1 200 OK', at + 1)) answers++;
      tail = text.slice(-14);
    });
    socket.on('error', () => {});
    socket.once('close', () => done(true));
    socket.resume();
  });
}

test(`${ENGINE}: a client that never reads its answers is closed after --send-timeout, others are served meanwhile`, async () => {
  const { port, child } = app!;
  // Another client, on a connection of its own opened first (so that the descriptor count
  // below changes only with the paused client's).
  const other = new Wire(port);
  await other.write(Buffer.from('GET / HTTP/1.1\r\nHost: conformance\r\n\r\n'));
  assert.is((await other.response()).statusLine, 'HTTP/1.1 200 OK');

  // 64 requests for 256 KiB answers: 16 MiB, far more than the socket buffers between the two hold.
  const count = 64;
  const paused = await connect(port);
  paused.pause();
  paused.write('GET /big/256 HTTP/1.1\r\nHost: conformance\r\n\r\n'.repeat(count));
  const t0 = Date.now();
  let withPaused = 0;
  for (let i = 0; i < 50 && withPaused === 0; i++) {
    await sleep(20);
    withPaused = fds(child.pid!);
  }

  // Until the server lets the paused client go: the other client asks every 100 ms and is answered.
  let closedAfter = -1;
  let slowest = 0;
  while (Date.now() - t0 < 8_000) {
    const s0 = Date.now();
    await other.write(Buffer.from('GET / HTTP/1.1\r\nHost: conformance\r\n\r\n'));
    const r = await other.response({ withinMs: 2000 });
    assert.is(r.statusLine, 'HTTP/1.1 200 OK');
    slowest = Math.max(slowest, Date.now() - s0);
    if (fds(child.pid!) < withPaused) {
      closedAfter = Date.now() - t0;
      break;
    }
    await sleep(100);
  }
  assert.ok(closedAfter !== -1, `the server still holds the connection of a client that has not read for ${Date.now() - t0} ms (--send-timeout ${SEND_TIMEOUT_MS})`);
  // The bound is generous (the send timeout, its sweep and a loaded machine); what it rules out is "never".
  assert.ok(closedAfter < 6_000, `closed only after ${closedAfter} ms`);
  assert.ok(slowest < 2_000, `the other client waited ${slowest} ms for an answer`);

  // What the paused client reads now is what the kernels had buffered, then the end: not all 64 answers.
  const rest = await readToEnd(paused, 10_000);
  assert.ok(rest.ended, 'the paused client\'s connection did not end');
  assert.ok(rest.answers < count, `the paused client got all ${count} answers: the connection was not cut`);
  if (process.env.COVET_SHOW_SEND_TIMEOUT) console.log(`  closed after ${closedAfter} ms; the client then read ${rest.bytes} bytes (${rest.answers} answers); the other client's slowest answer ${slowest} ms`);
  other.destroy();
  await serves(port);
});

test(`${ENGINE}: a client that reads slowly but steadily is not cut by the send timeout`, async () => {
  const { port } = app!;
  // One 16 MiB answer, read 1 MiB at a time every 200 ms: the server waits on the client for
  // seconds in all, but never a whole send timeout without a byte going out.
  const socket = await connect(port);
  socket.write('GET /big/16384 HTTP/1.1\r\nHost: conformance\r\n\r\n');
  const expected = 16384 * 1024;
  const got = await new Promise<number>((resolve) => {
    let bytes = 0;
    let sinceBreak = 0;
    const timer = setTimeout(() => resolve(bytes), 30_000);
    socket.on('data', (d: Buffer) => {
      bytes += d.length;
      sinceBreak += d.length;
      if (bytes >= expected) {
        clearTimeout(timer);
        resolve(bytes);
        return;
      }
      if (sinceBreak >= 1 << 20) {
        sinceBreak = 0;
        socket.pause();
        setTimeout(() => socket.resume(), 200);
      }
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(bytes);
    });
  });
  assert.ok(got >= expected, `the slow reader got ${got} of ${expected}+ bytes before the connection ended`);
  assert.ok(!socket.destroyed, 'the connection was closed');
  socket.destroy();
});

test.run();
