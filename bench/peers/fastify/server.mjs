// Fastify 5: JSON schema for params, query, headers and body (ajv), and for
// responses (fast-json-stringify).
import fastifyJwt from '@fastify/jwt';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { listenArgs, openWorld, openWorldPostgres } from '../args.mjs';
import { CATALOG, orderSummary } from '../catalog.mjs';

const { port, host } = listenArgs();
const randomRow = openWorld();
const randomPgRow = openWorldPostgres();

const app = Fastify({ logger: false });
app.addHook('onRequest', (req, reply, done) => {
  reply.header('server', 'fastify');
  done();
});

const address = {
  type: 'object',
  properties: { city: { type: 'string' }, zip: { type: 'string' } },
  required: ['city', 'zip'],
  additionalProperties: false,
};
const newUser = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 50 },
    email: { type: 'string', format: 'email' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    active: { type: 'boolean' },
    role: { type: 'string', enum: ['admin', 'editor', 'viewer'] },
    tags: { type: 'array', items: { type: 'string' } },
    address,
  },
  required: ['name', 'email', 'age', 'active', 'role', 'tags', 'address'],
};
const createdUser = {
  type: 'object',
  properties: { id: { type: 'integer' }, ...newUser.properties, notify: { type: 'boolean' }, client: { type: 'string' } },
};

app.get('/plaintext', (req, reply) => {
  reply.type('text/plain; charset=utf-8').send('Hello, World!');
});

app.get('/json', {
  schema: { response: { 200: { type: 'object', properties: { message: { type: 'string' } } } } },
  handler: () => ({ message: 'Hello, World!' }),
});

app.get('/users/:id', {
  schema: {
    params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
    querystring: { type: 'object', properties: { fields: { type: 'string', default: '' } } },
    response: {
      200: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, fields: { type: 'string' } } },
    },
  },
  handler: (req) => ({ id: req.params.id, name: `User ${req.params.id}`, fields: req.query.fields }),
});

app.post('/users', {
  schema: {
    querystring: { type: 'object', properties: { notify: { type: 'boolean', default: false } } },
    headers: { type: 'object', properties: { 'x-client': { type: 'string' } }, required: ['x-client'] },
    body: newUser,
    response: { 201: createdUser },
  },
  handler: (req, reply) => {
    const b = req.body;
    reply.code(201);
    // fast-json-stringify writes the schema's property order
    return { id: 1, ...b, notify: req.query.notify, client: req.headers['x-client'] };
  },
});

// list-100: the catalog, serialized by fast-json-stringify from its schema.
const text = { type: 'string' };
const item = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    sku: text,
    name: text,
    description: text,
    price: { type: 'number' },
    inStock: { type: 'boolean' },
    category: { type: 'object', properties: { id: { type: 'integer' }, name: text } },
    tags: { type: 'array', items: text },
    discount: { type: ['number', 'null'] },
  },
};
app.get('/items', { schema: { response: { 200: { type: 'array', items: item } } }, handler: () => CATALOG });

// post-10k: the rules of bench/peers/validate-order.mjs. Its body is checked by an Ajv without
// Fastify's type coercion (which turns "9.99", true, null or [9.99] into a price), so that it
// refuses what the other peers refuse; the route's own validatorCompiler is Fastify's way to do so.
const strictAjv = addFormats(new Ajv({ allErrors: false }));
const str = (minLength, maxLength) => ({ type: 'string', minLength, maxLength });
const newOrder = {
  type: 'object',
  properties: {
    customer: {
      type: 'object',
      properties: { id: { type: 'integer', minimum: 1 }, name: str(1, 100), email: { type: 'string', format: 'email' } },
      required: ['id', 'name', 'email'],
    },
    currency: { type: 'string', enum: ['EUR', 'USD', 'GBP'] },
    shipping: {
      type: 'object',
      properties: { street: str(1, 200), city: str(1, 100), zip: str(1, 20), country: str(2, 2) },
      required: ['street', 'city', 'zip', 'country'],
    },
    lines: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{6}$' },
          name: str(1, 200),
          quantity: { type: 'integer', minimum: 1, maximum: 1000 },
          price: { type: 'number', minimum: 0 },
          giftWrap: { type: 'boolean' },
          note: { type: 'string', maxLength: 200 },
        },
        required: ['sku', 'name', 'quantity', 'price', 'giftWrap', 'note'],
      },
    },
  },
  required: ['customer', 'currency', 'shipping', 'lines'],
};
const orderSummarySchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, lines: { type: 'integer' }, units: { type: 'integer' }, total: { type: 'number' } },
};
app.post('/orders', {
  schema: { body: newOrder, response: { 201: orderSummarySchema } },
  validatorCompiler: ({ schema }) => strictAjv.compile(schema),
  handler: (req, reply) => {
    reply.code(201);
    return orderSummary(req.body);
  },
});

const world = { response: { 200: { type: 'object', properties: { id: { type: 'integer' }, randomNumber: { type: 'integer' } } } } };
app.get('/db', { schema: world, handler: () => randomRow() });
app.get('/db-postgres', { schema: world, handler: () => randomPgRow() });

// The JWT scenarios (issue 13): @fastify/jwt (fast-jwt) with the keys of bench/lib/jwt.mjs, from
// the environment (bench/peers.mjs sets it), checking what Covet's verifier checks (alg, exp, iss,
// aud). fast-jwt's cache of verified tokens is off by default; BENCH_JWT_CACHE=1 (the
// fastify-jwt-cache variant) turns it on (1000 tokens, 10 minutes: the sizes Covet's cache has).
const verify = { allowedIss: 'bench', allowedAud: 'bench-api', requiredClaims: ['exp'], ...(process.env.BENCH_JWT_CACHE === '1' ? { cache: true } : {}) };
await app.register(fastifyJwt, { secret: process.env.BENCH_JWT_SECRET, verify: { ...verify, algorithms: ['HS256'] } });
await app.register(fastifyJwt, { secret: { public: process.env.BENCH_JWT_ES256_KEY }, namespace: 'es', verify: { ...verify, algorithms: ['ES256'] } });
const message = { response: { 200: { type: 'object', properties: { message: { type: 'string' } } } } };
app.get('/jwt/hs256', { schema: message, onRequest: (req) => req.jwtVerify(), handler: (req) => ({ message: `Hello, ${req.user.sub}!` }) });
app.get('/jwt/es256', { schema: message, onRequest: (req) => req.esJwtVerify(), handler: (req) => ({ message: `Hello, ${req.user.sub}!` }) });
app.get('/jwt/none', { schema: message, handler: () => ({ message: 'Hello, bench!' }) });

await app.listen({ port, host });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => app.close().then(() => process.exit(0)));
