// A tiny raw HTTP/1.1 client for the correctness check: it writes exactly the
// bytes it is told to (several requests in one write for pipelining) and
// parses the answers itself, so nothing between the check and the peer
// normalizes headers, bodies or connection handling.
import net from 'node:net';

/** The bytes of one request (keep-alive, Content-Length when there is a body). */
export function rawRequest({ method, path, headers = {}, body }, port) {
  const lines = [`${method} ${path} HTTP/1.1`, `host: 127.0.0.1:${port}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  if (body !== undefined) lines.push(`content-length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
}

/**
 * Writes `data` in one write to 127.0.0.1:port and reads `count` responses. `data` may be a list:
 * then each one is written once the answers before it have arrived (keep-alive without pipelining).
 * Resolves
to [{ status, headers: {lower-case name: value}, rawHeaders: [[name, value]], body: Buffer }];
 * rejects on timeout, on a closed connection before `count` answers, or on a malformed answer.
 */
export function exchange(port, data, count = 1, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const responses = [];
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(responses);
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms with ${responses.length} of ${count} answers`)), timeoutMs);
    const writes = Array.isArray(data) ? data : [data];
    let written = 0;
    socket.once('connect', () => socket.write(writes[written++]));
    socket.on('error', (e) => finish(e));
    socket.on('close', () => finish(new Error(`connection closed after ${responses.length} of ${count} answers`)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        for (;;) {
          const parsed = parseResponse(buf);
          if (!parsed) break;
          responses.push(parsed.response);
          buf = buf.subarray(parsed.length);
          if (responses.length === count) return finish();
          if (written < writes.length) socket.write(writes[written++]);
        }
      } catch (e) {
        finish(e);
      }
    });
  });
}

/** One response from the start of `buf`, or null when it is not complete yet. */
function parseResponse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  if (!m) throw new Error(`not an HTTP status line: ${JSON.stringify(head[0])}`);
  const rawHeaders = head.slice(1).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  });
  const headers = {};
  for (const [k, v] of rawHeaders) headers[k.toLowerCase()] = headers[k.toLowerCase()] === undefined ? v : `${headers[k.toLowerCase()]}, ${v}`;
  const status = Number(m[1]);
  let pos = end + 4;
  let body;
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
    const parts = [];
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', pos);
      if (lineEnd < 0) return null;
      const size = parseInt(buf.subarray(pos, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new Error('malformed chunk size');
      if (buf.length < lineEnd + 2 + size + 2) return null;
      if (size === 0) {
        const trailerEnd = buf.indexOf('\r\n', lineEnd + 2);
        if (trailerEnd < 0) return null;
        pos = trailerEnd + 2;
        break;
      }
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      pos = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else {
    const len = status === 204 || status === 304 ? 0 : Number(headers['content-length'] ?? NaN);
    if (Number.isNaN(len)) throw new Error('answer with neither content-length nor chunked encoding (keep-alive impossible)');
    if (buf.length < pos + len) return null;
    body = Buffer.from(buf.subarray(pos, pos + len));
    pos += len;
  }
  return { response: { status, headers, rawHeaders, body }, length: pos };
}
