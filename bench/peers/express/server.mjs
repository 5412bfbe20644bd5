// Express 5, requests validated with zod.
import express from 'express';
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

const app = express();
app.disable('x-powered-by');
app.set('etag', false); // no peer hashes its answers
app.use((req, res, next) => {
  res.set('server', 'express');
  next();
});

app.get('/plaintext', (req, res) => {
  res.type('text/plain').send('Hello, World!');
});
app.get('/json', (req, res) => {
  res.json({ message: 'Hello, World!' });
});
app.get('/users/:id', (req, res) => {
  const params = UserParams.safeParse(req.params);
  const query = UserQuery.safeParse(req.query);
  if (!params.success || !query.success) return res.status(400).json({ error: [...(params.error?.issues ?? []), ...(query.error?.issues ?? [])] });
  const { id } = params.data;
  res.json({ id, name: `User ${id}`, fields: query.data.fields });
});
app.post('/users', express.json(), (req, res) => {
  const body = NewUser.safeParse(req.body);
  const query = CreateQuery.safeParse(req.query);
  const client = req.get('x-client');
  if (!body.success || !query.success || client === undefined) {
    return res.status(400).json({ error: [...(body.error?.issues ?? []), ...(query.error?.issues ?? [])] });
  }
  // zod rebuilds objects in the schema's key order
  res.status(201).json({ id: 1, ...body.data, notify: query.data.notify, client });
});
app.get('/items', (req, res) => {
  res.json(CATALOG);
});
app.post('/orders', express.json(), (req, res) => {
  const body = NewOrder.safeParse(req.body);
  if (!body.success) return res.status(400).json({ error: body.error.issues });
  res.status(201).json(orderSummary(body.data));
});
app.get('/db', (req, res) => {
  res.json(randomRow());
});
// Express 5 passes a rejected promise of an async handler to the error handler below.
app.get('/db-postgres', async (req, res) => {
  res.json(await randomPgRow());
});
// malformed JSON and other errors: a JSON answer, never an HTML page
app.use((err, req, res, next) => {
  if (res.headersSent) return next(err);
  const status = err.status ?? err.statusCode ?? 500;
  res.status(status).json({ error: status === 500 ? 'Internal Server Error' : err.message });
});

const server = app.listen(port, host);
server.keepAliveTimeout = 65_000;
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
