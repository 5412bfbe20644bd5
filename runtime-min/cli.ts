/**
 * The generated server's command line: `--port`/`--host`/`--workers`/… (or
 * `PORT`/`HOST`/`COVET_WORKERS`/…), over the start options the build embedded
 * from covet.config.ts. Shared by the two processes that read it — the
 * supervisor (supervisor.ts, bundled as dist/supervisor.mjs) and the server in
 * app.mjs (main.ts) — so that a bad line gets the same one-line error and exit
 * code 2 whichever of them sees it first. The flags, variables and checks are
 * config.ts's table (START_OPTIONS). Imports no engine.
 */
import os from 'node:os';
import { allowed, DEFAULT_MAX_BODY_SIZE, parseText, START_OPTIONS, type OptionSpec, type StartConfig, type StartKey } from './config.ts';

export interface CommandLine {
  host: string;
  port: number;
  maxBodySize: number;
  /** `--headers-timeout` / `COVET_HEADERS_TIMEOUT_MS`; undefined: the engine's default (10 s). */
  headersTimeoutMs: number | undefined;
  /** `--max-body-memory` / `COVET_MAX_BODY_MEMORY`: bytes unfinished bodies may hold together; undefined: the engine's default. */
  maxBodyMemory: number | undefined;
  /** `--send-timeout` / `COVET_SEND_TIMEOUT_MS`; undefined: the engine's default (60 s). */
  sendTimeoutMs: number | undefined;
  /** `--workers` / `COVET_WORKERS`: processes serving the port; `auto` is one per core. Default 1. */
  workers: number;
  /** `--max-header-size` / `COVET_MAX_HEADER_SIZE`: the request head limit (431); undefined: the engines' default (16 KiB). */
  maxHeaderSize: number | undefined;
  /** `--keep-alive-timeout` / `COVET_KEEP_ALIVE_TIMEOUT_MS`; undefined: the engines' default (5 s). */
  keepAliveTimeoutMs: number | undefined;
  /** `--shutdown-grace` / `COVET_SHUTDOWN_GRACE_MS`; undefined: the default (10 s). */
  graceMs: number | undefined;
  /** `--shutdown-background` / `COVET_SHUTDOWN_BACKGROUND_MS`: how long shutdown waits for background tasks; undefined: the default. */
  backgroundMs: number | undefined;
  /** `--readiness-delay` / `COVET_SHUTDOWN_READINESS_DELAY_MS`: serving on, with readiness 503, between the stop signal and the drain; undefined: 0. */
  readinessDelayMs: number | undefined;
}

export { DEFAULT_MAX_BODY_SIZE };
/** Milliseconds in-flight requests get to finish on shutdown (the engines' default too). */
export { DEFAULT_GRACE_MS } from './engine.ts';

/** Said by a cluster worker that someone else started (pm2 or similar) when asked for workers of its own. */
export const WORKERS_NEED_A_PROCESS = '--workers needs a process of its own: this one is already a cluster worker (under pm2 or similar); use --workers 1 here';

/** Short flags of the options that have one. */
const SHORT: Record<string, string> = { '-p': '--port', '-H': '--host' };

/** `N`, `ADDR`, `BYTES`, … after a flag in the usage text. */
function metavar(o: OptionSpec): string {
  const k = o.kind;
  if (k.type === 'workers') return 'N|auto';
  if (k.type === 'integer') return k.unit === 'port' ? 'N' : k.unit === 'ms' ? 'MS' : 'BYTES';
  return 'ADDR';
}

const USAGE = `usage: node server.mjs ${START_OPTIONS.map((o) => `[${o.flag} ${metavar(o)}]`).join(' ')}
  environment: ${START_OPTIONS.map((o) => o.env).join(', ')}
  (over the values built in from covet.config.ts)`;

/**
 * Parses the server's own command line over the embedded start options (`config`): an
 * environment variable overrides the config, a flag overrides both; an empty value is none.
 * Exits with a message (and exit code 2) on a bad flag or value.
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, config: StartConfig = {}): CommandLine {
  const given = new Map<StartKey, { text: string; from: string }>();
  for (const o of START_OPTIONS) {
    const text = env[o.env!];
    if (text !== undefined && text !== '') given.set(o.key, { text, from: o.env! });
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [written, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (written === '--help' || written === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    const flag = SHORT[written] ?? written;
    const option = START_OPTIONS.find((o) => o.flag === flag);
    if (!option) usageError(`unknown option ${written}`);
    const text = inline ?? argv[++i];
    if (text === undefined) usageError(`${written} needs a value`);
    if (text === '') given.delete(option.key);
    else given.set(option.key, { text, from: written });
  }
  const values: StartConfig = { ...config };
  // In the table's order: the body size is known when the body memory, which must hold one, is read.
  for (const o of START_OPTIONS) {
    const g = given.get(o.key);
    const value = g === undefined ? values[o.key] : parseText(o.kind, g.text);
    if (o.key === 'maxBodyMemory' && value !== undefined) {
      const least = values.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
      if (value === null || (value as number) < least) {
        badValue(o, `max body memory must be a number of bytes, at least the max body size (${least}), got ${JSON.stringify(g?.text ?? String(value))}`, g?.from);
      }
    }
    if (value === null) badValue(o, `${o.what} must be ${allowed(o.kind)}, got ${JSON.stringify(g!.text)}`, g!.from);
    (values as Record<string, unknown>)[o.key] = value;
  }
  const maxBodySize = values.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
  const workers = values.workers ?? 1;
  return {
    host: values.host || '0.0.0.0',
    port: values.port ?? 3000,
    maxBodySize,
    maxBodyMemory: values.maxBodyMemory,
    headersTimeoutMs: values.headersTimeoutMs,
    sendTimeoutMs: values.sendTimeoutMs,
    workers: workers === 'auto' ? os.availableParallelism() : workers,
    maxHeaderSize: values.maxHeaderSize,
    keepAliveTimeoutMs: values.keepAliveTimeoutMs,
    graceMs: values.graceMs,
    backgroundMs: values.backgroundMs,
    readinessDelayMs: values.readinessDelayMs,
  };
}

/** A value that is not one of the option's: the reason, then where it came from and the option's name in covet.config.ts. */
function badValue(o: OptionSpec, message: string, from: string | undefined): never {
  const source = from === undefined ? 'from covet.config.ts' : `from ${from}`;
  usageError(`${message}\n  (${source}; the option ${o.path} in covet.config.ts, ${o.env} in the environment, ${o.flag} on the command line)`);
}

/** The one-line reason, the usage text, exit code 2. */
export function usageError(message: string): never {
  process.stderr.write(`covet: ${message}\n${USAGE}\n`);
  process.exit(2);
}
