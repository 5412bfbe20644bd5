/**
 * `--workers N`: one supervisor process that serves nothing, N worker processes
 * that each run the server (node:cluster starts them and carries the messages).
 *
 * The supervisor never loads the app. dist/server.mjs, asked for workers,
 * runs dist/supervisor.mjs (supervisor.ts: the command line and this file, no
 * engine, no user module) instead of dist/app.mjs; each worker runs
 * server.mjs again, which loads app.mjs there. So an app's top-level code (a
 * database opened at import, a module that throws) runs in the workers only,
 * and a module that throws is one worker's failure to start, reported by it.
 *
 * Sharing the port. On the native engine every worker binds the port itself
 * with SO_REUSEPORT and the kernel spreads new connections over their sockets;
 * on the node engine the workers listen through cluster, which binds one
 * socket in the supervisor and hands each accepted connection to a worker in
 * turn. Either way the port is settled before the second worker starts:
 * - the supervisor first binds the address itself, plainly, and lets it go. A
 *   SO_REUSEPORT bind succeeds next to another server's SO_REUSEPORT socket
 *   (another covet of the same user), silently sharing its traffic; a plain
 *   bind fails there with EADDRINUSE, which the supervisor reports. For the
 *   node engine this also turns `--port 0` into a number, so that a worker
 *   started later (after a crash) listens on the same port even if every
 *   socket was closed meanwhile (cluster keys its shared socket by port).
 *   The native engine's `--port 0` skips this: nothing to check, and the
 *   port would be free for anyone between the probe and the first bind;
 * - then the first worker listens and reports its port, and the others
 *   (and any replacement) listen on that port.
 *
 * Messages, worker → supervisor: `{covet: 'listening', host, port}` once it
 * listens, or `{covet: 'failed', message}` (then it exits 1) when it cannot.
 * The supervisor prints the one "listening on" line when all N listen.
 *
 * Lifecycle. SIGTERM/SIGINT to the supervisor is forwarded to every worker,
 * which closes gracefully as a lone server does (a worker treats a second stop
 * as the same one: Ctrl-C reaches the whole process group besides the
 * forwarded copy); a second signal to the supervisor kills the workers. The
 * supervisor exits when every worker has, 0 when all stopped cleanly, 1
 * otherwise or when they outlast the grace period by STOP_MARGIN_MS. A worker
 * that fails before listening while the server starts stops the server with
 * its error (a port in use, a module that throws: a restart would only fail
 * again). A worker that dies while serving is replaced, at once if it had
 * served a while, else after a doubling delay; START_ATTEMPTS replacements in
 * a row that fail before listening stop the server.
 */
import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';

/** Set by the supervisor in each worker's environment: the port to listen on. */
const WORKER_PORT_ENV = 'COVET_WORKER_PORT';

/** Replacements in a row that may fail before listening before the supervisor gives up. */
const START_ATTEMPTS = 3;
/** A worker that served this long before dying is replaced at once (and resets the backoff). */
const STABLE_MS = 10_000;
const MAX_RESTART_DELAY_MS = 10_000;
/** How long past the grace period the supervisor waits for stopping workers before killing them. */
const STOP_MARGIN_MS = 5_000;

export type WorkerMessage = { covet: 'listening'; host: string; port: number } | { covet: 'failed'; message: string };

export interface SuperviseOptions {
  workers: number;
  host: string;
  port: number;
  /** The engine's name, for the "listening on" line. */
  engine: string;
  /** What each worker gets to finish in-flight requests on shutdown. */
  graceMs: number;
  /** Each worker binds the port itself (SO_REUSEPORT: the native engine); otherwise they share the supervisor's socket. */
  ownSockets: boolean;
  /** The file each worker runs: the server's loader, dist/server.mjs. */
  exec: string;
}

/** The one-line reason a listen failed, for people. */
export function cannotListen(host: string, port: number, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'EADDRINUSE' ? `port ${port} is already in use (choose another with --port)` : e.message;
  return `covet: cannot listen on ${host}:${port}: ${why}`;
}

/** Whether this process is a worker started by `supervise` (and so has a port to listen on). */
export function isSupervisedWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_PORT_ENV] !== undefined;
}

/** In a worker started by `supervise`: the port to listen on (removed from the environment the app sees); otherwise undefined. */
export function workerPort(): number | undefined {
  const value = process.env[WORKER_PORT_ENV];
  if (!isSupervisedWorker() || value === undefined) return undefined;
  delete process.env[WORKER_PORT_ENV];
  return Number(value);
}

/** Sends a message to the supervisor; resolves once it is written (so that exiting right after loses nothing). */
export function tellSupervisor(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });
}

interface Slot {
  worker: Worker;
  pid: number;
  /** When it reported listening; null while it starts. */
  listenedAt: number | null;
  /** Why it could not listen, as it reported. */
  failure: string | null;
}

export async function supervise(o: SuperviseOptions): Promise<void> {
  let port = o.port;
  if (!o.ownSockets || port !== 0) {
    try {
      port = await probe(o.host, port);
    } catch (err) {
      process.stderr.write(cannotListen(o.host, o.port, err) + '\n');
      process.exit(1);
    }
  }

  cluster.setupPrimary({ exec: o.exec, args: process.argv.slice(2) });
  const slots = new Map<number, Slot>();
  let phase: 'starting' | 'serving' | 'stopping' = 'starting';
  let failed = false;
  let forwarded: NodeJS.Signals = 'SIGTERM';
  let startFailures = 0;
  let quickDeaths = 0;
  const restarts = new Set<NodeJS.Timeout>();

  const start = (): void => {
    const worker = cluster.fork({ [WORKER_PORT_ENV]: String(port) });
    const slot: Slot = { worker, pid: worker.process.pid ?? 0, listenedAt: null, failure: null };
    slots.set(worker.id, slot);
    worker.on('message', (message: WorkerMessage) => onMessage(slot, message));
    worker.on('error', (err: Error) => process.stderr.write(`covet: worker ${slot.pid}: ${err.message}\n`));
    // 'close' comes after both the exit and the end of its messages (a 'failed' is read before).
    worker.process.once('close', (code: number | null, signal: NodeJS.Signals | null) => onExit(slot, code, signal));
  };

  const later = (delayMs: number): void => {
    const timer = setTimeout(() => {
      restarts.delete(timer);
      start();
    }, delayMs);
    restarts.add(timer);
  };

  const onMessage = (slot: Slot, message: WorkerMessage): void => {
    if (message?.covet === 'failed') {
      slot.failure = message.message;
      return;
    }
    if (message?.covet !== 'listening') return;
    slot.listenedAt = Date.now();
    startFailures = 0;
    if (phase !== 'starting') return;
    const listening = [...slots.values()].filter((s) => s.listenedAt !== null).length;
    if (listening === 1) {
      port = message.port; // the first worker's port is everyone's (it resolved `--port 0`)
      for (let i = 1; i < o.workers; i++) start();
    }
    if (listening === o.workers) {
      phase = 'serving';
      const shown = message.host.includes(':') ? `[${message.host}]` : message.host;
      process.stdout.write(`covet: listening on http://${shown}:${port} (engine: ${o.engine}, ${o.workers} workers, pid ${process.pid})\n`);
    }
  };

  const onExit = (slot: Slot, code: number | null, signal: NodeJS.Signals | null): void => {
    slots.delete(slot.worker.id);
    const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
    if (phase === 'stopping') {
      if (code !== 0 && signal !== forwarded) {
        failed = true;
        process.stderr.write(`covet: worker ${slot.pid} ${how} while stopping\n`);
      }
      if (slots.size === 0) finish();
      return;
    }
    if (slot.listenedAt === null) {
      process.stderr.write(`${slot.failure ?? `covet: worker ${slot.pid} ${how} before it was listening`}\n`);
      startFailures++;
      if (phase === 'starting') return stop(null, 'covet: a worker could not start; stopping');
      if (startFailures >= START_ATTEMPTS) return stop(null, `covet: ${START_ATTEMPTS} workers in a row could not start; giving up`);
      const delay = backoff(startFailures);
      process.stderr.write(`covet: starting another in ${delay} ms\n`);
      return later(delay);
    }
    if (phase === 'starting') return stop(null, `covet: worker ${slot.pid} ${how} while the others were starting; stopping`);
    quickDeaths = Date.now() - slot.listenedAt < STABLE_MS ? quickDeaths + 1 : 0;
    const delay = backoff(quickDeaths);
    process.stderr.write(`covet: worker ${slot.pid} ${how}; starting another${delay > 0 ? ` in ${delay} ms` : ''}\n`);
    later(delay);
  };

  /** Stops every worker: on a signal (forwarded to them), or after a failure (`why`, exit code 1). */
  const stop = (signal: NodeJS.Signals | null, why?: string): void => {
    phase = 'stopping';
    if (why !== undefined) {
      failed = true;
      process.stderr.write(why + '\n');
    }
    forwarded = signal ?? 'SIGTERM';
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    for (const slot of slots.values()) slot.worker.process.kill(forwarded);
    const waitMs = o.graceMs + STOP_MARGIN_MS;
    setTimeout(() => {
      process.stderr.write(`covet: ${slots.size} worker${slots.size === 1 ? '' : 's'} still running ${waitMs / 1000} s after the stop; killing ${slots.size === 1 ? 'it' : 'them'}\n`);
      killAll();
      process.exit(1);
    }, waitMs);
    if (slots.size === 0) finish();
  };

  const finish = (): void => {
    if (!failed) process.stdout.write('covet: stopped\n');
    process.exit(failed ? 1 : 0);
  };

  const killAll = (): void => {
    for (const slot of slots.values()) slot.worker.process.kill('SIGKILL');
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (phase === 'stopping') {
      process.stderr.write(`covet: ${signal} again, exiting now\n`);
      killAll();
      process.exit(1);
    }
    process.stdout.write(`covet: ${signal} received, finishing in-flight requests\n`);
    stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  start();
}

function backoff(failures: number): number {
  return failures <= 0 ? 0 : Math.min(100 * 2 ** (failures - 1), MAX_RESTART_DELAY_MS);
}

/** Binds `host:port` plainly (no SO_REUSEPORT) and lets it go; resolves to the port bound. */
function probe(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = address !== null && typeof address === 'object' ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}
