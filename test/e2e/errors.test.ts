/**
 * fixtures/errors end to end: HttpError answers, handler crashes (500, the
 * stack on stderr and never in the answer), and the body errors the runtime
 * answers itself (400 malformed JSON, 415, 413). After each, the server
 * keeps serving.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NATIVE_ADDON } from '../../pipeline/build.ts';
import { defaultEngine, startApp, type RunningApp } from '../harness.ts';
import { client, curl, expectBody, expectDetail, expectInvalid, expectStatus, waitForOutput, type Reply } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/errors', import.meta.url));
const MiB = 1024 * 1024;

let app: RunningApp | undefined;
const call = client(() => app);
const raw = (target: string, args: string[] = []) => curl(app!.url, target, args);
const tmp = mkdtempSync(join(tmpdir(), 'covet-e2e-errors-'));

test.before(async () => {
  app = await startApp(APP_DIR);
});

test.after(async () => {
  await app?.stop();
  app = undefined;
  rmSync(tmp, { recursive: true, force: true });
});

/** The server still answers a normal request. */
async function stillServing(): Promise<void> {
  expectBody(await call('GET', '/things/1'), 200, '{"id":1,"name":"one"}');
}

/** An answer that gives nothing of the server's insides away. */
function leaksNothing(reply: Reply | { text: string }): void {
  assert.not.match(reply.text, /\n\s*at |:\d+:\d+|\.ts\b|\.m?js\b|node:|\/work\/|\/tmp\/|Error:|handler failed/, reply.text);
}

// ---------------------------------------------------------------- HttpError

test('HttpError: its status and {"detail": message}', async () => {
  await stillServing();
  const missing = await call('GET', '/things/2');
  expectDetail(missing, 404, 'thing 2 not found');
  expectInvalid(await call('GET', '/things/two'), [
    { loc: ['path', 'id'], type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' },
  ]);
});

test('HttpError with a structured detail', async () => {
  expectDetail(await call('POST', '/things', { json: { id: 1, name: 'again' } }), 409, { reason: 'exists', id: 1 });
  expectBody(await call('POST', '/things', { json: { name: 'two', id: 2 } }), 201, '{"id":2,"name":"two"}');
  expectInvalid(await call('POST', '/things', { json: { id: '1' } }), [
    { loc: ['body', 'id'], type: 'int_type', msg: 'Input should be a valid integer' },
    { loc: ['body', 'name'], type: 'missing', msg: 'Field required' },
  ]);
});

test('HttpError thrown after an await, with extra headers', async () => {
  const reply = await call('GET', '/teapot');
  expectDetail(reply, 418, "I'm a teapot");
  assert.is(reply.headers.get('x-kind'), 'teapot');
  const head = await raw('/teapot', ['-I']);
  expectStatus(head, 418);
  assert.is(head.header('x-kind'), 'teapot');
  assert.is(head.text, '');
});

test('HttpErrors are answers, not failures: nothing is logged for them', async () => {
  const out = app!.output();
  assert.not.match(out, /thing 2 not found|teapot|exists/, out);
});

test('HttpError headers carrying client input: a line break is the handler\'s bug, a 500 (logged), never a split answer', async () => {
  for (const route of ['/refuse', '/refuse-later']) {
    const ok = await call('GET', `${route}?reason=quota`);
    expectDetail(ok, 403, 'refused');
    assert.is(ok.headers.get('x-reason'), 'quota');
    const injected = await call('GET', `${route}?reason=a%0D%0Aset-cookie:%20x=1`);
    expectDetail(injected, 500, 'Internal Server Error');
    assert.is(injected.headers.get('x-reason'), null);
    assert.is(injected.headers.get('set-cookie'), null);
    leaksNothing(injected);
    const nul = await call('GET', `${route}?reason=%00`);
    expectDetail(nul, 500, 'Internal Server Error');
  }
  const out = await waitForOutput(app!, (o) => (o.match(/HttpError\(403\): the value of header x-reason/g) ?? []).length >= 4);
  assert.match(out, /covet: GET \/refuse \(refuse in errors\.ts:\d+\) failed: TypeError: covet: HttpError\(403\): the value of header x-reason holds U\+000D at 1, which a header may not \(often client input: check or encode it first\)\n\s+at refuse \(\S+errors\.ts:\d+:\d+\)/, out);
  await stillServing();
});

test('HttpError headers naming one the server manages (connection): 500 and logged with where it was thrown, on both engines', async () => {
  // The default app, and the same on the other engine (built once more, here only).
  const engine = defaultEngine();
  const otherEngine = engine === 'native' ? 'node' : 'native';
  const other = otherEngine === 'node' || existsSync(NATIVE_ADDON) ? await startApp(APP_DIR, { engine: otherEngine }) : null;
  if (!other) console.log(`  (native half skipped: the native engine is not built, ${NATIVE_ADDON})`);
  try {
    for (const [name, running] of [[engine, app!], ...(other ? [[otherEngine, other]] : [])] as [string, RunningApp][]) {
      const reply = await client(() => running)('GET', '/refuse-managed');
      expectDetail(reply, 500, 'Internal Server Error');
      assert.is(reply.headers.get('www-authenticate'), null, 'not a 401 with some of its headers');
      leaksNothing(reply);
      const out = await waitForOutput(running, (o) => o.includes('managed by the server'));
      assert.match(
        out,
        /covet: GET \/refuse-managed \(refuseManaged in errors\.ts:\d+\) failed: TypeError: covet: the connection header is managed by the server: HttpError\(401\) cannot carry it\n\s+at refuseManaged \(\S+errors\.ts:\d+:\d+\)/,
        `${name}: ${out}`,
      );
      expectBody(await client(() => running)('GET', '/things/1'), 200, '{"id":1,"name":"one"}');
    }
  } finally {
    await other?.stop();
  }
});

test('a success status HTTP cannot carry: 500 and logged; a valid one is used', async () => {
  expectBody(await call('GET', '/status/202'), 202, '{"status":202}');
  for (const code of [99, 1000, -1]) {
    expectDetail(await call('GET', `/status/${code}`), 500, 'Internal Server Error');
  }
  const out = await waitForOutput(app!, (o) => o.includes('Invalid status code: -1'));
  assert.match(out, /covet: GET \/status\/:code \(statusFromRequest in errors\.ts:\d+\) failed: RangeError \[ERR_HTTP_INVALID_STATUS_CODE\]: Invalid status code: 1000/);
  await stillServing();
});

// ---------------------------------------------------------------- crashes

test('a plain Error from a sync handler: 500, no stack in the answer, the stack on stderr with the route', async () => {
  const reply = await call('GET', '/crash/sync');
  expectDetail(reply, 500, 'Internal Server Error');
  leaksNothing(reply);
  const out = await waitForOutput(app!, (o) => o.includes('sync handler failed'));
  // The route names the handler's file:line; the stack's first frame is the handler, in its .ts file (source maps).
  assert.match(out, /covet: GET \/crash\/sync \(crashSync in errors\.ts:\d+\) failed: Error: sync handler failed\n\s+at crashSync \(\S+errors\.ts:\d+:\d+\)\n/, out);
  await stillServing();
});

test('a plain Error from an async handler: 500, the stack on stderr with the route', async () => {
  const reply = await call('GET', '/crash/async');
  expectDetail(reply, 500, 'Internal Server Error');
  leaksNothing(reply);
  const out = await waitForOutput(app!, (o) => o.includes('async handler failed'));
  // The route names the handler's file:line; the stack's first frame is the handler, in its .ts file (source maps).
  assert.match(out, /covet: GET \/crash\/async \(crashAsync in errors\.ts:\d+\) failed: Error: async handler failed\n\s+at crashAsync \(\S+errors\.ts:\d+:\d+\)\n/, out);
  await stillServing();
});

test('crashes answer HEAD and repeated requests alike; each is logged', async () => {
  const before = (app!.output().match(/failed: Error: sync handler failed/g) ?? []).length;
  const replies = await Promise.all(Array.from({ length: 20 }, () => call('GET', '/crash/sync')));
  for (const reply of replies) expectDetail(reply, 500, 'Internal Server Error');
  const head = await raw('/crash/sync', ['-I']);
  expectStatus(head, 500);
  assert.is(head.text, '');
  const out = await waitForOutput(app!, (o) => (o.match(/failed: Error: sync handler failed/g) ?? []).length >= before + 21);
  assert.is((out.match(/failed: Error: sync handler failed/g) ?? []).length, before + 21);
  await stillServing();
});

// ---------------------------------------------------------------- bodies the runtime refuses

test('malformed JSON answers 400 with a detail that says so', async () => {
  for (const body of ['{"id":', '{id: 1}', "{'id': 1}", '[1,]', '{"id":1}}', 'nul', '\u0000']) {
    const reply = await call('POST', '/things', { body, headers: { 'content-type': 'application/json' } });
    expectStatus(reply, 400);
    assert.match(reply.json.detail, /^Malformed JSON in request body: /);
    leaksNothing({ text: reply.json.detail.replace(/^Malformed JSON in request body: /, '') });
  }
  await stillServing();
});

test('a body of another content type answers 415', async () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'text/json']) {
    expectDetail(await call('POST', '/things', { body: '{"id":3,"name":"x"}', headers: { 'content-type': type } }), 415, 'Unsupported Media Type: expected application/json');
  }
  expectDetail(await raw('/things', ['-X', 'POST', '-H', 'content-type:', '--data-binary', '{"id":3,"name":"x"}']), 415, 'Unsupported Media Type: expected application/json');
  expectBody(await call('POST', '/things', { body: '{"id":3,"name":"x"}', headers: { 'content-type': 'Application/JSON; charset=UTF-8' } }), 201, '{"id":3,"name":"x"}');
  await stillServing();
});

test('a body over 1 MiB answers 413, declared or chunked; exactly 1 MiB is accepted', async () => {
  const json = (size: number) => {
    const head = '{"id":4,"name":"big","pad":"';
    return head + 'x'.repeat(size - head.length - 2) + '"}';
  };
  const exact = join(tmp, 'exact.json');
  const over = join(tmp, 'over.json');
  writeFileSync(exact, json(MiB));
  writeFileSync(over, json(MiB + 1));
  const jsonHeader = ['-H', 'content-type: application/json'];

  expectBody(await raw('/things', ['-X', 'POST', ...jsonHeader, '--data-binary', `@${exact}`]), 201, '{"id":4,"name":"big"}');
  const declared = await raw('/things', ['-X', 'POST', ...jsonHeader, '--data-binary', `@${over}`]);
  expectDetail(declared, 413, 'Payload Too Large');
  assert.is(declared.header('connection'), 'close');
  const chunked = await raw('/things', ['-X', 'POST', ...jsonHeader, '-H', 'transfer-encoding: chunked', '--data-binary', `@${over}`]);
  expectDetail(chunked, 413, 'Payload Too Large');
  await stillServing();

  const viaFetch = await call('POST', '/things', { body: json(MiB + 1), headers: { 'content-type': 'application/json' } }).catch((err: Error) => err);
  if (!(viaFetch instanceof Error)) expectDetail(viaFetch, 413, 'Payload Too Large');
  await stillServing();
});

// ---------------------------------------------------------------- afterwards

test('void handler answers 204; the deleted thing is gone', async () => {
  const reply = await raw('/things/1', ['-X', 'DELETE']);
  expectStatus(reply, 204);
  assert.is(reply.text, '');
  expectDetail(await call('GET', '/things/1'), 404, 'thing 1 not found');
});

test('the server logged only the crashes, never a request body', async () => {
  const out = app!.output();
  const failures = out.split('\n').filter((line) => line.startsWith('covet: ') && line.includes(' failed: '));
  for (const line of failures) {
    assert.match(line, /^covet: GET \/(crash\/(sync|async) \(crash(Sync|Async) in errors\.ts:\d+\) failed: Error: (sync|async) handler failed|status\/:code \(statusFromRequest in errors\.ts:\d+\) failed: RangeError .*Invalid status code: (99|1000|-1)|refuse-managed \(refuseManaged in errors\.ts:\d+\) failed: TypeError: covet: the connection header is managed by the server: HttpError\(401\) cannot carry it|refuse(-later)? \(refuse(Later)? in errors\.ts:\d+\) failed: TypeError: covet: HttpError\(403\): the value of header x-reason holds U\+000[D0] at [01], which a header may not \(often client input: check or encode it first\))$/);
  }
  assert.not.match(out, /xxxxxxxx|Malformed/);
  assert.is(app!.child.exitCode, null, 'still running');
});

test.run();
