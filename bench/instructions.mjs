// Instructions per request, counted by callgrind: a measure of the server's own (user-space)
// work that, unlike requests/s on a 2-core machine, does not move with whatever else runs.
// Used to compare the native engine's boundary designs (COVET_BOUNDARY) on one build:
//
//   node bench/instructions.mjs [--boundary batch,request,eager] [--requests 20000] [--scenario plaintext,post,pipelined]
//
// Each server runs under `valgrind --tool=callgrind --instr-atstart=no`; after a warm-up
// (which lets V8 optimise the hot paths) counting is switched on with callgrind_control for
// exactly --requests requests from a client in this process, then read back. Kernel time
// (the socket work, most of a request's cost) is not counted: this is the part Covet owns.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR, DEFAULT_DB_PATH, prepareDatabase, freePort, waitForPort } from './peers.mjs';

const ROOT = path.resolve(new URL('..', import.meta.url).pathname);
const { values } = parseArgs({
  options: {
    boundary: { type: 'string', default: 'batch,request,eager' },
    requests: { type: 'string', default: '20000' },
    scenario: { type: 'string', default: 'plaintext,post,pipelined' },
  },
});
const boundaries = values.boundary.split(',');
const total = Number(values.requests);

const POST_BODY = JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com', age: 36, active: true, role: 'admin', tags: ['math', 'poetry'], address: { city: 'London', zip: 'W1' } });
const SCENARIOS = {
  plaintext: { request: 'GET /plaintext HTTP/1.1\r\nHost: bench\r\n\r\n', connections: 32, depth: 1 },
  post: {
    request: `POST /users?notify=true HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nX-Client: bench\r\nContent-Length: ${Buffer.byteLength(POST_BODY)}\r\n\r\n${POST_BODY}`,
    connections: 32,
    depth: 1,
  },
  pipelined: { request: 'GET /plaintext HTTP/1.1\r\nHost: bench\r\n\r\n', connections: 8, depth: 16 },
};

/** Sends `count` requests over `connections` keep-alive connections, `depth` per write; resolves when all are answered. */
function load(port, { request, connections, depth }, count) {
  const perConn = Math.ceil(count / connections / depth) * depth;
  const batch = Buffer.from(request.repeat(depth));
  return Promise.all(
    Array.from({ length: connections }, () => new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
      let sent = 0;
      let answered = 0;
      let tail = '';
      const next = () => {
        if (sent >= perConn) return;
        sent += depth;
        socket.write(batch);
      };
      socket.on('connect', next);
      socket.on('data', (d) => {
        const text = tail + d.toString('latin1');
        let at = -1;
        while ((at = text.indexOf('HTTP/1.1 ', at + 1)) !== -1) answered++;
        tail = text.slice(-8);
        if (answered >= perConn) {
          socket.end();
          resolve(perConn);
        } else if (answered === sent) next();
      });
      socket.on('error', reject);
    })),
  ).then((n) => n.reduce((a, b) => a + b, 0));
}

function control(pid, ...args) {
  const r = spawnSync('callgrind_control', [...args, String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`callgrind_control ${args.join(' ')}: ${r.stderr || r.stdout}`);
}

async function measure(boundary, scenarioName, dir) {
  const port = await freePort();
  const out = path.join(dir, `cg.${boundary}.${scenarioName}`);
  const server = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${out}.%p`,
    process.execPath, path.join(BUILD_DIR, 'covet-native', 'server.mjs'), '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, NODE_ENV: 'production', BENCH_DB: DEFAULT_DB_PATH, COVET_BOUNDARY: boundary },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr.on('data', (d) => (stderr += d));
  try {
    await waitForPort(port, 120_000);
    const scenario = SCENARIOS[scenarioName];
    await load(port, scenario, Math.max(4000, total / 4)); // warm-up: V8 optimises the hot paths
    control(server.pid, '-i', 'on');
    const served = await load(port, scenario, total);
    control(server.pid, '-i', 'off');
    control(server.pid, '-d');
    // The dump requested with -d is `<out>.<pid>.1` (per thread when threads are separated: sum them).
    const files = readdirSync(dir).map((f) => path.join(dir, f)).filter((f) => f.startsWith(`${out}.`) && /\.\d+$/.test(f) && f.split('.').length > out.split('.').length + 1);
    let ir = 0;
    for (const file of files) {
      const m = /^totals:\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
      if (m) ir += Number(m[1]);
    }
    if (ir === 0) throw new Error(`no totals in ${files.join(', ') || `${dir} (${readdirSync(dir).join(', ')})`}`);
    return ir / served;
  } catch (err) {
    throw new Error(`${err.message}\n${stderr.slice(-2000)}`);
  } finally {
    server.kill('SIGKILL');
  }
}

await prepareDatabase(DEFAULT_DB_PATH);
spawnSync(process.execPath, [path.join(ROOT, 'bin/covet.mjs'), 'build', path.join(ROOT, 'bench/apps/covet'), '--out', path.join(BUILD_DIR, 'covet-native'), '--engine', 'native'], { stdio: 'inherit' });
const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-callgrind-'));
const rows = [];
try {
  for (const scenario of values.scenario.split(',')) {
    const row = { scenario };
    for (const b of boundaries) {
      row[b] = await measure(b, scenario, dir);
      process.stderr.write(`instructions: ${scenario} ${b}: ${Math.round(row[b])} per request\n`);
    }
    rows.push(row);
  }
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
}
const base = boundaries[0];
process.stdout.write(`\nUser-space instructions per request (callgrind, ${total} requests after a warm-up; ratio to ${base}):\n\n`);
process.stdout.write(`| scenario | ${boundaries.join(' | ')} |\n| :-- | ${boundaries.map(() => '--:').join(' | ')} |\n`);
for (const row of rows) {
  process.stdout.write(`| ${row.scenario} | ${boundaries.map((b) => `${Math.round(row[b]).toLocaleString('en-US')} (${(row[b] / row[base]).toFixed(2)}×)`).join(' | ')} |\n`);
}
