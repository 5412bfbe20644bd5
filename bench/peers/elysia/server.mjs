// Elysia on Bun: t.Object (TypeBox) validation for params, query, headers and body; bun:sqlite and Bun.SQL.
import { SQL } from 'bun';
import { Database } from 'bun:sqlite';
import { Elysia, t } from 'elysia';
import { CATALOG, orderSummary } from '../catalog.mjs';

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
const pg = process.env.BENCH_PG_URL ? new SQL({ url: process.env.BENCH_PG_URL, max: Number(process.env.BENCH_PG_POOL ?? 16) }) : null;
async function randomPgRow() {
  if (!pg) throw new Error('BENCH_PG_URL is not set');
  const [row] = await pg`SELECT id, "randomNumber" FROM world WHERE id = ${1 + Math.floor(Math.random() * 10000)}`;
  return { id: row.id, randomNumber: row.randomNumber };
}

const NewUser = t.Object({
  name: t.String({ minLength: 1, maxLength: 50 }),
  email: t.String({ format: 'email' }),
  age: t.Integer({ minimum: 0, maximum: 150 }),
  active: t.Boolean(),
  role: t.UnionEnum(['admin', 'editor', 'viewer']),
  tags: t.Array(t.String()),
  address: t.Object({ city: t.String(), zip: t.String() }),
});

// post-10k: the rules of bench/peers/validate-order.mjs
const Text = (minLength, maxLength) => t.String({ minLength, maxLength });
const NewOrder = t.Object({
  customer: t.Object({ id: t.Integer({ minimum: 1 }), name: Text(1, 100), email: t.String({ format: 'email' }) }),
  currency: t.UnionEnum(['EUR', 'USD', 'GBP']),
  shipping: t.Object({ street: Text(1, 200), city: Text(1, 100), zip: Text(1, 20), country: Text(2, 2) }),
  lines: t.Array(
    t.Object({
      sku: t.String({ pattern: '^[A-Z]{2}-[0-9]{6}$' }),
      name: Text(1, 200),
      quantity: t.Integer({ minimum: 1, maximum: 1000 }),
      price: t.Number({ minimum: 0 }),
      giftWrap: t.Boolean(),
      note: t.String({ maxLength: 200 }),
    }),
    { minItems: 1, maxItems: 100 },
  ),
});

const app = new Elysia()
  .headers({ server: 'elysia' })
  .get('/plaintext', () => 'Hello, World!')
  .get('/json', () => ({ message: 'Hello, World!' }))
  .get('/users/:id', ({ params: { id }, query: { fields } }) => ({ id, name: `User ${id}`, fields }), {
    params: t.Object({ id: t.Integer() }),
    query: t.Object({ fields: t.String({ default: '' }) }),
  })
  .post(
    '/users',
    ({ body: b, query, headers, set }) => {
      set.status = 201;
      return {
        id: 1,
        name: b.name,
        email: b.email,
        age: b.age,
        active: b.active,
        role: b.role,
        tags: b.tags,
        address: { city: b.address.city, zip: b.address.zip },
        notify: query.notify,
        client: headers['x-client'],
      };
    },
    {
      body: NewUser,
      query: t.Object({ notify: t.Boolean({ default: false }) }),
      headers: t.Object({ 'x-client': t.String() }),
    },
  )
  .get('/items', () => CATALOG)
  .post(
    '/orders',
    ({ body, set }) => {
      set.status = 201;
      return orderSummary(body);
    },
    { body: NewOrder },
  )
  .get('/db', () => byId.get(1 + Math.floor(Math.random() * 10000)))
  .get('/db-postgres', () => randomPgRow())
  .listen({ port, hostname });

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { app.stop(); process.exit(0); });
