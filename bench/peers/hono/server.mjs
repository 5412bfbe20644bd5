// Hono 4 on @hono/node-server, requests validated with zod through Hono's own validator.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { z } from 'zod';
import { listenArgs, openWorld, openWorldPostgres } from '../args.mjs';
import { CATALOG, orderSummary } from '../catalog.mjs';
import { NewOrder } from '../zod-order.mjs';

const { port, host } = listenArgs();
const randomRow = openWorld();
const randomPgRow = openWorldPostgres();

const NewUser = z.object({
  name: z.string().min(1).max(50),
  email: z.email(),
  age: z.number().int().min(0).max(150),
  active: z.boolean(),
  role: z.enum(['admin', 'editor', 'viewer']),
  tags: z.array(z.string()),
  address: z.object({ city: z.string(), zip: z.string() }),
});
const UserParams = z.object({ id: z.coerce.number().int() });
const UserQuery = z.object({ fields: z.string().default('') });
const CreateQuery = z.object({ notify: z.stringbool().default(false) });
const ClientHeader = z.object({ 'x-client': z.string() });

/** Hono's validator with a zod schema: 400 with zod's issues when invalid (what @hono/zod-validator does). */
const zv = (target, schema) =>
  validator(target, (value, c) => {
    const r = schema.safeParse(value);
    return r.success ? r.data : c.json({ success: false, error: r.error.issues }, 400);
  });

const app = new Hono();
// set before the handler builds its Response, so that @hono/node-server keeps its fast path
app.use((c, next) => {
  c.header('server', 'hono');
  return next();
});

app.get('/plaintext', (c) => c.text('Hello, World!'));
app.get('/json', (c) => c.json({ message: 'Hello, World!' }));
app.get('/users/:id', zv('param', UserParams), zv('query', UserQuery), (c) => {
  const { id } = c.req.valid('param');
  return c.json({ id, name: `User ${id}`, fields: c.req.valid('query').fields });
});
app.post('/users', zv('query', CreateQuery), zv('header', ClientHeader), zv('json', NewUser), (c) => {
  // zod rebuilds objects in the schema's key order
  const b = c.req.valid('json');
  return c.json({ id: 1, ...b, notify: c.req.valid('query').notify, client: c.req.valid('header')['x-client'] }, 201);
});
app.get('/db', (c) => c.json(randomRow()));
app.get('/items', (c) => c.json(CATALOG));
app.post('/orders', zv('json', NewOrder), (c) => c.json(orderSummary(c.req.valid('json')), 201));
app.get('/db-postgres', async (c) => c.json(await randomPgRow()));

const server = serve({ fetch: app.fetch, port, hostname: host });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
