// `--workers N` under wrk: requests/s, and how the load splits over the workers (each one's CPU
// time during the run, from /proc), for one or more server files side by side, one after the other.
//
//   node bench/workers.mjs [--workers 2] [--seconds 10] [-c 64] [--target /sleep/0] SERVER.mjs [SERVER.mjs …]
//
// Printed per server: requests/s, each worker's share of the workers' CPU time, and the
// largest share over the smallest (1.00: even). wrk runs with 2 threads; on a 2-core machine it
// competes with the workers, as it does in the README's bench.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o, positionals: servers } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', short: 'c', default: '64' },
    target: { type: 'string', default: '/sleep/0' },
  },
});

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const cpu = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
};
const children = (pid) => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

for (const server of servers) {
  const child = spawn(process.execPath, [server, '--port', '0', '--host', '127.0.0.1', '--workers', o.workers], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  const port = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${server} did not start: ${out}`)), 15_000);
    child.stdout.on('data', () => {
      const m = /listening on http:\/\/[^\s]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
  });
  const url = `http://127.0.0.1:${port}${o.target}`;
  spawnSync('wrk', ['-t2', `-c${o.connections}`, '-d2s', url]); // warm-up
  const workers = children(child.pid);
  const before = workers.map(cpu);
  const r = spawnSync('wrk', ['-t2', `-c${o.connections}`, `-d${o.seconds}s`, url], { encoding: 'utf8' });
  const used = workers.map((p, i) => cpu(p) - before[i]);
  const total = used.reduce((a, b) => a + b, 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const shares = used.map((u) => u / total);
  console.log(`${server}: ${rps.toFixed(0)} requests/s; worker CPU shares ${shares.map((s) => (100 * s).toFixed(1) + ' %').join(', ')}; largest/smallest ${(Math.max(...shares) / Math.min(...shares)).toFixed(2)}`);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('close', r));
}
