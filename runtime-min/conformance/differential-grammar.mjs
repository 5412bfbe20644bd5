// The request generator of the differential fuzz (differential.mjs): one case
// is a byte stream for one connection, made of 1–3 requests from a grammar of
// HTTP/1.1 as clients, proxies and attackers write it (methods, target forms,
// versions, Host forms, Content-Length / Transfer-Encoding combinations,
// chunked bodies with extensions and trailers, obs-fold, bare LF / CR, control
// characters, Expect, Connection), sometimes mutated byte by byte, and split
// into writes. A case depends only on (seed, index): `caseAt` regenerates it.

/** mulberry32 over a 32-bit state: small, fast, reproducible. */
export function rng(state) {
  let s = state | 0;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (a) => a[int(a.length)],
    /** `[[weight, value], …]` → a value. */
    weighted(list) {
      let total = 0;
      for (const [w] of list) total += w;
      let x = next() * total;
      for (const [w, v] of list) if ((x -= w) < 0) return v;
      return list[list.length - 1][1];
    },
  };
}

/** The state of case `index` of run `seed` (independent of every other case). */
export function caseSeed(seed, index) {
  let h = Math.imul((seed ^ 0x9e3779b9) | 0, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h | 0;
}

const latin1 = (s) => Buffer.from(s, 'latin1');
const utf8 = (s) => Buffer.from(s, 'utf8').toString('latin1'); // UTF-8 bytes as a latin1 string

const METHODS = [
  [40, 'GET'],
  [10, 'HEAD'],
  [25, 'POST'],
  [4, 'DELETE'],
  [2, 'PUT'],
  [2, 'PATCH'],
  [2, 'OPTIONS'],
  [1, 'TRACE'],
  [1, 'CONNECT'],
  [1, 'get'],
  [1, 'FOO'],
  [1, 'G\0T'],
  [1, ''],
];

const TARGETS = [
  [12, '/'],
  [12, '/request'],
  [6, '/request?x=1&y=%20'],
  [3, '/request?a=%zz&b=%00&c=%E2%82%AC'],
  [2, '/request?'],
  [2, '/request#frag'],
  [2, '/request?q=1#frag'],
  [2, '/request?a=b?c=d'],
  [2, '/%72equest'],
  [1, '/request/'],
  [1, '//request'],
  [1, '/./request'],
  [1, '/a/../request'],
  [1, '/request;p=1'],
  [1, utf8('/request?ü=€')],
  [1, utf8('/ü')],
  [1, '/request?\x7f'],
  [1, '/request?a\tb'],
  [14, '/headers'],
  [2, '/headers?x'],
  [6, '/echo'],
  [3, '/things/7'],
  [1, '/things/abc'],
  [1, '/things/-1'],
  [1, '/things/99999999999999999999'],
  [2, '/sleep/0'],
  [2, '/sleep/3'],
  [2, '/big/0'],
  [1, '/big/1'],
  [2, '/nope'],
  [4, 'http://x/request?abs'],
  [2, 'http://x'],
  [1, 'http://x?q'],
  [2, 'HTTP://X/headers'],
  [1, 'https://x:8080/request'],
  [1, 'http://user@x/request'],
  [1, 'ftp://x/request'],
  [1, 'http:/request'],
  [1, 'x:443'],
  [1, '*'],
  [1, ''],
  [1, () => '/request?' + 'q'.repeat(8183)],
  [1, () => '/request?' + 'q'.repeat(8184)],
];

const VERSIONS = [
  [85, 'HTTP/1.1'],
  [12, 'HTTP/1.0'],
  [1, 'HTTP/1.2'],
  [1, 'HTTP/2.0'],
  [1, 'HTTP/0.9'],
  [1, 'HTTP/1'],
  [1, 'HTTP/1.01'],
  [1, 'http/1.1'],
  [1, 'HTTP/1.1 '],
  [1, ''],
];

/** Host values: valid forms, then ones RFC 9112 §3.2 / RFC 3986 §3.2.2 refuse. */
const HOSTS = [
  [30, 'x'],
  [6, 'example.com'],
  [4, 'x:80'],
  [2, 'x:'],
  [2, '127.0.0.1:8080'],
  [2, '[::1]:80'],
  [1, '[::1]'],
  [1, 'X'],
  [1, 'a-b.c_d~e'],
  [1, '%41'],
  [1, ''],
  [1, 'a b'],
  [1, 'user@x'],
  [1, 'x:abc'],
  [1, 'x:80:80'],
  [1, 'x,y'],
  [1, 'x/y'],
  [1, '[::1'],
  [1, 'x\ty'],
  [1, utf8('ü')],
];

const CONNECTION = ['close', 'keep-alive', 'Close', 'KEEP-ALIVE', 'close, keep-alive', 'keep-alive, close', 'upgrade', 'TE', 'x-foo', ''];
const EXPECT = ['100-continue', '100-continue', '100-Continue', '100-continue, x', 'foo', ''];

/** Other headers, with the odd value. */
const EXTRA = [
  [4, () => ['X-Request-Id', 'abc-123']],
  [2, () => ['X-A', '1']],
  [2, () => ['Cookie', 'a=1; b=2']],
  [2, () => ['Accept', '*/*']],
  [2, () => ['User-Agent', 'fuzz/1.0']],
  [2, (r) => ['Connection', r.pick(CONNECTION)]],
  [1, () => ['Keep-Alive', 'timeout=1']],
  [1, () => ['Upgrade', 'websocket']],
  [1, () => ['TE', 'trailers']],
  [1, () => ['Trailer', 'X-T']],
  [1, () => ['X-Empty', '']],
  [1, () => ['X-Spaces', '  a  b  ']],
  [1, () => ['X-Tab', '\ta\t']],
  [1, () => ['X-Utf8', utf8('é€')]],
  [1, () => ['X-Obs-Text', '\xe9\xff']],
  [1, () => ['X-Ctl', 'a\x01b']],
  [1, () => ['X-Del', 'a\x7fb']],
  [1, () => ['X-Nul', 'a\0b']],
  [1, () => ['X-CR', 'a\rb']],
  [1, () => ['x-lower', 'v']],
  [1, () => ['X-UPPER', 'V']],
  [1, () => ['X-Long', 'v'.repeat(1000)]],
  [1, () => ['X_Under', 'v']],
  [1, () => ['X Space', 'v']],
  [1, () => ['X(bad)', 'v']],
  [1, () => ['', 'v']],
  [1, () => [utf8('X-Ü'), 'v']],
  [1, () => ['Content-Type', 'application/json']],
  [1, () => ['Content-Type', 'text/plain']],
  [1, () => ['Proxy-Connection', 'keep-alive']],
  [1, () => ['Host2', 'x']],
];

const CONTENT_LENGTH = (n) => [
  [40, String(n)],
  [2, String(n + 1)],
  [2, String(Math.max(0, n - 1))],
  [1, ' ' + n],
  [1, n + ' '],
  [1, '0' + n],
  [1, '+' + n],
  [1, '-1'],
  [1, `${n},${n}`],
  [1, `${n}, ${n}`],
  [1, '0x' + n.toString(16)],
  [1, '99999999999999999999'],
  [1, ''],
  [1, '1e3'],
];

const TRANSFER_ENCODING = [
  [30, 'chunked'],
  [2, 'Chunked'],
  [1, 'CHUNKED'],
  [1, ' chunked '],
  [1, 'chunked, chunked'],
  [1, 'gzip, chunked'],
  [1, 'chunked, gzip'],
  [1, 'identity'],
  [1, 'gzip'],
  [1, 'chunked;q=1'],
  [1, 'xchunked'],
  [1, 'chunked,'],
  [1, ''],
];

function jsonBody(r) {
  const text = r.weighted([
    [6, 'hi'],
    [2, ''],
    [2, 'a b'],
    [1, utf8('é€😀')],
    [1, '\\u00e9\\n'],
    [1, 'x'.repeat(r.int(200))],
    [1, 'y'.repeat(1000 + r.int(100))], // around the 1024-byte limit
  ]);
  return r.weighted([
    [10, `{"text":"${text}"}`],
    [1, `{"text":1}`],
    [1, `{"text":"${text}"`], // malformed JSON
    [1, `{}`],
    [1, ''],
    [1, 'not json'],
    [1, `{"text":"a","__proto__":{"x":1}}`],
  ]);
}

function chunked(r, body, features) {
  let out = '';
  let at = 0;
  const pieces = body.length === 0 ? 0 : 1 + r.int(3);
  for (let i = 0; i < pieces; i++) {
    const size = i === pieces - 1 ? body.length - at : r.int(body.length - at + 1);
    if (size === 0 && i < pieces - 1) continue;
    let hex = size.toString(16);
    if (r.chance(0.1)) hex = hex.toUpperCase();
    if (r.chance(0.05)) hex = '00' + hex;
    let ext = '';
    if (r.chance(0.15)) {
      ext = r.pick([';a=b', ';a', ';a="x y"', ';a=b;c=d', ' ;a=b', '; a=b', ';', ';a=', ';a="b', ';\x01', ';a=b c']);
      features.push('chunk-ext');
    }
    let sizeLine = hex + ext;
    if (r.chance(0.02)) sizeLine = r.pick(['zz', '-1', ' ' + hex, hex + ' ', '0x' + hex, 'ffffffffffffffffff']);
    const dataEnd = r.chance(0.03) ? r.pick(['', '\n', 'x\r\n']) : '\r\n';
    out += `${sizeLine}\r\n${body.slice(at, at + size)}${dataEnd}`;
    at += size;
  }
  let last = '0';
  if (r.chance(0.1)) last += r.pick([';a=b', ';a="q"', ' ']);
  out += last + '\r\n';
  if (r.chance(0.2)) {
    out += r.pick(['X-T: 1\r\n', 'X-T: 1\r\nX-U: 2\r\n', 'Content-Length: 5\r\n', 'X-T:\r\n', 'X-T: a\r\n b\r\n', 'bad trailer\r\n']);
    features.push('trailer');
  }
  return out + '\r\n';
}

/** One request as a latin1 string; `features` names what it used (for the report). */
function request(r, features) {
  const method = r.weighted(METHODS);
  let target = r.weighted(TARGETS);
  if (typeof target === 'function') target = target();
  if (method === 'POST' && r.chance(0.7)) target = '/echo';
  const version = r.weighted(VERSIONS);
  const requestLine = r.weighted([
    [60, `${method} ${target} ${version}`],
    [1, `${method}  ${target} ${version}`],
    [1, `${method} ${target}  ${version}`],
    [1, `${method}\t${target} ${version}`],
    [1, ` ${method} ${target} ${version}`],
    [1, `${method} ${target}`],
  ]);
  const headers = [];
  const http10 = version === 'HTTP/1.0';
  const hostMode = r.weighted([
    [http10 ? 30 : 88, 'one'],
    [http10 ? 60 : 4, 'none'],
    [3, 'two'],
    [3, 'odd-name'],
  ]);
  if (hostMode === 'one') headers.push(['Host', r.weighted(HOSTS)]);
  else if (hostMode === 'two') headers.push(['Host', 'x'], ['Host', r.pick(['x', 'y'])]);
  else if (hostMode === 'odd-name') headers.push([r.pick(['host', 'HOST', 'Host ', ' Host', 'Hos']), 'x']);
  if (hostMode !== 'one') features.push(`host:${hostMode}`);

  // Body and its framing.
  const wantsBody = method === 'POST' || method === 'PUT' || method === 'PATCH' ? r.chance(0.9) : r.chance(0.05);
  let body = '';
  if (wantsBody) {
    const raw = jsonBody(r);
    if (r.chance(0.9)) headers.push(['Content-Type', r.pick(['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain'])]);
    const framing = r.weighted([
      [60, 'cl'],
      [30, 'chunked'],
      [3, 'both'],
      [2, 'two-cl'],
      [2, 'two-te'],
      [3, 'none'],
    ]);
    features.push(`framing:${framing}`);
    if (framing === 'cl' || framing === 'both' || framing === 'two-cl') {
      headers.push(['Content-Length', r.weighted(CONTENT_LENGTH(raw.length))]);
      if (framing === 'two-cl') headers.push(['Content-Length', r.pick([String(raw.length), String(raw.length + 1)])]);
    }
    if (framing === 'chunked' || framing === 'both' || framing === 'two-te') {
      if (framing === 'two-te') headers.push(['Transfer-Encoding', r.pick(['gzip', 'chunked', 'identity'])]);
      headers.push(['Transfer-Encoding', r.weighted(TRANSFER_ENCODING)]);
      body = chunked(r, raw, features);
    } else body = raw;
    if (r.chance(0.15)) {
      headers.push(['Expect', r.pick(EXPECT)]);
      features.push('expect');
    }
  } else if (r.chance(0.05)) {
    headers.push(['Content-Length', '0']);
  }
  const extras = r.weighted([
    [40, 0],
    [30, 1],
    [20, 2],
    [10, 3],
  ]);
  for (let i = 0; i < extras; i++) {
    const h = r.weighted(EXTRA)(r);
    headers.splice(r.int(headers.length + 1), 0, h);
  }
  if (http10 && r.chance(0.3)) headers.push(['Connection', 'keep-alive']);

  // Header lines, with the odd syntax.
  const lines = headers.map(([name, value]) => {
    const sep = r.weighted([
      [40, ': '],
      [4, ':'],
      [1, ':\t'],
      [1, ' : '],
      [1, ':  '],
    ]);
    let line = name + sep + value;
    if (r.chance(0.02)) line += r.pick([' ', '\t']);
    if (r.chance(0.02)) {
      // obs-fold: the value continues on the next line, after SP or HTAB
      const at = r.int(value.length + 1);
      line = name + sep + value.slice(0, at) + '\r\n' + r.pick([' ', '\t', '  ']) + value.slice(at);
      features.push('obs-fold');
    }
    return line;
  });
  if (r.chance(0.02)) lines.splice(r.int(lines.length + 1), 0, r.pick([': v', 'NoColon', ' leading: space', '\tx: y']));
  let head = [requestLine, ...lines].join('\r\n') + '\r\n\r\n';
  if (r.chance(0.04)) {
    // a line ending that is not CRLF somewhere in the head
    const ends = [...head.matchAll(/\r\n/g)].map((m) => m.index);
    const at = r.pick(ends);
    head = head.slice(0, at) + r.pick(['\n', '\r', '\r\r\n', '\n\r']) + head.slice(at + 2);
    features.push('line-ending');
  }
  if (r.chance(0.01)) {
    head = head.replace(/\r\n/g, '\n');
    features.push('lf-only');
  }
  return head + body;
}

const NOISE = ['\r', '\n', '\r\n', ' ', '\t', ':', '\0', '\x7f', '\xff', '%', ';', ',', '"', 'Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n', 'Host: y\r\n', '\r\n ', '\r\n\r\n', '0\r\n\r\n', 'GET / HTTP/1.1\r\n'];

/** 1–3 byte-level edits, as fuzz.mjs does them (flip, insert, delete, cut, repeat). */
function mutate(r, text) {
  let s = text;
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const at = r.int(s.length + 1);
    switch (r.int(5)) {
      case 0:
        if (s.length) s = s.slice(0, Math.min(at, s.length - 1)) + String.fromCharCode(r.int(256)) + s.slice(Math.min(at, s.length - 1) + 1);
        break;
      case 1:
        s = s.slice(0, at) + r.pick(NOISE) + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at + 1 + r.int(4));
        break;
      case 3:
        if (r.chance(0.3)) s = s.slice(0, at);
        break;
      case 4:
        s = s.slice(0, at) + s.slice(at, at + 1 + r.int(8)).repeat(2) + s.slice(at + 1 + r.int(8));
        break;
    }
  }
  return s;
}

/**
 * Case `index` of run `seed`: `{ index, bytes, writes, gaps, features }`,
 * `writes` the pieces the client sends, `gaps[i]` the ms to wait before piece i.
 */
export function caseAt(seed, index) {
  const r = rng(caseSeed(seed, index));
  const features = [];
  const count = r.weighted([
    [60, 1],
    [30, 2],
    [10, 3],
  ]);
  if (count > 1) features.push(`pipelined:${count}`);
  let text = '';
  for (let i = 0; i < count; i++) text += request(r, features);
  if (r.chance(0.2)) {
    text = mutate(r, text);
    features.push('mutated');
  }
  const bytes = latin1(text);
  const writes = [];
  const gaps = [];
  if (r.chance(0.7) || bytes.length < 2) {
    writes.push(bytes);
    gaps.push(0);
  } else {
    const cuts = new Set();
    const k = 1 + r.int(5);
    for (let i = 0; i < k; i++) cuts.add(1 + r.int(bytes.length - 1));
    let prev = 0;
    for (const c of [...cuts].sort((a, b) => a - b).concat(bytes.length)) {
      writes.push(bytes.subarray(prev, c));
      gaps.push(writes.length === 1 ? 0 : r.int(4));
      prev = c;
    }
    features.push(`split:${writes.length}`);
  }
  return { index, bytes, writes, gaps, features };
}
