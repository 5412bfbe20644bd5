/**
 * The HTTP/1.1 conformance suite: every case in cases/*.md runs over a raw TCP
 * socket against fixtures/conformance built with the engine named by
 * COVET_ENGINE (default `node`). The native engine must pass the same cases.
 * Process-level behaviour (graceful shutdown) is checked at the end.
 */
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../../test/harness.ts';
import { loadCases, type Case, type Step } from './cases.ts';
import { APP_DIR, ENGINE, SERVER_ARGS } from './server.ts';
import { serves, sleep, Wire, type RawResponse } from './wire.ts';

const cases = loadCases(fileURLToPath(new URL('./cases', import.meta.url)));
let app: RunningApp | undefined;

test.before(async () => {
  app = await startApp(APP_DIR, { engine: ENGINE, args: SERVER_ARGS });
});

test.after(async () => {
  await app?.stop();
});

function glob(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('...').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*') + '$');
}

function check(step: Extract<Step, { kind: 'expect' }>, r: RawResponse, where: string): void {
  const show = `\n--- received ---\n${r.raw}\n---`;
  assert.is(r.statusLine, step.statusLine, `${where}: status line${show}`);
  // The engine alone says whether the connection stays (engine.ts): never twice, whatever the case.
  assert.ok(r.headers.filter(([n]) => n === 'connection').length <= 1, `${where}: more than one Connection header${show}`);
  for (const h of step.headers) {
    const values = r.headers.filter(([n]) => n === h.name).map(([, v]) => v);
    if (h.value === false) assert.is(values.length, 0, `${where}: header ${h.name} must be absent${show}`);
    else if (h.value === null) assert.ok(values.length > 0, `${where}: header ${h.name} must be present${show}`);
    else assert.ok(values.includes(h.value), `${where}: header ${h.name} must be ${JSON.stringify(h.value)}${show}`);
  }
  if (step.body !== null) {
    const body = r.body.toString('utf8');
    assert.ok(glob(step.body).test(body), `${where}: body ${JSON.stringify(body)} does not match ${JSON.stringify(step.body)}${show}`);
  }
}

async function run(c: Case, port: number): Promise<void> {
  let wire: Wire | null = null;
  const conn = () => (wire ??= new Wire(port));
  try {
    for (const step of c.steps) {
      const where = `cases/${c.file}:${step.line}`;
      switch (step.kind) {
        case 'send':
          await conn().write(step.bytes, step.split, step.delayMs);
          break;
        case 'expect': {
          const r = await conn()
            .response({ head: step.head, withinMs: step.withinMs })
            .catch((err: Error) => assert.unreachable(`${where}: ${err.message}`));
          check(step, r as RawResponse, where);
          break;
        }
        case 'closed': {
          const t0 = Date.now();
          await conn().closedWithin(step.withinMs).catch((err: Error) => assert.unreachable(`${where}: ${err.message}`));
          const took = Date.now() - t0;
          assert.ok(took >= step.notBeforeMs, `${where}: closed after ${took} ms, expected not before ${step.notBeforeMs} ms`);
          break;
        }
        case 'keptAlive': {
          const w = conn();
          assert.ok(!w.closed, `${where}: the connection was closed`);
          await w.write(Buffer.from('GET / HTTP/1.1\r\nHost: conformance\r\n\r\n'));
          const r = await w.response().catch((err: Error) => assert.unreachable(`${where}: connection not kept alive: ${err.message}`));
          check({ kind: 'expect', statusLine: 'HTTP/1.1 200 OK', headers: [], body: '{"ok":true}', head: false, withinMs: 3000, line: step.line }, r as RawResponse, where);
          break;
        }
        case 'silent':
          await conn().silentFor(step.ms).catch((err: Error) => assert.unreachable(`${where}: ${err.message}`));
          break;
        case 'wait':
          await sleep(step.ms);
          break;
        case 'disconnect':
          conn().destroy();
          break;
        case 'halfClose':
          conn().halfClose();
          break;
        case 'newConnection':
          (wire as Wire | null)?.destroy();
          wire = new Wire(port);
          break;
        case 'serves':
          await serves(port).catch((err: Error) => assert.unreachable(`${where}: ${err.message}`));
          break;
      }
    }
  } finally {
    (wire as Wire | null)?.destroy();
  }
}

for (const c of cases) {
  test(`${c.file.replace(/\.md$/, '')} › ${c.name}`, async () => {
    await run(c, app!.port);
    // After every case, malformed or not: the process is alive and a fresh connection is served.
    assert.is(app!.child.exitCode, null, `the server exited:\n${app!.output()}`);
    await serves(app!.port).catch((err: Error) => assert.unreachable(`after cases/${c.file}:${c.line}: ${err.message}`));
  });
}

test('nothing a client sent made a handler fail or leak a stack trace', () => {
  // GET /escape (cases/closing.md) fails on purpose; its log, stack and all, is the one expected.
  const output = app!.output().replace(/^covet: request failed: Error: escaped the generated code\n(?:\s+at .*\n)*/gm, '');
  assert.not.match(output, /failed:|Error|at /, output);
});

// ---------------------------------------------------------------- graceful shutdown

test('SIGTERM with a slow request in flight: it completes, new connections are refused, exit code 0', async () => {
  const server = await startApp(APP_DIR, { engine: ENGINE, args: SERVER_ARGS });
  const slow = new Wire(server.port);
  const idle = new Wire(server.port);
  try {
    await slow.write(Buffer.from('GET /sleep/600 HTTP/1.1\r\nHost: conformance\r\n\r\n'));
    await idle.write(Buffer.from('GET / HTTP/1.1\r\nHost: conformance\r\n\r\n'));
    assert.is((await idle.response()).statusLine, 'HTTP/1.1 200 OK');
    await sleep(100); // the slow request is now in its handler
    const t0 = Date.now();
    const exited = server.stop(); // SIGTERM
    // An idle keep-alive connection is closed at once.
    await idle.closedWithin(1000);
    // New connections are refused (the listener is closed).
    await sleep(100);
    const refused = await new Promise<string>((resolve) => {
      const probe = new Wire(server.port);
      probe.connected.then(
        () => {
          probe.destroy();
          resolve('connected');
        },
        (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'),
      );
    });
    assert.is(refused, 'ECONNREFUSED');
    // The request in flight completes, is told the connection closes, and then it does.
    const r = await slow.response({ withinMs: 3000 });
    assert.is(r.statusLine, 'HTTP/1.1 200 OK');
    assert.is(r.body.toString(), '{"slept":600}');
    assert.ok(r.headers.some(([n, v]) => n === 'connection' && v.toLowerCase() === 'close'), r.raw);
    await slow.closedWithin(1000);
    assert.is(await exited, 0, server.output());
    assert.ok(Date.now() - t0 < 3000, 'the shutdown waited for the grace period instead of the request');
    assert.match(server.output(), /SIGTERM received/);
  } finally {
    slow.destroy();
    idle.destroy();
    server.child.kill('SIGKILL');
  }
});

test.run();
