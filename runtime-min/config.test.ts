/**
 * covet.config.ts's table (config.ts): what defineConfig's type refuses, what checkConfig
 * refuses at build time, the start options the build embeds, and how the server's command line
 * reads them (embedded config < environment < flag).
 */
import os from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineConfig } from './api.ts';
import { checkConfig, OPTIONS, startConfig, type CovetConfig } from './config.ts';
import { DEFAULT_MAX_BODY_SIZE, parseCommandLine } from './cli.ts';
import { DEFAULT_BACKGROUND_MS, DEFAULT_GRACE_MS, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_BODY_MEMORY, DEFAULT_SEND_TIMEOUT_MS, KEEP_ALIVE_MS, MAX_HEAD_BYTES } from './engine.ts';

test("defineConfig's type: a wrong key or value is a TypeScript error (checked by npx tsc)", () => {
  const ok = defineConfig({ server: { port: 8080, workers: 'auto' }, engine: 'node', limits: { maxHeaderSize: 8192 }, docs: { enabled: false } });
  // @ts-expect-error: not an option
  defineConfig({ limits: { maxBodySise: 1 } });
  // @ts-expect-error: not an engine
  defineConfig({ engine: 'uws' });
  // @ts-expect-error: workers is a number or 'auto'
  defineConfig({ server: { workers: 'all' } });
  assert.equal(ok.server, { port: 8080, workers: 'auto' });
});

test('every option has a default and a description; every start option an environment variable and a flag', () => {
  for (const o of OPTIONS) {
    assert.ok(o.default !== '' && o.description !== '', o.path);
    if (o.when === 'start') assert.ok(o.key && o.env && o.flag, o.path);
  }
  assert.is(new Set(OPTIONS.map((o) => o.env).filter(Boolean)).size, OPTIONS.filter((o) => o.env).length, 'no variable twice');
});

test("the table's defaults are the ones the server uses (its text begins with the number)", () => {
  const defaults: Record<string, number> = {
    'server.port': 3000,
    'limits.maxBodySize': DEFAULT_MAX_BODY_SIZE,
    'limits.maxBodyMemory': DEFAULT_MAX_BODY_MEMORY,
    'limits.maxHeaderSize': MAX_HEAD_BYTES,
    'limits.headersTimeoutMs': DEFAULT_HEADERS_TIMEOUT_MS,
    'limits.sendTimeoutMs': DEFAULT_SEND_TIMEOUT_MS,
    'limits.keepAliveTimeoutMs': KEEP_ALIVE_MS,
    'shutdown.graceMs': DEFAULT_GRACE_MS,
    'shutdown.backgroundMs': DEFAULT_BACKGROUND_MS,
  };
  for (const [path, value] of Object.entries(defaults)) {
    const o = OPTIONS.find((x) => x.path === path);
    assert.ok(o, path);
    assert.is(Number(/^[0-9]+/.exec(o!.default)?.[0]), value, path);
  }
});

test('checkConfig: a valid config has no problems; each wrong value and unknown key is named', () => {
  assert.equal(checkConfig({}), []);
  assert.equal(checkConfig({ server: { port: 0, host: '::', workers: 4 }, engine: 'native', limits: { maxBodySize: 0, maxBodyMemory: 10 }, shutdown: { graceMs: 1 } }), []);
  const problems = checkConfig({ server: { port: 70000 }, engin: 'node', limits: { maxBodySize: 2048, maxBodyMemory: 1024 }, docs: true }, (name) => (name === 'engin' ? 'engine' : undefined));
  assert.equal(problems.map((p) => `${p.path} ${p.problem}${p.suggestion ? ` (${p.suggestion}?)` : ''}`), [
    'server.port must be an integer from 0 to 65535',
    'engin is not an option (engine?)',
    'docs must be an object',
    'limits.maxBodyMemory must be at least limits.maxBodySize (2048)',
  ]);
  assert.equal(checkConfig(3).map((p) => p.problem), ['must be an object']);
});

test('checkConfig: cors and securityHeaders take arrays, a RegExp, a function, false, and refuse the rest by name', () => {
  const ok: CovetConfig[] = [
    { cors: { origins: '*' } },
    { cors: { origins: ['https://a.example.com'], methods: ['GET', 'PATCH'], allowHeaders: ['x-api-key'], exposeHeaders: [], credentials: true, maxAgeSec: 0 } },
    { cors: { origins: /^https:\/\/a\.example\.com$/ } },
    { cors: { origins: (o) => o.length > 0 } },
    { securityHeaders: false },
    { securityHeaders: { hsts: { maxAgeSec: 600 }, frameOptions: false, referrerPolicy: 'same-origin', crossOriginResourcePolicy: 'cross-origin', contentSecurityPolicy: "default-src 'self'", noSniff: false } },
  ];
  for (const c of ok) assert.equal(checkConfig(c), [], JSON.stringify(c));
  const bad = checkConfig({
    cors: { origins: [], methods: ['GET POST'], allowHeaders: 'x-api-key', maxAgeSec: 100000 },
    securityHeaders: { hsts: { maxAgeSec: 1, subdomains: true }, frameOptions: 'ALLOW-FROM x', referrerPolicy: 'a\r\nb', noSniff: 'yes' },
  });
  assert.equal(bad.map((p) => `${p.path} ${p.problem}`), [
    "cors.origins must be '*', a list of origins such as ['https://app.example.com'], a RegExp, or a function (origin) => boolean",
    "cors.methods must be a list of methods such as ['GET', 'POST']",
    "cors.allowHeaders must be a list of header names such as ['x-request-id']",
    'cors.maxAgeSec must be a number of seconds from 0 to 86400',
    'securityHeaders.hsts must be false or { maxAgeSec, includeSubDomains?, preload? }',
    "securityHeaders.frameOptions must be 'DENY' or 'SAMEORIGIN', or false",
    'securityHeaders.referrerPolicy must be a header value, or false',
    'securityHeaders.noSniff must be true or false',
  ]);
  assert.equal(checkConfig({ securityHeaders: true }).map((p) => `${p.path} ${p.problem}`), ['securityHeaders must be an object or false']);
  assert.equal(checkConfig({ cors: false }).map((p) => `${p.path} ${p.problem}`), ['cors must be an object']);
});

test('startConfig: the start options by their command-line field, nothing for what is not set or build-time', () => {
  const config: CovetConfig = { server: { workers: 'auto' }, engine: 'node', limits: { maxHeaderSize: 4096 }, shutdown: { graceMs: 500 }, docs: { enabled: false } };
  assert.equal(startConfig(config), { workers: 'auto', maxHeaderSize: 4096, graceMs: 500 });
  assert.equal(startConfig({}), {});
});

test('the command line over the embedded config: the environment wins over it, a flag over both', () => {
  const config = startConfig({ server: { port: 8080, host: '127.0.0.1', workers: 'auto' }, limits: { maxBodySize: 2048, maxHeaderSize: 4096 }, shutdown: { graceMs: 500 } });
  const plain = parseCommandLine([], {}, config);
  assert.equal(plain, {
    host: '127.0.0.1', port: 8080, maxBodySize: 2048, maxBodyMemory: undefined, headersTimeoutMs: undefined, sendTimeoutMs: undefined,
    workers: os.availableParallelism(), maxHeaderSize: 4096, keepAliveTimeoutMs: undefined, graceMs: 500, backgroundMs: undefined, readinessDelayMs: undefined,
  });
  const env = { PORT: '9000', COVET_MAX_HEADER_SIZE: '8192', COVET_WORKERS: '1', COVET_SHUTDOWN_GRACE_MS: '' };
  const over = parseCommandLine(['--max-header-size', '16384'], env, config);
  assert.equal([over.port, over.maxHeaderSize, over.workers, over.graceMs], [9000, 16384, 1, 500]);
});

test.run();
