// A peer's server under measurement: started pinned to the server core, its
// cold start, and the memory of idle keep-alive connections.
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CLIENT_CORE, SERVER_CORE, rssKb, sleep, spawnPinned } from './proc.mjs';
import { request } from './verify.mjs';

const IDLE_CLIENT = fileURLToPath(new URL('./idle-client.mjs', import.meta.url));

/**
 * Starts `peer` on `port` pinned to the server core and waits until it accepts
 * connections. Rejects, with the server's last output, if it exits or does not
 * listen within timeoutMs.
 */
export async function startServer(peer, { port, dbPath, waitForPort, timeoutMs = 20_000 }) {
  const server = spawnPinned(peer.command({ port, dbPath }), { core: SERVER_CORE });
  server.port = port;
  try {
    await Promise.race([
      waitForPort(port, timeoutMs),
      server.exited.then((s) => {
        throw new Error(`exited (${s.error ?? s.signal ?? `code ${s.code}`}) before listening${server.output() ? `: ${lastLines(server.output())}` : ''}`);
      }),
    ]);
  } catch (e) {
    await server.stop(500);
    throw new Error(`${peer.id} did not start on port ${port}: ${e.message}`);
  }
  return server;
}

export const lastLines = (text, n = 3) => text.split('\n').slice(-n).join(' | ');

/**
 * One cold start: from spawn to the first successful answer to `scenario`
 * (polling every 2 ms), in milliseconds.
 */
export async function coldStart(peer, scenario, { port, dbPath, timeoutMs = 20_000 }) {
  const server = spawnPinned(peer.command({ port, dbPath }), { core: SERVER_CORE });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (server.hasExited()) throw new Error(`exited before answering: ${lastLines(server.output())}`);
      try {
        const res = await request(port, scenario, 2000);
        if (res.status === scenario.expect.status) return Number(process.hrtime.bigint() - server.started) / 1e6;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`no successful answer within ${timeoutMs} ms`);
      await sleep(2);
    }
  } finally {
    await server.stop();
  }
}

/** Connections the warm-up's requests go over (kept alive, closed before the first RSS). */
const WARM_UP_CONNECTIONS = 64;
/** Requests of the warm-up: enough for V8's young generation to have been cycled through twice. */
export const WARM_UP_REQUESTS = 60_000;

/**
 * `count` requests over a few keep-alive connections, before the idle test's first RSS, so that
 * what serving requests costs once is in both readings and the difference is what the open
 * connections hold. Without it (50 requests, until 2026-12-02) the idle client's one request per
 * connection paid for it: the young generation's pages touched for the first time as requests'
 * garbage fills it (~240 bytes a request on the native engine; its first scavenge came after
 * ~24,000 requests) and the JIT compiling the request path on V8's worker threads into their malloc
 * arenas: ~1.5 MB after 10,000 requests, 3.2 MB after 19,000, the same over 100 connections as
 * over 10,000 (runtime-min/native/idle-memory.mjs, --no-warm-up).
 */
export async function warmUp(port, scenario, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: WARM_UP_CONNECTIONS });
  let sent = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const { method = 'GET', path, headers = {}, body } = scenario;
      const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent, timeout: 5000 }, (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 5000 ms')));
      req.on('error', reject);
      req.end(body);
    });
  try {
    await Promise.all(Array.from({ length: WARM_UP_CONNECTIONS }, async () => {
      while (sent < count) {
        sent++;
        await one();
      }
    }));
  } finally {
    agent.destroy();
  }
}

/** How long after the idle connections close their server's RSS is read again. */
const CLOSED_SETTLE_MS = 3000;

/**
 * Memory of `count` idle keep-alive connections: RSS of the server (after
 * WARM_UP_REQUESTS requests over a few connections, warmUp, and a pause) before and after a client pinned to the client
 * core has opened them and made one request on each.
 * Resolves to { connections, open, failed, openMs, rssBeforeKb, rssAfterKb, bytesPerConnection }.
 */
export async function idleMemory(peer, scenario, { port, dbPath, count, waitForPort }) {
  const server = await startServer(peer, { port, dbPath, waitForPort });
  let client;
  try {
    for (let i = 0; i < 50; i++) await request(port, scenario);
    await warmUp(port, scenario, WARM_UP_REQUESTS);
    await sleep(500);
    const rssBeforeKb = rssKb(server.pid);
    client = spawnPinned({ cmd: process.execPath, args: [IDLE_CLIENT, String(port), String(count), scenario.path], env: process.env }, { core: CLIENT_CORE });
    const lines = createInterface({ input: client.child.stdout })[Symbol.asyncIterator]();
    let timer;
    const ready = await Promise.race([
      lines.next(),
      new Promise((resolve) => (timer = setTimeout(() => resolve({ value: null }), 60_000))),
      client.exited.then(() => ({ value: null })),
    ]);
    clearTimeout(timer);
    if (!ready.value) throw new Error(`the idle-connection client gave no answer: ${lastLines(client.output())}`);
    const opened = JSON.parse(ready.value);
    // a short pause for the server to finish its bookkeeping, well within the
    // shortest keep-alive timeout among the peers (5 s: node:http, uvicorn)
    await sleep(200);
    const rssAfterKb = rssKb(server.pid);
    client.child.stdin.write('measure\n');
    const after = await lines.next();
    const open = after.value ? JSON.parse(after.value).open : opened.open;
    if (server.hasExited()) throw new Error(`the server exited holding the connections: ${lastLines(server.output())}`);
    if (open === 0) throw new Error(`no connection stayed open (${opened.failed} failed${opened.error ? `, first: ${opened.error}` : ''})`);
    // What the server still holds once the connections have closed: a leak grows here with each
    // burst; V8's and malloc's retention (memory kept for reuse, not returned) stays flat.
    await client.stop(500);
    client = undefined;
    await sleep(CLOSED_SETTLE_MS);
    const rssClosedKb = rssKb(server.pid);
    return {
      connections: count,
      open,
      failed: opened.failed,
      firstError: opened.error,
      openMs: opened.ms,
      rssBeforeKb,
      rssAfterKb,
      rssClosedKb,
      bytesPerConnection: Math.round(((rssAfterKb - rssBeforeKb) * 1024) / open),
    };
  } finally {
    await client?.stop(500);
    await server.stop();
  }
}
