// A bounded fuzz run of the native engine's request path: random bytes,
// corpus requests, mutated ones (bytes flipped, inserted, deleted, cut,
// repeated) and requests from the differential fuzz's grammar, split into
// random writes, with random disconnects, against fixtures/conformance built
// with --engine native. Pass: the server never dies or prints a crash, a fresh
// connection is answered within 1 s all along, and its memory comes back near
// the baseline.
//
// Every input is made from (seed, its number) alone, so a failure names the
// inputs that were in flight and prints the command that sends them again,
// one at a time with a probe after each:
//
//   node runtime-min/native/fuzz.mjs [seconds=5] [connections=32] [seed]
//   node runtime-min/native/fuzz.mjs --replay SEED:N[,N…]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { caseAt, caseSeed, rng } from '../conformance/differential-grammar.mjs';

const root = path.resolve(new URL('../..', import.meta.url).pathname);
const replayAt = process.argv.indexOf('--replay');
const replay = replayAt === -1 ? null : process.argv[replayAt + 1];
const positional = replayAt === -1 ? process.argv.slice(2) : [];
const seconds = Number(positional[0] ?? 5);
const parallel = Number(positional[1] ?? 32);
const seed = Number(replay ? replay.split(':')[0] : (positional[2] ?? Date.now() % 2 ** 31)) | 0;

const out = mkdtempSync(path.join(os.tmpdir(), 'covet-fuzz-'));
const b = spawnSync(process.execPath, [path.join(root, 'bin/covet.mjs'), 'build', path.join(root, 'fixtures/conformance'), '--engine', 'native', '--out', out], { encoding: 'utf8' });
if (b.status !== 0) {
  process.stderr.write(`fuzz: build failed\n${b.stdout}${b.stderr}`);
  process.exit(1);
}

// COVET_SERVER_WRAPPER runs the server under a tool, like test/harness.ts (valgrind, or asan.sh's server.sh).
const wrapper = (process.env.COVET_SERVER_WRAPPER ?? '').split(' ').filter(Boolean);
const argv = [...wrapper.slice(1), process.execPath, path.join(out, 'server.mjs'), '--port', '0', '--host', '127.0.0.1', '--max-body-size', '4096', '--headers-timeout', '500'];
const server = spawn(wrapper[0] ?? argv.shift(), argv, { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
server.stdout.on('data', (d) => (log += d));
server.stderr.on('data', (d) => (log += d));
const port = await new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('server did not start')), wrapper.length ? 120_000 : 10_000);
  server.stdout.on('data', () => {
    const m = /listening on http:\/\/[^\s]+:(\d+)/.exec(log);
    if (m) {
      clearTimeout(t);
      resolve(Number(m[1]));
    }
  });
  server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
});
let died = null;
server.once('exit', (code, signal) => (died = `${code ?? signal}`));

const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]);

// ---------------------------------------------------------------- inputs

const CORPUS = [
  'GET / HTTP/1.1\r\nHost: f\r\n\r\n',
  'GET /request?a=1&b=%20 HTTP/1.1\r\nHost: f\r\nCookie: a=1; b=2\r\nX-A: 1\r\nX-A: 2\r\n\r\n',
  'POST /echo HTTP/1.1\r\nHost: f\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"text":"hi"}',
  'POST /echo HTTP/1.1\r\nHost: f\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"tex\r\n8\r\nt":"hi"}\r\n0\r\n\r\n',
  'POST /echo HTTP/1.1\r\nHost: f\r\nContent-Type: application/json\r\nContent-Length: 13\r\nExpect: 100-continue\r\n\r\n{"text":"hi"}',
  'HEAD / HTTP/1.1\r\nHost: f\r\n\r\n',
  'GET /sleep/5 HTTP/1.1\r\nHost: f\r\n\r\nGET /hold/20 HTTP/1.1\r\nHost: f\r\n\r\nGET / HTTP/1.1\r\nHost: f\r\n\r\n',
  'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  'DELETE /things/7 HTTP/1.1\r\nHost: f\r\nConnection: close\r\n\r\n',
  'GET http://f/request?abs HTTP/1.1\r\nHost: f\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
  'CONNECT f:443 HTTP/1.1\r\nHost: f:443\r\n\r\n',
  'GET /headers HTTP/1.1\r\nHost: f\r\nTransfer-Encoding: chunked\r\n\r\n1;a=b\r\nx\r\n0\r\nX-T: 1\r\n\r\n',
  'GET /sleep/5 HTTP/1.1\r\nHost: f\r\n\r\nPOST /echo HTTP/1.1\r\nHost: f\r\nContent-Type: application/json\r\nContent-Length: 13\r\nExpect: 100-continue\r\n\r\n{"text":"hi"}',
];

/**
 * Input `n` of run `seed`: `{ n, data, pieces, gaps, vanish, waitMs }`, all drawn from (seed, n).
 * `noise` repeats a run of 'A' up to 20,000 bytes (a long header).
 */
function inputAt(n) {
  const r = rng(caseSeed(seed ^ 0x5bd1e995, n));
  const NOISE = ['\r', '\n', '\r\n', ' ', ':', '\0', '\x7f', '\xff', 'Content-Length: 99999999999\r\n', 'Transfer-Encoding: chunked\r\n', 'Host: g\r\n', '\r\n\r\n', 'ffffffff\r\n', ';', '%', 'A'.repeat(r.int(20000) + 1)];
  const mutate = (text) => {
    let buf = Buffer.from(text, 'latin1');
    const k = 1 + r.int(4);
    for (let i = 0; i < k; i++) {
      const at = r.int(buf.length + 1);
      switch (r.int(5)) {
        case 0: // flip a byte
          if (buf.length) buf[Math.min(at, buf.length - 1)] = r.int(256);
          break;
        case 1: // insert noise
          buf = Buffer.concat([buf.subarray(0, at), Buffer.from(r.pick(NOISE), 'latin1'), buf.subarray(at)]);
          break;
        case 2: // delete a run
          buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1 + r.int(8))]);
          break;
        case 3: // cut
          buf = buf.subarray(0, at);
          break;
        case 4: // repeat (pipelining)
          buf = Buffer.concat([buf, buf]);
          break;
      }
    }
    return buf;
  };
  const kind = r.next();
  let data;
  if (kind < 0.12) {
    data = Buffer.alloc(r.int(300));
    for (let i = 0; i < data.length; i++) data[i] = r.chance(0.7) ? 32 + r.int(95) : r.int(256);
  } else if (kind < 0.25) data = Buffer.from(r.pick(CORPUS), 'latin1');
  else if (kind < 0.7) data = mutate(r.pick(CORPUS));
  else {
    // the differential fuzz's grammar, sometimes mutated once more
    const c = caseAt(seed, n);
    data = r.chance(0.3) ? mutate(c.bytes.toString('latin1')) : c.bytes;
  }
  const pieces = r.chance(0.5) ? 1 : 1 + r.int(6);
  const gaps = Array.from({ length: pieces }, () => (pieces > 1 ? r.int(5) : 0));
  return { n, data, pieces, gaps, vanish: r.chance(0.1), waitMs: r.chance(0.9) ? 300 : 1200 };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let sent = 0;
let answered = 0;
/** Inputs whose connection is open: the suspects when the server dies or stops answering. */
const inFlight = new Map();

async function send(input) {
  inFlight.set(input.n, input);
  const { data, pieces, gaps } = input;
  const sock = net.connect(port, '127.0.0.1');
  sock.on('error', () => {});
  let got = 0;
  sock.on('data', (d) => (got += d.length));
  const closed = new Promise((r) => sock.once('close', r));
  await new Promise((r) => sock.once('connect', r).once('error', r));
  const step = Math.ceil(data.length / pieces) || 1;
  for (let i = 0, k = 0; i < data.length; i += step, k++) {
    if (sock.destroyed) break;
    sock.write(data.subarray(i, i + step));
    if (pieces > 1) await sleep(gaps[k] ?? 0);
  }
  sent++;
  if (input.vanish) sock.destroy(); // vanish at once
  await Promise.race([closed, sleep(input.waitMs)]);
  if (got) answered++;
  sock.destroy();
  inFlight.delete(input.n);
}

async function probe() {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(false);
    }, 1000);
    let text = '';
    sock.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    sock.on('data', (d) => {
      text += d;
      if (text.includes('{"ok":true}')) {
        clearTimeout(timer);
        sock.destroy();
        resolve(true);
      }
    });
    sock.write('GET / HTTP/1.1\r\nHost: probe\r\n\r\n');
  });
}

const CRASH = /Assertion|Segmentation|Aborted|FATAL|failed:|ERROR: AddressSanitizer|runtime error:/;

/** The inputs in flight, each shown (cut to 600 characters) and saved whole under `out`. */
function suspects(list, failed = true) {
  const lines = [];
  for (const input of list) {
    let saved = '';
    if (failed) {
      const file = path.join(out, `input-${seed}-${input.n}.bin`);
      writeFileSync(file, input.data);
      saved = `, saved as ${file}`;
    }
    const text = JSON.stringify(input.data.toString('latin1'));
    lines.push(`  input ${seed}:${input.n} (${input.data.length} bytes in ${input.pieces} write(s)${saved}): ${text.length > 600 ? text.slice(0, 600) + '…' : text}`);
  }
  const ns = list.map((i) => i.n).join(',');
  if (ns && failed) lines.push(`  replay: node runtime-min/native/fuzz.mjs --replay ${seed}:${ns}`);
  return lines.join('\n');
}

async function stopServer() {
  server.kill('SIGTERM');
  await new Promise((r) => (died === null ? server.once('exit', r) : r()));
}

// ---------------------------------------------------------------- replay

if (replay) {
  let bad = null;
  for (const n of replay.split(':')[1].split(',').map(Number)) {
    const input = inputAt(n);
    await send(input);
    await sleep(200);
    const ok = died === null && (await probe()) && !CRASH.test(log);
    process.stdout.write(`fuzz: input ${seed}:${n}: ${ok ? 'served after it' : died !== null ? `SERVER DIED (${died})` : 'NOT SERVED after it'}\n${suspects([input], !ok)}\n`);
    if (!ok) {
      bad = n;
      break;
    }
  }
  await stopServer();
  if (CRASH.test(log)) process.stdout.write(`fuzz: the server printed:\n${log}\n`);
  else if (bad === null) rmSync(out, { recursive: true, force: true });
  process.exit(bad === null ? 0 : 1);
}

// ---------------------------------------------------------------- the run

// Warm up, then the baseline.
for (let i = 0; i < 200; i++) await probe();
await sleep(300);
const baseline = rss();
const deadline = Date.now() + seconds * 1000;
let next = 0;
let failedProbes = 0;
let firstSuspects = null; // in flight at the first failed probe, or when the server died
server.once('exit', () => (firstSuspects ??= [...inFlight.values()]));
const workers = Array.from({ length: parallel }, async () => {
  while (Date.now() < deadline && died === null) await send(inputAt(next++));
});
const prober = (async () => {
  while (Date.now() < deadline && died === null) {
    const snapshot = [...inFlight.values()];
    if (!(await probe())) {
      failedProbes++;
      firstSuspects ??= [...new Set([...snapshot, ...inFlight.values()])];
    }
    await sleep(100);
  }
})();
await Promise.all([...workers, prober]);
await sleep(1500); // let timeouts and lingering closes finish
const after = died === null ? rss() : NaN;
const alive = died === null && (await probe());
await stopServer();

const grew = after - baseline;
const okMemory = grew < 32 * 1024;
const crashed = CRASH.test(log);
const ok = alive && failedProbes === 0 && okMemory && !crashed;
process.stdout.write(
  `fuzz: seed ${seed}, ${seconds} s, ${parallel} connections at a time: ${sent} inputs sent, ${answered} answered; ` +
    `probes failed ${failedProbes}; server ${alive ? 'alive' : `DEAD (${died})`}; RSS ${baseline} → ${after} kB (${grew >= 0 ? '+' : ''}${grew} kB)\n`,
);
if (!ok) {
  process.stdout.write(`fuzz: FAILED (seed ${seed}; run again with: node runtime-min/native/fuzz.mjs ${seconds} ${parallel} ${seed})\n`);
  if (firstSuspects?.length) process.stdout.write(`fuzz: in flight when it first failed:\n${suspects(firstSuspects)}\n`);
  if (alive && !okMemory) process.stdout.write(`fuzz: RSS grew by ${grew} kB (bound ${32 * 1024} kB)\n`);
}
if (crashed) process.stdout.write(`fuzz: the server printed:\n${log}\n`);
if (ok) rmSync(out, { recursive: true, force: true }); // else it keeps the build and the saved inputs
process.exit(ok ? 0 : 1);
