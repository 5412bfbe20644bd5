// What the numbers were measured on: CPU, cores, kernel, runtimes and tools.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function firstLine(cmd, args) {
  if (!existsSync(cmd) && cmd.includes('/')) return null;
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0 && !r.stdout && !r.stderr) return null;
  return ((r.stdout || '') + (r.stderr || '')).trim().split('\n')[0] || null;
}

export function machineInfo(root) {
  const lscpu = spawnSync('lscpu', [], { encoding: 'utf8' }).stdout ?? '';
  const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(lscpu)?.[1]?.trim() ?? null;
  const bun = path.join(root, 'node_modules/@oven/bun-linux-x64/bin/bun');
  return {
    cpu: field('Model name') ?? os.cpus()[0]?.model ?? 'unknown',
    cores: Number(field('CPU\\(s\\)')) || os.cpus().length,
    threadsPerCore: Number(field('Thread\\(s\\) per core')) || null,
    hypervisor: field('Hypervisor vendor'),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    bun: firstLine(bun, ['--version']),
    python: firstLine('/usr/bin/python3', ['--version'])?.replace(/^Python\s*/, '') ?? null,
    nginx: firstLine('/usr/sbin/nginx', ['-v'])?.replace(/^nginx version:\s*/, '') ?? null,
    wrk: firstLine('/usr/bin/wrk', ['-v'])?.replace(/\s+Copyright.*$/, '') ?? null,
  };
}
