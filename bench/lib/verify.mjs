// The runner's own minimal correctness check, used when bench/check.mjs does
// not export a function: each scenario once (status, content type, body or
// shape), the pipelined one as 16 requests in one write, and each negative
// request's status. Returns { [scenarioId]: null | 'what is wrong' }.
import http from 'node:http';
import net from 'node:net';

/** One request; resolves to { status, headers, body } or rejects on a socket error or after timeoutMs. */
export function request(port, { method = 'GET', path, headers = {}, body }, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, connection: 'close' }, agent: false, timeout: timeoutMs },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** null when `res` is what `expect` describes, else what differs. */
export function compare(res, expect) {
  if (res.status !== expect.status) return `status ${res.status}, want ${expect.status} (body: ${res.body.slice(0, 120)})`;
  const type = res.headers['content-type'] ?? '';
  if (expect.contentType && !expect.contentType.test(type)) return `content-type "${type}", want ${expect.contentType}`;
  if (expect.body !== undefined && res.body !== expect.body) return `body ${JSON.stringify(res.body.slice(0, 200))}, want ${JSON.stringify(expect.body)}`;
  if (expect.shape) {
    let value;
    try {
      value = JSON.parse(res.body);
    } catch {
      return `body is not JSON: ${JSON.stringify(res.body.slice(0, 120))}`;
    }
    const wrong = expect.shape(value);
    if (wrong) return wrong;
  }
  return null;
}

/**
 * Sends `depth` copies of the request in one write and reads until `depth`
 * responses have arrived (Content-Length framing). null when all have the
 * expected status and body, else what differs.
 */
export function pipelined(port, scenario, timeoutMs = 5000) {
  const depth = scenario.pipeline;
  const head = `${scenario.method ?? 'GET'} ${scenario.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    const bodies = [];
    const finish = (why) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => finish(`${bodies.length} of ${depth} pipelined responses within ${timeoutMs} ms`), timeoutMs);
    socket.on('error', (e) => finish(`socket error after ${bodies.length} pipelined responses: ${e.message}`));
    socket.on('connect', () => socket.write(head.repeat(depth)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const headText = buf.subarray(0, end).toString('latin1');
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(headText);
        if (!length) return finish(`pipelined response ${bodies.length + 1} has no Content-Length: ${headText.split('\r\n')[0]}`);
        const total = end + 4 + Number(length[1]);
        if (buf.length < total) break;
        const status = Number(headText.split(' ')[1]);
        bodies.push({ status, body: buf.subarray(end + 4, total).toString('utf8') });
        buf = buf.subarray(total);
      }
      if (bodies.length >= depth) {
        const bad = bodies.find((b) => b.status !== scenario.expect.status || (scenario.expect.body !== undefined && b.body !== scenario.expect.body));
        finish(bad ? `a pipelined response was ${bad.status} ${JSON.stringify(bad.body.slice(0, 80))}` : null);
      }
    });
  });
}

/** Checks every scenario in `scenarios` (and the negatives that depend on them) against a server on `port`. */
export async function verifyPeer(port, scenarios, negatives = []) {
  const result = {};
  for (const s of scenarios) {
    try {
      result[s.id] = s.pipeline > 1 ? await pipelined(port, s) : compare(await request(port, s), s.expect);
    } catch (e) {
      result[s.id] = `request failed: ${e.message}`;
    }
  }
  for (const n of negatives) {
    if (!(n.scenario in result) || result[n.scenario]) continue;
    try {
      const res = await request(port, n);
      const allowed = [n.expect.status].flat();
      if (!allowed.includes(res.status)) result[n.scenario] = `${n.id}: status ${res.status}, want one of ${allowed.join(', ')}`;
    } catch (e) {
      result[n.scenario] = `${n.id}: request failed: ${e.message}`;
    }
  }
  return result;
}
