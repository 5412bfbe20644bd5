// A bounded fuzz run of the native engine's request path: random and mutated
// requests (bytes flipped, inserted, deleted, cut; split into random writes; a
// random disconnect) against fixtures/conformance built with --engine native.
// Pass: the server never dies, a fresh connection is answered within 1 s all
// along, and its memory comes back near the baseline.
//
//   node runtime-min/native/fuzz.mjs [seconds=5] [connections=32] [seed]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(new URL('../..', import.meta.url).pathname);
const seconds = Number(process.argv[2] ?? 5);
const parallel = Number(process.argv[3] ?? 32);
let seed = Number(process.argv[4] ?? Date.now() % 2 ** 31);
const firstSeed = seed;
function rand() {
  // mulberry32: reproducible from the printed seed
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const int = (n) => Math.floor(rand() * n);

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
  const t = setTimeout(() => reject(new Error('server did not start')), 10_000);
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
];
const NOISE = ['\r', '\n', '\r\n', ' ', ':', '\0', '\x7f', '\xff', 'Content-Length: 99999999999\r\n', 'Transfer-Encoding: chunked\r\n', 'Host: g\r\n', '\r\n\r\n', 'ffffffff\r\n', ';', '%', 'A'.repeat(int(20000) + 1)];

function mutate(text) {
  let buf = Buffer.from(text, 'latin1');
  const n = 1 + int(4);
  for (let i = 0; i < n; i++) {
    const at = int(buf.length + 1);
    switch (int(5)) {
      case 0: // flip a byte
        if (buf.length) buf[Math.min(at, buf.length - 1)] = int(256);
        break;
      case 1: // insert noise
        buf = Buffer.concat([buf.subarray(0, at), Buffer.from(pick(NOISE), 'latin1'), buf.subarray(at)]);
        break;
      case 2: // delete a run
        buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1 + int(8))]);
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
}

function randomBytes() {
  const buf = Buffer.alloc(int(300));
  for (let i = 0; i < buf.length; i++) buf[i] = rand() < 0.7 ? 32 + int(95) : int(256);
  return buf;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let sent = 0;
let answered = 0;

async function oneConnection() {
  const kind = rand();
  const data = kind < 0.15 ? randomBytes() : kind < 0.3 ? Buffer.from(pick(CORPUS), 'latin1') : mutate(pick(CORPUS));
  const sock = net.connect(port, '127.0.0.1');
  sock.on('error', () => {});
  let got = 0;
  sock.on('data', (d) => (got += d.length));
  const closed = new Promise((r) => sock.once('close', r));
  await new Promise((r) => sock.once('connect', r).once('error', r));
  const pieces = rand() < 0.5 ? 1 : 1 + int(6);
  const step = Math.ceil(data.length / pieces) || 1;
  for (let i = 0; i < data.length; i += step) {
    if (sock.destroyed) break;
    sock.write(data.subarray(i, i + step));
    if (pieces > 1) await sleep(int(5));
  }
  sent++;
  if (rand() < 0.1) sock.destroy(); // vanish at once
  await Promise.race([closed, sleep(rand() < 0.9 ? 300 : 1200)]);
  if (got) answered++;
  sock.destroy();
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

// Warm up, then the baseline.
for (let i = 0; i < 200; i++) await probe();
await sleep(300);
const baseline = rss();
const deadline = Date.now() + seconds * 1000;
let failedProbes = 0;
const workers = Array.from({ length: parallel }, async () => {
  while (Date.now() < deadline && died === null) await oneConnection();
});
const prober = (async () => {
  while (Date.now() < deadline && died === null) {
    if (!(await probe())) failedProbes++;
    await sleep(100);
  }
})();
await Promise.all([...workers, prober]);
await sleep(1500); // let timeouts and lingering closes finish
const after = rss();
const alive = died === null && (await probe());
server.kill('SIGTERM');
await new Promise((r) => (died === null ? server.once('exit', r) : r()));

const grew = after - baseline;
const okMemory = grew < 32 * 1024;
process.stdout.write(
  `fuzz: seed ${firstSeed}, ${seconds} s, ${parallel} connections at a time: ${sent} inputs sent, ${answered} answered; ` +
    `probes failed ${failedProbes}; server ${alive ? 'alive' : `DEAD (${died})`}; RSS ${baseline} → ${after} kB (${grew >= 0 ? '+' : ''}${grew} kB)\n`,
);
const crashed = /Assertion|Segmentation|Aborted|FATAL|failed:|ERROR: AddressSanitizer|runtime error:/.test(log);
if (crashed) process.stdout.write(`fuzz: the server printed:\n${log}\n`);
process.exit(alive && failedProbes === 0 && okMemory && !crashed ? 0 : 1);
