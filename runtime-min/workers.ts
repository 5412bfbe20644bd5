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
 * Sharing the port. On the native engine the supervisor binds one SO_REUSEPORT
 * socket per worker slot (the addon's `bind`) and holds them for as long as
 * the server runs; a slot's worker inherits its socket (descriptor SLOT_FD)
 * and accepts from it, and so does each replacement. The kernel spreads new
 * connections over the N sockets as it did when each worker bound its own, but
 * a worker that stops closes only its copy: the connections waiting in the
 * slot's accept queue are taken by the replacement instead of being reset
 * (closing a reuseport listener resets its queue, and Linux's
 * net.ipv4.tcp_migrate_req, off by default, is the only other remedy). On the
 * node engine the workers listen through cluster, which binds one socket in
 * the supervisor and hands each accepted connection to a worker in turn (a
 * worker that closed its server refuses it, and cluster gives it to another).
 * Either way the port is settled before the second worker starts:
 * - the supervisor first binds the address itself, plainly, and lets it go. A
 *   SO_REUSEPORT bind succeeds next to another server's SO_REUSEPORT socket
 *   (another covet of the same user), silently sharing its traffic; a plain
 *   bind fails there with EADDRINUSE, which the supervisor reports. For the
 *   node engine this also turns `--port 0` into a number, so that a worker
 *   started later (after a crash) listens on the same port even if every
 *   socket was closed meanwhile (cluster keys its shared socket by port).
 *   The native engine's `--port 0` skips this: its first socket picks the port;
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
 * forwarded copy), and the supervisor closes its sockets, so new connections
 * are refused; a second signal to the supervisor kills the workers. The
 * supervisor exits when every worker has, 0 when all stopped cleanly, 1
 * otherwise or when they outlast the grace period by STOP_MARGIN_MS. SIGHUP
 * is a rolling restart (`roll`): one worker at a time is replaced, the new one
 * listening before the old one is told to stop, and nothing is dropped. A worker
 * that fails before listening while the server starts stops the server with
 * its error (a port in use, a module that throws: a restart would only fail
 * again). A worker that dies while serving is replaced, at once if it had
 * served a while, else after a doubling delay; START_ATTEMPTS replacements in
 * a row that fail before listening stop the server.
 */
import cluster, { type Worker } from 'node:cluster';
import { closeSync } from 'node:fs';
import net from 'node:net';

/** Set by the supervisor in each worker's environment: the port to listen on. */
const WORKER_PORT_ENV = 'COVET_WORKER_PORT';
/** Set by the supervisor of the native engine: the descriptor of the listening socket the worker inherited. */
const WORKER_FD_ENV = 'COVET_WORKER_FD';
/** Where a worker finds its slot's socket: the descriptor after stdin, stdout, stderr and cluster's IPC channel. */
const SLOT_FD = 4;

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
  /**
   * Binds a listening SO_REUSEPORT socket the supervisor holds (the native addon's bind):
   * one per worker slot, inherited by the slot's worker and by each of its replacements.
   * Absent (the node engine): the workers share the supervisor's socket through cluster.
   */
  bind?: (host: string, port: number) => [fd: number, port: number];
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

/** In a worker of the native engine's supervisor: the listening socket it inherited (removed from the environment the app sees); otherwise undefined. */
export function workerListenFd(): number | undefined {
  const value = process.env[WORKER_FD_ENV];
  delete process.env[WORKER_FD_ENV];
  return value === undefined ? undefined : Number(value);
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
  /** Which of the N places it fills (the socket it accepts from, on the native engine). */
  index: number;
  /** When it reported listening; null while it starts. */
  listenedAt: number | null;
  /** Why it could not listen, as it reported. */
  failure: string | null;
  /** Being replaced by a rolling restart: told to stop, its exit starts nothing. */
  retiring: boolean;
  /** Started by a rolling restart: if it cannot start, the worker it was to replace stays. */
  replacing: boolean;
  /** Told once it listens (true) or exits before (false). */
  onListening: ((ok: boolean) => void) | null;
  /** Told when it has exited. */
  onExit: (() => void) | null;
}

export async function supervise(o: SuperviseOptions): Promise<void> {
  let port = o.port;
  // A plain bind first: a SO_REUSEPORT socket (ours on the native engine) would silently share
  // the port with another server's. Port 0 skips it on the native engine, which binds its
  // sockets here at once.
  if (o.bind === undefined || port !== 0) {
    try {
      port = await probe(o.host, port);
    } catch (err) {
      process.stderr.write(cannotListen(o.host, o.port, err) + '\n');
      process.exit(1);
    }
  }
  // The native engine's sockets, one per slot, held here for as long as the server runs: a
  // worker that stops closes only its copy, so connections waiting in the slot's accept queue
  // go to its replacement (which accepts from the same socket) instead of being reset.
  const sockets: number[] = [];
  if (o.bind !== undefined) {
    try {
      for (let i = 0; i < o.workers; i++) {
        const [fd, bound] = o.bind(o.host, port);
        sockets.push(fd);
        port = bound;
      }
    } catch (err) {
      process.stderr.write(cannotListen(o.host, port, err) + '\n');
      process.exit(1);
    }
  }

  const slots = new Map<number, Slot>();
  let phase: 'starting' | 'serving' | 'stopping' = 'starting';
  let failed = false;
  let forwarded: NodeJS.Signals = 'SIGTERM';
  let startFailures = 0;
  let quickDeaths = 0;
  const restarts = new Set<NodeJS.Timeout>();

  const start = (index: number, replacing = false): Slot => {
    const fd = sockets[index];
    cluster.setupPrimary({ exec: o.exec, args: process.argv.slice(2), ...(fd !== undefined ? { stdio: ['inherit', 'inherit', 'inherit', 'ipc', fd] } : {}) });
    const worker = cluster.fork({ [WORKER_PORT_ENV]: String(port), ...(fd !== undefined ? { [WORKER_FD_ENV]: String(SLOT_FD) } : {}) });
    const slot: Slot = { worker, pid: worker.process.pid ?? 0, index, listenedAt: null, failure: null, retiring: false, replacing, onListening: null, onExit: null };
    slots.set(worker.id, slot);
    worker.on('message', (message: WorkerMessage) => onMessage(slot, message));
    worker.on('error', (err: Error) => process.stderr.write(`covet: worker ${slot.pid}: ${err.message}\n`));
    // 'close' comes after both the exit and the end of its messages (a 'failed' is read before).
    worker.process.once('close', (code: number | null, signal: NodeJS.Signals | null) => onExit(slot, code, signal));
    return slot;
  };

  const later = (index: number, delayMs: number): void => {
    const timer = setTimeout(() => {
      restarts.delete(timer);
      start(index);
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
    slot.onListening?.(true);
    slot.onListening = null;
    if (phase !== 'starting') return;
    const listening = [...slots.values()].filter((s) => s.listenedAt !== null).length;
    if (listening === 1) {
      port = message.port; // the first worker's port is everyone's (it resolved `--port 0`)
      for (let i = 1; i < o.workers; i++) start(i);
    }
    if (listening === o.workers) {
      phase = 'serving';
      const shown = message.host.includes(':') ? `[${message.host}]` : message.host;
      process.stdout.write(`covet: listening on http://${shown}:${port} (engine: ${o.engine}, ${o.workers} workers, pid ${process.pid})\n`);
    }
  };

  const onExit = (slot: Slot, code: number | null, signal: NodeJS.Signals | null): void => {
    slots.delete(slot.worker.id);
    slot.onExit?.();
    const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
    if (phase === 'stopping') {
      if (code !== 0 && signal !== forwarded) {
        failed = true;
        process.stderr.write(`covet: worker ${slot.pid} ${how} while stopping\n`);
      }
      if (slots.size === 0) finish();
      return;
    }
    if (slot.retiring) {
      if (code !== 0) process.stderr.write(`covet: worker ${slot.pid} ${how} while it was being replaced\n`);
      return;
    }
    if (slot.listenedAt === null && slot.replacing) {
      // The rolling restart keeps the worker this one was to replace, and says so.
      process.stderr.write(`${slot.failure ?? `covet: worker ${slot.pid} ${how} before it was listening`}\n`);
      slot.onListening?.(false);
      return;
    }
    if (slot.listenedAt === null) {
      process.stderr.write(`${slot.failure ?? `covet: worker ${slot.pid} ${how} before it was listening`}\n`);
      startFailures++;
      if (phase === 'starting') return stop(null, 'covet: a worker could not start; stopping');
      if (startFailures >= START_ATTEMPTS) return stop(null, `covet: ${START_ATTEMPTS} workers in a row could not start; giving up`);
      const delay = backoff(startFailures);
      process.stderr.write(`covet: starting another in ${delay} ms\n`);
      return later(slot.index, delay);
    }
    if (phase === 'starting') return stop(null, `covet: worker ${slot.pid} ${how} while the others were starting; stopping`);
    quickDeaths = Date.now() - slot.listenedAt < STABLE_MS ? quickDeaths + 1 : 0;
    const delay = backoff(quickDeaths);
    process.stderr.write(`covet: worker ${slot.pid} ${how}; starting another${delay > 0 ? ` in ${delay} ms` : ''}\n`);
    later(slot.index, delay);
  };

  /**
   * SIGHUP: each worker in turn is replaced. The new one starts beside it and accepts from the
   * same socket (native) or joins cluster's round robin (node); once it listens, the old one is
   * told SIGTERM and drains as a lone server does (readiness delay, in-flight requests,
   * background tasks), and the next worker's turn comes when it has exited. Connections that
   * arrive meanwhile wait in the slot's queue, which the supervisor holds: none is refused or
   * reset. A replacement that cannot start ends the restart, keeping the workers not yet replaced.
   */
  let rolling = false;
  let rollAgain = false;
  const roll = async (): Promise<void> => {
    if (rolling) {
      rollAgain = true;
      return;
    }
    rolling = true;
    process.stdout.write(`covet: SIGHUP received, replacing the ${o.workers} workers one at a time\n`);
    let replaced = 0;
    for (const old of [...slots.values()]) {
      if (phase !== 'serving') break;
      if (old.retiring || !slots.has(old.worker.id)) continue; // gone meanwhile: already replaced
      const fresh = start(old.index, true);
      const ok = await new Promise<boolean>((resolve) => (fresh.onListening = resolve));
      if (phase !== 'serving') break;
      if (!ok) {
        process.stderr.write(`covet: the replacement of worker ${old.pid} could not start; keeping it and the workers not yet replaced\n`);
        break;
      }
      fresh.replacing = false;
      if (slots.has(old.worker.id)) {
        const gone = new Promise<void>((resolve) => (old.onExit = resolve));
        old.retiring = true;
        old.worker.process.kill('SIGTERM');
        const timer = setTimeout(() => {
          process.stderr.write(`covet: worker ${old.pid} still running ${(o.graceMs + STOP_MARGIN_MS) / 1000} s after it was told to stop; killing it\n`);
          old.worker.process.kill('SIGKILL');
        }, o.graceMs + STOP_MARGIN_MS);
        await gone;
        clearTimeout(timer);
      }
      replaced++;
    }
    rolling = false;
    if (phase !== 'serving') return;
    process.stdout.write(`covet: ${replaced} of ${o.workers} workers replaced\n`);
    if (rollAgain) {
      rollAgain = false;
      void roll();
    }
  };

  /** Stops every worker: on a signal (forwarded to them), or after a failure (`why`, exit code 1). */
  const stop = (signal: NodeJS.Signals | null, why?: string): void => {
    phase = 'stopping';
    if (why !== undefined) {
      failed = true;
      process.stderr.write(why + '\n');
    }
    forwarded = signal ?? 'SIGTERM';
    // The server is going away: new connections are refused from now on (the workers close their
    // copies of these sockets as they stop), as a lone server's are.
    for (const fd of sockets.splice(0)) closeSync(fd);
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
  process.on('SIGHUP', () => {
    if (phase === 'serving') void roll();
    else process.stderr.write(`covet: SIGHUP ignored: the workers are ${phase === 'starting' ? 'still starting' : 'stopping'}\n`);
  });

  start(0);
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
