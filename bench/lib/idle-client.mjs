// Opens N keep-alive connections to 127.0.0.1:port, sends one GET on each and
// reads its whole answer, then leaves them idle. Run by bench/lib/idle.mjs,
// pinned to the client core with a raised `ulimit -n`.
//
//   node idle-client.mjs <port> <count> <path>
//
// stdout: one JSON line when every connection has answered
//   {"ready":true,"open":n,"failed":n,"ms":n,"error":"first failure"}
// then, on any line on stdin, {"open":n} (connections still open now) and exit.
import net from 'node:net';
import readline from 'node:readline';

const [port, count, path = '/plaintext'] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const IN_FLIGHT = 200;
const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`;

const sockets = [];
let open = 0;
let failed = 0;
let firstError = null;

/** Resolves once the whole response to the one request has arrived. */
function openOne() {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let buf = '';
    let state = 'waiting'; // → 'open' | 'failed'
    const fail = (why) => {
      if (state !== 'waiting') return;
      state = 'failed';
      failed++;
      firstError ??= why;
      socket.destroy();
      resolve();
    };
    socket.setNoDelay(true);
    socket.on('connect', () => socket.write(request));
    socket.on('error', (e) => fail(e.message));
    socket.on('close', () => {
      if (state === 'open') open--;
      else fail('closed before answering');
    });
    socket.on('data', (chunk) => {
      if (state !== 'waiting') return;
      buf += chunk.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(buf.slice(0, end));
      const complete = length ? buf.length >= end + 4 + Number(length[1]) : buf.endsWith('0\r\n\r\n');
      if (!complete) return;
      if (!/^HTTP\/1\.1 2\d\d/.test(buf)) return fail(`answered ${buf.split('\r\n')[0]}`);
      state = 'open';
      open++;
      sockets.push(socket);
      resolve();
    });
  });
}

const t0 = Date.now();
let next = 0;
async function worker() {
  while (next < count) {
    next++;
    await openOne();
  }
}
await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
process.stdout.write(`${JSON.stringify({ ready: true, open, failed, ms: Date.now() - t0, error: firstError })}\n`);

readline.createInterface({ input: process.stdin }).once('line', () => {
  process.stdout.write(`${JSON.stringify({ open })}\n`, () => {
    for (const s of sockets) s.destroy();
    process.exit(0);
  });
});
