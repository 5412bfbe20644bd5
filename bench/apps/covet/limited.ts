/**
 * The bench's rate-limit scenarios: one route four ways, the same answer (`{"message":"Hello,
 * World!"}`), keyed by the client's address with a limit the load never reaches, so that every
 * request is counted and let through:
 *   limited-memory  rateLimit() in memory (rate-limiter-flexible's RateLimiterMemory)
 *   limited-redis   rateLimit() on redisStore (RateLimiterRedis on node-redis; BENCH_REDIS_URL,
 *                   the redis-server the bench starts)
 *   limited-hand    a hand-written fixed window with the same headers: what the library costs
 *                   beyond the least that does the same job
 *   limited-plain   the route without a limit
 */
import { HttpError, rateLimit, redisStore, type Ctx, type Dep } from 'covet';
import type { Message } from './hello.ts';

const LIMIT = 1_000_000_000;
const WINDOW_SEC = 60;

const memory = rateLimit({ name: 'memory', limit: LIMIT, windowSec: WINDOW_SEC });
const redis = rateLimit({ name: 'redis', limit: LIMIT, windowSec: WINDOW_SEC, store: redisStore(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379') });

export const limitMemory = (ctx: Ctx) => memory.take(ctx.ip, ctx);
export const limitRedis = (ctx: Ctx) => redis.take(ctx.ip, ctx);

/** A fixed window per key, by hand: the count and the window's end. */
interface Window {
  count: number;
  endsAt: number;
}
const windows = new Map<string, Window>();
const POLICY = `"hand";q=${LIMIT};w=${WINDOW_SEC}`;

/** The hand-written limiter: sync, one Map entry per key, stale windows replaced on the key's next request. */
export function limitHand(ctx: Ctx): void {
  const now = Date.now();
  let w = windows.get(ctx.ip);
  if (w === undefined || w.endsAt <= now) {
    w = { count: 0, endsAt: now + WINDOW_SEC * 1000 };
    windows.set(ctx.ip, w);
  }
  const t = Math.ceil((w.endsAt - now) / 1000);
  if (++w.count > LIMIT) {
    throw new HttpError(429, 'rate limit exceeded', { headers: { 'retry-after': String(t), 'ratelimit-policy': POLICY, ratelimit: `"hand";r=0;t=${t}` } });
  }
  ctx.setHeader('ratelimit-policy', POLICY);
  ctx.setHeader('ratelimit', `"hand";r=${LIMIT - w.count};t=${t}`);
}

const hello = (): Message => ({ message: 'Hello, World!' });

/** @route GET /limited/memory */
export function limitedMemory(_limit: Dep<typeof limitMemory>): Message {
  return hello();
}

/** @route GET /limited/redis */
export function limitedRedis(_limit: Dep<typeof limitRedis>): Message {
  return hello();
}

/** @route GET /limited/hand */
export function limitedHand(_limit: Dep<typeof limitHand>): Message {
  return hello();
}

/** @route GET /limited/plain */
export function limitedPlain(): Message {
  return hello();
}
