/**
 * What rate limits add to a bundle: nothing to an app that makes no limiter (the runtime's
 * `rateLimit` and `redisStore` are exported from 'covet' to every app), rate-limiter-flexible's
 * memory store alone to one that makes only memory limiters, and node-redis only to one that calls
 * `redisStore`. Three throwaway apps, built by the real pipeline; their app.mjs is searched for the
 * packages' files.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDiagnostic } from '../compiler/diagnostics.ts';
import { build } from '../pipeline/build.ts';

const ROUTE = `/** @route GET / */
export function root(_limit: Dep<typeof limited>): string {
  return 'ok';
}
`;

const APPS = {
  none: `import { HttpError } from 'covet';

/** @route GET / */
export function root(n?: number): string {
  if (n === 0) throw new HttpError(400, 'not zero');
  return 'ok';
}
`,
  memory: `import { rateLimit, type Ctx, type Dep } from 'covet';

const perIp = rateLimit({ name: 'ip', limit: 10, windowSec: 60 });
export const limited = (ctx: Ctx) => perIp.take(ctx.ip, ctx);

${ROUTE}`,
  redis: `import { rateLimit, redisStore, type Ctx, type Dep } from 'covet';

const perIp = rateLimit({ name: 'ip', limit: 10, windowSec: 60, store: redisStore(process.env.REDIS_URL) });
export const limited = (ctx: Ctx) => perIp.take(ctx.ip, ctx);

${ROUTE}`,
};

async function bundle(source: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-ratelimit-bundle-'));
  writeFileSync(path.join(dir, 'app.ts'), source);
  const result = await build({ appDir: dir, outDir: path.join(dir, 'dist'), engine: 'node' });
  assert.ok(result.ok, result.diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  return readFileSync(path.join(dir, 'dist', 'app.mjs'), 'utf8');
}

const RLF = /node_modules\/rate-limiter-flexible\//;
const REDIS = /node_modules\/(redis|@redis\/[a-z-]+)\//;
const kb = (s: string) => `${Math.round(Buffer.byteLength(s) / 1024)} KB`;

test('no limiter: no byte of rate-limiter-flexible or node-redis, and none of ratelimit.ts', async () => {
  const code = await bundle(APPS.none);
  assert.not.match(code, RLF);
  assert.not.match(code, REDIS);
  assert.not.match(code, /runtime-min\/ratelimit\.ts/);
  console.log(`    no limiter: app.mjs ${kb(code)}`);
});

test("memory limiters only: rate-limiter-flexible's memory store (two of its files' worth), no node-redis", async () => {
  const code = await bundle(APPS.memory);
  assert.match(code, /node_modules\/rate-limiter-flexible\/lib\/RateLimiterMemory\.js/);
  assert.not.match(code, /node_modules\/rate-limiter-flexible\/index\.js/, 'not its index, which loads every store');
  assert.not.match(code, /RateLimiterMongo/);
  assert.not.match(code, REDIS);
  console.log(`    memory: app.mjs ${kb(code)}`);
});

test('redisStore: node-redis and the Redis store come in', async () => {
  const code = await bundle(APPS.redis);
  assert.match(code, /node_modules\/rate-limiter-flexible\/lib\/RateLimiterRedis\.js/);
  assert.match(code, REDIS);
  console.log(`    Redis: app.mjs ${kb(code)}`);
});

test.run();
