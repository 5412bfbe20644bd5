/**
 * The peers that are always present (npm devDependencies) answer the workload
 * correctly, and the check itself notices wrong answers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
// @ts-expect-error plain ESM JavaScript without declarations
import { checkPeers, failures, judge } from './check.mjs';
// @ts-expect-error plain ESM JavaScript without declarations
import { SCENARIOS } from './peers.mjs';

const ALWAYS = ['node-http', 'fastify', 'hono', 'express', 'covet-node'];

interface Scenario {
  id: string;
  expect: { status: number; contentType?: RegExp; body?: string };
}
const scenario = (id: string) => (SCENARIOS as Scenario[]).find((s) => s.id === id)!;

const answer = (status: number, headers: Record<string, string>, body: string) => ({ status, headers, rawHeaders: [], body: Buffer.from(body) });
const GOOD = { server: 'x', date: 'Tue, 25 Nov 2025 04:00:00 GMT', 'content-type': 'application/json' };

test('judge accepts the expected JSON byte for byte, and notes a parsed-equal body', () => {
  const json = scenario('json');
  assert.equal(judge(answer(200, GOOD, '{"message":"Hello, World!"}'), json.expect), { ok: true, note: '' });
  const spaced = judge(answer(200, GOOD, '{ "message": "Hello, World!" }'), json.expect);
  assert.ok(spaced.ok);
  assert.match(spaced.note, /parsed-equal/);
});

test('judge rejects a wrong body, status, content type, and a missing Server or Date header', () => {
  const json = scenario('json');
  const cases: [ReturnType<typeof answer>, RegExp][] = [
    [answer(200, GOOD, '{"message":"Hello"}'), /body/],
    [answer(201, GOOD, '{"message":"Hello, World!"}'), /status 201/],
    [answer(200, { ...GOOD, 'content-type': 'text/html' }, '{"message":"Hello, World!"}'), /content-type/],
    [answer(200, { date: GOOD.date, 'content-type': 'application/json' }, '{"message":"Hello, World!"}'), /Server/],
    [answer(200, { server: 'x', 'content-type': 'application/json' }, '{"message":"Hello, World!"}'), /Date/],
    [answer(200, { ...GOOD, connection: 'close' }, '{"message":"Hello, World!"}'), /keep-alive/],
  ];
  for (const [res, why] of cases) {
    const v = judge(res, json.expect);
    assert.not.ok(v.ok, `accepted ${JSON.stringify(res.headers)} ${res.body}`);
    assert.match(v.note, why);
  }
});

test('judge checks the shape of a /db row', () => {
  const db = scenario('db');
  assert.ok(judge(answer(200, GOOD, '{"id":7,"randomNumber":1234}'), db.expect).ok);
  assert.not.ok(judge(answer(200, GOOD, '{"id":0,"randomNumber":1234}'), db.expect).ok);
  assert.not.ok(judge(answer(200, GOOD, '{"randomNumber":1234,"id":7}'), db.expect).ok);
  assert.not.ok(judge(answer(200, GOOD, '[{"id":7,"randomNumber":1234}]'), db.expect).ok);
});

test('the larger bodies are the sizes issue 15 asks for: a 100-item list of ~20 kB, a 50-line order of ~10 kB', () => {
  const list = JSON.parse(scenario('list-100').expect.body!);
  assert.is(list.length, 100);
  const listBytes = Buffer.byteLength(scenario('list-100').expect.body!);
  assert.ok(listBytes > 18_000 && listBytes < 26_000, `list-100 is ${listBytes} bytes`);
  const order = (SCENARIOS as (Scenario & { body: string })[]).find((s) => s.id === 'post-10k')!.body;
  assert.is(JSON.parse(order).lines.length, 50);
  assert.ok(order.length > 9_000 && order.length < 12_000, `post-10k's body is ${order.length} bytes`);
});

test(`every always-present peer answers the workload correctly (${ALWAYS.join(', ')})`, async () => {
  const entries = await checkPeers({ only: ALWAYS });
  assert.equal(
    entries.map((e: { peer: { id: string } }) => e.peer.id),
    ALWAYS,
  );
  for (const e of entries) assert.is(e.available, true, `${e.peer.id}: ${e.available}`);
  assert.equal(failures(entries), []);
});

test.run();
