// The SVG bar chart of a run: one panel per scenario, requests/s per peer,
// rendered by echarts on the server (no DOM).
import * as echarts from 'echarts';

const COLUMNS = 2;
const WIDTH = 1200;
const TOP = 70;
const BAR = 20;
const PANEL_GAP = 70;
const LEFT = 190;
const COLORS = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc', '#8d6e63', '#546e7a', '#26a69a'];
const COVET_COLOR = '#d81b60';

const trim = (text) => text.replace(/\.0+$/, '');
const short = (n) => (n >= 1e6 ? `${trim((n / 1e6).toFixed(2))}M` : n >= 1e3 ? `${trim((n / 1e3).toFixed(n >= 1e5 ? 0 : 1))}k` : `${Math.round(n)}`);

/** Labels without their parenthesized detail, unless two peers would then look alike. */
function shortLabels(peers) {
  const bare = peers.map((p) => p.label.replace(/\s*\(.*\)$/, ''));
  return Object.fromEntries(peers.map((p, i) => [p.id, bare.indexOf(bare[i]) === bare.lastIndexOf(bare[i]) ? bare[i] : p.label]));
}

/** Renders the chart to an SVG string. */
export function renderChart(results, summary) {
  const peers = results.peers.filter((p) => p.status !== 'skipped');
  const scenarios = results.scenarios.filter((s) => peers.some((p) => summary[p.id][s.id].status === 'ok'));
  // one color per peer, the same in every panel; Covet's engines stand out
  let next = 0;
  const color = Object.fromEntries(peers.map((p) => [p.id, p.id.startsWith('covet') ? COVET_COLOR : COLORS[next++ % COLORS.length]]));

  const names = shortLabels(peers);
  const columns = Math.min(COLUMNS, Math.max(1, scenarios.length));
  const rows = Math.ceil(scenarios.length / columns) || 1;
  const panelHeight = Math.max(80, peers.length * BAR * 1.35);
  const height = TOP + rows * (panelHeight + PANEL_GAP) + 30;
  const panelWidth = (WIDTH - 40) / columns - LEFT - 70;

  const grid = [];
  const xAxis = [];
  const yAxis = [];
  const series = [];
  const title = [
    {
      text: `Requests per second, one core (wrk -c${results.options.connections}, median of ${results.options.rounds} round${results.options.rounds > 1 ? 's' : ''})`,
      subtext: `${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.kernel}, Node ${results.machine.node} — ${results.date.slice(0, 10)}${results.options.quick ? ' — quick run' : ''}`,
      left: 20,
      top: 10,
      textStyle: { fontSize: 16 },
    },
  ];

  scenarios.forEach((s, i) => {
    const col = i % columns;
    const row = Math.floor(i / columns);
    const left = 20 + col * ((WIDTH - 40) / columns) + LEFT;
    const top = TOP + row * (panelHeight + PANEL_GAP) + 30;
    // peers that serve this scenario, fastest on top (echarts draws category 0 at the bottom)
    const shown = peers
      .filter((p) => summary[p.id][s.id].status !== 'n/a')
      .map((p) => ({ p, c: summary[p.id][s.id] }))
      .sort((a, b) => (a.c.rps ?? 0) - (b.c.rps ?? 0));
    grid.push({ left, top, width: panelWidth, height: panelHeight });
    title.push({ text: `${s.id} — ${s.method} ${s.path}${s.pipeline > 1 ? ` ×${s.pipeline} pipelined` : ''}`, left: left - LEFT + 10, top: top - 28, textStyle: { fontSize: 13 } });
    xAxis.push({ type: 'value', gridIndex: i, axisLabel: { formatter: short, fontSize: 10 }, splitLine: { lineStyle: { color: '#eee' } } });
    yAxis.push({ type: 'category', gridIndex: i, data: shown.map(({ p }) => names[p.id]), axisLabel: { fontSize: 11 }, axisTick: { show: false } });
    series.push({
      type: 'bar',
      xAxisIndex: i,
      yAxisIndex: i,
      barWidth: BAR * 0.8,
      data: shown.map(({ p, c }) => ({
        value: c.status === 'ok' ? Math.round(c.rps) : 0,
        itemStyle: { color: color[p.id] },
        label: { show: true, position: 'right', fontSize: 10, formatter: c.status === 'ok' ? short(c.rps) : c.status === 'skipped' ? 'skipped' : 'failed' },
      })),
      animation: false,
    });
  });

  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  chart.setOption({ animation: false, backgroundColor: '#fff', title, grid, xAxis, yAxis, series });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
