/**
 * Out of file descriptors, on the engine named by COVET_ENGINE (like the other conformance
 * suites): a server started with `ulimit -n 128` and sent more connections than it can hold
 * does not spin on accept (its CPU time stays low while the excess waits), turns the excess
 * away, keeps the connections it has, and serves again once descriptors are free.
 */
import net from 'node:net';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../../test/harness.ts';
import { APP_DIR, ENGINE } from './server.ts';
import { serves, sleep } from './wire.ts';

const LIMIT = 128;
let app: RunningApp | undefined;

test.before(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-emfile-'));
  const wrapper = path.join(dir, 'low-fd.sh');
  writeFileSync(wrapper, `#!/bin/sh\nulimit -n ${LIMIT} || exit 1\nexec "$@"\n`);
  chmodSync(wrapper, 0o755);
  const saved = process.env.COVET_SERVER_WRAPPER;
  process.env.COVET_SERVER_WRAPPER = wrapper;
  try {
    app = await startApp(APP_DIR, { engine: ENGINE });
  } finally {
    if (saved === undefined) delete process.env.COVET_SERVER_WRAPPER;
    else process.env.COVET_SERVER_WRAPPER = saved;
  }
});

test.after(async () => {
  await app?.stop();
});

/** User + system CPU time of a process, in milliseconds. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** Opens a connection and sends one request on it; resolves once it is answered or turned away. */
function hold(port: number): Promise<{ socket: net.Socket; answered: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let settled = false;
    const done = (answered: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ socket, answered });
    };
    socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: conformance\r\n\r\n'));
    socket.on('data', (d) => d.includes('HTTP/1.1 200 OK') && done(true));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    setTimeout(() => done(false), 3000);
  });
}

test(`${ENGINE}: past its descriptor limit the server turns connections away without spinning, then serves again`, async () => {
  const { port, child } = app!;
  const pid = child.pid!;
  await serves(port);
  // Twice as many connections as the server has descriptors, all kept open.
  const results = await Promise.all(Array.from({ length: 2 * LIMIT }, () => hold(port)));
  const kept = results.filter((r) => r.answered).length;
  assert.ok(kept > LIMIT / 2, `only ${kept} connections were served`);
  assert.ok(kept < 2 * LIMIT, `all ${kept} connections were served: the limit did not apply`);

  // While they stay open (and more clients keep knocking), the server must be idle, not
  // spinning on a listening socket it cannot accept from.
  const knocking = setInterval(() => void hold(port).then((r) => r.socket.destroy()), 20);
  const t0 = cpuMs(pid);
  await sleep(1000);
  const spent = cpuMs(pid) - t0;
  clearInterval(knocking);
  assert.ok(spent < 400, `the server used ${spent} ms of CPU in 1 s while out of descriptors`);

  for (const r of results) r.socket.destroy();
  await sleep(200);
  await serves(port);
});

test.run();
