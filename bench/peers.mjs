// The contract between the benchmark runner (bench/run.mjs), the correctness
// check (bench/check.mjs) and the peer servers (bench/peers/<id>/…):
//
//   SCENARIOS   the workload, identical for every peer (issue 3, "The workload")
//   NEGATIVES   the requests that must be refused (the check sends them, the runner doesn't time them)
//   PEERS       every server Covet is compared with; each one process, single-threaded,
//               listening on 127.0.0.1:port
//   prepareDatabase(path), ensurePostgres(), waitForPort(port, timeoutMs), freePort()
//
// Plain ESM JavaScript so that the runner can import it without tsx.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ES256_TOKEN, HS256_TOKEN, JWT_ENV } from './lib/jwt.mjs';
import { CATALOG, orderBody, orderSummary } from './peers/catalog.mjs';
import { startPostgres } from '../test/testing/postgres.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const BENCH_DIR = path.join(ROOT, 'bench');
/** Build outputs, generated configs, the shim, the database: all ignored by git. */
export const BUILD_DIR = path.join(BENCH_DIR, '.build');
export const DEFAULT_DB_PATH = path.join(BUILD_DIR, 'world.db');
/** Rows in the World table (TechEmpower). */
export const WORLD_ROWS = 10_000;
/** Connections in each peer's PostgreSQL pool (BENCH_PG_POOL): the same for every peer. */
export const PG_POOL = 16;

const require = createRequire(import.meta.url);
const NODE = process.execPath;
const BUN = path.join(ROOT, 'node_modules/@oven/bun-linux-x64/bin/bun');
const SYSTEM_PYTHON = '/usr/bin/python3';
const NGINX = '/usr/sbin/nginx';
const NATIVE_ADDON = path.join(ROOT, 'runtime-min/native/build/Release/covet_runtime.node');

// ---------------------------------------------------------------- the workload

/** The valid POST body: 7 fields, in this order; every peer echoes them in this order. */
export const POST_BODY = {
  name: 'Ada Lovelace', // string, 1..50 characters
  email: 'ada@example.com', // email
  age: 36, // integer, 0..150
  active: true, // boolean
  role: 'admin', // 'admin' | 'editor' | 'viewer'
  tags: ['math', 'engines'], // string[]
  address: { city: 'London', zip: 'W1J 7NT' }, // nested object with 2 string fields
};

/**
 * The POST answer: `id` first (a fixed 1 so that bodies compare byte-equal; no
 * peer stores anything), the 7 fields as received, then `notify` (the query
 * parameter, coerced to a boolean) and `client` (the `x-client` header).
 */
export const POST_ANSWER = { id: 1, ...POST_BODY, notify: true, client: 'bench' };

const JSON_TYPE = /^application\/json/;

/** The valid body of `post-10k` (bench/peers/catalog.mjs), and one of its lines spoilt for a negative. */
const ORDER_BODY = orderBody();
const spoilLine = (i, change) => JSON.stringify({ ...ORDER_BODY, lines: ORDER_BODY.lines.map((l, k) => (k === i ? { ...l, ...change } : l)) });
const TEXT_TYPE = /^text\/plain/;

/**
 * Each scenario: the request, and what a correct answer is.
 * `expect.body` is the exact body (string); `expect.shape(value)` (for /db)
 * returns null when a parsed body is right, or what is wrong.
 * `pipeline` (pipelined plaintext) is the number of requests per write.
 */
export const SCENARIOS = [
  {
    id: 'plaintext',
    method: 'GET',
    path: '/plaintext',
    expect: { status: 200, contentType: TEXT_TYPE, body: 'Hello, World!' },
  },
  {
    id: 'json',
    method: 'GET',
    path: '/json',
    expect: { status: 200, contentType: JSON_TYPE, body: '{"message":"Hello, World!"}' },
  },
  {
    id: 'path-query',
    method: 'GET',
    path: '/users/42?fields=name',
    // id from the path (an integer), name derived from it, fields from the query
    expect: { status: 200, contentType: JSON_TYPE, body: '{"id":42,"name":"User 42","fields":"name"}' },
  },
  {
    id: 'post',
    method: 'POST',
    path: '/users?notify=true',
    headers: { 'content-type': 'application/json', 'x-client': 'bench' },
    body: JSON.stringify(POST_BODY),
    expect: { status: 201, contentType: JSON_TYPE, body: JSON.stringify(POST_ANSWER) },
  },
  {
    id: 'db',
    method: 'GET',
    path: '/db',
    expect: { status: 200, contentType: JSON_TYPE, shape: worldShape, keys: ['id', 'randomNumber'] },
  },
  // The same query on PostgreSQL (issue 14): one World row by a random id, through each peer's
  // pool of PG_POOL connections, on the one PostgreSQL the bench starts (ensurePostgres).
  // `sequential`: the check's second request on a connection waits for the first answer, as wrk's
  // do. uWebSockets.js (and Bun, on uSockets) close a connection that pipelines requests to a route
  // answered asynchronously (uNetworking/uWebSockets.js#277, wontfix), which every route that
  // awaits a database is; that is not what this scenario measures.
  {
    id: 'db-postgres',
    sequential: true,
    method: 'GET',
    path: '/db-postgres',
    expect: { status: 200, contentType: JSON_TYPE, shape: worldShape, keys: ['id', 'randomNumber'] },
  },
  {
    id: 'pipelined',
    method: 'GET',
    path: '/plaintext',
    pipeline: 16,
    expect: { status: 200, contentType: TEXT_TYPE, body: 'Hello, World!' },
  },
  // Larger bodies (issue 15), the data of bench/peers/catalog.mjs. `list-100`: a JSON array of 100
  // catalog items (about 23 kB: ids, strings, a number, a boolean, a nested object, a string array,
  // a nullable field), built once at start and serialized per request through each peer's typed
  // path (Covet's return type, Fastify's response schema, FastAPI's response_model,
  // JSON.stringify by hand). `post-10k`: an order of 50 lines (about 10 kB) validated in full
  // (bench/peers/validate-order.mjs states the rules), answered with a summary.
  {
    id: 'list-100',
    method: 'GET',
    path: '/items',
    expect: { status: 200, contentType: JSON_TYPE, body: JSON.stringify(CATALOG) },
  },
  {
    id: 'post-10k',
    method: 'POST',
    path: '/orders',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ORDER_BODY),
    expect: { status: 201, contentType: JSON_TYPE, body: JSON.stringify(orderSummary(ORDER_BODY)) },
  },
  // Covet's own (issue 12): the cost of a provider and an onResponse hook. `authed` reads the
  // caller from the authorization header through a provider (`Dep<typeof caller>`) and runs one
  // onResponse hook; `authed-plain` is the same route without them (the handler reads the header).
  {
    id: 'authed',
    covetOnly: true,
    method: 'GET',
    path: '/me',
    headers: { authorization: 'Bearer bench' },
    expect: { status: 200, contentType: JSON_TYPE, body: '{"message":"Hello, bench!"}' },
  },
  {
    id: 'authed-plain',
    covetOnly: true,
    method: 'GET',
    path: '/me-plain',
    headers: { authorization: 'Bearer bench' },
    expect: { status: 200, contentType: JSON_TYPE, body: '{"message":"Hello, bench!"}' },
  },
  // Issue 13: a JWT-protected GET (a provider verifies the bearer token: Covet's jwtVerifier,
  // Fastify's @fastify/jwt) with an HS256 and an ES256 token, and the same answer without auth.
  // The same token on every request, as a client reuses its token (bench/lib/jwt.mjs).
  {
    id: 'jwt-hs256',
    jwt: true,
    method: 'GET',
    path: '/jwt/hs256',
    headers: { authorization: `Bearer ${HS256_TOKEN}` },
    expect: { status: 200, contentType: JSON_TYPE, body: '{"message":"Hello, bench!"}' },
  },
  {
    id: 'jwt-es256',
    jwt: true,
    method: 'GET',
    path: '/jwt/es256',
    headers: { authorization: `Bearer ${ES256_TOKEN}` },
    expect: { status: 200, contentType: JSON_TYPE, body: '{"message":"Hello, bench!"}' },
  },
  {
    id: 'jwt-none',
    jwt: true,
    method: 'GET',
    path: '/jwt/none',
    expect: { status: 200, contentType: JSON_TYPE, body: '{"message":"Hello, bench!"}' },
  },
  // Covet's own (issue 13): the cost of a rate limit (bench/apps/covet/limited.ts). One route four
  // ways, keyed by the client's address with a limit the load never reaches: rateLimit() in
  // memory, on Redis (the redis-server covet peers start in prepare()), a hand-written fixed
  // window setting the same headers, and no limit.
  ...['memory', 'redis', 'hand', 'plain'].map((how) => ({
    id: `limited-${how}`,
    covetOnly: true,
    method: 'GET',
    path: `/limited/${how}`,
    expect: { status: 200, contentType: JSON_TYPE, body: '{"message":"Hello, World!"}' },
  })),
  // Covet's own (issue 13): plaintext from a page of another origin, for the CORS cost
  // (covet-*-cors allows that origin; the others answer it as plaintext).
  {
    id: 'plaintext-origin',
    covetOnly: true,
    method: 'GET',
    path: '/plaintext',
    headers: { origin: 'https://app.example.com' },
    expect: { status: 200, contentType: TEXT_TYPE, body: 'Hello, World!' },
  },
];

/** null when `v` is one World row `{id: 1..10000, randomNumber: 1..10000}`, else what is wrong. */
export function worldShape(v) {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not an object';
  const keys = Object.keys(v).join(',');
  if (keys !== 'id,randomNumber') return `keys are ${keys}, want id,randomNumber`;
  if (!Number.isInteger(v.id) || v.id < 1 || v.id > WORLD_ROWS) return `id ${JSON.stringify(v.id)} not an integer in 1..${WORLD_ROWS}`;
  if (!Number.isInteger(v.randomNumber)) return `randomNumber ${JSON.stringify(v.randomNumber)} not an integer`;
  return null;
}

/**
 * Requests that must be refused. `expect.status` is a list of acceptable
 * statuses; the check records which one each peer answers (its idiomatic answer).
 * `scenario` is the scenario whose support the negative request depends on.
 */
/** HS256_TOKEN with its last signature character changed, and its claims under `alg: none`: tokens every JWT peer must refuse. */
const FORGED_HS256 = HS256_TOKEN.slice(0, -1) + (HS256_TOKEN.endsWith('A') ? 'B' : 'A');
const UNSECURED = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${HS256_TOKEN.split('.')[1]}.`;

export const NEGATIVES = [
  {
    id: 'jwt-forged',
    scenario: 'jwt-hs256',
    method: 'GET',
    path: '/jwt/hs256',
    headers: { authorization: `Bearer ${FORGED_HS256}` },
    expect: { status: [401] },
  },
  {
    id: 'jwt-alg-none',
    scenario: 'jwt-hs256',
    method: 'GET',
    path: '/jwt/hs256',
    headers: { authorization: `Bearer ${UNSECURED}` },
    expect: { status: [401] },
  },
  {
    id: 'jwt-es256-as-hs256',
    scenario: 'jwt-es256',
    method: 'GET',
    path: '/jwt/es256',
    headers: { authorization: `Bearer ${HS256_TOKEN}` },
    // @fastify/jwt 10 answers 500: fast-jwt's FAST_JWT_INVALID_ALGORITHM is not among the codes
    // it maps to 401 (index.js, wrapError). A refusal all the same; the check's table shows it.
    expect: { status: [401, 500] },
  },
  {
    id: 'path-not-int',
    scenario: 'path-query',
    method: 'GET',
    path: '/users/abc?fields=name',
    expect: { status: [400, 404, 422] },
  },
  {
    id: 'path-fraction',
    scenario: 'path-query',
    method: 'GET',
    path: '/users/4.5?fields=name',
    expect: { status: [400, 404, 422] },
  },
  {
    id: 'post-invalid',
    scenario: 'post',
    method: 'POST',
    path: '/users?notify=true',
    headers: { 'content-type': 'application/json', 'x-client': 'bench' },
    // too short a name, no email, age out of range, a string for the boolean,
    // an unknown role, a number in the tags, the address without zip
    body: JSON.stringify({ name: '', email: 'nope', age: 200, active: 'yes', role: 'root', tags: ['a', 1], address: { city: 'X' } }),
    expect: { status: [400, 422] },
  },
  {
    id: 'post-one-bad-field',
    scenario: 'post',
    method: 'POST',
    path: '/users?notify=true',
    headers: { 'content-type': 'application/json', 'x-client': 'bench' },
    body: JSON.stringify({ ...POST_BODY, email: 'ada-at-example.com' }),
    expect: { status: [400, 422] },
  },
  // post-10k: one rule broken deep in the body, each a different rule, so that a validator that
  // stops early or skips the lines is caught.
  ...[
    ['orders-quantity-zero', spoilLine(37, { quantity: 0 })],
    ['orders-quantity-fraction', spoilLine(12, { quantity: 1.5 })],
    ['orders-price-negative', spoilLine(49, { price: -0.01 })],
    ['orders-price-string', spoilLine(3, { price: '9.99' })],
    ['orders-sku-pattern', spoilLine(44, { sku: 'ab-12345' })],
    ['orders-note-long', spoilLine(20, { note: 'x'.repeat(201) })],
    ['orders-no-lines', JSON.stringify({ ...ORDER_BODY, lines: [] })],
    ['orders-currency', JSON.stringify({ ...ORDER_BODY, currency: 'JPY' })],
    ['orders-country', JSON.stringify({ ...ORDER_BODY, shipping: { ...ORDER_BODY.shipping, country: 'GBR' } })],
    ['orders-malformed', JSON.stringify(ORDER_BODY).slice(0, 5000)],
  ].map(([id, body]) => ({
    id,
    scenario: 'post-10k',
    method: 'POST',
    path: '/orders',
    headers: { 'content-type': 'application/json' },
    body,
    expect: { status: [400, 422] },
  })),
  {
    id: 'post-malformed',
    scenario: 'post',
    method: 'POST',
    path: '/users?notify=true',
    headers: { 'content-type': 'application/json', 'x-client': 'bench' },
    body: '{"name":',
    expect: { status: [400, 422] },
  },
];

// ---------------------------------------------------------------- helpers

/** Creates the SQLite file with World(id INTEGER PRIMARY KEY, randomNumber INTEGER), 10,000 rows. Idempotent. */
export async function prepareDatabase(dbPath = DEFAULT_DB_PATH) {
  const Database = require('better-sqlite3');
  if (existsSync(dbPath)) {
    try {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      const n = db.prepare('SELECT count(*) AS n FROM World').get().n;
      db.close();
      if (n === WORLD_ROWS) return dbPath;
    } catch {
      /* rebuilt below */
    }
  }
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const tmp = `${dbPath}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const db = new Database(tmp);
  db.exec('CREATE TABLE World (id INTEGER PRIMARY KEY, randomNumber INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO World (id, randomNumber) VALUES (?, ?)');
  db.transaction(() => {
    for (let id = 1; id <= WORLD_ROWS; id++) insert.run(id, 1 + Math.floor(Math.random() * WORLD_ROWS));
  })();
  db.close();
  renameSync(tmp, dbPath);
  return dbPath;
}

let benchPostgres = null;
/** What ensurePostgres found, once it has: `{ url }` or `{ url: undefined, why }`. */
let pgState = { url: undefined, why: 'not started (a peer\'s prepare() starts it)' };

/**
 * The PostgreSQL of the db-postgres scenario: started once per bench process with the tests'
 * harness (test/testing/postgres.mjs: initdb in a temporary folder, a free port, stopped and
 * removed when the process exits), with the World table (10,000 rows, `"randomNumber"` quoted so
 * that it keeps its case). It inherits the runner's CPU: the client core, beside wrk, so that the
 * server's core is the server's alone. `{ url: undefined, why }` when PostgreSQL is not installed
 * (the peers' /db-postgres then answers 500, and the check says so).
 */
export async function ensurePostgres() {
  if (benchPostgres !== null) return benchPostgres;
  benchPostgres = (async () => {
    let pg;
    try {
      pg = await startPostgres({ unref: true });
    } catch (e) {
      return (pgState = { url: undefined, why: e.message.split('\n')[0] });
    }
    await pg.psql(`CREATE TABLE world (id integer PRIMARY KEY, "randomNumber" integer NOT NULL);
      INSERT INTO world SELECT i, 1 + floor(random() * ${WORLD_ROWS})::int FROM generate_series(1, ${WORLD_ROWS}) AS i;
      VACUUM ANALYZE world;`);
    return (pgState = { url: pg.url });
  })();
  return benchPostgres;
}

/** The environment every peer with db-postgres gets (after its prepare()): the database's URL and the pool size. */
function pgEnv() {
  return pgState.url ? { BENCH_PG_URL: pgState.url, BENCH_PG_POOL: String(PG_POOL) } : {};
}

/** Both databases of the workload: the SQLite file and the PostgreSQL server. */
async function prepareDatabases(ctx = {}) {
  await prepareDatabase(ctx.dbPath ?? DEFAULT_DB_PATH);
  await ensurePostgres();
}

/** Resolves once 127.0.0.1:port accepts a TCP connection; rejects after timeoutMs. */
export async function waitForPort(port, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

const once = (fn) => {
  let p;
  return () => (p ??= fn());
};

/** The shared workload (every peer serves it); Covet also serves its own scenarios, and Covet and Fastify the JWT ones. */
const ALL = SCENARIOS.filter((s) => !s.covetOnly && !s.jwt).map((s) => s.id);
const JWT = SCENARIOS.filter((s) => s.jwt).map((s) => s.id);
const COVET_ALL = SCENARIOS.map((s) => s.id);
const peerDir = (id) => path.join(BENCH_DIR, 'peers', id);
const nodePeer = (id, file, extraEnv = {}) => ({ port, dbPath }) => ({
  cmd: NODE,
  args: [path.join(peerDir(id), file), '--port', String(port), '--host', '127.0.0.1'],
  env: { ...process.env, NODE_ENV: 'production', BENCH_DB: dbPath, ...pgEnv(), ...JWT_ENV, ...extraEnv },
  cwd: ROOT,
});

// ---------------------------------------------------------------- uWebSockets.js on glibc 2.36

/**
 * uWebSockets.js' Linux binary is linked against glibc 2.38 but needs only
 * three symbols that Debian 12's glibc 2.36 lacks. Two steps make it load:
 *  1. a shim library defines them as wrappers of the C99 functions (the C23
 *     variants only add `0b` prefixes and `%b`), loaded with LD_PRELOAD;
 *  2. a copy of the binary has its requirement of version GLIBC_2.38 marked
 *     weak (VER_FLG_WEAK in .gnu.version_r), so the loader no longer refuses
 *     it; the three references then bind to the shim's unversioned symbols.
 * The patched copy lives in bench/.build/uws/; node_modules is not touched.
 */
const UWS_SHIM_C = `#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
long __isoc23_strtol(const char *s, char **end, int base) { return strtol(s, end, base); }
unsigned long __isoc23_strtoul(const char *s, char **end, int base) { return strtoul(s, end, base); }
int __isoc23_sscanf(const char *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsscanf(s, fmt, ap);
  va_end(ap);
  return n;
}
`;
const UWS_DIR = path.join(BUILD_DIR, 'uws');
export const UWS_SHIM = path.join(UWS_DIR, 'libcovet-isoc23.so');
const UWS_ORIGINAL = path.join(ROOT, 'node_modules/@btc-vision/uwebsockets.js', `uws_linux_x64_${process.versions.modules}.node`);
/** The patched copy of the addon that bench/peers/uws/server.mjs loads (UWS_ADDON in its environment). */
export const UWS_ADDON = path.join(UWS_DIR, path.basename(UWS_ORIGINAL));

function buildUwsShim() {
  mkdirSync(UWS_DIR, { recursive: true });
  const src = path.join(UWS_DIR, 'isoc23.c');
  writeFileSync(src, UWS_SHIM_C);
  run('gcc', ['-O2', '-shared', '-fPIC', '-o', UWS_SHIM, src]);
}

/** Copies the addon with every `GLIBC_2.38` version requirement marked weak; returns how many were marked. */
function patchUwsAddon() {
  const elf = readFileSync(UWS_ORIGINAL);
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error('not a 64-bit little-endian ELF file');
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const section = (i) => {
    const o = shoff + i * shentsize;
    return { type: elf.readUInt32LE(o + 4), offset: Number(elf.readBigUInt64LE(o + 0x18)), link: elf.readUInt32LE(o + 0x28), info: elf.readUInt32LE(o + 0x2c) };
  };
  const cstr = (at) => elf.toString('latin1', at, elf.indexOf(0, at));
  let marked = 0;
  for (let i = 0; i < shnum; i++) {
    const verneed = section(i);
    if (verneed.type !== 0x6ffffffe) continue; // SHT_GNU_verneed
    const strtab = section(verneed.link).offset;
    let vn = verneed.offset;
    for (let n = 0; n < verneed.info; n++) {
      let aux = vn + elf.readUInt32LE(vn + 8);
      for (let k = 0, cnt = elf.readUInt16LE(vn + 2); k < cnt; k++) {
        if (cstr(strtab + elf.readUInt32LE(aux + 8)) === 'GLIBC_2.38') {
          elf.writeUInt16LE(elf.readUInt16LE(aux + 4) | 0x2, aux + 4); // VER_FLG_WEAK
          marked++;
        }
        aux += elf.readUInt32LE(aux + 12);
      }
      vn += elf.readUInt32LE(vn + 12);
    }
  }
  mkdirSync(UWS_DIR, { recursive: true });
  writeFileSync(`${UWS_ADDON}.tmp`, elf);
  renameSync(`${UWS_ADDON}.tmp`, UWS_ADDON);
  return marked;
}

function uwsEnv() {
  const pre = process.env.LD_PRELOAD ? `${UWS_SHIM}:${process.env.LD_PRELOAD}` : UWS_SHIM;
  return { ...process.env, LD_PRELOAD: pre, UWS_ADDON };
}

function prepareUws() {
  if (!existsSync(UWS_SHIM)) buildUwsShim();
  if (!existsSync(UWS_ADDON)) patchUwsAddon();
}

/** true when the uWS addon loads (as is, or patched with the shim), else the reason. */
const uwsLoads = once(async () => {
  if (!existsSync(UWS_ORIGINAL)) return `no uWebSockets.js binary for linux x64, Node ABI ${process.versions.modules}`;
  try {
    prepareUws();
  } catch (e) {
    return `the binary needs glibc 2.38 and the shim could not be made: ${e.message.split('\n')[0]}`;
  }
  const probe = spawnSync(NODE, ['-e', 'require(process.env.UWS_ADDON)'], { cwd: ROOT, encoding: 'utf8', env: uwsEnv() });
  if (probe.status === 0) return true;
  const why = (probe.stderr || '').split('\n').find((l) => /Error/.test(l)) ?? 'unknown error';
  return `does not load even with the glibc 2.38 shim: ${why.trim()}`;
});

// ---------------------------------------------------------------- Covet

const covetVersion = () => `covet ${JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}`;

const nativeEngineAccepted = once(async () => {
  if (!existsSync(NATIVE_ADDON)) return 'native engine not built yet';
  const help = spawnSync(NODE, [path.join(ROOT, 'bin/covet.mjs'), 'build', '--help'], { cwd: ROOT, encoding: 'utf8' });
  if (!/native/.test(help.stdout ?? '')) return 'native engine not built yet (covet build does not accept --engine native)';
  return true;
});

// ---------------------------------------------------------------- Redis, for limited-redis

let benchRedis = null;

/**
 * A redis-server for the covet peers' `limited-redis` route (BENCH_REDIS_URL): started once per
 * bench process, on a free port, nothing saved, killed when the process exits. Null when
 * redis-server is not installed (then that one route answers 503, and the check says so).
 */
async function ensureRedis() {
  if (benchRedis !== null) return benchRedis;
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return (benchRedis = { url: undefined });
  const port = await freePort();
  const dir = path.join(BUILD_DIR, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', ''], { stdio: 'ignore' });
  process.once('exit', () => child.kill('SIGKILL'));
  child.unref(); // the bench (or bench/check.test.ts) exits when its work is done; 'exit' then kills it
  await waitForPort(port, 10_000);
  return (benchRedis = { url: `redis://127.0.0.1:${port}` });
}

/**
 * Covet on one engine, with the bench app's defaults (the security headers on, no CORS) or with a
 * config of bench/apps/covet-configs/ (issue 13: `plain` has no security headers, the bytes of
 * before them; `cors` allows one origin, with credentials; `metrics` has Prometheus metrics on, issue 14), or, given `env`, the default build run
 * with that environment (`jwt-nocache`: BENCH_JWT_CACHE=0, jwtVerifier with cache: false).
 */
function covetPeer(engine, variant, env) {
  const id = variant ? `covet-${engine}-${variant}` : `covet-${engine}`;
  const out = path.join(BUILD_DIR, id);
  const config = variant && !env ? ['--config', path.join(BENCH_DIR, 'apps/covet-configs', `${variant}.config.ts`)] : [];
  return {
    id,
    label: `Covet (${engine} engine${variant ? `, ${variant}` : ''})`,
    // Run only when named in --only.
    ...(variant ? { variant: true } : {}),
    version: covetVersion,
    scenarios: COVET_ALL,
    available: engine === 'node' ? async () => true : nativeEngineAccepted,
    async prepare(ctx = {}) {
      await prepareDatabases(ctx);
      await ensureRedis();
      run(NODE, [path.join(ROOT, 'bin/covet.mjs'), 'build', path.join(BENCH_DIR, 'apps/covet'), '--out', out, '--engine', engine, ...config]);
    },
    command: ({ port, dbPath }) => ({
      cmd: NODE,
      args: [path.join(out, 'server.mjs'), '--port', String(port), '--host', '127.0.0.1'],
      env: { ...process.env, NODE_ENV: 'production', BENCH_DB: dbPath, ...pgEnv(), ...JWT_ENV, ...(benchRedis?.url ? { BENCH_REDIS_URL: benchRedis.url } : {}), ...env },
      cwd: ROOT,
    }),
  };
}

// ---------------------------------------------------------------- nginx

function nginxConfig(port, prefix) {
  const json = '{"message":"Hello, World!"}';
  return `# generated by bench/peers.mjs — one worker, plaintext and json only
worker_processes 1;
daemon off;
master_process off;
pid ${prefix}/nginx.pid;
error_log stderr error;
events { worker_connections 16384; multi_accept on; }
http {
  access_log off;
  server_tokens off;
  keepalive_requests 10000000;
  keepalive_timeout 65;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location = /plaintext { default_type "text/plain"; return 200 "Hello, World!"; }
    location = /json { default_type "application/json"; return 200 '${json}'; }
  }
}
`;
}

// ---------------------------------------------------------------- the peers

/**
 * Each peer:
 *   id, label                   stable id (CLI --only) and display name
 *   version()                   the version string to report (sync, after available())
 *   scenarios                   the scenario ids it serves; the others are "n/a"
 *   available()                 true, or the reason it is skipped (a string)
 *   prepare(ctx)                build steps; ctx = { dbPath } (optional); idempotent
 *   command({ port, dbPath })   { cmd, args, env, cwd }: ONE single-threaded process on 127.0.0.1:port
 *   notes                       what a reader of the results should know (optional)
 */
export const PEERS = [
  {
    id: 'node-http',
    label: 'node:http (hand-written router)',
    version: () => `node ${process.version}`,
    scenarios: ALL,
    available: async () => true,
    async prepare(ctx = {}) {
      await prepareDatabases(ctx);
    },
    command: nodePeer('node-http', 'server.mjs'),
  },
  {
    id: 'fastify',
    label: 'Fastify (JSON schema)',
    version: () => `fastify ${pkgVersion('fastify')}`,
    scenarios: [...ALL, ...JWT],
    available: async () => true,
    async prepare(ctx = {}) {
      await prepareDatabases(ctx);
    },
    command: nodePeer('fastify', 'server.mjs'),
  },
  {
    id: 'fastify-jwt-cache',
    label: 'Fastify, @fastify/jwt with its cache of verified tokens',
    variant: true,
    version: () => `fastify ${pkgVersion('fastify')}, @fastify/jwt ${pkgVersion('@fastify/jwt')}`,
    scenarios: JWT,
    available: async () => true,
    async prepare() {},
    command: nodePeer('fastify', 'server.mjs', { BENCH_JWT_CACHE: '1' }),
  },
  {
    id: 'hono',
    label: 'Hono on @hono/node-server (zod)',
    version: () => `hono ${pkgVersion('hono')}, @hono/node-server ${pkgVersion('@hono/node-server')}`,
    scenarios: ALL,
    available: async () => true,
    async prepare(ctx = {}) {
      await prepareDatabases(ctx);
    },
    command: nodePeer('hono', 'server.mjs'),
  },
  {
    id: 'express',
    label: 'Express 5 (zod)',
    version: () => `express ${pkgVersion('express')}`,
    scenarios: ALL,
    available: async () => true,
    async prepare(ctx = {}) {
      await prepareDatabases(ctx);
    },
    command: nodePeer('express', 'server.mjs'),
  },
  covetPeer('node'),
  covetPeer('native'),
  covetPeer('node', 'plain'),
  covetPeer('native', 'plain'),
  covetPeer('node', 'cors'),
  covetPeer('native', 'cors'),
  covetPeer('node', 'metrics'),
  covetPeer('native', 'metrics'),
  covetPeer('native', 'jwt-nocache', { BENCH_JWT_CACHE: '0' }),
  // Issue 14's cost of request ids (echoed on every answer) and of the access log (ids with it).
  covetPeer('node', 'ids', { COVET_REQUEST_IDS: '1' }),
  covetPeer('native', 'ids', { COVET_REQUEST_IDS: '1' }),
  covetPeer('node', 'log', { COVET_LOG: '1' }),
  covetPeer('native', 'log', { COVET_LOG: '1' }),
  {
    id: 'fastapi',
    label: 'FastAPI on uvicorn (pydantic, uvloop, httptools)',
    version: once(() => {
      const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import sys, fastapi, uvicorn, pydantic; print(f"fastapi {fastapi.__version__}, uvicorn {uvicorn.__version__}, pydantic {pydantic.VERSION}, python {sys.version.split()[0]}")'], { encoding: 'utf8' });
      return r.status === 0 ? r.stdout.trim() : 'unknown';
    }),
    scenarios: ALL,
    async available() {
      if (!existsSync(SYSTEM_PYTHON)) return `${SYSTEM_PYTHON} not found`;
      const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import fastapi, uvicorn, uvloop, httptools, pydantic, asyncpg'], { encoding: 'utf8' });
      if (r.status !== 0) return `missing Python modules: ${(r.stderr || '').trim().split('\n').pop()} (Debian: python3-fastapi python3-uvicorn python3-uvloop python3-httptools python3-asyncpg)`;
      return true;
    },
    async prepare(ctx = {}) {
      await prepareDatabases(ctx);
    },
    command: ({ port, dbPath }) => ({
      cmd: SYSTEM_PYTHON,
      args: ['-m', 'uvicorn', 'app:app', '--app-dir', peerDir('fastapi'), '--host', '127.0.0.1', '--port', String(port),
        '--workers', '1', '--loop', 'uvloop', '--http', 'httptools', '--no-access-log', '--log-level', 'warning'],
      env: { ...process.env, BENCH_DB: dbPath, ...pgEnv(), PYTHONDONTWRITEBYTECODE: '1' },
      cwd: peerDir('fastapi'),
    }),
  },
  {
    id: 'nginx',
    label: 'nginx (return 200, one worker)',
    version: once(() => {
      const r = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
      return (r.stderr || r.stdout || '').trim().replace(/^nginx version:\s*/, '') || 'unknown';
    }),
    scenarios: ['plaintext', 'json', 'pipelined'],
    notes: 'static answers via `return 200`: the near-physical limit of this machine, not an application server',
    async available() {
      return existsSync(NGINX) ? true : `${NGINX} not found (Debian: nginx-light)`;
    },
    async prepare() {},
    command({ port }) {
      const prefix = path.join(os.tmpdir(), `covet-bench-nginx-${port}`);
      for (const d of ['', 'body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(prefix, d), { recursive: true });
      const conf = path.join(prefix, 'nginx.conf');
      writeFileSync(conf, nginxConfig(port, prefix));
      // master_process off: one process serves, the one the runner pins and measures
      return { cmd: NGINX, args: ['-p', prefix, '-c', conf, '-e', 'stderr'], env: { ...process.env }, cwd: prefix };
    },
  },
  {
    id: 'bun',
    label: 'Bun.serve (hand-written checks)',
    version: once(() => {
      const r = spawnSync(BUN, ['--version'], { encoding: 'utf8' });
      return r.status === 0 ? `bun ${r.stdout.trim()}` : 'unknown';
    }),
    scenarios: ALL,
    async available() {
      if (!existsSync(BUN)) return 'Bun binary not installed (@oven/bun-linux-x64)';
      const r = spawnSync(BUN, ['--version'], { encoding: 'utf8' });
      return r.status === 0 ? true : `bun --version fails: ${(r.stderr || '').trim()}`;
    },
    async prepare(ctx = {}) {
      await prepareDatabases(ctx);
    },
    command: ({ port, dbPath }) => ({
      cmd: BUN,
      args: [path.join(peerDir('bun'), 'server.mjs'), '--port', String(port), '--host', '127.0.0.1'],
      env: { ...process.env, NODE_ENV: 'production', BENCH_DB: dbPath, ...pgEnv() },
      cwd: ROOT,
    }),
  },
  {
    id: 'bun-pg',
    label: 'Bun.serve, pg instead of Bun.SQL',
    variant: true,
    version: once(() => {
      const r = spawnSync(BUN, ['--version'], { encoding: 'utf8' });
      return `bun ${r.status === 0 ? r.stdout.trim() : 'unknown'}, pg ${pkgVersion('pg')}`;
    }),
    scenarios: ['db-postgres'],
    notes: 'db-postgres with the Node peers\' client: Bun\'s server, node-postgres\' protocol code',
    async available() {
      return existsSync(BUN) ? true : 'Bun binary not installed (@oven/bun-linux-x64)';
    },
    async prepare(ctx = {}) {
      await prepareDatabases(ctx);
    },
    command: ({ port, dbPath }) => ({
      cmd: BUN,
      args: [path.join(peerDir('bun'), 'server.mjs'), '--port', String(port), '--host', '127.0.0.1'],
      env: { ...process.env, NODE_ENV: 'production', BENCH_DB: dbPath, ...pgEnv(), BENCH_PG_CLIENT: 'pg' },
      cwd: ROOT,
    }),
  },
  {
    id: 'elysia',
    label: 'Elysia on Bun (t.Object)',
    version: once(() => {
      const r = spawnSync(BUN, ['--version'], { encoding: 'utf8' });
      return `elysia ${pkgVersion('elysia')}, bun ${r.status === 0 ? r.stdout.trim() : 'unknown'}`;
    }),
    scenarios: ALL,
    async available() {
      if (!existsSync(BUN)) return 'Bun binary not installed (@oven/bun-linux-x64)';
      if (!existsSync(path.join(ROOT, 'node_modules/elysia/package.json'))) return 'elysia not installed';
      return true;
    },
    async prepare(ctx = {}) {
      await prepareDatabases(ctx);
    },
    command: ({ port, dbPath }) => ({
      cmd: BUN,
      args: [path.join(peerDir('elysia'), 'server.mjs'), '--port', String(port), '--host', '127.0.0.1'],
      env: { ...process.env, NODE_ENV: 'production', BENCH_DB: dbPath, ...pgEnv() },
      cwd: ROOT,
    }),
  },
  {
    id: 'uws',
    label: 'uWebSockets.js (hand-written checks)',
    version: () => `@btc-vision/uwebsockets.js ${pkgVersion('@btc-vision/uwebsockets.js')}`,
    scenarios: ALL,
    notes: 'the Linux binary asks for glibc 2.38: prepare() builds a 3-symbol shim (LD_PRELOAD) and a copy of the addon with that version requirement marked weak',
    available: uwsLoads,
    async prepare(ctx = {}) {
      await prepareDatabases(ctx);
      prepareUws();
    },
    command: ({ port, dbPath }) => ({
      cmd: NODE,
      args: [path.join(peerDir('uws'), 'server.mjs'), '--port', String(port), '--host', '127.0.0.1'],
      env: { ...uwsEnv(), NODE_ENV: 'production', BENCH_DB: dbPath, ...pgEnv() },
      cwd: ROOT,
    }),
  },
];

/** The peer with this id, or undefined. */
export const peerById = (id) => PEERS.find((p) => p.id === id);

/**
 * Starts a peer (after prepare) and waits until it listens. Returns
 * { child, port, stop() }; stop() sends SIGTERM, then SIGKILL after 3 s.
 * The runner may use its own launcher (taskset …); this one is the check's.
 */
export async function startPeer(peer, { port, dbPath = DEFAULT_DB_PATH, timeoutMs = 15_000, prefix = [] } = {}) {
  port ??= await freePort();
  const { cmd, args, env, cwd } = peer.command({ port, dbPath });
  const argv = [...prefix, cmd, ...args];
  const child = spawn(argv[0], argv.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitP = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
  try {
    await Promise.race([
      waitForPort(port, timeoutMs),
      exitP.then((e) => {
        throw new Error(`${peer.id} exited (${e.signal ?? e.code}) before listening:\n${output.trim()}`);
      }),
    ]);
  } catch (e) {
    if (!exited) child.kill('SIGKILL');
    throw e;
  }
  return {
    child,
    port,
    output: () => output,
    async stop() {
      if (exited) return exited;
      child.kill('SIGTERM');
      const t = setTimeout(() => exited || child.kill('SIGKILL'), 3000);
      const r = await exitP;
      clearTimeout(t);
      return r;
    },
  };
}
