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
 * clock, the median of --rounds runs (default 3); TypeScript's own
 * --extendedDiagnostics numbers (check time, types, instantiations) do not
 * depend on load.
 *
 *   node --import tsx bench/client-tsc.ts [--sizes 10,100,1000] [--rounds 3]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readApp } from '../pipeline/describe.ts';
import { clientSource } from '../pipeline/client.ts';
import { bigApp } from '../test/big-app.ts';
import { tsc, STRICT_FLAGS, LIBS } from '../test/tsc.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10,100,1000' }, rounds: { type: 'string', default: '3' } } });
const sizes = values.sizes.split(',').map(Number);
const rounds = Number(values.rounds);
const flags = [...STRICT_FLAGS, ...LIBS.dom, '--extendedDiagnostics'];

interface Run {
  ms: number;
  check: number;
  types: number;
  instantiations: number;
  memory: number;
}

function measure(dir: string, files: string[]): Run {
  tsc(dir, files, flags); // warm-up: the first run reads TypeScript and the libs from disk
  const runs: Run[] = [];
  for (let i = 0; i < rounds; i++) {
    const r = tsc(dir, files, flags);
    if (r.code !== 0) throw new Error(`tsc failed in ${dir}:\n${r.out}`);
    const num = (label: string) => Number(new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(r.out)?.[1] ?? NaN);
    runs.push({ ms: r.ms, check: num('Check time') * 1000, types: num('Types'), instantiations: num('Instantiations'), memory: num('Memory used') });
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)]!;
}

const rows: string[][] = [['routes', 'client lines', 'tsc ms (median)', 'minus baseline', 'check ms', 'types', 'instantiations', 'memory K']];
const base = mkdtempSync(path.join(os.tmpdir(), 'covet-client-tsc-'));
writeFileSync(path.join(base, 'empty.ts'), 'export const x = 1;\n');
const baseline = measure(base, ['empty.ts']);
rows.push(['0 (baseline)', '1', baseline.ms.toFixed(0), '0', baseline.check.toFixed(0), String(baseline.types), String(baseline.instantiations), String(baseline.memory)]);
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
    rows.push([String(n), String(source.split('\n').length), r.ms.toFixed(0), (r.ms - baseline.ms).toFixed(0), r.check.toFixed(0), String(r.types), String(r.instantiations), String(r.memory)]);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}
rmSync(base, { recursive: true, force: true });
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
process.stdout.write(rows.map((r) => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n') + '\n');
process.stdout.write(`tsc ${flags.filter((f) => f !== '--extendedDiagnostics').join(' ')} (${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)})\n`);
