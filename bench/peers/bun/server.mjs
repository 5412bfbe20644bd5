// Bun's own HTTP server (Bun.serve with its router), hand-written checks, bun:sqlite and Bun.SQL.
import { SQL } from 'bun';
import { Database } from 'bun:sqlite';
import { openWorldPostgres } from '../args.mjs';
import { CATALOG, orderSummary } from '../catalog.mjs';
import { checkOrder } from '../validate-order.mjs';

const argv = Bun.argv;
const arg = (flag, fallback) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : fallback;
};
const port = Number(arg('--port', process.env.PORT ?? '3000'));
const hostname = arg('--host', process.env.HOST ?? '127.0.0.1');

const db = new Database(process.env.BENCH_DB, { readonly: true });
const byId = db.query('SELECT id, randomNumber FROM World WHERE id = ?');

// db-postgres: Bun's own PostgreSQL client (Bun.SQL), a pool of BENCH_PG_POOL connections; the
// tagged template sends the query of bench/peers/args.mjs (WORLD_PG_SQL) as a prepared statement.
// BENCH_PG_CLIENT=pg (the bun-pg variant) uses pg instead, the client of the Node peers, so that
// the server and the client can be told apart.
const pg = process.env.BENCH_PG_URL && process.env.BENCH_PG_CLIENT !== 'pg' ? new SQL({ url: process.env.BENCH_PG_URL, max: Number(process.env.BENCH_PG_POOL ?? 16) }) : null;
const randomPgRow =
  process.env.BENCH_PG_CLIENT === 'pg'
    ? openWorldPostgres()
    : async () => {
        if (!pg) throw new Error('BENCH_PG_URL is not set');
        const [row] = await pg`SELECT id, "randomNumber" FROM world WHERE id = ${1 + Math.floor(Math.random() * 10000)}`;
        return { id: row.id, randomNumber: row.randomNumber };
      };

const TEXT = { server: 'bun', 'content-type': 'text/plain; charset=utf-8' };
const JSON_HEADERS = { server: 'bun', 'content-type': 'application/json; charset=utf-8' };
const json = (value, status = 200) => new Response(JSON.stringify(value), { status, headers: JSON_HEADERS });

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLES = new Set(['admin', 'editor', 'viewer']);
const INT = /^-?\d+$/;

function checkNewUser(b) {
  const errors = [];
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return ['body: must be an object'];
  if (typeof b.name !== 'string' || b.name.length < 1 || b.name.length > 50) errors.push('name: must be a string of 1 to 50 characters');
  if (typeof b.email !== 'string' || !EMAIL.test(b.email)) errors.push('email: must be an email address');
  if (!Number.isInteger(b.age) || b.age < 0 || b.age > 150) errors.push('age: must be an integer from 0 to 150');
  if (typeof b.active !== 'boolean') errors.push('active: must be a boolean');
  if (!ROLES.has(b.role)) errors.push("role: must be 'admin', 'editor' or 'viewer'");
  if (!Array.isArray(b.tags) || !b.tags.every((t) => typeof t === 'string')) errors.push('tags: must be an array of strings');
  const a = b.address;
  if (typeof a !== 'object' || a === null || typeof a.city !== 'string' || typeof a.zip !== 'string') errors.push('address: must be {city: string, zip: string}');
  return errors;
}

const server = Bun.serve({
  port,
  hostname,
  routes: {
    '/plaintext': { GET: () => new Response('Hello, World!', { headers: TEXT }) },
    '/json': { GET: () => json({ message: 'Hello, World!' }) },
    '/db': { GET: () => json(byId.get(1 + Math.floor(Math.random() * 10000))) },
    '/db-postgres': { GET: async () => json(await randomPgRow()) },
    '/items': { GET: () => json(CATALOG) },
    '/orders': {
      POST: async (req) => {
        let b;
        try {
          b = await req.json();
        } catch {
          return json({ detail: 'Malformed JSON in request body' }, 400);
        }
        const errors = checkOrder(b);
        if (errors.length) return json({ detail: errors.map(([loc, msg]) => `${loc}: ${msg}`) }, 422);
        return json(orderSummary(b), 201);
      },
    },
    '/users/:id': {
      GET: (req) => {
        const idText = req.params.id;
        if (!INT.test(idText)) return json({ detail: 'id must be an integer' }, 400);
        const id = Number(idText);
        const fields = new URL(req.url).searchParams.get('fields') ?? '';
        return json({ id, name: `User ${id}`, fields });
      },
    },
    '/users': {
      POST: async (req) => {
        let b;
        try {
          b = await req.json();
        } catch {
          return json({ detail: 'Malformed JSON in request body' }, 400);
        }
        const errors = checkNewUser(b);
        const client = req.headers.get('x-client');
        if (client === null) errors.push('x-client: header is required');
        if (errors.length) return json({ detail: errors }, 422);
        const notify = new URL(req.url).searchParams.get('notify') === 'true';
        return json(
          {
            id: 1,
            name: b.name,
            email: b.email,
            age: b.age,
            active: b.active,
            role: b.role,
            tags: b.tags,
            address: { city: b.address.city, zip: b.address.zip },
            notify,
            client,
          },
          201,
        );
      },
    },
  },
  fetch: () => json({ detail: 'Not Found' }, 404),
});

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.stop(true); process.exit(0); });
