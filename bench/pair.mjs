// Two servers compared under the same load at the same moment: a measure of their cost ratio
// that holds on a loaded machine, where `npm run bench` (one server at a time) swings by ±30 %
// from one run to the next.
//
//   node bench/pair.mjs [--a node-http] [--b covet-node] [--b-server path/to/server.mjs]
//                       [--scenario plaintext,json,…] [--b-scenario …] [--reps 5] [--seconds 3] [-c 64]
//
// Both servers run pinned to core 0, and one wrk each, both pinned to core 1, load them at
// once: the scheduler splits core 0 between the two busy servers, so the ratio of their
// requests/s is the inverse of the ratio of their costs per request, and whatever else runs on
// the machine slows both in the same instant. Each scenario: a warm-up, then --reps runs;
// printed are the medians of the ratios (b ÷ a: above 1 means b serves more) of requests/s
// and of CPU time per request (a ÷ b: above 1 means b costs less), and each run's ratio.
// --b-server runs b's command with another server file (e.g. a covet build of an earlier
// commit: `covet build bench/apps/covet --out bench/.build/covet-old --engine node`).
// --b-scenario gives b other scenarios, one per --scenario (e.g. one server, two routes:
// `--a covet-native --b covet-native --scenario authed-plain --b-scenario authed`).
// The servers are prepared (`prepare()`) unless --b-server is given, for b.
import { parseArgs } from 'node:util';
import { SERVER_CORE, cpuSeconds, spawnPinned } from './lib/proc.mjs';
import { median } from './lib/summary.mjs';
import { runWrk, wrkArgs } from './lib/wrk.mjs';
import { DEFAULT_DB_PATH, SCENARIOS, freePort, peerById, prepareDatabase, waitForPort } from './peers.mjs';

const { values: o } = parseArgs({
  options: {
    a: { type: 'string', default: 'node-http' },
    b: { type: 'string', default: 'covet-node' },
    'b-server': { type: 'string' },
    scenario: { type: 'string', default: SCENARIOS.filter((s) => !s.covetOnly && !s.jwt).map((s) => s.id).join(',') },
    'b-scenario': { type: 'string' },
    reps: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', short: 'c', default: '64' },
  },
});

async function start(id, serverFile) {
  const peer = peerById(id);
  if (!peer) throw new Error(`unknown peer ${id}`);
  if (!serverFile) await peer.prepare({ dbPath: DEFAULT_DB_PATH });
  const port = await freePort();
  const command = peer.command({ port, dbPath: DEFAULT_DB_PATH });
  if (serverFile) command.args[0] = serverFile;
  const server = spawnPinned(command, { core: SERVER_CORE });
  await waitForPort(port, 20_000);
  return { server, port };
}

await prepareDatabase(DEFAULT_DB_PATH);
const a = await start(o.a);
const b = await start(o.b, o['b-server']);
const connections = Number(o.connections);

/** One run: both loaded at once for `seconds`. */
async function both(scenario, scenarioB, seconds) {
  const cpu0 = [cpuSeconds(a.server.pid), cpuSeconds(b.server.pid)];
  const [wa, wb] = await Promise.all([[a, scenario], [b, scenarioB]].map(([s, sc]) => runWrk(wrkArgs(sc, { port: s.port, connections, seconds }))));
  const perRequest = (s, i, w) => ((cpuSeconds(s.server.pid) - cpu0[i]) * 1e6) / w.requests;
  const errors = wa.errors.status + wa.errors.timeout + wb.errors.status + wb.errors.timeout;
  return { rps: wb.rps / wa.rps, cpu: perRequest(a, 0, wa) / perRequest(b, 1, wb), errors };
}

const fmt = (xs) => xs.map((x) => x.toFixed(2)).join(' ');
const times = (x) => (x == null ? '–' : `${x.toFixed(3)}×`);
try {
  process.stdout.write(`${o.b}${o['b-server'] ? ` (${o['b-server']})` : ''} against ${o.a}, both loaded at once; medians of ${o.reps} runs of ${o.seconds} s\n\n`);
  process.stdout.write('| scenario | req/s b ÷ a | CPU/req a ÷ b | runs (req/s) |\n| :-- | --: | --: | :-- |\n');
  const ids = o.scenario.split(',');
  const idsB = o['b-scenario'] ? o['b-scenario'].split(',') : ids;
  if (idsB.length !== ids.length) throw new Error('--b-scenario needs one scenario per --scenario');
  const find = (id) => SCENARIOS.find((s) => s.id === id) ?? (() => { throw new Error(`unknown scenario ${id}`); })();
  for (const [k, id] of ids.entries()) {
    const scenario = find(id);
    const scenarioB = find(idsB[k]);
    await both(scenario, scenarioB, 2); // warm-up
    const runs = [];
    for (let i = 0; i < Number(o.reps); i++) runs.push(await both(scenario, scenarioB, Number(o.seconds)));
    const errors = runs.reduce((n, r) => n + r.errors, 0);
    process.stdout.write(
      `| ${idsB[k] === id ? id : `${idsB[k]} (b) vs ${id} (a)`} | ${times(median(runs.map((r) => r.rps)))} | ${times(median(runs.map((r) => r.cpu)))} | ${fmt(runs.map((r) => r.rps))}${errors ? ` (${errors} errors)` : ''} |\n`,
    );
  }
} finally {
  await a.server.stop();
  await b.server.stop();
}
