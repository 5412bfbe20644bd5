/**
 * The generated server's command line: `--port`/`--host`/`--workers`/… (or
 * `PORT`/`HOST`/`COVET_WORKERS`/…). Shared by the two processes that read it —
 * the supervisor (supervisor.ts, bundled as dist/supervisor.mjs) and the
 * server in app.mjs (main.ts) — so that a bad line gets the same one-line
 * error and exit code 2 whichever of them sees it first. Imports no engine.
 */
import os from 'node:os';

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
}

/** The request body limit unless `--max-body-size` / `COVET_MAX_BODY_SIZE` says otherwise. */
export const DEFAULT_MAX_BODY_SIZE = 1024 * 1024;
/** Milliseconds in-flight requests get to finish on shutdown (the engines' default too). */
export { DEFAULT_GRACE_MS } from './engine.ts';

/** Said by a cluster worker that someone else started (pm2 or similar) when asked for workers of its own. */
export const WORKERS_NEED_A_PROCESS = '--workers needs a process of its own: this one is already a cluster worker (under pm2 or similar); use --workers 1 here';

const USAGE = `usage: node server.mjs [--port N] [--host ADDR] [--workers N|auto] [--max-body-size BYTES] [--max-body-memory BYTES] [--headers-timeout MS] [--send-timeout MS]
  environment: PORT, HOST, COVET_WORKERS, COVET_MAX_BODY_SIZE, COVET_MAX_BODY_MEMORY, COVET_HEADERS_TIMEOUT_MS, COVET_SEND_TIMEOUT_MS`;

/** Parses the server's own command line; exits with a message on a bad flag. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, defaults: { maxBodySize: number }): CommandLine {
  let port: string | undefined = env.PORT;
  let host: string | undefined = env.HOST;
  let maxBody: string | undefined = env.COVET_MAX_BODY_SIZE;
  let bodyMemory: string | undefined = env.COVET_MAX_BODY_MEMORY;
  let headersTimeout: string | undefined = env.COVET_HEADERS_TIMEOUT_MS;
  let sendTimeout: string | undefined = env.COVET_SEND_TIMEOUT_MS;
  let workers: string | undefined = env.COVET_WORKERS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port' || flag === '-p') port = value();
    else if (flag === '--host' || flag === '-H') host = value();
    else if (flag === '--workers') workers = value();
    else if (flag === '--max-body-size') maxBody = value();
    else if (flag === '--max-body-memory') bodyMemory = value();
    else if (flag === '--headers-timeout') headersTimeout = value();
    else if (flag === '--send-timeout') sendTimeout = value();
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else usageError(`unknown option ${flag}`);
  }
  const portNumber = port === undefined || port === '' ? 3000 : Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) usageError(`port must be an integer from 0 to 65535, got ${JSON.stringify(port)}`);
  const maxBodySize = maxBody === undefined || maxBody === '' ? defaults.maxBodySize : Number(maxBody);
  if (!Number.isInteger(maxBodySize) || maxBodySize < 0) usageError(`max body size must be a number of bytes, got ${JSON.stringify(maxBody)}`);
  const maxBodyMemory = bodyMemory === undefined || bodyMemory === '' ? undefined : Number(bodyMemory);
  if (maxBodyMemory !== undefined && (!Number.isSafeInteger(maxBodyMemory) || maxBodyMemory < maxBodySize)) {
    usageError(`max body memory must be a number of bytes, at least the max body size (${maxBodySize}), got ${JSON.stringify(bodyMemory)}`);
  }
  const headersTimeoutMs = milliseconds('headers timeout', headersTimeout);
  const sendTimeoutMs = milliseconds('send timeout', sendTimeout);
  let workerCount = 1;
  if (workers === 'auto') workerCount = os.availableParallelism();
  else if (workers !== undefined && workers !== '') {
    workerCount = /^[0-9]+$/.test(workers) ? Number(workers) : NaN;
    if (!Number.isSafeInteger(workerCount) || workerCount < 1) usageError(`workers must be a positive integer or auto (one per core), got ${JSON.stringify(workers)}`);
  }
  return { host: host || '0.0.0.0', port: portNumber, maxBodySize, maxBodyMemory, headersTimeoutMs, sendTimeoutMs, workers: workerCount };
}

/** A timeout option: undefined when not given, else a positive integer (exits with a message otherwise). */
function milliseconds(what: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1) usageError(`${what} must be a positive number of milliseconds, got ${JSON.stringify(text)}`);
  return ms;
}

/** The one-line reason, the usage text, exit code 2. */
export function usageError(message: string): never {
  process.stderr.write(`covet: ${message}\n${USAGE}\n`);
  process.exit(2);
}
