// Command-line options of `npm run bench` and the time budget they imply.
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run bench -- [options]

  --quick                short runs (1 s warm-up + 2 s), one round, 3 cold starts,
                         no idle-connection memory
  --only <ids>           peers to run, comma-separated (e.g. covet-native,fastify)
  --scenario <ids>       scenarios to run, comma-separated (e.g. json,post)
  -c, --connections <n>  wrk connections (default 64)
  -t, --threads <n>      wrk threads, all on the client core (default 1)
  --duration <s>         measured seconds per run (default 5; --quick 2)
  --warmup <s>           warm-up seconds before each measurement (default 2; --quick 1)
  --rounds <n>           rounds, peers interleaved within each (default 2; --quick 1)
  --cold-starts <n>      cold starts per peer, median reported (default 10; --quick 3)
  --idle <n>             idle keep-alive connections per peer, 0 to skip
                         (default 10000; --quick 0)
  --out <dir>            where results go (default bench/results)
  --plan                 print the plan and its time budget, run nothing
  -h, --help             this text`;

const FULL = { duration: 5, warmup: 2, rounds: 2, coldStarts: 10, idle: 10_000 };
const QUICK = { duration: 2, warmup: 1, rounds: 1, coldStarts: 3, idle: 0 };

/** Parses argv into options; throws an Error whose message says what to pass instead. */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      scenario: { type: 'string' },
      connections: { type: 'string', short: 'c' },
      threads: { type: 'string', short: 't' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      'cold-starts': { type: 'string' },
      idle: { type: 'string' },
      out: { type: 'string' },
      plan: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const base = values.quick ? QUICK : FULL;
  const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : null);
  return {
    help: values.help,
    quick: values.quick,
    only: list(values.only),
    scenarios: list(values.scenario),
    connections: int(values.connections, 64, '--connections', 1),
    threads: int(values.threads, 1, '--threads', 1),
    duration: num(values.duration, base.duration, '--duration', 0.5),
    warmup: num(values.warmup, base.warmup, '--warmup', 0),
    rounds: int(values.rounds, base.rounds, '--rounds', 1),
    coldStarts: int(values['cold-starts'], base.coldStarts, '--cold-starts', 0),
    idle: int(values.idle, base.idle, '--idle', 0),
    out: values.out ?? null,
    plan: values.plan,
  };
}

function num(text, fallback, flag, min) {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) throw new Error(`${flag} must be a number of at least ${min}, got "${text}"`);
  return n;
}

function int(text, fallback, flag, min) {
  const n = num(text, fallback, flag, min);
  if (!Number.isInteger(n)) throw new Error(`${flag} must be a whole number, got "${text}"`);
  return n;
}

/**
 * Seconds each phase costs, measured on this 2-core machine: starting a server
 * (spawn to listening, stop), one cold start, one idle-connection run, one wrk
 * process beyond its -d.
 */
export const COSTS = { serverStart: 0.8, wrkOverhead: 0.15, coldStart: 0.5, idleRun: 13, check: 1.5 };

/**
 * The planned time of a run, in seconds: every (peer, scenario) pair is timed
 * once per round (warm-up + measure), each peer is started once per round, and
 * once overall for the correctness check, the cold starts and the idle run.
 */
export function budget(plan, opts) {
  const pairs = plan.reduce((n, p) => n + p.scenarios.length, 0);
  const peers = plan.length;
  const timed = opts.rounds * pairs * (opts.warmup + opts.duration + 2 * COSTS.wrkOverhead);
  const starts = opts.rounds * peers * COSTS.serverStart;
  const check = peers * COSTS.check;
  const cold = peers * opts.coldStarts * COSTS.coldStart;
  const idle = opts.idle > 0 ? peers * COSTS.idleRun : 0;
  return { pairs, peers, timed, starts, check, cold, idle, total: timed + starts + check + cold + idle };
}

/** "14m 05s", "42s". */
export function formatSeconds(s) {
  s = Math.max(0, Math.round(s));
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
