/**
 * End-to-end harness: build an app with the real pipeline, start the real
 * `dist/server.mjs` in a child process on a free port, talk to it over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../pipeline/build.ts';
import type { EngineName } from '../codegen/app/index.ts';
import { formatDiagnostic } from '../compiler/diagnostics.ts';

export interface RunningApp {
  url: string;
  port: number;
  /** Sends SIGTERM and waits for the process to exit; resolves to its exit code. */
  stop(): Promise<number | null>;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  child: ChildProcess;
}

const built = new Map<string, Promise<string>>();
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A tsconfig.json for a throwaway app outside this repository that uses Node's
 * API (\`process\`, \`node:fs\`): the build type-checks it, and from a temporary
 * folder @types/node is found only through this repository's node_modules.
 */
export function nodeAppTsconfig(): string {
  const typeRoots = [path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'node_modules', '@types')];
  const compilerOptions = { target: 'ESNext', module: 'ESNext', moduleResolution: 'bundler', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots };
  return JSON.stringify({ compilerOptions }, null, 2) + '\n';
}

/** The engine the e2e suites build with: `COVET_ENGINE=native|node` (default node). */
export function defaultEngine(): EngineName {
  const e = process.env.COVET_ENGINE;
  if (e === undefined || e === '') return 'node';
  if (e !== 'node' && e !== 'native') throw new Error(`COVET_ENGINE must be node or native, got ${JSON.stringify(e)}`);
  return e;
}

/** Builds `appDir` once per test process (and engine); resolves to the server file. */
export function buildApp(appDir: string, options: { engine?: EngineName; config?: string } = {}): Promise<string> {
  const dir = path.resolve(appDir);
  const engine = options.engine ?? defaultEngine();
  const key = `${engine}:${dir}:${options.config ?? ''}`;
  let p = built.get(key);
  if (!p) {
    p = (async () => {
      const outDir = mkdtempSync(path.join(os.tmpdir(), `covet-${path.basename(dir)}-`));
      const result = await build({ appDir: dir, outDir, engine, ...(options.config ? { config: options.config } : {}) });
      if (!result.ok) throw new Error(`build of ${appDir} failed:\n${result.diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
      // dist/ imports the packages it could not bundle by name (dist/package.json lists them); where
      // a deployment runs npm install, the tests link the repository's node_modules instead.
      const pkg = JSON.parse(readFileSync(path.join(outDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      if (Object.keys(pkg.dependencies).length) symlinkSync(path.join(REPO, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
      return result.outFile!;
    })();
    built.set(key, p);
  }
  return p;
}

export async function startApp(
  appDir: string,
  options: { env?: Record<string, string>; args?: string[]; engine?: EngineName; config?: string } = {},
): Promise<RunningApp> {
  const serverFile = await buildApp(appDir, { engine: options.engine, config: options.config });
  return startServer(serverFile, options);
}

export function startServer(serverFile: string, options: { env?: Record<string, string>; args?: string[] } = {}): Promise<RunningApp> {
  // COVET_SERVER_WRAPPER runs the server under a tool, e.g. `valgrind --log-file=/tmp/vg.%p` (runtime-min/native/README.md).
  const wrapper = (process.env.COVET_SERVER_WRAPPER ?? '').split(' ').filter(Boolean);
  const argv = [...wrapper.slice(1), process.execPath, serverFile, '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])];
  const child = spawn(wrapper[0] ?? argv.shift()!, argv, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const startMs = wrapper.length ? 120_000 : 10_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${startMs / 1000} s:\n${out}`));
    }, startMs);
    const onData = () => {
      const m = /listening on http:\/\/([^\s]+):(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      const port = Number(m[2]);
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        output: () => out,
        child,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
}
