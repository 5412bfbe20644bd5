/**
 * Early answers that must not get lost, on the engine named by COVET_ENGINE (like the other
 * conformance suites): the server refuses a request while its body is still arriving (413 for
 * a 5 MB upload against the default 1 MiB limit, and the other refusals of a request with an
 * unread body), and the client, still writing, must read that answer. A server that closed
 * at once with the client's bytes unread would make the kernel reset the connection, and the
 * client would see EPIPE or ECONNRESET instead of the answer (the node engine did, in 14 of 15
 * tries). Each refusal is tried back to back, with clients that write the whole body: a raw
 * socket, Python's http.client (which writes the whole request before it reads) and curl.
 */
import net from 'node:net';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startApp, type RunningApp } from '../../test/harness.ts';
import { APP_DIR, ENGINE } from './server.ts';
import { serves } from './wire.ts';

const UPLOAD = 5_000_000;
let app: RunningApp | undefined;

test.before(async () => {
  // The default limits (body 1 MiB), as the server runs by default.
  app = await startApp(APP_DIR, { engine: ENGINE });
});

test.after(async () => {
  await app?.stop();
});

interface Outcome {
  /** The first status line received, or null. */
  status: string | null;
  /** The whole answer as received (latin1). */
  received: string;
  /** The client's socket error, if any (EPIPE, ECONNRESET). */
  error: string | null;
  /** The client managed to write every byte. */
  wroteAll: boolean;
}

/** Connects, writes `head` and `body` in full (as fast as the server takes them), and reads until the server closes. */
function upload(port: number, head: string, body: Buffer): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let error: string | null = null;
    let wroteAll = false;
    const timer = setTimeout(() => socket.destroy(new Error('no close within 15 s')), 15_000);
    socket.on('connect', () => {
      socket.write(head);
      socket.write(body, (err) => (wroteAll = !err));
    });
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('close', () => {
      clearTimeout(timer);
      const received = Buffer.concat(chunks).toString('latin1');
      resolve({ status: received === '' ? null : received.slice(0, received.indexOf('\r\n')), received, error, wroteAll });
    });
  });
}

/**
 * Runs `tries` uploads one after the other: every one must be answered `status` with
 * `detail`, and the client must have written its whole body without an error (the server read
 * and dropped it).
 */
async function everyTime(tries: number, head: string, body: Buffer, status: string, detail: string): Promise<void> {
  let unanswered = 0;
  let reset = 0;
  const failures: string[] = [];
  for (let i = 0; i < tries; i++) {
    const o = await upload(app!.port, head, body);
    if (o.status !== status || !o.received.endsWith(JSON.stringify({ detail }))) {
      unanswered++;
      failures.push(`try ${i + 1}: ${o.status ?? `no answer (${o.error ?? 'closed'})`}`);
    } else if (o.error !== null || !o.wroteAll) {
      reset++;
      failures.push(`try ${i + 1}: answered, but the upload ended with ${o.error ?? 'an unfinished write'}`);
    }
  }
  assert.ok(
    failures.length === 0,
    `${unanswered} of ${tries} tries got no ${status.slice(9)}, ${reset} more were cut while uploading:\n${failures.join('\n')}`,
  );
  await serves(app!.port);
}

const json = (n: number) => Buffer.from(`{"text":"${'u'.repeat(n - 11)}"}`);

test(`${ENGINE}: a 5 MB upload with Content-Length over the 1 MiB limit gets its 413, 15 tries in a row`, async () => {
  const head = `POST /echo HTTP/1.1\r\nHost: conformance\r\nContent-Type: application/json\r\nContent-Length: ${UPLOAD}\r\n\r\n`;
  await everyTime(15, head, json(UPLOAD), 'HTTP/1.1 413 Payload Too Large', 'Payload Too Large');
});

test(`${ENGINE}: a 5 MB chunked upload that grows over the limit gets its 413, 5 tries in a row`, async () => {
  const head = 'POST /echo HTTP/1.1\r\nHost: conformance\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
  const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 'c'), Buffer.from('\r\n')]);
  const body = Buffer.concat([...Array.from({ length: Math.ceil(UPLOAD / 0x10000) }, () => chunk), Buffer.from('0\r\n\r\n')]);
  await everyTime(5, head, body, 'HTTP/1.1 413 Payload Too Large', 'Payload Too Large');
});

test(`${ENGINE}: a request refused for its head (no Host) with a 900 kB body on its way gets its 400, 5 tries in a row`, async () => {
  const head = 'POST /echo HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n';
  await everyTime(5, head, json(900_000), 'HTTP/1.1 400 Bad Request', 'Bad Request: missing Host header');
});

test(`${ENGINE}: an unknown expectation with a 900 kB body on its way gets its 417, 5 tries in a row`, async () => {
  const head = 'POST /echo HTTP/1.1\r\nHost: conformance\r\nExpect: the-unexpected\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n';
  await everyTime(5, head, json(900_000), 'HTTP/1.1 417 Expectation Failed', 'Expectation Failed');
});

test(`${ENGINE}: a chunked body that breaks its framing, with 4 MB more on its way, gets its 400, 5 tries in a row`, async () => {
  const head = 'POST /echo HTTP/1.1\r\nHost: conformance\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
  const body = Buffer.concat([Buffer.from('4\r\n{"te\r\nnot-a-size\r\n'), Buffer.alloc(4_000_000, 'g')]);
  await everyTime(5, head, body, 'HTTP/1.1 400 Bad Request', 'Bad Request');
});

// ---------------------------------------------------------------- real clients

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** A 5 MB JSON file to upload. */
function uploadFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'covet-linger-')), 'upload.json');
  writeFileSync(file, json(UPLOAD));
  return file;
}

function run(cmd: string, args: string[]): Promise<{ out: string; err: string }> {
  return new Promise((resolve) => execFile(cmd, args, { timeout: 60_000 }, (_err, stdout, stderr) => resolve({ out: stdout, err: stderr })));
}

// http.client sends the whole request (headers and body) before it reads the answer: a reset
// while it writes is a BrokenPipeError or ConnectionResetError, and it never sees the answer.
const PYTHON_UPLOADS = `
import http.client, sys
port, path, tries = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
body = open(path, 'rb').read()
for i in range(tries):
    try:
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=15)
        c.request('POST', '/echo', body=body, headers={'Content-Type': 'application/json'})
        r = c.getresponse()
        print(r.status, r.read().decode())
        c.close()
    except Exception as e:
        print(type(e).__name__, e)
`;

test(`${ENGINE}: Python's http.client uploading 5 MB reads the 413, 15 tries in a row`, async () => {
  if (!have('python3')) {
    console.log('  skipped: python3 is not installed');
    return;
  }
  const r = await run('python3', ['-c', PYTHON_UPLOADS, String(app!.port), uploadFile(), '15']);
  const lines = r.out.trim().split('\n');
  const wrong = lines.filter((l) => l !== '413 {"detail":"Payload Too Large"}');
  assert.ok(lines.length === 15 && wrong.length === 0, `${wrong.length + 15 - lines.length} of 15 tries went wrong:\n${r.out}${r.err}`);
});

test(`${ENGINE}: curl uploading 5 MB (no Expect: 100-continue) reads the 413, 5 tries in a row`, async () => {
  if (!have('curl')) {
    console.log('  skipped: curl is not installed (`node scripts/setup.mjs` as root installs it)');
    return;
  }
  const file = uploadFile();
  const failures: string[] = [];
  for (let i = 0; i < 5; i++) {
    // `Expect:` (empty) keeps curl from asking for 100 Continue, which would let the server refuse before the body.
    const r = await run('curl', ['-sS', '-o', '-', '-w', '\n%{http_code}', '-H', 'Expect:', '-H', 'content-type: application/json', '--data-binary', `@${file}`, `${app!.url}/echo`]);
    if (!r.out.endsWith('{"detail":"Payload Too Large"}\n413')) failures.push(`try ${i + 1}: ${JSON.stringify(r.out.slice(-60))} ${r.err.trim()}`);
  }
  assert.is(failures.length, 0, `${failures.length} of 5 tries went wrong:\n${failures.join('\n')}`);
});

test.run();
