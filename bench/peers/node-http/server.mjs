// node:http with a hand-written router: the ceiling of anything built on node:http.
import http from 'node:http';
import { listenArgs, openWorld, openWorldPostgres } from '../args.mjs';
import { CATALOG, orderSummary } from '../catalog.mjs';
import { checkOrder } from '../validate-order.mjs';
import { checkNewUser, created, errorBody } from '../validate-user.mjs';

const { port, host } = listenArgs();
const randomRow = openWorld();
const randomPgRow = openWorldPostgres();

const TEXT = { server: 'node', 'content-type': 'text/plain; charset=utf-8', 'content-length': '13' };
const JSON_TYPE = 'application/json; charset=utf-8';
const HELLO = Buffer.from('Hello, World!');
const INT = /^-?\d+$/;

function send(res, status, body, type = JSON_TYPE) {
  res.writeHead(status, { server: 'node', 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Splits `?a=1&b=2` into a Map (last value wins), decoding `+` and percent escapes. */
function parseQuery(q) {
  const out = new Map();
  if (!q) return out;
  for (const pair of q.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    out.set(dec(eq < 0 ? pair : pair.slice(0, eq)), eq < 0 ? '' : dec(pair.slice(eq + 1)));
  }
  return out;
}

function getUser(res, idText, query) {
  if (!INT.test(idText)) return send(res, 400, '{"detail":"id must be an integer"}');
  const id = Number(idText);
  const fields = query.get('fields') ?? '';
  send(res, 200, JSON.stringify({ id, name: `User ${id}`, fields }));
}

function createUser(req, res, query) {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return send(res, 415, '{"detail":"content-type must be application/json"}');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, '{"detail":"Malformed JSON in request body"}');
    }
    const errors = checkNewUser(body);
    const client = req.headers['x-client'];
    if (client === undefined) errors.push(['x-client', 'header is required']);
    if (errors.length) return send(res, 422, errorBody(errors));
    const notify = query.get('notify') === 'true';
    send(res, 201, JSON.stringify(created(body, notify, client)));
  });
}

function createOrder(req, res) {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return send(res, 415, '{"detail":"content-type must be application/json"}');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, '{"detail":"Malformed JSON in request body"}');
    }
    const errors = checkOrder(body);
    if (errors.length) return send(res, 422, errorBody(errors));
    send(res, 201, JSON.stringify(orderSummary(body)));
  });
}

const server = http.createServer((req, res) => {
  const url = req.url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const method = req.method;
  if (method === 'GET') {
    if (path === '/plaintext') {
      res.writeHead(200, TEXT);
      return res.end(HELLO);
    }
    if (path === '/json') return send(res, 200, JSON.stringify({ message: 'Hello, World!' }));
    if (path === '/db') return send(res, 200, JSON.stringify(randomRow()));
    if (path === '/items') return send(res, 200, JSON.stringify(CATALOG));
    if (path === '/db-postgres') {
      return randomPgRow().then(
        (row) => send(res, 200, JSON.stringify(row)),
        () => send(res, 500, '{"detail":"Internal Server Error"}'),
      );
    }
    if (path.startsWith('/users/') && path.indexOf('/', 7) < 0) {
      let query;
      try {
        query = parseQuery(q < 0 ? '' : url.slice(q + 1));
      } catch {
        return send(res, 400, '{"detail":"bad percent-encoding"}');
      }
      return getUser(res, path.slice(7), query);
    }
  } else if (method === 'POST' && path === '/users') {
    let query;
    try {
      query = parseQuery(q < 0 ? '' : url.slice(q + 1));
    } catch {
      return send(res, 400, '{"detail":"bad percent-encoding"}');
    }
    return createUser(req, res, query);
  } else if (method === 'POST' && path === '/orders') {
    return createOrder(req, res);
  }
  send(res, 404, '{"detail":"Not Found"}');
});
server.keepAliveTimeout = 65_000;
server.listen(port, host);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)) && server.closeAllConnections());
