/**
 * `covet dev <app>`: build, serve, and on every change of the app's files
 * rebuild and restart the server.
 *
 * - Warm rebuilds: one ts-morph Project for the session, refreshed from disk
 *   (TypeScript reuses what did not change, lib declarations included), and
 *   one esbuild context, rebuilt incrementally (pipeline/build.ts, Incremental).
 * - The server is `node <out>/server.mjs` in a child process, with this
 *   process's environment (PORT, HOST, …) and `--port`/`--host` when given:
 *   what `node dist/server.mjs` would do.
 * - Restart: a build that succeeds stops the old server (SIGTERM: it closes its
 *   listener and idle connections at once and finishes what is in flight) and,
 *   once it has exited, starts the new one on the same port. So the port is
 *   never held twice; it is closed while the new one loads (~0.1–0.3 s here).
 *   The new one's node process was started ahead and waits on stdin (STANDBY),
 *   so node's own start-up is not part of the restart.
 * - A build that fails prints its diagnostics and leaves the last good server
 *   serving; the next change tries again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { BuildReport, EngineName } from './covet-build.d.ts';
import { buildReport, formatDiagnostics, formatDiagnosticsJson } from './build-api.ts';
import { findNativeAddon, Incremental } from './build.ts';
import { CONFIG_FILES } from './config.ts';
import { useColor } from './print.ts';

export interface DevOptions {
  /** The app folder, absolute. */
  appDir: string;
  /** The output folder, absolute. */
  outDir: string;
  engine?: EngineName;
  tsconfig?: string;
  typecheck: boolean;
  /** Passed to the server as `--port` / `--host`; otherwise it reads PORT / HOST (default 3000, 0.0.0.0). */
  port?: string;
  host?: string;
  /** The config file (`--config`), absolute; default: the app folder's covet.config.ts, if any. A change of it rebuilds. */
  config?: string;
  /** Diagnostics as JSON lines on stdout; everything else on stderr. */
  json: boolean;
}

export interface DevSession {
  /** Stops watching and the server; resolves once the server has exited. */
  close(): Promise<void>;
}

/**
 * A server process waiting to be told to start: on a line on stdin it becomes
 * `node server.mjs <args>` (the same argv, so the server reads the same command line).
 */
const STANDBY = `process.stdin.once('data', async () => {
  process.stdin.destroy();
  const [file, ...args] = process.argv.slice(1);
  process.argv = [process.argv[0], file, ...args];
  const { pathToFileURL } = await import('node:url');
  await import(pathToFileURL(file).href);
});`;

/** Milliseconds without a further change before a rebuild starts. */
const SETTLE_MS = 15;

/** Files whose change makes a rebuild: modules, declarations, and the JSON that shapes them (tsconfig, package.json, imported JSON). */
const WATCHED = /\.(ts|mts|tsx|json)$/;
/** The config file's names (pipeline/config.ts), also when it is JavaScript. */
const isConfigFile = (file: string) => (CONFIG_FILES as readonly string[]).includes(path.basename(file));
/** Files whose change needs the app loaded again (compiler options, module resolution). */
const RELOAD = /(^|[/\\])(tsconfig[^/\\]*\.json|package\.json)$/;

export async function dev(o: DevOptions): Promise<DevSession> {
  const log = (line: string) => process.stderr.write(`covet dev: ${line}\n`);
  // The engine is chosen once: as `covet build`'s default, said once instead of on every rebuild.
  // (covet.config.ts's engine, when it names one, is read by each build: it wins over this choice.)
  const native = findNativeAddon();
  const engine: EngineName = o.engine ?? (native.file !== null ? 'native' : 'node');
  log(`engine ${engine}${o.engine ? '' : native.file !== null ? ' (the native engine is built here)' : ` (no native engine: ${native.reason})`}`);

  const incremental = new Incremental();
  let server: ChildProcess | null = null;
  // The next server's process, started ahead (node's own start-up, ~0.1 s, done before it is
  // needed) and waiting on stdin: a restart tells it to load server.mjs.
  let standby: ChildProcess | null = null;
  // Should this process end without close() (an uncaught error), its server does not outlive it.
  process.once('exit', () => {
    server?.kill('SIGKILL');
    standby?.kill('SIGKILL');
  });
  let serverExited: Promise<void> = Promise.resolve();
  let closing = false;
  // Rebuilds run one at a time; changes during one are rebuilt after it, once.
  let running: Promise<void> | null = null;
  let again = false;
  let reload = false;

  const print = (report: BuildReport) => {
    if (o.json) process.stdout.write(formatDiagnosticsJson(report));
    else process.stderr.write(formatDiagnostics(report, { color: useColor(process.stderr) }));
  };

  const serverArgs = [path.join(o.outDir, 'server.mjs')];
  if (o.port !== undefined) serverArgs.push('--port', o.port);
  if (o.host !== undefined) serverArgs.push('--host', o.host);
  const spawnServer = (): ChildProcess =>
    spawn(process.execPath, ['--input-type=module', '-e', STANDBY, '--', ...serverArgs], { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });

  const start = (): Promise<void> =>
    new Promise((resolve) => {
      const child = standby !== null && standby.exitCode === null && standby.signalCode === null ? standby : spawnServer();
      standby = null;
      server = child;
      let ready = false;
      let buffered = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        (o.json ? process.stderr : process.stdout).write(chunk);
        if (ready) return;
        buffered += chunk;
        if (/^covet: listening on /m.test(buffered)) {
          ready = true;
          buffered = '';
          if (!closing) standby = spawnServer();
          resolve();
        }
      });
      serverExited = new Promise((exited) =>
        child.on('exit', (code, signal) => {
          if (server === child) server = null;
          if (!closing && !child.killed) log(`the server exited (${signal ?? `code ${code}`}); fix the app, and it restarts on the next change`);
          exited();
          resolve();
        }),
      );
      child.stdin!.end('go\n');
    });

  const stop = async (): Promise<void> => {
    const child = server;
    if (!child) return;
    server = null;
    child.kill('SIGTERM');
    // A request that hangs past the server's own grace would hold the port: not for more than 5 s.
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await serverExited;
    clearTimeout(timer);
  };

  const rebuild = async (first: boolean): Promise<void> => {
    const t0 = performance.now();
    if (reload) incremental.reset();
    reload = false;
    const report = await buildReport({ app: o.appDir, out: o.outDir, engine: o.engine, tsconfig: o.tsconfig, typecheck: o.typecheck, config: o.config }, { incremental, engine });
    if (closing) return;
    print(report);
    const built = performance.now() - t0;
    if (!report.ok) {
      log(server ? 'the last good build is still serving; fix the errors and save' : 'nothing to serve yet; fix the errors and save');
      return;
    }
    const t1 = performance.now();
    await stop();
    await start();
    if (closing || !server) return;
    const restarted = performance.now() - t1;
    const what = `${report.routes.length} route${report.routes.length === 1 ? '' : 's'}`;
    const t = report.timings;
    const stages = `compile ${t.compile.toFixed(0)}, typecheck ${t.typecheck.toFixed(0)}, generate ${t.codegen.toFixed(0)}, bundle ${t.bundle.toFixed(0)}`;
    log(`${first ? 'built' : 'rebuilt'} ${what} in ${built.toFixed(0)} ms (${stages}), ${first ? 'started' : 'restarted'} in ${restarted.toFixed(0)} ms`);
  };

  const schedule = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await rebuild(false);
      } while (again && !closing);
      running = null;
    })();
  };

  const out = path.resolve(o.outDir);
  const watcher: FSWatcher = watch(o.appDir, {
    ignoreInitial: true,
    // The output (when inside the app), dependencies, dot-folders; files of other kinds.
    ignored: (file, stats) => {
      if (file === o.config) return false;
      if (file === out || file.startsWith(out + path.sep)) return true;
      const rel = path.relative(o.appDir, file);
      if (rel.split(path.sep).some((part) => part === 'node_modules' || (part.startsWith('.') && part !== '.'))) return true;
      return stats?.isFile() === true && !WATCHED.test(file) && !isConfigFile(file) && file !== o.config;
    },
  });
  // A config file named by --config outside the app folder is watched too.
  if (o.config !== undefined && path.relative(o.appDir, o.config).startsWith('..')) watcher.add(o.config);
  // An editor's save is often two events (truncate, then write; or write, then rename): one
  // rebuild, after the events settle for a moment, so that no build reads a half-written file.
  let settle: NodeJS.Timeout | null = null;
  const pending = new Set<string>();
  const changed = (file: string) => {
    if ((!WATCHED.test(file) && !isConfigFile(file) && file !== o.config) || closing) return;
    pending.add(file);
    if (settle) clearTimeout(settle);
    settle = setTimeout(() => {
      settle = null;
      if ([...pending].some((f) => RELOAD.test(f))) reload = true;
      pending.clear();
      schedule();
    }, SETTLE_MS);
  };
  watcher.on('add', changed).on('change', changed).on('unlink', changed);
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  running = rebuild(true).finally(() => {
    running = null;
  });
  await running;
  if (again) schedule();

  return {
    async close() {
      closing = true;
      if (settle) clearTimeout(settle);
      await watcher.close();
      await running?.catch(() => {});
      await stop();
      standby?.kill('SIGKILL');
      await incremental.dispose();
    },
  };
}
