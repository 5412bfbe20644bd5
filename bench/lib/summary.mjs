// From raw runs to one cell per (peer, scenario): medians over rounds.

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * Every (peer, scenario) cell:
 *   { status: 'ok', rps, p50Us, p99Us, cpuUsPerRequest, peakRssKb, rounds, errors }
 *   { status: 'n/a' }                     the peer does not serve this scenario
 *   { status: 'skipped' | 'failed', reason }
 * Each metric is the median over the rounds that produced a measurement.
 */
export function summarize(results) {
  const out = {};
  for (const peer of results.peers) {
    out[peer.id] = {};
    for (const s of results.scenarios) {
      out[peer.id][s.id] = cell(results, peer, s.id);
    }
  }
  return out;
}

function cell(results, peer, scenarioId) {
  if (peer.status === 'skipped') return { status: 'skipped', reason: peer.reason };
  if (!peer.supported.includes(scenarioId)) return { status: 'n/a' };
  if (peer.status === 'failed') return { status: 'failed', reason: peer.reason };
  const wrong = peer.check?.[scenarioId];
  if (wrong) return { status: 'failed', reason: `not timed, wrong answer: ${wrong}` };
  const runs = results.runs.filter((r) => r.peer === peer.id && r.scenario === scenarioId);
  const good = runs.filter((r) => !r.error);
  if (!good.length) {
    const why = runs.find((r) => r.error)?.error ?? 'not run';
    return { status: 'failed', reason: `no measurement: ${why}` };
  }
  return {
    status: 'ok',
    rounds: good.length,
    rps: median(good.map((r) => r.rps)),
    p50Us: median(good.map((r) => r.latencyUs.p50)),
    p99Us: median(good.map((r) => r.latencyUs.p99)),
    meanUs: median(good.map((r) => r.latencyUs.mean)),
    // the share of its core each side used over the measured run (1: saturated)
    serverCore: median(good.map((r) => r.cpuSeconds / r.seconds)),
    clientCore: median(good.map((r) => (r.clientCpuSeconds == null ? null : r.clientCpuSeconds / r.seconds))),
    cpuUsPerRequest: median(good.map((r) => r.cpuUsPerRequest)),
    peakRssKb: median(good.map((r) => r.peakRssKb)),
    errors: good.reduce((n, r) => n + r.errorCount, 0),
    requests: good.reduce((n, r) => n + r.requests, 0),
    failedRounds: runs.length - good.length,
  };
}
