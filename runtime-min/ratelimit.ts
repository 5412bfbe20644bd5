/**
 * Rate limits: `rateLimit(options)` makes a limiter, which the app applies where it wants with
 * `limiter.take(key, ctx)` from a provider or an `@onRequest` hook (per route, module or app; keyed
 * by the client's address, an API key, or any provider's result).
 *
 * The counting is rate-limiter-flexible's: `RateLimiterMemory` (this process) or `RateLimiterRedis`
 * on node-redis (`redisStore(url)`: every process and machine on that Redis shares the limit). Its
 * algorithm is a fixed window per key: the key's first request opens a window of `windowSec`
 * seconds, at most `limit` requests of that key are let through in it, and the next request after
 * it opens a new one. The answers say so in the IETF fields (draft-ietf-httpapi-ratelimit-headers):
 * `RateLimit-Policy: "name";q=<limit>;w=<windowSec>` and `RateLimit: "name";r=<left>;t=<seconds
 * until the window ends>` on success, and the same with `Retry-After` on the 429.
 *
 * Both libraries are loaded on first use with `import()`: an app that makes no limiter bundles
 * neither, and one that makes only memory limiters bundles no byte of redis (530 KB minified).
 */
/// <reference path="./rate-limiter-flexible.d.ts" />
import { createHash } from 'node:crypto';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { createClient, RedisClientType } from 'redis';
import type RateLimiterRedis from 'rate-limiter-flexible/lib/RateLimiterRedis.js';
import { HttpError, type Ctx } from './api.ts';
import { closeAtShutdown } from './closeables.ts';
import { say } from './log.ts';

export interface RateLimitOptions {
  /**
   * The policy's name, in the `RateLimit-Policy` and `RateLimit` headers and in Redis keys
   * (`covet:rl:<name>:<key>`): one name per limiter in an app. Letters, digits, `_ . - : /`; default
   * `'default'`.
   */
  name?: string;
  /** Requests let through per key and window (a positive integer). */
  limit: number;
  /** The window, in whole seconds (a positive integer). */
  windowSec: number;
  /** Where the counts live: this process's memory (the default), or `redisStore(url)` to share them. */
  store?: RedisStore;
  /**
   * What a request gets when the store cannot answer (Redis down, or slower than its `timeoutMs`):
   * `'deny'` (the default) answers 503 with `Retry-After: 1`; `'allow'` lets it through, unlimited
   * and without RateLimit headers. Either way the first failure of an outage is logged, once, and
   * its end too. Memory never fails.
   */
  onStoreError?: 'allow' | 'deny';
}

export interface RedisStoreOptions {
  /** Milliseconds a Redis command may take before the request is answered as `onStoreError` says. Default 250. */
  timeoutMs?: number;
  /** Milliseconds the first requests wait for the first connection (made on first use). Default 1000. */
  connectTimeoutMs?: number;
}

/** A limiter: `take` one request of `key`. */
export interface RateLimiter {
  readonly name: string;
  readonly limit: number;
  readonly windowSec: number;
  /**
   * Counts one request of `key`. Under the limit it resolves and sets the `RateLimit-Policy` and
   * `RateLimit` headers of the success answer on `ctx`; over it, it rejects with an `HttpError(429)`
   * carrying `Retry-After` and the same two headers. A store failure: see `onStoreError`.
   */
  take(key: string, ctx: Ctx): Promise<void>;
}

const NAME = /^[A-Za-z0-9_.:/-]{1,64}$/;
/** Keys longer than this are counted under their SHA-256 instead (a 8 KB API key is not kept 8 KB long per window). */
const LONGEST_KEY = 128;
/** `Retry-After` of a 503 answered because the store failed. */
const STORE_RETRY_SEC = '1';

const names = new Set<string>();
/** Limiters made in this process: while there is one, no request can meet two, and the header lists need no bookkeeping. */
let made = 0;
/** The `[policies, limits]` a request's answer carries so far, when an app has several limiters. */
const applied = new WeakMap<Ctx, [string, string]>();

/**
 * Makes a limiter. Call it once, at the top level of a module, and apply it in a hook or provider:
 *
 * ```ts
 * const perIp = rateLimit({ name: 'ip', limit: 100, windowSec: 60 });
 * /** @onRequest app *\/
 * export const limitByIp = (ctx: Ctx) => perIp.take(ctx.ip, ctx);
 * ```
 */
export function rateLimit(options: RateLimitOptions): RateLimiter {
  const o = options as Partial<RateLimitOptions> | undefined;
  if (o === null || typeof o !== 'object') throw new TypeError('covet: rateLimit takes { limit, windowSec, name?, store?, onStoreError? }');
  const name = o.name ?? 'default';
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TypeError(`covet: rateLimit: name must be 1 to 64 letters, digits or _ . - : /, got ${JSON.stringify(name)}`);
  }
  if (!isPositiveInt(o.limit)) throw new TypeError(`covet: rateLimit "${name}": limit must be a positive integer (requests per window), got ${String(o.limit)}`);
  if (!isPositiveInt(o.windowSec)) throw new TypeError(`covet: rateLimit "${name}": windowSec must be a positive integer (seconds), got ${String(o.windowSec)}`);
  if (o.store !== undefined && !(o.store instanceof RedisStore)) throw new TypeError(`covet: rateLimit "${name}": store must be redisStore(url), or left out for memory`);
  const onStoreError = o.onStoreError ?? 'deny';
  if (onStoreError !== 'allow' && onStoreError !== 'deny') throw new TypeError(`covet: rateLimit "${name}": onStoreError must be 'allow' or 'deny', got ${JSON.stringify(onStoreError)}`);
  if (names.has(name)) throw new TypeError(`covet: rateLimit: two limiters are named "${name}": give each its own name (it names the policy in the headers, and its Redis keys)`);
  names.add(name);
  made++;
  return new Limiter(name, o.limit, o.windowSec, o.store ?? null, onStoreError);
}

/**
 * A Redis store for `rateLimit({ store })`: one node-redis client for every limiter given it,
 * connected on the first request that needs it (not at import), reconnecting on its own, and closed
 * when the server stops. `url` is `redis://[user:password@]host:port[/db]` or `rediss://…`.
 */
export function redisStore(url: string | undefined, options: RedisStoreOptions = {}): RedisStore {
  if (typeof url !== 'string' || url === '') throw new TypeError('covet: redisStore needs the URL of a Redis server, e.g. redis://localhost:6379 (is the environment variable set?)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('covet: redisStore: the URL is not a URL; give redis://host:port');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new TypeError(`covet: redisStore: the URL must start with redis:// or rediss://, not ${parsed.protocol}//`);
  const timeoutMs = options.timeoutMs ?? 250;
  const connectTimeoutMs = options.connectTimeoutMs ?? 1000;
  if (!isPositiveInt(timeoutMs)) throw new TypeError(`covet: redisStore: timeoutMs must be a positive integer, got ${String(timeoutMs)}`);
  if (!isPositiveInt(connectTimeoutMs)) throw new TypeError(`covet: redisStore: connectTimeoutMs must be a positive integer, got ${String(connectTimeoutMs)}`);
  if (parsed.password !== '') parsed.password = '***';
  // The two imports are here, not in RedisStore, which rateLimit refers to: an app that never
  // calls redisStore then bundles neither.
  const load = () => Promise.all([import('redis'), import('rate-limiter-flexible/lib/RateLimiterRedis.js')]).then(([redis, store]) => ({ createClient: redis.createClient, RateLimiterRedis: store.default }));
  return new RedisStore(url, parsed.toString(), timeoutMs, connectTimeoutMs, load);
}

function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

type Client = RedisClientType;

interface RedisModules {
  createClient: typeof createClient;
  RateLimiterRedis: typeof RateLimiterRedis;
}

/** What `redisStore` returns; opaque to apps. */
export class RedisStore {
  private opened: Promise<Client> | null = null;

  /** @internal */
  constructor(
    private readonly url: string,
    /** The URL without its password, for logs. */
    readonly shown: string,
    readonly timeoutMs: number,
    private readonly connectTimeoutMs: number,
    private readonly load: () => Promise<RedisModules>,
  ) {}

  /**
   * @internal `command`, or a rejection once it has taken `timeoutMs`. node-redis's own command
   * timeout only covers a command that waits to be written: one written to a Redis that stopped
   * answering would wait for the socket to fail, seconds or minutes later.
   */
  bounded<T>(command: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      command.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /** @internal A counter for a limiter, on this store's client (made and connected on first use). */
  async counter(options: { points: number; duration: number; keyPrefix: string }): Promise<RateLimiterAbstract> {
    const [{ RateLimiterRedis }, client] = await Promise.all([this.load(), (this.opened ??= this.open())]);
    return new RateLimiterRedis({ storeClient: client, useRedisPackage: true, rejectIfRedisNotReady: true, ...options });
  }

  private async open(): Promise<Client> {
    const { createClient } = await this.load();
    const client: Client = createClient({
      url: this.url,
      // A command while disconnected fails at once instead of queueing until Redis is back; one
      // that cannot be written within timeoutMs fails then (bounded() covers the wait for its answer).
      disableOfflineQueue: true,
      commandOptions: { timeout: this.timeoutMs },
      socket: { connectTimeout: this.connectTimeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) },
    });
    // The failures that matter reach take(), which logs them once per outage; node-redis also
    // emits each one here, and an 'error' without a listener would end the process.
    client.on('error', () => {});
    closeAtShutdown(`the rate limits' Redis client (${this.shown})`, () => (client.isReady ? client.close() : client.destroy()));
    const connected = client.connect().then(
      () => undefined,
      () => undefined,
    );
    // The first requests wait for the first connection, up to connectTimeoutMs; after that a
    // request meets whatever state the client is in.
    await Promise.race([connected, new Promise((resolve) => setTimeout(resolve, this.connectTimeoutMs).unref())]);
    return client;
  }
}

class Limiter implements RateLimiter {
  private counter: RateLimiterAbstract | null = null;
  private loading: Promise<RateLimiterAbstract> | null = null;
  /** `"name";q=limit;w=windowSec`: the same on every answer. */
  private readonly policy: string;
  /** The store failed and has not answered since: its failure was logged. */
  private down = false;

  constructor(
    readonly name: string,
    readonly limit: number,
    readonly windowSec: number,
    private readonly store: RedisStore | null,
    private readonly onStoreError: 'allow' | 'deny',
  ) {
    this.policy = `"${name}";q=${limit};w=${windowSec}`;
  }

  async take(key: string, ctx: Ctx): Promise<void> {
    const counter = this.counter ?? (await (this.loading ??= this.load()));
    let res: RateLimiterRes;
    try {
      const counted = counter.consume(key.length <= LONGEST_KEY ? key : digest(key));
      res = await (this.store === null ? counted : this.store.bounded(counted));
    } catch (err) {
      return this.refuse(err);
    }
    if (this.down) this.recovered();
    this.advertise(ctx, `"${this.name}";r=${res.remainingPoints};t=${seconds(res.msBeforeNext, 0)}`);
  }

  private async load(): Promise<RateLimiterAbstract> {
    if (this.store === null) {
      const { default: RateLimiterMemory } = await import('rate-limiter-flexible/lib/RateLimiterMemory.js');
      this.counter = new RateLimiterMemory({ points: this.limit, duration: this.windowSec, keyPrefix: '' });
    } else {
      this.counter = await this.store.counter({ points: this.limit, duration: this.windowSec, keyPrefix: `covet:rl:${this.name}` });
    }
    return this.counter;
  }

  /** Sets the two headers on the success answer; with several limiters in the app, as lists (one item per limiter the request met). */
  private advertise(ctx: Ctx, limit: string): void {
    if (made === 1) {
      ctx.setHeader('ratelimit-policy', this.policy);
      ctx.setHeader('ratelimit', limit);
      return;
    }
    const seen = applied.get(ctx);
    const both: [string, string] = seen === undefined ? [this.policy, limit] : [`${seen[0]}, ${this.policy}`, `${seen[1]}, ${limit}`];
    applied.set(ctx, both);
    ctx.setHeader('ratelimit-policy', both[0]);
    ctx.setHeader('ratelimit', both[1]);
  }

  /** A consume that did not let the request through: over the limit (429), or the store failed (as onStoreError says). */
  private refuse(err: unknown): void {
    if (!(err instanceof Error) && err !== null && typeof err === 'object' && typeof (err as RateLimiterRes).msBeforeNext === 'number') {
      const wait = seconds((err as RateLimiterRes).msBeforeNext, 1);
      throw new HttpError(429, `rate limit exceeded: ${this.limit} requests per ${this.windowSec} s (policy ${this.name}); retry in ${wait} s`, {
        headers: { 'retry-after': String(wait), 'ratelimit-policy': this.policy, ratelimit: `"${this.name}";r=0;t=${wait}` },
      });
    }
    if (!this.down) {
      this.down = true;
      const what = this.onStoreError === 'allow' ? 'requests pass unlimited' : 'requests are answered 503';
      say('warn', `covet: rate limit "${this.name}": its Redis store (${this.store?.shown}) failed: ${describe(err)}; ${what} (onStoreError: '${this.onStoreError}') until it answers again`);
    }
    if (this.onStoreError === 'allow') return;
    throw new HttpError(503, `rate limit unavailable: its store does not answer (policy ${this.name}); retry in ${STORE_RETRY_SEC} s`, { headers: { 'retry-after': STORE_RETRY_SEC } });
  }

  private recovered(): void {
    this.down = false;
    say('warn', `covet: rate limit "${this.name}": its Redis store (${this.store?.shown}) answers again; limiting as before`);
  }
}

/** Whole seconds from milliseconds, rounded up (a client that waits that long finds the window over), at least `least`. */
function seconds(ms: number, least: number): number {
  return Math.max(least, Math.ceil(ms / 1000));
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
