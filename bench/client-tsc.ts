/**
 * How long `tsc --noEmit --strict` takes on a generated client as routes grow
 * (issue 11: the client is written-out code, not type-level inference, so it
 * must stay fast in the editor at 1,000 routes; Hono's and Elysia's inferred
 * clients hit "type instantiation is excessively deep" near 100).
 *
 * For each size: test/big-app.ts writes the app (the one test/inspect.test.ts
 * uses), the compiler reads it, codegen/client writes its client, and tsc checks
 * the client plus a file that calls its last route. Baseline: tsc on a file of
 * one line, with the same flags and libs (tsc's start-up and lib.dom). Wall
 * clock and CPU time (GNU time's user + system), the run of median wall time
 * of --rounds runs (default 3); TypeScript's own --extendedDiagnostics counts
 * (types, instantiations) do not depend on load.
 *
 *   node --import tsx bench/client-tsc.ts [--sizes 10,100,1000] [--rounds 3]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readApp } from '../pipeline/describe.ts';
import { clientSource } from '../pipeline/client.ts';
import { bigApp } from '../test/big-app.ts';
import { TSC, STRICT_FLAGS, LIBS } from '../test/tsc.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10,100,1000' }, rounds: { type: 'string', default: '3' } } });
const sizes = values.sizes.split(',').map(Number);
const rounds = Number(values.rounds);
const flags = [...STRICT_FLAGS, ...LIBS.dom, '--extendedDiagnostics'];

interface Run {
  ms: number;
  /** User + system CPU seconds of tsc (GNU time), far less disturbed by other load than the wall clock; NaN without /usr/bin/time. */
  cpu: number;
  check: number;
  types: number;
  instantiations: number;
  memory: number;
}

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function run(dir: string, files: string[]) {
  const argv = [TSC, '--noEmit', '--pretty', 'false', ...flags, ...files];
  const t0 = performance.now();
  const r = GNU_TIME ? spawnSync(GNU_TIME, ['-f', 'covet-cpu %U %S', ...argv], { cwd: dir, encoding: 'utf8' }) : spawnSync(argv[0]!, argv.slice(1), { cwd: dir, encoding: 'utf8' });
  const ms = performance.now() - t0;
  const out = `${r.stdout}${r.stderr}`;
  const cpu = /covet-cpu ([\d.]+) ([\d.]+)/.exec(out);
  return { code: r.status, out, ms, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN };
}

function measure(dir: string, files: string[]): Run {
  run(dir, files); // warm-up: the first run reads TypeScript and the libs from disk
  const runs: Run[] = [];
  for (let i = 0; i < rounds; i++) {
    const r = run(dir, files);
    if (r.code !== 0) throw new Error(`tsc failed in ${dir}:\n${r.out}`);
    const num = (label: string) => Number(new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(r.out)?.[1] ?? NaN);
    runs.push({ ms: r.ms, cpu: r.cpu * 1000, check: num('Check time') * 1000, types: num('Types'), instantiations: num('Instantiations'), memory: num('Memory used') });
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)]!;
}

const rows: string[][] = [['routes', 'client lines', 'tsc ms (median)', 'minus baseline', 'cpu ms', 'cpu minus baseline', 'check ms', 'types', 'instantiations', 'memory K']];
const base = mkdtempSync(path.join(os.tmpdir(), 'covet-client-tsc-'));
writeFileSync(path.join(base, 'empty.ts'), 'export const x = 1;\n');
const baseline = measure(base, ['empty.ts']);
rows.push(['0 (baseline)', '1', baseline.ms.toFixed(0), '0', baseline.cpu.toFixed(0), '0', baseline.check.toFixed(0), String(baseline.types), String(baseline.instantiations), String(baseline.memory)]);
for (const n of sizes) {
  const app = bigApp(n, 'covet-client-tsc-app-');
  try {
    const { ir, diagnostics } = readApp(app, { typecheck: false });
    if (!ir) throw new Error(`the ${n}-route app did not compile: ${diagnostics.map((d) => d.message).join('; ')}`);
    const source = clientSource(ir, app);
    writeFileSync(path.join(app, 'client.ts'), source);
    writeFileSync(
      path.join(app, 'usage.ts'),
      `import { createClient } from './client.ts';\nconst api = createClient({ baseUrl: 'http://localhost:3000' });\nexport const item = api.r${n - 1}({ id: 1, q: 'x' }).then((i) => i.tags.length + i.id);\n`,
    );
    const r = measure(app, ['client.ts', 'usage.ts']);
    rows.push([String(n), String(source.split('\n').length), r.ms.toFixed(0), (r.ms - baseline.ms).toFixed(0), r.cpu.toFixed(0), (r.cpu - baseline.cpu).toFixed(0), r.check.toFixed(0), String(r.types), String(r.instantiations), String(r.memory)]);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}
rmSync(base, { recursive: true, force: true });
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
process.stdout.write(rows.map((r) => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n') + '\n');
process.stdout.write(`tsc ${flags.filter((f) => f !== '--extendedDiagnostics').join(' ')} (${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)})\n`);
