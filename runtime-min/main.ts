/**
 * The generated server's `main`: reads `--port`/`--host`/`--workers` (or
 * `PORT`/`HOST`/`COVET_WORKERS`), listens, prints where, and shuts down
 * gracefully on SIGTERM/SIGINT. With `--workers N` (N > 1) this process becomes
 * the supervisor of N worker processes (workers.ts) and each worker runs the
 * same `serve`, quietly.
 */
import cluster from 'node:cluster';
import os from 'node:os';
import type { Engine, RequestHandler } from './engine.ts';
import { bindEngine } from './rt.ts';
import { cannotListen, supervise, tellSupervisor, workerPort } from './workers.ts';

export interface ServeOptions {
  /** Request header names the generated code reads (a hint for the engine). */
  headerNames: readonly string[];
  /** Default 1 MiB; `--max-body-size` / `COVET_MAX_BODY_SIZE` override. */
  maxBodySize?: number;
  /** Milliseconds to let in-flight requests finish on shutdown. */
  graceMs?: number;
}

export interface CommandLine {
  host: string;
  port: number;
  maxBodySize: number;
  /** `--headers-timeout` / `COVET_HEADERS_TIMEOUT_MS`; undefined: the engine's default (10 s). */
  headersTimeoutMs: number | undefined;
  /** `--workers` / `COVET_WORKERS`: processes serving the port; `auto` is one per core. Default 1. */
  workers: number;
}

const USAGE = `usage: node server.mjs [--port N] [--host ADDR] [--workers N|auto] [--max-body-size BYTES] [--headers-timeout MS]
  environment: PORT, HOST, COVET_WORKERS, COVET_MAX_BODY_SIZE, COVET_HEADERS_TIMEOUT_MS`;

/** Parses the server's own command line; exits with a message on a bad flag. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, defaults: { maxBodySize: number }): CommandLine {
  let port: string | undefined = env.PORT;
  let host: string | undefined = env.HOST;
  let maxBody: string | undefined = env.COVET_MAX_BODY_SIZE;
  let headersTimeout: string | undefined = env.COVET_HEADERS_TIMEOUT_MS;
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
    else if (flag === '--headers-timeout') headersTimeout = value();
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else usageError(`unknown option ${flag}`);
  }
  const portNumber = port === undefined || port === '' ? 3000 : Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) usageError(`port must be an integer from 0 to 65535, got ${JSON.stringify(port)}`);
  const maxBodySize = maxBody === undefined || maxBody === '' ? defaults.maxBodySize : Number(maxBody);
  if (!Number.isInteger(maxBodySize) || maxBodySize < 0) usageError(`max body size must be a number of bytes, got ${JSON.stringify(maxBody)}`);
  const headersTimeoutMs = headersTimeout === undefined || headersTimeout === '' ? undefined : Number(headersTimeout);
  if (headersTimeoutMs !== undefined && (!Number.isInteger(headersTimeoutMs) || headersTimeoutMs < 1)) {
    usageError(`headers timeout must be a positive number of milliseconds, got ${JSON.stringify(headersTimeout)}`);
  }
  let workerCount = 1;
  if (workers === 'auto') workerCount = os.availableParallelism();
  else if (workers !== undefined && workers !== '') {
    workerCount = /^[0-9]+$/.test(workers) ? Number(workers) : NaN;
    if (!Number.isSafeInteger(workerCount) || workerCount < 1) usageError(`workers must be a positive integer or auto (one per core), got ${JSON.stringify(workers)}`);
  }
  return { host: host || '0.0.0.0', port: portNumber, maxBodySize, headersTimeoutMs, workers: workerCount };
}

function usageError(message: string): never {
  process.stderr.write(`covet: ${message}\n${USAGE}\n`);
  process.exit(2);
}

export async function serve(engine: Engine, handler: RequestHandler, options: ServeOptions): Promise<void> {
  process.setSourceMapsEnabled?.(true);
  const cli = parseCommandLine(process.argv.slice(2), process.env, { maxBodySize: options.maxBodySize ?? 1024 * 1024 });
  bindEngine(engine);
  const graceMs = options.graceMs ?? 10_000;
  // A worker of our own supervisor: the port is the supervisor's choice, the output is the supervisor's to print.
  const assigned = workerPort();
  const worker = assigned !== undefined;
  if (!worker && cli.workers > 1) {
    if (!cluster.isPrimary) usageError('--workers needs a process of its own: this one is already a cluster worker (under pm2 or similar); use --workers 1 here');
    // Workers bind the port themselves with SO_REUSEPORT on the native engine; on the node engine they share the supervisor's socket.
    return supervise({ workers: cli.workers, host: cli.host, port: cli.port, engine: engine.name, graceMs, ownSockets: engine.name === 'native' });
  }
  const port = assigned ?? cli.port;
  let listening;
  try {
    listening = await engine.listen(
      { host: cli.host, port, maxBodySize: cli.maxBodySize, headerNames: options.headerNames, headersTimeoutMs: cli.headersTimeoutMs, reusePort: worker },
      handler,
    );
  } catch (err) {
    const message = cannotListen(cli.host, port, err);
    if (worker) await tellSupervisor({ covet: 'failed', message });
    else process.stderr.write(message + '\n');
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A worker may be told twice (Ctrl-C reaches the whole process group, and the supervisor
      // forwards it too); a second signal meant for it makes the supervisor kill it.
      if (worker) return;
      process.stderr.write(`covet: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    if (!worker) process.stdout.write(`covet: ${signal} received, finishing in-flight requests\n`);
    engine.close(graceMs).then(
      () => {
        if (!worker) process.stdout.write('covet: stopped\n');
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`covet: ${worker ? `worker ${process.pid}: ` : ''}error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  if (worker) await tellSupervisor({ covet: 'listening', host: listening.host, port: listening.port });
  else {
    const shown = listening.host.includes(':') ? `[${listening.host}]` : listening.host;
    process.stdout.write(`covet: listening on http://${shown}:${listening.port} (engine: ${engine.name}, pid ${process.pid})\n`);
  }
}
