// uWebSockets.js (its own HTTP server in C++), hand-written checks.
// bench/peers.mjs starts it with the glibc 2.38 shim (LD_PRELOAD) and names the
// patched addon in UWS_ADDON; without UWS_ADDON the package is loaded as is.
import { createRequire } from 'node:module';
import { listenArgs, openWorld, openWorldPostgres } from '../args.mjs';
import { CATALOG, orderSummary } from '../catalog.mjs';
import { checkOrder } from '../validate-order.mjs';
import { checkNewUser, created, errorBody } from '../validate-user.mjs';

const require = createRequire(import.meta.url);
const uWS = require(process.env.UWS_ADDON || '@btc-vision/uwebsockets.js');
const { port, host } = listenArgs();
const randomRow = openWorld();
const randomPgRow = openWorldPostgres();

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const INT = /^-?\d+$/;

function send(res, status, body, type = JSON_TYPE) {
  res.cork(() => {
    res.writeStatus(status).writeHeader('server', 'uws').writeHeader('content-type', type).end(body);
  });
}

let listenSocket = null;
uWS
  .App()
  .get('/plaintext', (res) => {
    res.writeHeader('server', 'uws').writeHeader('content-type', TEXT).end('Hello, World!');
  })
  .get('/json', (res) => {
    res.writeHeader('server', 'uws').writeHeader('content-type', JSON_TYPE).end(JSON.stringify({ message: 'Hello, World!' }));
  })
  .get('/db', (res) => {
    res.writeHeader('server', 'uws').writeHeader('content-type', JSON_TYPE).end(JSON.stringify(randomRow()));
  })
  .get('/items', (res) => {
    res.writeHeader('server', 'uws').writeHeader('content-type', JSON_TYPE).end(JSON.stringify(CATALOG));
  })
  .get('/db-postgres', (res) => {
    // answered later: uWS must be told of an abort (it frees res), and the late write corked
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    randomPgRow().then(
      (row) => aborted || send(res, '200 OK', JSON.stringify(row)),
      () => aborted || send(res, '500 Internal Server Error', '{"detail":"Internal Server Error"}'),
    );
  })
  .get('/users/:id', (res, req) => {
    const idText = req.getParameter(0);
    if (!INT.test(idText)) return send(res, '400 Bad Request', '{"detail":"id must be an integer"}');
    const id = Number(idText);
    const fields = req.getQuery('fields') ?? '';
    res.writeHeader('server', 'uws').writeHeader('content-type', JSON_TYPE).end(JSON.stringify({ id, name: `User ${id}`, fields }));
  })
  .post('/users', (res, req) => {
    // everything needed from req must be read now: it is gone after this call returns
    const client = req.getHeader('x-client');
    const type = req.getHeader('content-type');
    const notify = req.getQuery('notify') === 'true';
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    if (!/^application\/json\b/i.test(type)) return send(res, '415 Unsupported Media Type', '{"detail":"content-type must be application/json"}');
    const chunks = [];
    res.onData((chunk, isLast) => {
      chunks.push(Buffer.from(chunk.slice(0))); // the ArrayBuffer is reused after this call
      if (!isLast || aborted) return;
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, '400 Bad Request', '{"detail":"Malformed JSON in request body"}');
      }
      const errors = checkNewUser(body);
      if (client === '') errors.push(['x-client', 'header is required']);
      if (errors.length) return send(res, '422 Unprocessable Entity', errorBody(errors));
      send(res, '201 Created', JSON.stringify(created(body, notify, client)));
    });
  })
  .post('/orders', (res, req) => {
    const type = req.getHeader('content-type');
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    if (!/^application\/json\b/i.test(type)) return send(res, '415 Unsupported Media Type', '{"detail":"content-type must be application/json"}');
    const chunks = [];
    res.onData((chunk, isLast) => {
      chunks.push(Buffer.from(chunk.slice(0))); // the ArrayBuffer is reused after this call
      if (!isLast || aborted) return;
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, '400 Bad Request', '{"detail":"Malformed JSON in request body"}');
      }
      const errors = checkOrder(body);
      if (errors.length) return send(res, '422 Unprocessable Entity', errorBody(errors));
      send(res, '201 Created', JSON.stringify(orderSummary(body)));
    });
  })
  .any('/*', (res) => send(res, '404 Not Found', '{"detail":"Not Found"}'))
  .listen(host, port, (socket) => {
    if (!socket) {
      process.stderr.write(`uws: cannot listen on ${host}:${port}\n`);
      process.exit(1);
    }
    listenSocket = socket;
  });

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    if (listenSocket) uWS.us_listen_socket_close(listenSocket);
    process.exit(0);
  });
}
