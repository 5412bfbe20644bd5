/**
 * fixtures/ratelimit end to end, over real sockets, against a real redis-server
 * (test/testing/redis.ts); COVET_ENGINE picks the engine (the .native variant runs this on the C
 * one). Limits by address, API key, a provider's result and a module hook; the IETF headers on
 * success and on the 429; two limiters on one answer; a window that ends; Redis keys; Redis killed
 * and hung mid-test with fail-closed (503) and fail-open limiters, logged once per outage, then
 * back; and `--workers 2`: memory counts per worker, Redis one limit for both.
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultEngine, startApp, type RunningApp } from '../harness.ts';
import { startRedis, type RunningRedis } from '../testing/redis.ts';
import { client, expectDetail, expectStatus, waitForOutput } from './http.ts';

const APP_DIR = fileURLToPath(new URL('../../fixtures/ratelimit', import.meta.url));
const engine = defaultEngine();

let redis: RunningRedis | undefined;
let app: RunningApp | undefined;
const call = client(() => app);

/** One GET on a connection of its own (so that under --workers, connections spread over the workers). */
function fresh(port: number, target: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: target, headers, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${target} timed out`)));
    req.on('error', reject);
  });
}

/** `count` GETs, `parallel` at a time, each on its own connection; the 200s by the pid that answered, and the other statuses. */
async function flood(port: number, target: string, headers: Record<string, string>, count: number, parallel = 16) {
  const allowed = new Map<number, number>();
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next++;
        const r = await fresh(port, target, headers);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 200) {
          const pid = (JSON.parse(r.body) as { pid: number }).pid;
          allowed.set(pid, (allowed.get(pid) ?? 0) + 1);
        }
      }
    }),
  );
  return { allowed, statuses, total: [...allowed.values()].reduce((a, b) => a + b, 0) };
}

function count(text: string, fragment: string): number {
  return text.split(fragment).length - 1;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ------------------------------------------------------------------ one process

const one = suite(`rate limits, ${engine} engine`);

one.before(async () => {
  redis = await startRedis();
  app = await startApp(APP_DIR, { env: { REDIS_URL: redis.url } });
});

one.after(async () => {
  const code = await app?.stop();
  app = undefined;
  await redis?.stop();
  redis = undefined;
  assert.is(code, 0, 'the server (and its Redis client) stopped cleanly');
});

one('per address: the IETF headers count down on each success, then 429 with Retry-After and r=0', async () => {
  for (let left = 4; left >= 0; left--) {
    const r = await call('GET', '/ip');
    expectStatus(r, 200);
    assert.is(r.headers.get('ratelimit-policy'), '"ip";q=5;w=60');
    assert.match(r.headers.get('ratelimit') ?? '', new RegExp(`^"ip";r=${left};t=(60|59)$`));
  }
  const over = await call('GET', '/ip');
  expectStatus(over, 429);
  const wait = Number(over.headers.get('retry-after'));
  assert.ok(wait >= 58 && wait <= 60, `Retry-After ${wait}`);
  assert.is(over.headers.get('ratelimit-policy'), '"ip";q=5;w=60');
  assert.is(over.headers.get('ratelimit'), `"ip";r=0;t=${wait}`, 'Retry-After is not earlier than t (the draft, section 5)');
  expectDetail(over, 429, `rate limit exceeded: 5 requests per 60 s (policy ip); retry in ${wait} s`);
  // A route without the limiter is not counted, and answers no RateLimit header.
  const free = await call('GET', '/free');
  expectStatus(free, 200);
  assert.is(free.headers.get('ratelimit'), null);
});

one('per API key (an ApiKey credential), by a module hook: the routes of the module share each key\'s limit; another key has its own; no key is a 401', async () => {
  const k1 = { 'x-api-key': 'k1' };
  expectStatus(await call('GET', '/keyed/a', { headers: k1 }), 200);
  expectStatus(await call('GET', '/keyed/b', { headers: k1 }), 200);
  const third = await call('GET', '/keyed/a', { headers: k1 });
  expectStatus(third, 200);
  assert.match(third.headers.get('ratelimit') ?? '', /^"key";r=0;t=\d+$/);
  expectStatus(await call('GET', '/keyed/b', { headers: k1 }), 429);
  expectStatus(await call('GET', '/keyed/a', { headers: { 'x-api-key': 'k2' } }), 200);
  // The key is an ApiKey credential: without one, 401 before the limiter runs (nothing is counted).
  const none = await call('GET', '/keyed/a');
  expectDetail(none, 401, 'Not authenticated');
  assert.is(none.headers.get('ratelimit'), null);
});

one("per a provider's result: two keys of one account share the account's limit", async () => {
  expectStatus(await call('GET', '/account', { headers: { 'x-api-key': 'acme.one' } }), 200);
  expectStatus(await call('GET', '/account', { headers: { 'x-api-key': 'acme.two' } }), 200);
  const over = await call('GET', '/account', { headers: { 'x-api-key': 'acme.three' } });
  expectStatus(over, 429);
  assert.is(over.headers.get('ratelimit-policy'), '"account";q=2;w=60');
  const other = await call('GET', '/account', { headers: { 'x-api-key': 'globex.one' } });
  expectStatus(other, 200);
  assert.equal(other.json, { account: 'globex' });
});

one('two limiters on one request: both headers are lists with one item per policy, in the order they were taken', async () => {
  const r = await call('GET', '/two');
  expectStatus(r, 200);
  assert.is(r.headers.get('ratelimit-policy'), '"wide";q=10;w=60, "narrow";q=2;w=30');
  assert.match(r.headers.get('ratelimit') ?? '', /^"wide";r=9;t=(60|59), "narrow";r=1;t=(30|29)$/);
  expectStatus(await call('GET', '/two'), 200);
  const over = await call('GET', '/two');
  expectStatus(over, 429);
  assert.is(over.headers.get('ratelimit-policy'), '"narrow";q=2;w=30', 'the 429 names the policy that refused');
});

one('a window ends: after Retry-After seconds the key is let through again', async () => {
  let r = await call('GET', '/burst');
  while (r.status === 200) r = await call('GET', '/burst');
  expectStatus(r, 429);
  assert.is(r.headers.get('retry-after'), '1');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const again = await call('GET', '/burst');
  expectStatus(again, 200);
  assert.match(again.headers.get('ratelimit') ?? '', /^"burst";r=3;t=1$/);
});

one('a long key (an 8 KB API key) is counted under its digest: its own limit, not shared with a key that differs at the end', async () => {
  const long = 'x'.repeat(8000);
  for (let i = 0; i < 3; i++) expectStatus(await call('GET', '/keyed/b', { headers: { 'x-api-key': long + 'a' } }), 200);
  expectStatus(await call('GET', '/keyed/b', { headers: { 'x-api-key': long + 'a' } }), 429);
  expectStatus(await call('GET', '/keyed/b', { headers: { 'x-api-key': long + 'b' } }), 200);
});

one('Redis: counts live in Redis under covet:rl:<name>:<key>, with the window as their TTL', async () => {
  for (let i = 0; i < 3; i++) expectStatus(await call('GET', '/redis/key', { headers: { 'x-api-key': 'rk' } }), 200);
  const over = await call('GET', '/redis/key', { headers: { 'x-api-key': 'rk' } });
  expectStatus(over, 429);
  assert.is(over.headers.get('ratelimit-policy'), '"redis-key";q=3;w=60');
  assert.is(await redis!.cli('GET', 'covet:rl:redis-key:rk'), '4');
  const ttl = Number(await redis!.cli('TTL', 'covet:rl:redis-key:rk'));
  assert.ok(ttl > 50 && ttl <= 60, `TTL ${ttl}`);
});

one('Redis killed mid-test: fail-closed answers 503, fail-open lets requests through, others are served, one log line each per outage; back when Redis is', async () => {
  const bucket = { 'x-bucket': 'outage' };
  const before = await call('GET', '/redis/closed', { headers: bucket });
  expectStatus(before, 200);
  assert.match(before.headers.get('ratelimit') ?? '', /^"closed";r=999;t=\d+$/);
  expectStatus(await call('GET', '/redis/open', { headers: bucket }), 200);

  await redis!.kill();
  for (let i = 0; i < 5; i++) {
    const closed = await call('GET', '/redis/closed', { headers: bucket });
    expectStatus(closed, 503);
    assert.is(closed.headers.get('retry-after'), '1');
    assert.is(closed.headers.get('ratelimit'), null);
    expectDetail(closed, 503, 'rate limit unavailable: its store does not answer (policy closed); retry in 1 s');
    const open = await call('GET', '/redis/open', { headers: bucket });
    expectStatus(open, 200);
    assert.is(open.headers.get('ratelimit'), null, 'a request let through unchecked says no remaining count');
    expectStatus(await call('GET', '/free'), 200);
  }
  const out = app!.output();
  assert.is(count(out, 'rate limit "closed": its Redis store (redis://127.0.0.1:'), 1, out);
  assert.is(count(out, 'rate limit "open": its Redis store (redis://127.0.0.1:'), 1, out);
  assert.match(out, /rate limit "closed": its Redis store \(redis:\/\/127\.0\.0\.1:\d+\/?\) failed: .+; requests are answered 503 \(onStoreError: 'deny'\) until it answers again/);
  assert.match(out, /rate limit "open": its Redis store .+ failed: .+; requests pass unlimited \(onStoreError: 'allow'\) until it answers again/);

  await redis!.start();
  await until('the fail-closed limiter to answer 200 again', async () => (await call('GET', '/redis/closed', { headers: bucket })).status === 200);
  const back = await call('GET', '/redis/closed', { headers: bucket });
  expectStatus(back, 200);
  assert.match(back.headers.get('ratelimit') ?? '', /^"closed";r=\d+;t=\d+$/, 'counting again (a new Redis: its counts started over)');
  expectStatus(await call('GET', '/redis/open', { headers: bucket }), 200);
  const after = await waitForOutput(app!, (o) => count(o, 'answers again') >= 2);
  assert.is(count(after, 'rate limit "closed": its Redis store (redis://127.0.0.1:'), 2, after);
  assert.match(after, /rate limit "closed": its Redis store .+ answers again; limiting as before/);
});

one('Redis that hangs (SIGSTOP): a request waits at most the command timeout (200 ms) and never stalls the others', async () => {
  const bucket = { 'x-bucket': 'hang' };
  expectStatus(await call('GET', '/redis/closed', { headers: bucket }), 200);
  redis!.signal('SIGSTOP');
  try {
    const started = Date.now();
    const [closed, open, ...free] = await Promise.all([
      call('GET', '/redis/closed', { headers: bucket }),
      call('GET', '/redis/open', { headers: bucket }),
      ...Array.from({ length: 20 }, () => call('GET', '/free')),
    ]);
    const took = Date.now() - started;
    expectStatus(closed!, 503);
    expectStatus(open!, 200);
    for (const f of free) expectStatus(f, 200);
    assert.ok(took < 1500, `answered in ${took} ms`);
  } finally {
    redis!.signal('SIGCONT');
  }
  await until('Redis to answer again after SIGCONT', async () => (await call('GET', '/redis/closed', { headers: bucket })).status === 200);
});

one.run();

// ------------------------------------------------------------------ --workers 2

const workers = suite(`rate limits under --workers 2, ${engine} engine`);
let wapp: RunningApp | undefined;
let wredis: RunningRedis | undefined;

workers.before(async () => {
  wredis = await startRedis();
  wapp = await startApp(APP_DIR, { env: { REDIS_URL: wredis.url }, args: ['--workers', '2'] });
});

workers.after(async () => {
  const code = await wapp?.stop();
  wapp = undefined;
  await wredis?.stop();
  wredis = undefined;
  assert.is(code, 0, 'the supervisor and both workers stopped cleanly');
});

workers('memory: each worker enforces its own limit, so two workers let through 2 × 50 of 300 requests', async () => {
  const { allowed, statuses, total } = await flood(wapp!.port, '/workers', { 'x-bucket': 'w1' }, 300);
  console.log(`    ${engine}, memory, limit 50, 300 requests over 2 workers: allowed ${total} (${[...allowed.values()].join(' + ')}), 429: ${statuses.get(429) ?? 0}`);
  assert.is(allowed.size, 2, `both workers answered: ${JSON.stringify([...allowed])}`);
  for (const n of allowed.values()) assert.is(n, 50, `each worker let exactly its own 50 through: ${JSON.stringify([...allowed])}`);
  assert.is(total, 100);
  assert.is(statuses.get(429), 200);
});

workers('Redis: one limit shared by both workers: exactly 50 of 300 requests let through, by both', async () => {
  // Each worker connects to Redis on its first request that needs it: warm both up (another key) first,
  // so that neither is still connecting while the other takes the whole limit.
  const warm = new Set<number>();
  for (let i = 0; i < 50 && warm.size < 2; i++) {
    const r = await fresh(wapp!.port, '/redis/shared', { 'x-bucket': 'warm-up' });
    expectStatus({ status: r.status, text: r.body }, 200);
    warm.add((JSON.parse(r.body) as { pid: number }).pid);
  }
  assert.is(warm.size, 2, 'both workers answered the warm-up');
  const { allowed, statuses, total } = await flood(wapp!.port, '/redis/shared', { 'x-bucket': 'w1' }, 300);
  console.log(`    ${engine}, Redis, limit 50, 300 requests over 2 workers: allowed ${total} (${[...allowed.values()].join(' + ')}), 429: ${statuses.get(429) ?? 0}`);
  assert.is(allowed.size, 2, `both workers let some through: ${JSON.stringify([...allowed])}`);
  assert.is(total, 50);
  assert.is(statuses.get(429), 250);
  assert.is(await wredis!.cli('GET', 'covet:rl:shared:w1'), '300');
});

workers.run();
