// The Markdown report of one run. Headings start at level 3 so that the file
// can be pasted as is under README's "## Benchmarks".

const BASELINES = [
  { id: 'node-http', name: 'node:http' },
  { id: 'fastapi', name: 'FastAPI' },
];

const int = (n) => Math.round(n).toLocaleString('en-US');
const ms = (us) => (us == null ? '–' : us >= 100_000 ? `${(us / 1000).toFixed(0)} ms` : `${(us / 1000).toFixed(2)} ms`);
const mb = (kb) => (kb == null ? '–' : `${(kb / 1024).toFixed(1)} MB`);
const cpu = (us) => (us == null ? '–' : `${us.toFixed(us < 10 ? 2 : 1)} µs`);
const ratio = (a, b) => (a == null || !b ? '–' : `${(a / b).toFixed(a / b < 10 ? 2 : 1)}×`);
const signedMb = (kb) => `${kb < 0 ? '−' : '+'}${(Math.abs(kb) / 1024).toFixed(1)} MB`;
const share = (x) => (x == null ? '–' : x.toFixed(2));
const cores = (c) => `${share(c.serverCore)} / ${share(c.clientCore)}`;
const code = (s) => `\`${s.replace(/`/g, "'")}\``;
const oneLine = (s) => String(s).replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

function table(head, rows, align) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (align[i] === 'r' ? '--:' : ':--'))), ...rows.map(line)].join('\n');
}

/** What a matrix cell shows when there is no number. */
function blank(c) {
  if (c.status === 'n/a') return 'n/a';
  if (c.status === 'skipped') return 'skipped';
  return '✗';
}

export function renderMarkdown(results, summary) {
  const { machine: m, options: o } = results;
  const scenarios = results.scenarios;
  const peers = results.peers;
  const measured = peers.filter((p) => p.status !== 'skipped');
  const out = [];
  const label = (p) => `${p.label}`;

  out.push(`### Results — ${results.date.slice(0, 16).replace('T', ' ')} UTC${o.quick ? ' (quick run: not for comparison)' : ''}`);
  out.push('');
  out.push(
    `**Machine:** ${m.cpu}, ${m.cores} cores${m.threadsPerCore === 1 ? ' (no SMT)' : ''}${m.hypervisor ? `, ${m.hypervisor} guest` : ''}, ${m.memoryGb} GB, ${m.kernel}. ` +
      `Node ${m.node}${m.bun ? `, Bun ${m.bun}` : ''}${m.python ? `, Python ${m.python}` : ''}${m.nginx ? `, ${m.nginx}` : ''}, ${m.wrk ?? 'wrk'}.`,
  );
  out.push('');
  out.push(
    `**Method:** every peer is one process pinned to core 0 (\`taskset -c 0\`); wrk runs on core 1 (\`taskset -c 1 wrk -t${o.threads ?? 1} -c${o.connections}\`). ` +
      `Each run is ${o.warmup} s of warm-up then ${o.duration} s measured; ${o.rounds} round${o.rounds > 1 ? 's' : ''} with the peers interleaved, ` +
      `median shown. A peer is timed only on the scenarios where it passed the correctness check. ` +
      `CPU/req is the server's user+system time over the measured run divided by the requests served; ` +
      `peak RSS is the server's VmHWM during that scenario. Command: ${code(results.command)}.`,
  );

  // ---- requests per second and ratios
  out.push('', '#### Requests per second', '');
  const matrix = (value) =>
    table(
      ['Peer', ...scenarios.map((s) => s.id)],
      measured.map((p) => [label(p), ...scenarios.map((s) => value(p, s.id, summary[p.id][s.id]))]),
      ['l', ...scenarios.map(() => 'r')],
    );
  out.push(matrix((p, s, c) => (c.status === 'ok' ? `${int(c.rps)}${c.errors ? ' ⚠' : ''}` : blank(c))));

  for (const base of BASELINES) {
    const basePeer = peers.find((p) => p.id === base.id);
    out.push('', `#### Against ${base.name} (requests/s ÷ ${base.name}'s)`, '');
    if (!basePeer || basePeer.status === 'skipped') {
      out.push(`No ratios: ${base.name} was ${basePeer ? `skipped (${basePeer.reason})` : 'not part of this run'}.`);
      continue;
    }
    out.push(
      matrix((p, s, c) => {
        const b = summary[base.id][s];
        if (c.status !== 'ok') return blank(c);
        return b.status === 'ok' ? ratio(c.rps, b.rps) : '–';
      }),
    );
  }

  // ---- the tail
  out.push('', '#### p99 latency', '');
  out.push(
    `wrk's p99 per scenario (pipelined: per batch). Below each, in brackets, the floor a closed loop sets: ` +
      `with ${o.connections} connections each waiting for its answer before it sends again, the mean latency is ` +
      `${o.connections} ÷ requests/s (Little's law), whatever the server, so a p99 under 1 ms needs more than ` +
      `${int(o.connections * 1000)} requests/s and a narrow spread above that mean.`,
  );
  out.push('');
  out.push(
    matrix((p, s, c) => {
      if (c.status !== 'ok') return blank(c);
      const depth = scenarios.find((x) => x.id === s)?.pipeline ?? 1;
      const floorUs = c.rps ? (o.connections * depth * 1e6) / c.rps : null;
      return `${ms(c.p99Us)} [${ms(floorUs)}]`;
    }),
  );

  // ---- per-scenario details
  out.push('', '#### Latency, CPU and memory per scenario', '');
  out.push(
    `p50/p99: wrk's latency percentiles${scenarios.some((s) => s.pipeline > 1) ? ' (pipelined: per batch of requests)' : ''}; ` +
      '– where wrk cannot compute one (its latency correction can add samples below its recorded minimum, mostly when pipelining). ' +
      'Cores: the share of its core the server and wrk each used over the measured run (1.00: that side was the bottleneck).',
  );
  for (const s of scenarios) {
    const rows = measured
      .map((p) => ({ p, c: summary[p.id][s.id] }))
      .filter(({ c }) => c.status !== 'n/a')
      .sort((a, b) => (b.c.rps ?? -1) - (a.c.rps ?? -1));
    if (!rows.length) continue;
    const base = (id) => summary[id]?.[s.id];
    out.push('', `##### ${s.id} — ${code(`${s.method} ${s.path}`)}${s.pipeline > 1 ? `, ${s.pipeline} requests per write` : ''}`, '');
    out.push(
      table(
        ['Peer', 'req/s', '× node:http', '× FastAPI', 'p50', 'p99', 'CPU/req', 'cores: server / wrk', 'peak RSS', 'errors'],
        rows.map(({ p, c }) =>
          c.status === 'ok'
            ? [label(p), int(c.rps), ratio(c.rps, base('node-http')?.rps), ratio(c.rps, base('fastapi')?.rps), ms(c.p50Us), ms(c.p99Us), cpu(c.cpuUsPerRequest), cores(c), mb(c.peakRssKb), c.errors ? `⚠ ${int(c.errors)}` : '0']
            : [label(p), blank(c), '', '', '', '', '', '', '', ''],
        ),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }

  // ---- per peer
  out.push('', '#### Per peer: idle connections and cold start', '');
  const idleHead = results.options.idle > 0 ? `memory per idle keep-alive connection (${int(results.options.idle)} open)` : 'memory per idle connection';
  out.push(
    table(
      ['Peer', 'version', idleHead, 'RSS held 3 s after they closed', `cold start (median of ${o.coldStarts})`],
      measured.map((p) => {
        const idle = results.idle[p.id];
        const cold = results.coldStart[p.id];
        const idleText = !idle ? 'not measured' : idle.error ? '✗' : `${(idle.bytesPerConnection / 1024).toFixed(1)} kB${idle.open < idle.connections ? ` (${int(idle.open)} stayed open)` : ''}`;
        const heldText = !idle || idle.error || idle.rssClosedKb === undefined ? '' : signedMb(idle.rssClosedKb - idle.rssBeforeKb);
        const coldText = !cold ? 'not measured' : cold.error ? '✗' : `${cold.medianMs.toFixed(0)} ms`;
        return [label(p), oneLine(p.version), idleText, heldText, coldText];
      }),
      ['l', 'l', 'r', 'r', 'r'],
    ),
  );
  out.push('', 'Idle memory: the server\'s RSS after a client on core 1 opened the connections and made one request on each, minus its RSS before (read after 60,000 warm-up requests over 64 connections, so that what V8 spends once on its first requests — compiled code, a young generation filled for the first time — is not counted per connection), divided by the connections still open. RSS held: the server\'s RSS 3 s after the client closed them, minus its RSS before (memory the process keeps for reuse: V8 shrinks its heap only after a major collection, which an idle server never runs, and malloc keeps freed arenas). Cold start: from spawning the process to its first successful answer to `GET /plaintext` (or its first scenario).');

  // ---- what did not run, and why
  const problems = [];
  for (const p of peers) {
    if (p.status === 'skipped') {
      problems.push(`- **${p.label}** — skipped: ${oneLine(p.reason)}`);
      continue;
    }
    if (p.status === 'failed') {
      problems.push(`- **${p.label}** — failed: ${oneLine(p.reason)}`);
      continue;
    }
    for (const s of scenarios) {
      const c = summary[p.id][s.id];
      if (c.status === 'failed') problems.push(`- **${p.label}**, ${s.id} — ${oneLine(c.reason)}`);
      else if (c.status === 'ok' && c.errors) problems.push(`- **${p.label}**, ${s.id} — ${int(c.errors)} errors during timing (socket errors or status ≥ 400, as counted by wrk) out of ${int(c.requests)} requests`);
      else if (c.status === 'ok' && c.failedRounds) problems.push(`- **${p.label}**, ${s.id} — ${c.failedRounds} round(s) failed; median over ${c.rounds}`);
    }
    const idle = results.idle[p.id];
    if (idle?.error) problems.push(`- **${p.label}** — idle connections not measured: ${oneLine(idle.error)}`);
    const cold = results.coldStart[p.id];
    if (cold?.error) problems.push(`- **${p.label}** — cold start not measured: ${oneLine(cold.error)}`);
  }
  for (const p of peers) if (p.notes) problems.push(`- **${p.label}** — note: ${oneLine(p.notes)}`);
  out.push('', '#### Skipped, failing and notes', '');
  out.push(problems.length ? problems.join('\n') : 'Every peer ran every scenario it serves.');
  out.push('');
  return out.join('\n');
}
