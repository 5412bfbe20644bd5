// The correctness check: every available peer gets the same requests (each
// scenario, then the requests it must refuse) and each answer is compared with
// the expectation in bench/peers.mjs. A peer that answers differently is
// reported (and the runner does not time it).
//
//   node bench/check.mjs [--only id,id] [--json]      (npm run bench:check)
//
// Exit code 1 when an available peer answers wrongly or fails to start.
import { isDeepStrictEqual } from 'node:util';
import { exchange, rawRequest } from './http-client.mjs';
import { DEFAULT_DB_PATH, NEGATIVES, PEERS, SCENARIOS, prepareDatabase, startPeer } from './peers.mjs';

/**
 * Checks one answer against `expect`. Returns { ok, note } where note says
 * what differs (ok false) or how it matched when not byte-equal (ok true).
 */
export function judge(res, expect, { keepAlive = true } = {}) {
  const problems = [];
  const notes = [];
  const wantStatus = Array.isArray(expect.status) ? expect.status : [expect.status];
  if (!wantStatus.includes(res.status)) problems.push(`status ${res.status}, want ${wantStatus.join(' or ')}`);
  if (!res.headers.server) problems.push('no Server header');
  if (!res.headers.date) problems.push('no Date header');
  if (keepAlive && /\bclose\b/i.test(res.headers.connection ?? '')) problems.push('connection: close (keep-alive expected)');
  const type = res.headers['content-type'] ?? '';
  if (expect.contentType && !expect.contentType.test(type)) problems.push(`content-type ${JSON.stringify(type)}, want ${expect.contentType}`);
  const text = res.body.toString('utf8');
  if (expect.body !== undefined && text !== expect.body) {
    let same = false;
    try {
      same = isDeepStrictEqual(JSON.parse(text), JSON.parse(expect.body));
    } catch {
      /* not JSON: bytes decide */
    }
    if (same) notes.push('parsed-equal (bytes differ)');
    else problems.push(`body ${clip(text)}, want ${clip(expect.body)}`);
  }
  if (expect.shape) {
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      problems.push(`body is not JSON: ${clip(text)}`);
    }
    if (value !== undefined) {
      const wrong = expect.shape(value);
      if (wrong) problems.push(`${wrong}: ${clip(text)}`);
    }
  }
  return problems.length ? { ok: false, note: problems.join('; ') } : { ok: true, note: notes.join('; ') };
}

const clip = (s, n = 120) => JSON.stringify(s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * Checks a peer that already listens on `port`. Returns a Map from scenario
 * or negative id to { state: 'ok' | 'differs' | 'n/a', note, status }.
 */
export async function checkRunningPeer(peer, port) {
  const results = new Map();
  const supports = new Set(peer.scenarios);
  for (const s of SCENARIOS) {
    if (!supports.has(s.id)) {
      results.set(s.id, { state: 'n/a', note: 'not supported by this peer' });
      continue;
    }
    try {
      const n = s.pipeline ?? 1;
      const one = rawRequest(s, port);
      // the pipelined case writes all n requests at once; the others send each
      // request twice on one connection, so keep-alive is checked too: in one
      // write, or, for a `sequential` scenario, the second after the first answer
      const answers = await exchange(port, n > 1 ? Buffer.concat(Array(n).fill(one)) : one, 1);
      const twice = s.sequential ? [one, one] : Buffer.concat([one, one]);
      const again = n > 1 ? await exchange(port, Buffer.concat(Array(n).fill(one)), n) : await exchange(port, twice, 2);
      const all = [...answers, ...again];
      const verdicts = all.map((r) => judge(r, s.expect));
      const bad = verdicts.find((v) => !v.ok);
      results.set(s.id, bad ? { state: 'differs', note: bad.note } : { state: 'ok', note: verdicts[0].note, status: all[0].status });
    } catch (e) {
      results.set(s.id, { state: 'differs', note: e.message });
    }
  }
  for (const neg of NEGATIVES) {
    if (!supports.has(neg.scenario)) {
      results.set(neg.id, { state: 'n/a', note: `needs ${neg.scenario}` });
      continue;
    }
    try {
      const [res] = await exchange(port, rawRequest(neg, port), 1);
      // a peer may close the connection after refusing a request
      const v = judge(res, neg.expect, { keepAlive: false });
      results.set(neg.id, v.ok ? { state: 'ok', note: v.note, status: res.status } : { state: 'differs', note: v.note, status: res.status });
    } catch (e) {
      results.set(neg.id, { state: 'differs', note: e.message });
    }
  }
  return results;
}

/**
 * Prepares, starts, checks and stops each peer in turn.
 * Returns [{ peer, available: true | reason, version, error?, results? }].
 */
export async function checkPeers({ only, dbPath = DEFAULT_DB_PATH, log = () => {} } = {}) {
  await prepareDatabase(dbPath);
  const out = [];
  for (const peer of PEERS) {
    if (only && !only.includes(peer.id)) continue;
    const available = await peer.available();
    const entry = { peer, available, version: available === true ? peer.version() : undefined };
    out.push(entry);
    if (available !== true) {
      log(`${peer.id}: skipped: ${available}`);
      continue;
    }
    let running;
    try {
      log(`${peer.id}: preparing`);
      await peer.prepare({ dbPath });
      running = await startPeer(peer, { dbPath });
      entry.results = await checkRunningPeer(peer, running.port);
      const exit = await running.stop();
      if (exit.code !== 0 && exit.signal !== 'SIGTERM') entry.stopNote = `stopped with ${exit.signal ?? `exit code ${exit.code}`}`;
      log(`${peer.id}: checked`);
    } catch (e) {
      entry.error = e.message;
      if (running) await running.stop();
      log(`${peer.id}: failed: ${e.message.split('\n')[0]}`);
    }
  }
  return out;
}

/** true when every available peer passed every applicable request. */
export const allCorrect = (entries) =>
  entries.every((e) => e.available !== true || (!e.error && [...e.results.values()].every((r) => r.state !== 'differs')));

/** The peers an available peer answered wrongly for, as `peer: id (note)` lines. */
export function failures(entries) {
  const lines = [];
  for (const e of entries) {
    if (e.available !== true) continue;
    if (e.error) lines.push(`${e.peer.id}: ${e.error}`);
    else for (const [id, r] of e.results) if (r.state === 'differs') lines.push(`${e.peer.id}: ${id}: ${r.note}`);
  }
  return lines;
}

/** A Markdown table: peer × scenario (and the refused requests, with the status each peer chose). */
export function formatTable(entries) {
  const cols = [...SCENARIOS.map((s) => s.id), ...NEGATIVES.map((n) => n.id)];
  const rows = [['peer', 'version', ...cols]];
  const notes = [];
  for (const e of entries) {
    if (e.available !== true) {
      rows.push([e.peer.id, '', ...cols.map(() => 'skipped')]);
      notes.push(`- ${e.peer.id}: skipped: ${e.available}`);
      continue;
    }
    if (e.error) {
      rows.push([e.peer.id, e.version, ...cols.map(() => 'failed')]);
      notes.push(`- ${e.peer.id}: failed: ${e.error.split('\n')[0]}`);
      continue;
    }
    const cells = cols.map((c) => {
      const r = e.results.get(c);
      const neg = NEGATIVES.some((n) => n.id === c);
      if (r.state === 'ok') return neg ? `ok (${r.status})` : r.note ? 'ok*' : 'ok';
      if (r.state === 'n/a') return 'n/a';
      notes.push(`- ${e.peer.id} / ${c}: ${r.note}`);
      return r.status ? `differs (${r.status})` : 'differs';
    });
    for (const c of cols) {
      const r = e.results.get(c);
      if (r.state === 'ok' && r.note) notes.push(`- ${e.peer.id} / ${c}: ${r.note}`);
    }
    if (e.stopNote) notes.push(`- ${e.peer.id}: ${e.stopNote}`);
    rows.push([e.peer.id, e.version, ...cells]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const table = [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
  return notes.length ? `${table}\n\n${notes.join('\n')}\n` : `${table}\n`;
}

async function main() {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--only');
  const only = i >= 0 ? argv[i + 1].split(',') : undefined;
  const entries = await checkPeers({ only, log: (m) => process.stderr.write(`check: ${m}\n`) });
  if (argv.includes('--json')) {
    const plain = entries.map((e) => ({
      peer: e.peer.id,
      available: e.available,
      version: e.version,
      error: e.error,
      results: e.results && Object.fromEntries(e.results),
    }));
    process.stdout.write(`${JSON.stringify(plain, null, 2)}\n`);
  } else {
    process.stdout.write(formatTable(entries));
    process.stdout.write("\nok* = parsed-equal JSON, bytes differ; negative columns show each peer's status\n");
  }
  const ok = allCorrect(entries);
  process.stdout.write(ok ? 'every available peer answers correctly\n' : `wrong answers:\n${failures(entries).map((l) => `  ${l}`).join('\n')}\n`);
  process.exit(ok ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
