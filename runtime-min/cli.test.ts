/**
 * The generated server's command line (`parseCommandLine`): `--workers N|auto`
 * and `COVET_WORKERS`. Valid lines are parsed in this process; a bad one must
 * end the process with the usage text and exit code 2, so those run in a child.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCommandLine } from './cli.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const defaults = { maxBodySize: 1024 };

function parseInChild(argv: string[], env: Record<string, string> = {}) {
  const code = `import { parseCommandLine } from './runtime-min/cli.ts';
parseCommandLine(${JSON.stringify(argv)}, ${JSON.stringify(env)}, { maxBodySize: 1024 });
process.stdout.write('parsed');`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', code], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('one worker unless asked', () => {
  assert.is(parseCommandLine([], {}, defaults).workers, 1);
  assert.is(parseCommandLine(['--port', '0'], { COVET_WORKERS: '' }, defaults).workers, 1);
});

test('--workers N, --workers=N and COVET_WORKERS; the flag wins over the environment', () => {
  assert.is(parseCommandLine(['--workers', '4'], {}, defaults).workers, 4);
  assert.is(parseCommandLine(['--workers=3'], {}, defaults).workers, 3);
  assert.is(parseCommandLine([], { COVET_WORKERS: '2' }, defaults).workers, 2);
  assert.is(parseCommandLine(['--workers', '5'], { COVET_WORKERS: '2' }, defaults).workers, 5);
  const cli = parseCommandLine(['--port', '8080', '--workers', '2', '--host', '::1'], {}, defaults);
  assert.equal(cli, { host: '::1', port: 8080, maxBodySize: 1024, maxBodyMemory: undefined, headersTimeoutMs: undefined, sendTimeoutMs: undefined, workers: 2, maxHeaderSize: undefined, keepAliveTimeoutMs: undefined, graceMs: undefined, backgroundMs: undefined, readinessDelayMs: undefined });
});

test('--workers auto is one per core (os.availableParallelism)', () => {
  assert.is(parseCommandLine(['--workers', 'auto'], {}, defaults).workers, os.availableParallelism());
  assert.is(parseCommandLine([], { COVET_WORKERS: 'auto' }, defaults).workers, os.availableParallelism());
});

test('a count that is not a positive integer or auto: the usage text and exit code 2', () => {
  for (const bad of ['0', '-1', '1.5', '2x', 'all', '1e3', ' 2']) {
    const r = parseInChild(['--workers', bad]);
    assert.is(r.code, 2, `--workers ${JSON.stringify(bad)}: ${r.err}`);
    assert.ok(r.err.includes(`covet: workers must be a positive integer or auto (one per core), got ${JSON.stringify(bad)}\n`), r.err);
    assert.match(r.err, /usage: node server\.mjs .*\[--workers N\|auto\]/);
    assert.not.match(r.out, /parsed/);
  }
  const env = parseInChild([], { COVET_WORKERS: 'many' });
  assert.is(env.code, 2);
  assert.match(env.err, /got "many"/);
  const missing = parseInChild(['--workers']);
  assert.is(missing.code, 2);
  assert.match(missing.err, /covet: --workers needs a value/);
});

test('--send-timeout MS, --send-timeout=MS and COVET_SEND_TIMEOUT_MS; the flag wins over the environment', () => {
  assert.is(parseCommandLine([], {}, defaults).sendTimeoutMs, undefined);
  assert.is(parseCommandLine([], { COVET_SEND_TIMEOUT_MS: '' }, defaults).sendTimeoutMs, undefined);
  assert.is(parseCommandLine(['--send-timeout', '1000'], {}, defaults).sendTimeoutMs, 1000);
  assert.is(parseCommandLine(['--send-timeout=2500'], {}, defaults).sendTimeoutMs, 2500);
  assert.is(parseCommandLine([], { COVET_SEND_TIMEOUT_MS: '60000' }, defaults).sendTimeoutMs, 60000);
  assert.is(parseCommandLine(['--send-timeout', '5'], { COVET_SEND_TIMEOUT_MS: '60000' }, defaults).sendTimeoutMs, 5);
});

test('a send timeout that is not a positive number of milliseconds: the usage text and exit code 2', () => {
  for (const bad of ['0', '-1', '1.5', '30s', 'never']) {
    const r = parseInChild(['--send-timeout', bad]);
    assert.is(r.code, 2, `--send-timeout ${JSON.stringify(bad)}: ${r.err}`);
    assert.ok(r.err.includes(`covet: send timeout must be a positive number of milliseconds, got ${JSON.stringify(bad)}\n`), r.err);
    assert.match(r.err, /\[--send-timeout MS\]/);
  }
  const env = parseInChild([], { COVET_SEND_TIMEOUT_MS: 'soon' });
  assert.is(env.code, 2);
  assert.match(env.err, /send timeout .* got "soon"/);
});

test('--help lists --workers and COVET_WORKERS', () => {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', `import { parseCommandLine } from './runtime-min/cli.ts'; parseCommandLine(['--help'], {}, { maxBodySize: 1 });`],
    { cwd: root, encoding: 'utf8' },
  );
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /\[--workers N\|auto\]/);
  assert.match(r.stdout, /environment: .*COVET_WORKERS/);
  assert.match(r.stdout, /\[--send-timeout MS\]/);
  assert.match(r.stdout, /environment: .*COVET_SEND_TIMEOUT_MS/);
  assert.match(r.stdout, /\[--max-body-memory BYTES\]/);
  assert.match(r.stdout, /environment: .*COVET_MAX_BODY_MEMORY/);
});

test('--max-body-memory and COVET_MAX_BODY_MEMORY; unset, the engine chooses', () => {
  assert.is(parseCommandLine([], {}, defaults).maxBodyMemory, undefined);
  assert.is(parseCommandLine(['--max-body-memory', '4096'], {}, defaults).maxBodyMemory, 4096);
  assert.is(parseCommandLine([], { COVET_MAX_BODY_MEMORY: '1024' }, defaults).maxBodyMemory, 1024);
  for (const bad of ['1023', 'lots']) {
    const r = parseInChild(['--max-body-memory', bad]);
    assert.is(r.code, 2, `--max-body-memory ${JSON.stringify(bad)}: ${r.err}`);
    assert.ok(r.err.includes(`covet: max body memory must be a number of bytes, at least the max body size (1024), got ${JSON.stringify(bad)}\n`), r.err);
  }
});

test.run();
