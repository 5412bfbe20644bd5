// Memory per idle keep-alive connection as a slope: bench's idle test (bench/lib/server.mjs's
// idleMemory: a fresh server, 60,000 requests over 64 connections (warmUp), RSS, a client opens N connections and makes one
// request on each, RSS again) at several N, plus where the bytes are (/proc/<pid>/smaps: malloc's
// main arena, other anonymous mappings), and the least-squares slope over the N.
//
//   node runtime-min/native/idle-memory.mjs [--peer covet-native] [--counts 2000,5000,10000,19000] [--no-build] [--no-warm-up]
//
// The descriptor limit is `ulimit -Hn` (20000 here, and setrlimit cannot raise it in this sandbox),
// so 19 000 is the most connections one server can hold here.
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLIENT_CORE, rssKb, sleep, spawnPinned } from '../../bench/lib/proc.mjs';
import { WARM_UP_REQUESTS, startServer, warmUp } from '../../bench/lib/server.mjs';
import { request } from '../../bench/lib/verify.mjs';
import { PEERS, SCENARIOS, DEFAULT_DB_PATH, prepareDatabase, waitForPort, freePort } from '../../bench/peers.mjs';

const IDLE_CLIENT = fileURLToPath(new URL('../../bench/lib/idle-client.mjs', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    peer: { type: 'string', default: 'covet-native' },
    counts: { type: 'string', default: '2000,5000,10000,19000' },
    'no-build': { type: 'boolean', default: false },
    // bench before 2026-12-02: 50 requests only, so that the JIT's and GC's warm-up over the N
    // requests lands in the difference too
    'no-warm-up': { type: 'boolean', default: false },
  },
});
const peer = PEERS.find((p) => p.id === opts.peer);
if (!peer) throw new Error(`no peer ${opts.peer}`);
const scenario = SCENARIOS.find((s) => s.id === 'plaintext');
const dbPath = DEFAULT_DB_PATH;
// Opening 19 000 takes ~6 s here, past the 5 s keep-alive: the first ones would close meanwhile.
process.env.COVET_KEEP_ALIVE_TIMEOUT_MS ??= '60000';

/** kB resident by kind of mapping: malloc's main arena ([heap]), other anonymous, the rest. */
function smaps(pid) {
  const out = { heap: 0, anon: 0, other: 0 };
  let kind = 'other';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const name = head[1].trim();
      kind = name === '[heap]' ? 'heap' : name === '' ? 'anon' : 'other';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] += Number(rss[1]);
  }
  return out;
}

async function measure(count) {
  const server = await startServer(peer, { port: await freePort(), dbPath, waitForPort });
  let client;
  try {
    for (let i = 0; i < 50; i++) await request(server.port, scenario);
    if (!opts['no-warm-up']) await warmUp(server.port, scenario, WARM_UP_REQUESTS);
    await sleep(500);
    const before = { rss: rssKb(server.pid), ...smaps(server.pid) };
    client = spawnPinned({ cmd: process.execPath, args: [IDLE_CLIENT, String(server.port), String(count), scenario.path], env: process.env }, { core: CLIENT_CORE });
    const lines = createInterface({ input: client.child.stdout })[Symbol.asyncIterator]();
    const ready = await lines.next();
    const opened = JSON.parse(ready.value);
    await sleep(200);
    const after = { rss: rssKb(server.pid), ...smaps(server.pid) };
    const per = (k) => Math.round(((after[k] - before[k]) * 1024) / opened.open);
    console.error(`${count}: ${opened.failed} failed (${opened.error}), ${opened.ms} ms`);
    return { count, open: opened.open, failed: opened.failed, rss: per('rss'), heap: per('heap'), anon: per('anon'), other: per('other'), deltaKb: after.rss - before.rss };
  } finally {
    await client?.stop(500);
    await server.stop();
  }
}

if (!opts['no-build']) {
  await prepareDatabase(dbPath);
  await peer.prepare({ dbPath });
}
const rows = [];
for (const n of opts.counts.split(',').map(Number)) rows.push(await measure(n));
console.log(`| connections | open | RSS Δ | per connection | malloc [heap] | other anonymous | the rest |`);
console.log(`| --: | --: | --: | --: | --: | --: | --: |`);
for (const r of rows) console.log(`| ${r.count} | ${r.open} | ${r.deltaKb} kB | ${r.rss} B | ${r.heap} B | ${r.anon} B | ${r.other} B |`);
/** Least-squares slope and intercept of y (bytes) over the open connections. */
function fit(ys) {
  const xs = rows.map((r) => r.open);
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return `${Math.round(slope)} B per connection, intercept ${Math.round((my - slope * mx) / 1024)} kB`;
}
if (rows.length > 1) {
  console.log(`\nslope of the RSS: ${fit(rows.map((r) => r.deltaKb * 1024))}`);
  // malloc's main arena is where the engine's C side allocates; V8's heap and its worker threads'
  // arenas move with collections, not with connections (the other columns)
  console.log(`slope of malloc's main arena: ${fit(rows.map((r) => r.heap * r.open))}`);
}
