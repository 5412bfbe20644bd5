/**
 * The entry of dist/supervisor.mjs: what dist/server.mjs runs, before it
 * loads the app, when the command line or the environment mentions workers.
 * It holds the command line (cli.ts) and the supervisor (workers.ts) and
 * nothing else: no engine, none of the user's modules, so that the
 * supervisor process never runs the app's top-level code. On the native
 * engine it loads the addon for one call, `bind`: the sockets it holds for
 * its workers (workers.ts).
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GRACE_MS, parseCommandLine, usageError, WORKERS_NEED_A_PROCESS } from './cli.ts';
import type { StartConfig } from './config.ts';
import { DEFAULT_BACKGROUND_MS } from './engine.ts';
import { isSupervisedWorker, supervise } from './workers.ts';
import { requireAddon } from './addon.ts';
import type { NativeAddon } from './native-engine.ts';

/** The native addon's bind (SO_REUSEPORT), the addon loaded from beside the server (dist/covet_runtime.node) on first use. */
function bindOwnSocket(server: string): (host: string, port: number) => [fd: number, port: number] {
  let bind: NativeAddon['bind'] | null = null;
  return (host, port) => {
    bind ??= requireAddon<Pick<NativeAddon, 'bind'>>(server).addon.bind;
    if (typeof bind !== 'function') throw new Error(`covet: the native engine's binary beside ${server} has no bind(): rebuild it from the same sources (node scripts/setup.mjs)`);
    return bind(host, port, true);
  };
}

export interface SupervisorOptions {
  /** The engine app.mjs was built with (known at build time: the supervisor does not load it). */
  engine: 'node' | 'native';
  /** `import.meta.url` of the loader, dist/server.mjs: what each worker runs. */
  server: string;
  /** The start options of covet.config.ts, as app.mjs has them (workers, port, host, grace among them). */
  config?: StartConfig;
}

/**
 * Reads the command line (a bad one ends the process here, with the same
 * words and exit code 2 as the server's own reading); with more than one
 * worker, and in a process of its own, becomes their supervisor and resolves
 * to true. Resolves to false when this process is to serve: one worker, or a
 * worker of ours (which then loads app.mjs).
 */
export async function superviseIfAsked(o: SupervisorOptions): Promise<boolean> {
  const cli = parseCommandLine(process.argv.slice(2), process.env, o.config);
  if (cli.workers === 1 || isSupervisedWorker()) return false;
  if (!cluster.isPrimary) usageError(WORKERS_NEED_A_PROCESS);
  // On the native engine the supervisor binds one SO_REUSEPORT socket per worker slot and hands it
  // to the slot's worker and to each replacement (the addon's bind: it loads the binary, never
  // starts the engine); on the node engine the workers share the supervisor's socket through cluster.
  await supervise({
    workers: cli.workers,
    host: cli.host,
    port: cli.port,
    engine: o.engine,
    // A stopping worker serves on through the readiness delay, finishes its requests, then waits for its background tasks: all three limits.
    graceMs: (cli.readinessDelayMs ?? 0) + (cli.graceMs ?? DEFAULT_GRACE_MS) + (cli.backgroundMs ?? DEFAULT_BACKGROUND_MS),
    ...(o.engine === 'native' ? { bind: bindOwnSocket(o.server) } : {}),
    exec: fileURLToPath(o.server),
  });
  return true;
}
