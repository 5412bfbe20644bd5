/**
 * fixtures/postgres end to end, over real sockets, against a real PostgreSQL
 * (test/testing/postgres.ts); COVET_ENGINE picks the engine (the .native variant runs this on the
 * C one). What each answer left in the database is read back with psql, beside the app: commits,
 * rollbacks after a 404, a 409 from the handler, a unique violation mapped to 409 by an onError
 * hook, a bug (500), bad input that loses nothing and leaks no connection, `/readyz` following the
 * database down and up (the fixture's `readinessCheck`), and the pool closed at SIGTERM only after
 * the in-flight request was answered.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultEngine, startApp, type RunningApp } from '../harness.ts';
import { startPostgres, type RunningPostgres } from '../testing/postgres.mjs';
import { client, expectBody, expectDetail, expectInvalid, expectStatus, waitForOutput } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/postgres', import.meta.url));
const SCHEMA = readFileSync(new URL('../../fixtures/postgres/schema.sql', import.meta.url), 'utf8');
const POOL_SIZE = 3;
const engine = defaultEngine();

let pg: RunningPostgres | undefined;
let app: RunningApp | undefined;
const call = client(() => app);

const db = () => {
  if (!pg) throw new Error('postgres is not running');
  return pg;
};
/** What the database holds now: accounts as `id:email:balance`, and the audit actions, in order. */
async function snapshot(): Promise<{ accounts: string[]; audit: string[] }> {
  const accounts = await db().psql("SELECT id || ':' || email || ':' || balance FROM accounts ORDER BY id");
  const audit = await db().psql('SELECT action FROM audit ORDER BY id');
  return { accounts: accounts ? accounts.split('\n') : [], audit: audit ? audit.split('\n') : [] };
}
/** The fixture's connections to the database, by state (`idle`, `active`, `idle in transaction`). */
async function connections(): Promise<string[]> {
  const out = await db().psql("SELECT coalesce(state, '?') FROM pg_stat_activity WHERE application_name = 'covet-fixture-postgres' ORDER BY 1");
  return out ? out.split('\n') : [];
}

const pgSuite = suite(`postgres, ${engine} engine`);

pgSuite.before(async () => {
  pg = await startPostgres();
  await pg.psql(SCHEMA);
  app = await startApp(APP_DIR, { env: { DATABASE_URL: pg.url, DATABASE_POOL_SIZE: String(POOL_SIZE) } });
});

pgSuite.after(async () => {
  await app?.stop();
  app = undefined;
  await pg?.stop();
  pg = undefined;
});

pgSuite('a request that succeeds commits: the account and its audit row are in the database', async () => {
  const r = await call('POST', '/accounts', { json: { owner: 'Ada', email: 'ada@example.com', balance: 100 } });
  expectBody(r, 201, '{"id":1,"owner":"Ada","email":"ada@example.com","balance":100}');
  const bob = await call('POST', '/accounts', { json: { owner: 'Bob', email: 'bob@example.com' } });
  expectStatus(bob, 201);
  assert.equal(await snapshot(), { accounts: ['1:ada@example.com:100', '2:bob@example.com:0'], audit: ['open ada@example.com', 'open bob@example.com'] });
  // A read through the pool sees what was committed.
  expectBody(await call('GET', '/accounts/2'), 200, '{"id":2,"owner":"Bob","email":"bob@example.com","balance":0}');
  expectDetail(await call('GET', '/accounts/99'), 404, 'account 99 not found');
});

pgSuite('a unique violation is a 409 from the onError hook, and the audit row written before it is rolled back', async () => {
  const before = await snapshot();
  const r = await call('POST', '/accounts', { json: { owner: 'Eve', email: 'ada@example.com' } });
  expectDetail(r, 409, 'email already taken');
  assert.equal(await snapshot(), before, 'neither the audit row nor the account is there');
  assert.not.match(r.text, /duplicate key|accounts_email_key/, 'PostgreSQL\'s own message stays on the server');
});

pgSuite('a transfer commits its three writes together', async () => {
  const r = await call('POST', '/transfers', { json: { from: 1, to: 2, amount: 30 } });
  expectStatus(r, 201);
  assert.equal(r.json, { from: { id: 1, owner: 'Ada', email: 'ada@example.com', balance: 70 }, to: { id: 2, owner: 'Bob', email: 'bob@example.com', balance: 30 } });
  const now = await snapshot();
  assert.equal(now.accounts, ['1:ada@example.com:70', '2:bob@example.com:30']);
  assert.is(now.audit.at(-1), 'transfer 30 from 1 to 2');
});

pgSuite('a handler that throws an HttpError after its writes (404, 409) leaves the database as it was', async () => {
  const before = await snapshot();
  // The debit of account 1 ran before the credit found no account 99.
  expectDetail(await call('POST', '/transfers', { json: { from: 1, to: 99, amount: 10 } }), 404, 'account 99 not found');
  // Both updates ran before the balance check.
  expectDetail(await call('POST', '/transfers', { json: { from: 2, to: 1, amount: 31 } }), 409, 'insufficient funds: account 2 has 30');
  assert.equal(await snapshot(), before);
});

pgSuite('a bug after a write is a 500 without details, logged with the route, and rolled back', async () => {
  const before = await snapshot();
  const r = await call('POST', '/audit/crash');
  expectDetail(r, 500, 'Internal Server Error');
  assert.equal(await snapshot(), before);
  const out = await waitForOutput(app!, (o) => o.includes('POST /audit/crash (crash in accounts.ts'));
  assert.match(out, /POST \/audit\/crash \(crash in accounts\.ts:\d+\) failed: TypeError/);
});

pgSuite(`bad input loses nothing: malformed JSON, 422s and wrong types, ${POOL_SIZE * 5} of them, leave the data and the pool (${POOL_SIZE} connections) as they were`, async () => {
  const before = await snapshot();
  const bad = [
    () => call('POST', '/accounts', { body: '{"owner": "Mallory", "email":', headers: { 'content-type': 'application/json' } }),
    () => call('POST', '/accounts', { json: { owner: '', email: 'not an address' } }),
    () => call('POST', '/transfers', { json: { from: 1, to: 2, amount: 0 } }),
    () => call('POST', '/transfers', { json: { from: '1; DROP TABLE accounts', to: 2, amount: 5 } }),
    () => call('POST', '/transfers', { json: [1, 2, 3] }),
  ];
  const replies = await Promise.all(Array.from({ length: POOL_SIZE * 5 }, (_, i) => bad[i % bad.length]!()));
  for (const r of replies) assert.ok(r.status === 400 || r.status === 422, `${r.status} ${r.text}`);
  expectInvalid(replies[1]!, [
    { loc: ['body', 'owner'], type: 'string_too_short' },
    { loc: ['body', 'email'], type: 'value_error' },
  ]);
  assert.equal(await snapshot(), before);
  // Every transaction those requests began was rolled back and its connection released: none is
  // left inside a transaction, and a good request after them is served (a leak would hang it).
  assert.not.ok((await connections()).includes('idle in transaction'), `${await connections()}`);
  expectStatus(await call('POST', '/transfers', { json: { from: 1, to: 2, amount: 1 } }), 201);
  assert.equal((await snapshot()).accounts, ['1:ada@example.com:69', '2:bob@example.com:31']);
});

pgSuite('concurrent transfers in one direction all commit, and the money adds up', async () => {
  const replies = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/transfers', { json: { from: 1, to: 2, amount: 2 } })));
  for (const r of replies) expectStatus(r, 201);
  assert.equal((await snapshot()).accounts, ['1:ada@example.com:29', '2:bob@example.com:71']);
});

/** Polls `probe` every 50 ms until it returns a value; fails after `ms`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const readyz = (status: number) => async () => {
  const r = await call('GET', '/readyz');
  return r.status === status ? r : undefined;
};

pgSuite('/readyz: 503 naming the postgres check while the database is down, 200 once it is back; meanwhile requests are 500s and the server keeps serving', async () => {
  expectBody(await call('GET', '/readyz'), 200, '{"status":"ready","checks":{"postgres":{"ok":true}}}');
  await db().kill(); // fast shutdown: the pool's connections are cut, new ones refused
  const down = await until('/readyz to answer 503', readyz(503));
  assert.is(down.json.status, 'not ready', down.text);
  assert.is(down.json.checks.postgres.ok, false, down.text);
  assert.match(down.json.checks.postgres.error, /ECONNREFUSED|terminat|connect/i, down.text);
  expectDetail(await call('GET', '/accounts/1'), 500, 'Internal Server Error');
  expectStatus(await call('GET', '/healthz'), 200); // alive all along: only readiness follows the database
  await db().start();
  const up = await until('/readyz to answer 200 again', readyz(200));
  assert.equal(up.json, { status: 'ready', checks: { postgres: { ok: true } } });
  expectBody(await call('GET', '/accounts/1'), 200, '{"id":1,"owner":"Ada","email":"ada@example.com","balance":29}');
});

pgSuite('SIGTERM: the in-flight request is answered, then the pool is closed, and the process exits 0', async () => {
  assert.ok((await connections()).length > 0, 'the pool holds connections while the server runs');
  const slow = call('GET', '/slow?ms=700');
  // Wait until the query is running in the database, then stop the server.
  const deadline = Date.now() + 5000;
  while (!(await connections()).includes('active')) {
    if (Date.now() > deadline) throw new Error('the slow query never started');
    await new Promise((r) => setTimeout(r, 20));
  }
  const running = app!;
  const exited = running.stop();
  expectBody(await slow, 200, '{"slept":700}');
  assert.is(await exited, 0, running.output());
  app = undefined;
  // A backend leaves pg_stat_activity a moment after its client hung up.
  let left = await connections();
  for (let i = 0; i < 40 && left.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    left = await connections();
  }
  assert.equal(left, [], 'pool.end() closed every connection');
  assert.not.match(running.output(), /Postgres pool (failed|did not close)/);
});

pgSuite.run();
