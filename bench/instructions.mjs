// Instructions per request, counted by callgrind: a measure of a server's own (user-space)
// work that, unlike requests/s on a 2-core machine, does not move with whatever else runs.
// Used to hold Covet against uWebSockets.js on the same requests (and once to choose the native
// engine's boundary: runtime-min/native/README.md):
//
//   node bench/instructions.mjs [--only covet-native,uws]
//                               [--requests 20000] [--scenario plaintext,post,pipelined]
//
// Each server runs under `valgrind --tool=callgrind --instr-atstart=no`; after a warm-up
// (which lets V8 optimise the hot paths) counting is switched on with callgrind_control for
// exactly --requests requests from a client in this process, then read back. Kernel time
// (the socket work, most of a request's cost) is not counted: this is the part a server owns.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rawRequest } from './http-client.mjs';
import { DEFAULT_DB_PATH, SCENARIOS, peerById, prepareDatabase, startPeer } from './peers.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'covet-native,uws' },
    requests: { type: 'string', default: '20000' },
    scenario: { type: 'string', default: 'plaintext,post,pipelined' },
  },
});
const total = Number(values.requests);

/** A workload scenario (bench/peers.mjs) as load(): pipelined ones over 8 connections, others over 32. */
function scenarioLoad(id, port) {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new Error(`unknown scenario ${id} (${SCENARIOS.map((s) => s.id).join(', ')})`);
  const depth = scenario.pipeline ?? 1;
  return { request: rawRequest(scenario, port), connections: depth > 1 ? 8 : 32, depth };
}

/** Sends `count` requests over `connections` keep-alive connections, `depth` per write; resolves when all are answered. */
function load(port, { request, connections, depth }, count) {
  const perConn = Math.ceil(count / connections / depth) * depth;
  const batch = Buffer.concat(Array.from({ length: depth }, () => request));
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

async function measure(peer, scenarioName, dir) {
  const out = path.join(dir, `cg.${peer.id}.${scenarioName}`);
  const valgrind = ['valgrind', '--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${out}.%p`];
  const server = await startPeer(peer, { dbPath: DEFAULT_DB_PATH, prefix: valgrind, timeoutMs: 120_000 });
  const pid = server.child.pid;
  try {
    const scenario = scenarioLoad(scenarioName, server.port);
    await load(server.port, scenario, Math.max(4000, total / 4)); // warm-up: V8 optimises the hot paths
    control(pid, '-i', 'on');
    const served = await load(server.port, scenario, total);
    control(pid, '-i', 'off');
    control(pid, '-d');
    // The dump requested with -d is `<out>.<pid>.1` (one per thread when threads are separated: summed).
    const files = readdirSync(dir).map((f) => path.join(dir, f)).filter((f) => f.startsWith(`${out}.${pid}.`));
    let ir = 0;
    for (const file of files) {
      const m = /^totals:\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
      if (m) ir += Number(m[1]);
    }
    if (ir === 0) throw new Error(`no totals in ${files.join(', ') || `${dir} (${readdirSync(dir).join(', ')})`}`);
    return ir / served;
  } catch (err) {
    throw new Error(`${peer.id} ${scenarioName}: ${err.message}\n${server.output().slice(-2000)}`);
  } finally {
    server.child.kill('SIGKILL');
  }
}

await prepareDatabase(DEFAULT_DB_PATH);
const peers = [];
for (const id of values.only.split(',')) {
  const peer = peerById(id);
  if (!peer) throw new Error(`unknown peer ${id}`);
  const available = await peer.available();
  if (available !== true) {
    process.stderr.write(`instructions: ${id} skipped: ${available}\n`);
    continue;
  }
  await peer.prepare({ dbPath: DEFAULT_DB_PATH });
  peers.push(peer);
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-callgrind-'));
const rows = [];
try {
  for (const scenario of values.scenario.split(',')) {
    const row = { scenario };
    for (const peer of peers) {
      row[peer.id] = await measure(peer, scenario, dir);
      process.stderr.write(`instructions: ${scenario} ${peer.id}: ${Math.round(row[peer.id])} per request\n`);
    }
    rows.push(row);
  }
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
}
const base = peers[0].id;
process.stdout.write(`\nUser-space instructions per request (callgrind, ${total} requests after a warm-up; ratio to ${base}):\n\n`);
process.stdout.write(`| scenario | ${peers.map((p) => p.id).join(' | ')} |\n| :-- | ${peers.map(() => '--:').join(' | ')} |\n`);
for (const row of rows) {
  process.stdout.write(`| ${row.scenario} | ${peers.map((p) => `${Math.round(row[p.id]).toLocaleString('en-US')} (${(row[p.id] / row[base]).toFixed(2)}×)`).join(' | ')} |\n`);
}
