// `covet dev` in a child process, for bench/dev-rebuild.mjs and test/dev.test.ts: a copy of an
// app inside the repository (so that its packages, better-sqlite3 for todo-app, resolve from
// node_modules), a free port, what it prints, and HTTP requests on fresh connections (a
// restarted server closes the old ones).
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export const root = path.resolve(new URL('../..', import.meta.url).pathname);

/** A port nobody listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Copies fixtures/<name> (without its goldens) to <a fresh folder under <root>/.covet/>/app; returns the fresh folder. */
export function copyFixture(name) {
  mkdirSync(path.join(root, '.covet'), { recursive: true });
  const dir = mkdtempSync(path.join(root, '.covet', `dev-${name.replace(/\W/g, '-')}-`));
  cpSync(path.join(root, 'fixtures', name), path.join(dir, 'app'), { recursive: true, filter: (src) => !src.split(path.sep).includes('expected') });
  return dir;
}

/** GET on a fresh connection: { status, body } or null when nothing answers. */
export function get(port, urlPath, headers = {}) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.setTimeout(5000, () => req.destroy());
  });
}

/** Polls GET until `ok(answer)` holds; resolves to the answer, rejects after `timeoutMs`. */
export async function pollUntil(port, urlPath, headers, ok, timeoutMs = 60000, everyMs = 5) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await get(port, urlPath, headers);
    if (answer && ok(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`no answer to GET ${urlPath} that passes the check within ${timeoutMs} ms; last: ${JSON.stringify(answer)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Starts `covet dev <dir>/app -o <dir>/dist --port <port> [...args]` (bin/covet.mjs: run
 * scripts/build.mjs first). `output()` is all it printed so far (`stdout()` its stdout alone); `waitFor(re)` resolves when
 * stdout or stderr (from `from`, a length of output()) matches; `close()` stops it with SIGTERM
 * (its process group with SIGKILL after 10 s, and at the end in any case) and removes `dir`.
 */
export function startDev(dir, port, { args = [], env = {} } = {}) {
  const child = spawn(process.execPath, [path.join(root, 'bin/covet.mjs'), 'dev', path.join(dir, 'app'), '-o', path.join(dir, 'dist'), '--port', String(port), ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: close() can end the server it started even if covet dev itself is stuck.
    detached: true,
    env: { ...process.env, TODO_DB: ':memory:', FORCE_COLOR: '0', ...env },
  });
  let text = '';
  let stdout = '';
  const waiters = [];
  const onData = (chunk) => {
    text += chunk;
    for (const w of [...waiters]) w();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
    onData(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', onData);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const killGroup = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  // If this process ends first (a failed assertion that exits), the dev session and its server end with it.
  process.once('exit', killGroup);
  return {
    child,
    output: () => text,
    stdout: () => stdout,
    waitFor(re, from = 0, timeoutMs = 120000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(text.slice(from));
          if (!m) return;
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`covet dev did not print ${re} within ${timeoutMs} ms; it printed:\n${text}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(killGroup, 10000);
        await exited;
        clearTimeout(timer);
      }
      killGroup(); // nothing of it may outlive the session
      process.removeListener('exit', killGroup);
      rmSync(dir, { recursive: true, force: true });
      return exited;
    },
  };
}
