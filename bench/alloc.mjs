// `npm run bench:alloc`: what each request costs the garbage collector, per peer and scenario
// (issue 15, "an allocation diet on the request path"). Bytes allocated do not move with the
// machine's load; scavenges per second and GC pause per second follow the run's rate.
//
//   node bench/alloc.mjs [--only covet-native,covet-node,uws,node-http]
//                        [--scenario plaintext,json,path-query,post]
//                        [--requests 100000] [--warmup 2] [-c 64] [--out dir] [--json]
//
// Each (peer, scenario) gets a fresh server, pinned to the server core like bench/run.mjs's, started
// with `node --trace-gc-nvp` (Node peers; others get RSS only). wrk (pinned to the client core)
// warms it up for --warmup seconds, then loads it for as many whole seconds (2 to 10) as --requests needs at
// the warm-up's rate. The GC lines printed while the measured run lasts are summed:
//   - bytes/req          Σ allocated= (bytes allocated since the previous GC) ÷ requests served
//   - scavenges/100k     gc=s lines per 100 000 requests; and per second of the run
//   - pause ms/s         Σ pause= of every GC (scavenges and mark-compacts) ÷ seconds
//   - MB/scavenge        the mean allocated= between two scavenges: the young generation's
//                        capacity V8 settled on (1 MB semi-spaces at start, up to 16 MB)
//   - promoted/100k      bytes promoted to old space per 100 000 requests (what grows the old heap)
//   - RSS                at start (after 50 requests), peak during warm-up + run (VmHWM), after
//                        the run; growth = peak − start.
// The window is cut where the lines arrive; bytes/req is therefore taken between the window's first
// and last GC, by their timestamps (allocated per ms ÷ requests per ms), so that no scavenge's worth
// from before the window or after it counts (with only a few scavenges a second, as on plaintext,
// that would be ±10%).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { peakRssKb, pinSelf, resetPeakRss, rssKb, sleep, SERVER_CORE } from './lib/proc.mjs';
import { startServer } from './lib/server.mjs';
import { request } from './lib/verify.mjs';
import { runWrk, wrkArgs, wrkCommandLine, errorCount } from './lib/wrk.mjs';
import { DEFAULT_DB_PATH, PEERS, SCENARIOS, freePort, peerById, prepareDatabase, waitForPort } from './peers.mjs';

const USAGE = `Usage: npm run bench:alloc -- [options]

  --only <ids>        peers, comma-separated (default covet-native,covet-node,uws,node-http)
  --scenario <ids>    scenarios, comma-separated (default plaintext,json,path-query,post and,
                      when bench/peers.mjs defines them, list-100,post-10k)
  --requests <n>      requests to measure per case (default 100000), as whole seconds (2 to 10)
  --warmup <s>        warm-up seconds before the measured run (default 2)
  -c, --connections   wrk connections (default 64)
  --out <dir>         also write alloc-<date>.md and .json there
  --json              print the JSON instead of the markdown
  --server <id>=<dir> one more peer, <id>: covet-native's command on the server built in <dir>
                      (e.g. a covet build of an earlier commit, for before/after in one run)
  --node-flags <f>    more flags for node peers, space-separated (e.g. "--max-semi-space-size=2"):
                      to measure a V8 setting's cost in RSS and p99 before a server adopts it
  -h, --help          this text`;

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'covet-native,covet-node,uws,node-http' },
    scenario: { type: 'string' },
    requests: { type: 'string', default: '100000' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', short: 'c', default: '64' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
    server: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const REQUESTS = Number(values.requests);
const WARMUP_S = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const MAX_SECONDS = 10;
const NODE_FLAGS = values['node-flags'].split(' ').filter(Boolean);
const DEFAULT_SCENARIOS = ['plaintext', 'json', 'path-query', 'post', 'list-100', 'post-10k'].filter((id) => SCENARIOS.some((s) => s.id === id));
const scenarioIds = values.scenario ? values.scenario.split(',') : DEFAULT_SCENARIOS;
for (const id of scenarioIds) {
  if (!SCENARIOS.some((s) => s.id === id)) fail(`unknown scenario "${id}"; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
}
const peerIds = values.only.split(',');
/** --server peers: covet-native's command with another build's server.mjs, nothing to prepare. */
const extraPeers = values.server.map((spec) => {
  const m = /^([\w.@-]+)=(.+)$/.exec(spec);
  if (!m) fail(`--server takes <id>=<dir>, got "${spec}"`);
  const base = peerById('covet-native');
  const serverFile = path.resolve(m[2], 'server.mjs');
  return {
    ...base,
    id: m[1],
    label: `${base.label}, ${m[2]}`,
    prepare: async () => {},
    command: (ctx) => {
      const c = base.command(ctx);
      return { ...c, args: [serverFile, ...c.args.slice(1)] };
    },
  };
});
for (const id of peerIds) if (!peerById(id)) fail(`unknown peer "${id}"; known: ${PEERS.map((p) => p.id).join(', ')}`);
if (!(REQUESTS > 0) || !(WARMUP_S >= 0) || !(CONNECTIONS >= 1)) fail('--requests, --warmup and --connections must be positive numbers');

function fail(message) {
  process.stderr.write(`bench:alloc: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

// ------------------------------------------------------------------ the GC trace

/** The fields of one `--trace-gc-nvp` line that matter here, or null for any other line. */
function parseGcLine(line) {
  const kind = / gc=(\w+)/.exec(line);
  if (!kind) return null;
  const num = (name) => {
    const m = new RegExp(` ${name}=([\\d.]+)`).exec(line);
    return m ? Number(m[1]) : 0;
  };
  const at = /\s([\d.]+) ms: /.exec(line);
  return { kind: kind[1], atMs: at ? Number(at[1]) : NaN, pause: num('pause'), allocated: num('allocated'), promoted: num('promoted'), heapAfter: num('total_size_after') };
}

/** Collects the GC lines of a child's stdout; `window()` starts a new sum, `close()` returns it. */
function gcCollector(stream) {
  let current = null;
  let pending = '';
  stream.setEncoding('latin1');
  stream.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    if (!current) return;
    for (const line of lines) {
      const gc = parseGcLine(line);
      if (!gc) continue;
      current.events++;
      // From the second GC of the window on, allocated= is what the window's requests made between
      // two GCs at known times (the first one's reaches back before the window).
      if (current.events === 1) current.firstMs = gc.atMs;
      else {
        current.between += gc.allocated;
        current.lastMs = gc.atMs;
      }
      current.allocated += gc.allocated;
      current.pauseMs += gc.pause;
      current.promoted += gc.promoted;
      current.heapAfter = gc.heapAfter;
      if (gc.kind === 's') {
        current.scavenges++;
        current.scavengeAllocated += gc.allocated;
      } else current.fullGcs++;
    }
  });
  return {
    open() {
      current = { events: 0, firstMs: NaN, lastMs: NaN, between: 0, allocated: 0, pauseMs: 0, promoted: 0, scavenges: 0, scavengeAllocated: 0, fullGcs: 0, heapAfter: 0 };
    },
    async close() {
      await sleep(100); // the last lines written before the run ended
      const sum = current;
      current = null;
      return sum;
    },
  };
}

/** The peer's command with `--trace-gc-nvp` when it runs on this node (V8 prints nothing for others). */
function tracedCommand(peer, port) {
  const command = peer.command({ port, dbPath: DEFAULT_DB_PATH });
  const traced = command.cmd === process.execPath;
  return { command: traced ? { ...command, args: ['--trace-gc-nvp', ...NODE_FLAGS, ...command.args] } : command, traced };
}

// ------------------------------------------------------------------ one case

async function measure(peer, scenario) {
  const port = await freePort();
  const { command, traced } = tracedCommand(peer, port);
  const server = await startServer({ ...peer, command: () => command }, { port, dbPath: DEFAULT_DB_PATH, waitForPort });
  const gc = gcCollector(server.child.stdout);
  try {
    for (let i = 0; i < 50; i++) {
      const res = await request(port, scenario);
      if (res.status !== scenario.expect.status) throw new Error(`answered ${res.status}, want ${scenario.expect.status}: ${res.body.slice(0, 200)}`);
    }
    await sleep(300);
    const rssStartKb = rssKb(server.pid);
    resetPeakRss(server.pid);
    let seconds = 1;
    if (WARMUP_S > 0) {
      const warm = await runWrk(wrkArgs(scenario, { port, connections: CONNECTIONS, seconds: WARMUP_S }));
      seconds = Math.min(MAX_SECONDS, Math.max(2, Math.ceil(REQUESTS / warm.rps)));
    }
    const args = wrkArgs(scenario, { port, connections: CONNECTIONS, seconds });
    gc.open();
    const run = await runWrk(args);
    const sum = await gc.close();
    const peakKb = peakRssKb(server.pid);
    await sleep(500);
    const rssAfterKb = rssKb(server.pid);
    if (server.hasExited()) throw new Error(`exited during the run: ${server.output().slice(-500)}`);
    const requests = run.requests; // wrk counts each pipelined answer
    return {
      status: 'ok',
      command: wrkCommandLine(args),
      requests,
      seconds: run.seconds,
      rps: requests / run.seconds,
      errors: errorCount(run.errors),
      p99Us: run.latencyUs.p99,
      gc: traced
        ? {
            // bytes allocated per ms between the window's first and last GC, over requests per ms
            // of the run (wrk's rate is steady once warm); with fewer than 3 GCs, the plain sum
            bytesPerRequest: sum.events >= 3 && sum.lastMs > sum.firstMs
              ? sum.between / (sum.lastMs - sum.firstMs) / (requests / (run.seconds * 1000))
              : sum.allocated / requests,
            scavengesPer100k: (sum.scavenges * 100_000) / requests,
            scavengesPerSecond: sum.scavenges / run.seconds,
            pauseMsPerSecond: sum.pauseMs / run.seconds,
            fullGcs: sum.fullGcs,
            mbPerScavenge: sum.scavenges ? sum.scavengeAllocated / sum.scavenges / 2 ** 20 : null,
            promotedPer100k: (sum.promoted * 100_000) / requests,
            heapAfterMb: sum.heapAfter / 2 ** 20,
          }
        : null,
      rssStartKb,
      peakRssKb: peakKb,
      rssAfterKb,
    };
  } finally {
    await server.stop(1000);
  }
}

// ------------------------------------------------------------------ the run

function markdown(results, meta) {
  const f = (v, digits = 0) => (v == null ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  const mb = (kb) => f(kb / 1024, 1);
  const out = [];
  out.push(`### Allocation per request — ${meta.date}`, '');
  out.push(`Each case: a fresh server pinned to core ${SERVER_CORE} (\`node --trace-gc-nvp\`), ${meta.warmup} s of wrk warm-up, then wrk \`-t1 -c${meta.connections}\` for ⌈${meta.requests.toLocaleString('en-US')} ÷ warm-up rate⌉ s. ` +
    'bytes/req and scavenges/100k do not move with the machine\'s load; scavenges/s and pause ms/s follow the run\'s rate (req/s shown). ' +
    `MB/scavenge is the young generation V8 settled on; RSS growth is the peak during load minus the RSS at start. p99 is wrk's, on a shared machine: compare it only within one run. ${meta.nodeFlags.length ? `Node peers ran with \`${meta.nodeFlags.join(' ')}\`. ` : ''}Load at start: ${meta.load}.`, '');
  for (const scenario of meta.scenarios) {
    const rows = results.filter((r) => r.scenario === scenario);
    if (!rows.length) continue;
    const s = SCENARIOS.find((x) => x.id === scenario);
    out.push(`#### ${scenario} — \`${s.method ?? 'GET'} ${s.path}\`${s.pipeline ? `, ${s.pipeline} per write` : ''}`, '');
    const uws = rows.find((r) => r.peer === 'uws' && r.status === 'ok');
    out.push('| Peer | bytes/req | × uws | scavenges/100k | scavenges/s | GC pause ms/s | MB/scavenge | promoted B/100k | req/s | p99 | RSS start | RSS peak | RSS after | RSS growth |');
    out.push('| :-- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
    for (const r of rows) {
      if (r.status !== 'ok') {
        out.push(`| ${r.peer} | ${r.status}: ${r.reason} |||||||||||||`);
        continue;
      }
      const g = r.gc ?? {};
      const times = uws?.gc && g.bytesPerRequest != null ? `${(g.bytesPerRequest / uws.gc.bytesPerRequest).toFixed(2)}×` : '–';
      out.push(`| ${r.peer} | ${f(g.bytesPerRequest)} | ${times} | ${f(g.scavengesPer100k, 1)} | ${f(g.scavengesPerSecond, 1)} | ${f(g.pauseMsPerSecond, 2)} | ${f(g.mbPerScavenge, 1)} | ${f(g.promotedPer100k)} | ${f(r.rps)} | ${r.p99Us == null ? '–' : `${(r.p99Us / 1000).toFixed(2)} ms`} | ${mb(r.rssStartKb)} MB | ${mb(r.peakRssKb)} MB | ${mb(r.rssAfterKb)} MB | +${mb(r.peakRssKb - r.rssStartKb)} MB |`);
    }
    out.push('');
  }
  return out.join('\n');
}

pinSelf();
await prepareDatabase(DEFAULT_DB_PATH);
const peers = [];
const results = [];
for (const id of [...peerIds, ...extraPeers.map((p) => p.id)]) {
  const peer = extraPeers.find((p) => p.id === id) ?? peerById(id);
  const available = await peer.available();
  if (available !== true) {
    process.stderr.write(`bench:alloc: ${id} skipped: ${available}\n`);
    for (const scenario of scenarioIds) results.push({ peer: id, scenario, status: 'skipped', reason: available });
    continue;
  }
  await peer.prepare({ dbPath: DEFAULT_DB_PATH });
  peers.push(peer);
}
const { loadavg } = await import('node:os');
const meta = {
  date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  requests: REQUESTS,
  warmup: WARMUP_S,
  connections: CONNECTIONS,
  scenarios: scenarioIds,
  nodeFlags: NODE_FLAGS,
  load: loadavg().map((l) => l.toFixed(2)).join(', '),
};
for (const scenario of scenarioIds) {
  const s = SCENARIOS.find((x) => x.id === scenario);
  for (const peer of peers) {
    if (!peer.scenarios.includes(scenario)) continue;
    try {
      const r = await measure(peer, s);
      results.push({ peer: peer.id, scenario, ...r });
      process.stderr.write(`bench:alloc: ${scenario} ${peer.id}: ${r.gc ? `${Math.round(r.gc.bytesPerRequest)} B/req, ${r.gc.scavengesPer100k.toFixed(1)} scavenges/100k, ` : ''}peak RSS ${(r.peakRssKb / 1024).toFixed(1)} MB\n`);
    } catch (e) {
      results.push({ peer: peer.id, scenario, status: 'failed', reason: e.message.split('\n')[0] });
      process.stderr.write(`bench:alloc: ${scenario} ${peer.id} failed: ${e.message}\n`);
    }
  }
}
const md = markdown(results, meta);
if (values.out) {
  mkdirSync(values.out, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  writeFileSync(path.join(values.out, `alloc-${stamp}.md`), `${md}\n`);
  writeFileSync(path.join(values.out, `alloc-${stamp}.json`), `${JSON.stringify({ meta, results }, null, 2)}\n`);
}
process.stdout.write(values.json ? `${JSON.stringify({ meta, results }, null, 2)}\n` : `${md}\n`);
