/**
 * The generated server's `main`: reads the command line (cli.ts), listens,
 * prints where, and shuts down gracefully on SIGTERM/SIGINT. With
 * `--workers N` (N > 1) this code runs in each of the N workers, quietly:
 * dist/server.mjs ran the supervisor (supervisor.ts, in dist/supervisor.mjs)
 * instead of this bundle, and the supervisor's workers run server.mjs again,
 * which brings them here with the port to listen on (workers.ts).
 */
import cluster from 'node:cluster';
import type { Engine, RequestHandler } from './engine.ts';
import { boundEngine, DEFAULT_BACKGROUND_MS, drainBackground } from './rt.ts';
import { DEFAULT_GRACE_MS, parseCommandLine, usageError, WORKERS_NEED_A_PROCESS } from './cli.ts';
import type { StartConfig } from './config.ts';
import { cannotListen, tellSupervisor, workerListenFd, workerPort } from './workers.ts';
import { closeAll, stopSignalled } from './closeables.ts';

/** Milliseconds shutdown gives the clients runtime helpers opened (closeables.ts) to close, after the background tasks. */
const CLOSE_MS = 2_000;

export interface ServeOptions {
  /** Request header names the generated code reads (a hint for the engine). */
  headerNames: readonly string[];
  /** Default 1 MiB; `--max-body-size` / `COVET_MAX_BODY_SIZE` override. */
  maxBodySize?: number;
  /** Milliseconds to let in-flight requests finish on shutdown (default 10 s, as the supervisor's). */
  graceMs?: number;
  /** The start options of covet.config.ts, embedded by the build; the environment and the flags override them. */
  config?: StartConfig;
  /**
   * Milliseconds shutdown then waits for background tasks (`ctx.background`) still scheduled or
   * running, those added meanwhile too (default 10 s, `DEFAULT_BACKGROUND_MS`; covet.config.ts's shutdown.backgroundMs, the environment and the flag override it). At the limit the
   * process exits 1 and says how many were cut, and from which routes.
   */
  backgroundMs?: number;
}

export async function serve(engine: Engine, handler: RequestHandler, options: ServeOptions): Promise<void> {
  process.setSourceMapsEnabled?.(true);
  const cli = parseCommandLine(process.argv.slice(2), process.env, { maxBodySize: options.maxBodySize, graceMs: options.graceMs, ...options.config });
  // The generated module bound it as it loaded (its headers are prepared then): once, not again here.
  if (boundEngine() !== engine) throw new Error('covet: serve() was given an engine the runtime is not bound to (bindEngine)');
  const graceMs = cli.graceMs ?? DEFAULT_GRACE_MS;
  const backgroundMs = cli.backgroundMs ?? options.backgroundMs ?? DEFAULT_BACKGROUND_MS;
  const readinessDelayMs = cli.readinessDelayMs ?? 0;
  // A worker of our own supervisor: the port is the supervisor's choice, the output is the supervisor's to print.
  const assigned = workerPort();
  const worker = assigned !== undefined;
  // The native engine's workers accept from the socket the supervisor holds for their slot.
  const fd = worker ? workerListenFd() : undefined;
  // Asked for workers but not one: server.mjs would have run the supervisor instead, so this bundle was started by other means.
  if (!worker && cli.workers > 1) usageError(cluster.isPrimary ? '--workers is run by server.mjs, which supervises the workers: start the server with node server.mjs, not app.mjs' : WORKERS_NEED_A_PROCESS);
  const port = assigned ?? cli.port;
  let listening;
  try {
    listening = await engine.listen(
      { host: cli.host, port, maxBodySize: cli.maxBodySize, headerNames: options.headerNames, headersTimeoutMs: cli.headersTimeoutMs, maxBodyMemory: cli.maxBodyMemory, sendTimeoutMs: cli.sendTimeoutMs, maxHeaderSize: cli.maxHeaderSize, keepAliveTimeoutMs: cli.keepAliveTimeoutMs, reusePort: worker, ...(fd !== undefined ? { fd } : {}) },
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
    // Readiness answers 503 from now on (health.ts), through the readiness delay and the drain.
    stopSignalled();
    if (!worker) {
      process.stdout.write(
        readinessDelayMs > 0
          ? `covet: ${signal} received, not ready; serving ${readinessDelayMs} ms more, then finishing in-flight requests\n`
          : `covet: ${signal} received, finishing in-flight requests\n`,
      );
    }
    // The engine first (its in-flight requests may still add tasks), then the tasks, then the
    // clients they may have used (a rate limiter's Redis connection).
    new Promise<void>((resolve) => (readinessDelayMs > 0 ? setTimeout(resolve, readinessDelayMs) : resolve()))
      .then(() => engine.close(graceMs))
      .then(() => drainBackground(backgroundMs))
      .then(async (cut) => {
        for (const problem of await closeAll(CLOSE_MS)) process.stderr.write(`covet: ${worker ? `worker ${process.pid}: ` : ''}${problem}\n`);
        return cut;
      })
      .then(
        (cut) => {
          if (cut.length > 0) {
            const routes = [...new Set(cut)].join('; ');
            process.stderr.write(`covet: ${worker ? `worker ${process.pid}: ` : ''}${cut.length} background task${cut.length === 1 ? ' was' : 's were'} still running ${backgroundMs / 1000} s after the stop; exiting without ${cut.length === 1 ? 'it' : 'them'} (${routes})\n`);
            process.exit(1);
          }
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
