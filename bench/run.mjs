// `npm run bench`: Covet against its peers, side by side in one run (issue 3).
//
//   1. prepare every selected peer (or record why it is skipped);
//   2. check its answers (bench/check.mjs): a scenario answered wrongly is not timed;
//   3. rounds: each peer in turn (one pinned server process per peer and round),
//      each scenario warm-up then measure with wrk; every round runs every peer,
//      starting one peer later than the last, so that drifts of the machine hit
//      every peer alike and no peer is always first;
//   4. per peer: cold start (median of N) and memory of idle keep-alive connections;
//   5. bench/results/<date>.{json,md,svg}, and latest.* for a full run.
//
// Options: npm run bench -- --help
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderChart } from './lib/chart.mjs';
import { machineInfo } from './lib/machine.mjs';
import { COSTS, USAGE, budget, formatSeconds, parseOptions } from './lib/options.mjs';
import { cpuSeconds, peakRssKb, pinSelf, resetPeakRss } from './lib/proc.mjs';
import { Progress } from './lib/progress.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { coldStart, idleMemory, lastLines, startServer } from './lib/server.mjs';
import { median, summarize } from './lib/summary.mjs';
import { verifyPeer } from './lib/verify.mjs';
import { errorCount, runWrk, wrkArgs, wrkCommandLine } from './lib/wrk.mjs';
import * as peersModule from './peers.mjs';

const { SCENARIOS, PEERS, NEGATIVES = [], prepareDatabase, waitForPort, freePort } = peersModule;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DB_PATH = peersModule.DEFAULT_DB_PATH ?? path.join(ROOT, 'bench/.build/world.db');
const FULL_BUDGET_S = 20 * 60;

// ------------------------------------------------------------------ options

let opts;
try {
  opts = parseOptions(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`bench: ${e.message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const unknown = (kind, asked, known) => {
  const bad = (asked ?? []).filter((id) => !known.includes(id));
  if (bad.length) {
    process.stderr.write(`bench: unknown ${kind} ${bad.map((b) => `"${b}"`).join(', ')}; known ${kind}s: ${known.join(', ')}\n`);
    process.exit(2);
  }
};
unknown('peer', opts.only, PEERS.map((p) => p.id));
unknown('scenario', opts.scenarios, SCENARIOS.map((s) => s.id));

const scenarios = SCENARIOS.filter((s) => !opts.scenarios || opts.scenarios.includes(s.id));
// Variants (e.g. the native engine's other boundary designs) run only when named in --only.
const selected = PEERS.filter((p) => (opts.only ? opts.only.includes(p.id) : !p.variant));
const fullRun = !opts.quick && !opts.only && !opts.scenarios;

// ------------------------------------------------------------------ cleanup

const live = new Set();
async function track(promise) {
  const server = await promise;
  live.add(server);
  return server;
}
async function stop(server) {
  live.delete(server);
  await server.stop();
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    process.stderr.write(`\nbench: ${signal}, stopping ${live.size} server(s)\n`);
    await Promise.all([...live].map((s) => s.stop(500)));
    process.exit(130);
  });
}

// ------------------------------------------------------------------ the correctness check

/** bench/check.mjs's checker when it exports one, else the runner's minimal one. */
async function loadChecker() {
  try {
    const check = await import('./check.mjs');
    if (typeof check.checkRunningPeer === 'function') {
      return {
        name: 'bench/check.mjs',
        async run(peer, port, supported) {
          const map = await check.checkRunningPeer(peer, port);
          const wrong = {};
          const notes = {};
          for (const s of supported) wrong[s] = null;
          for (const [id, r] of map) {
            const scenario = SCENARIOS.some((s) => s.id === id) ? id : NEGATIVES.find((n) => n.id === id)?.scenario;
            if (!(scenario in wrong)) continue;
            if (r.state === 'differs') wrong[scenario] = wrong[scenario] ?? (scenario === id ? r.note : `${id}: ${r.note}`);
            else if (r.note && r.state === 'ok') notes[id] = r.note;
          }
          return { wrong, notes };
        },
      };
    }
  } catch (e) {
    process.stderr.write(`bench: bench/check.mjs does not load (${e.message.split('\n')[0]}); using the runner's minimal check\n`);
  }
  return {
    name: 'bench/lib/verify.mjs',
    async run(_peer, port, supported) {
      const wrong = await verifyPeer(port, scenarios.filter((s) => supported.includes(s.id)), NEGATIVES);
      return { wrong, notes: {} };
    },
  };
}

// ------------------------------------------------------------------ main

const pinned = pinSelf();
const machine = machineInfo(ROOT);
const started = new Date();
const results = {
  schema: 'covet-bench/1',
  date: started.toISOString(),
  finished: null,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  options: { ...opts, help: undefined },
  machine,
  runnerPinned: pinned,
  checker: null,
  scenarios: scenarios.map((s) => ({ id: s.id, method: s.method ?? 'GET', path: s.path, headers: s.headers, bodyBytes: s.body ? Buffer.byteLength(s.body) : 0, pipeline: s.pipeline ?? 1 })),
  peers: [],
  runs: [],
  idle: {},
  coldStart: {},
  summary: null,
};

process.stderr.write(`bench: ${selected.length} peer(s), ${scenarios.length} scenario(s)\n`);
if (!opts.plan) await prepareDatabase(DB_PATH);

for (const peer of selected) {
  const entry = { id: peer.id, label: peer.label ?? peer.id, version: null, notes: peer.notes ?? null, status: 'measured', reason: null, supported: [], check: {}, checkNotes: {} };
  results.peers.push(entry);
  const serves = peer.scenarios ?? SCENARIOS.map((s) => s.id);
  entry.supported = scenarios.map((s) => s.id).filter((id) => serves.includes(id));
  try {
    const available = await peer.available();
    if (available !== true) {
      entry.status = 'skipped';
      entry.reason = String(available);
    } else if (!entry.supported.length) {
      entry.status = 'skipped';
      entry.reason = `serves none of the selected scenarios (it serves ${serves.join(', ')})`;
    } else {
      entry.version = String(await peer.version());
      if (!opts.plan) {
        process.stderr.write(`bench: preparing ${peer.id}\n`);
        await peer.prepare({ dbPath: DB_PATH });
      }
    }
  } catch (e) {
    entry.status = 'failed';
    entry.reason = `preparation failed: ${e.message.split('\n').slice(0, 3).join(' ')}`;
  }
  if (entry.status === 'skipped') process.stderr.write(`bench: ${peer.id} skipped: ${entry.reason}\n`);
  if (entry.status === 'failed') process.stderr.write(`bench: ${peer.id} ${entry.reason}\n`);
}

const active = () => results.peers.filter((e) => e.status === 'measured');
const peerOf = (entry) => PEERS.find((p) => p.id === entry.id);
const scenarioOf = (id) => SCENARIOS.find((s) => s.id === id);
/** The scenario a cold start and the idle connections use: plaintext, else the peer's first. */
const probeScenario = (entry) => scenarioOf(peerOf(entry).scenarios?.includes('plaintext') ?? true ? 'plaintext' : peerOf(entry).scenarios[0]);

// the plan, its budget, and the progress steps in the order they will run
const plan = active().map((e) => ({ id: e.id, scenarios: e.supported }));
const b = budget(plan, opts);
process.stderr.write(
  `bench: plan ${b.peers} peers, ${b.pairs} (peer, scenario) pairs × ${opts.rounds} round(s) × (${opts.warmup} s warm-up + ${opts.duration} s) ` +
    `= ${formatSeconds(b.timed)} timed, + ${formatSeconds(b.starts + b.check)} starts and checks, + ${formatSeconds(b.cold)} cold starts` +
    `${b.idle ? `, + ${formatSeconds(b.idle)} idle connections` : ''} ≈ ${formatSeconds(b.total)}\n`,
);
if (b.total > FULL_BUDGET_S) process.stderr.write(`bench: warning: the plan exceeds ${formatSeconds(FULL_BUDGET_S)}; lower --duration, --warmup or --rounds\n`);
if (opts.plan) {
  for (const e of results.peers) process.stderr.write(`  ${e.id.padEnd(13)} ${e.status === 'measured' ? e.supported.join(', ') : `${e.status}: ${e.reason}`}\n`);
  process.exit(0);
}

const checker = await loadChecker();
results.checker = checker.name;

// the peers planned now; one that fails its check keeps its (skipped) steps
const planned = active();
const order = (round) => {
  const k = planned.length ? round % planned.length : 0;
  return [...planned.slice(k), ...planned.slice(0, k)];
};
const steps = [];
for (const e of planned) steps.push({ label: `check ${e.id}`, planned: COSTS.check });
for (let r = 0; r < opts.rounds; r++) {
  for (const e of order(r)) {
    e.supported.forEach((s, i) =>
      steps.push({ label: `round ${r + 1}/${opts.rounds} ${e.id} ${s}`, planned: opts.warmup + opts.duration + 2 * COSTS.wrkOverhead + (i === 0 ? COSTS.serverStart : 0) }),
    );
  }
}
if (opts.coldStarts > 0) for (const e of planned) steps.push({ label: `cold start ×${opts.coldStarts} ${e.id}`, planned: opts.coldStarts * COSTS.coldStart });
if (opts.idle > 0) for (const e of planned) steps.push({ label: `${opts.idle} idle connections ${e.id}`, planned: COSTS.idleRun });
const progress = new Progress(steps);

// 1. correctness
for (const entry of planned) {
  progress.start();
  let server;
  try {
    server = await track(startServer(peerOf(entry), { port: await freePort(), dbPath: DB_PATH, waitForPort }));
    const { wrong, notes } = await checker.run(peerOf(entry), server.port, entry.supported);
    entry.check = wrong;
    entry.checkNotes = notes;
    for (const [s, why] of Object.entries(wrong)) if (why) progress.note(`bench: ${entry.id} ${s} answers wrongly, not timed: ${why}`);
  } catch (e) {
    entry.status = 'failed';
    entry.reason = `correctness check could not run: ${e.message}`;
    progress.note(`bench: ${entry.id} ${entry.reason}`);
  } finally {
    if (server) await stop(server);
  }
  progress.finish();
}

// 2. throughput, latency, CPU and peak memory
for (let round = 0; round < opts.rounds; round++) {
  for (const entry of order(round)) {
    const peer = peerOf(entry);
    const timed = entry.status === 'measured' ? entry.supported.filter((s) => !entry.check[s]) : [];
    const skippedSteps = entry.supported.length - timed.length;
    let server = null;
    let startError = null;
    if (timed.length) {
      try {
        server = await track(startServer(peer, { port: await freePort(), dbPath: DB_PATH, waitForPort }));
      } catch (e) {
        startError = e.message;
        progress.note(`bench: round ${round + 1}: ${startError}`);
      }
    }
    for (const id of timed) {
      progress.start(`round ${round + 1}/${opts.rounds} ${entry.id} ${id}`);
      results.runs.push(await measure(entry, scenarioOf(id), server, startError, round));
      progress.finish();
    }
    for (let i = 0; i < skippedSteps; i++) progress.finish();
    if (server) await stop(server);
  }
}

/** One warm-up and one measured wrk run of `scenario` against a running server. */
async function measure(entry, scenario, server, startError, round) {
  const base = { round: round + 1, peer: entry.id, scenario: scenario.id };
  if (!server) return { ...base, error: startError ?? 'server not running' };
  if (server.hasExited()) return { ...base, error: `server exited earlier in this round: ${lastLines(server.output())}` };
  const args = (seconds) => wrkArgs(scenario, { port: server.port, connections: opts.connections, threads: opts.threads, seconds });
  try {
    const peakReset = resetPeakRss(server.pid);
    let warmup = null;
    if (opts.warmup > 0) {
      const w = await runWrk(args(opts.warmup));
      warmup = { rps: w.rps, errors: errorCount(w.errors) };
    }
    const cpuBefore = cpuSeconds(server.pid);
    const r = await runWrk(args(opts.duration));
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    const peak = peakRssKb(server.pid);
    if (server.hasExited()) return { ...base, error: `server exited during the run: ${lastLines(server.output())}` };
    return {
      ...base,
      wrk: wrkCommandLine(args(opts.duration)),
      warmup,
      requests: r.requests,
      seconds: r.seconds,
      rps: r.rps,
      bytes: r.bytes,
      latencyUs: r.latencyUs,
      errors: r.errors,
      errorCount: errorCount(r.errors),
      cpuSeconds: cpu,
      clientCpuSeconds: r.clientCpuSeconds,
      cpuUsPerRequest: r.requests ? (cpu * 1e6) / r.requests : null,
      peakRssKb: peak,
      peakRssScope: peakReset ? 'scenario' : 'process lifetime',
    };
  } catch (e) {
    return { ...base, error: e.message };
  }
}

// 3. cold start
if (opts.coldStarts > 0) {
  for (const entry of planned) {
    if (entry.status !== 'measured') {
      progress.finish();
      continue;
    }
    progress.start();
    const samples = [];
    try {
      for (let i = 0; i < opts.coldStarts; i++) {
        samples.push(await coldStart(peerOf(entry), probeScenario(entry), { port: await freePort(), dbPath: DB_PATH }));
      }
      results.coldStart[entry.id] = { scenario: probeScenario(entry).id, samplesMs: samples, medianMs: median(samples) };
    } catch (e) {
      results.coldStart[entry.id] = { error: e.message, samplesMs: samples };
      progress.note(`bench: cold start of ${entry.id}: ${e.message}`);
    }
    progress.finish();
  }
}

// 4. idle keep-alive connections
if (opts.idle > 0) {
  for (const entry of planned) {
    if (entry.status !== 'measured') {
      progress.finish();
      continue;
    }
    progress.start();
    try {
      results.idle[entry.id] = await idleMemory(peerOf(entry), probeScenario(entry), { port: await freePort(), dbPath: DB_PATH, count: opts.idle, waitForPort });
    } catch (e) {
      results.idle[entry.id] = { error: e.message };
      progress.note(`bench: idle connections of ${entry.id}: ${e.message}`);
    }
    progress.finish();
  }
}
progress.end();

// ------------------------------------------------------------------ output

results.finished = new Date().toISOString();
const summary = summarize(results);
results.summary = summary;
const outDir = opts.out ? path.resolve(opts.out) : path.join(ROOT, 'bench/results');
mkdirSync(outDir, { recursive: true });
const stamp = `${started.toISOString().slice(0, 16).replace(/:/g, '').replace('T', '-')}${opts.quick ? '-quick' : ''}`;
const markdown = renderMarkdown(results, summary);
const files = {
  json: `${JSON.stringify(results, (k, v) => (v instanceof RegExp ? String(v) : v), 2)}\n`,
  md: markdown,
  svg: renderChart(results, summary),
};
for (const [ext, text] of Object.entries(files)) {
  writeFileSync(path.join(outDir, `${stamp}.${ext}`), text);
  // latest.* is what README shows: only a full run replaces it
  if (fullRun) copyFileSync(path.join(outDir, `${stamp}.${ext}`), path.join(outDir, `latest.${ext}`));
}
process.stdout.write(markdown);
process.stderr.write(
  `\nbench: done in ${formatSeconds((Date.now() - started.getTime()) / 1000)} (planned ${formatSeconds(b.total)}); wrote ${path.relative(process.cwd(), path.join(outDir, stamp))}.{json,md,svg}` +
    `${fullRun ? ' and latest.{json,md,svg}' : ' (latest.* is left alone: only a full run replaces it)'}\n`,
);
