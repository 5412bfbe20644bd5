/**
 * Every fixture app's OpenAPI document is one other tools trust: it passes two independent
 * validators (@seriousme/openapi-schema-validator, @apidevtools/swagger-parser) and
 * `redocly lint` with its recommended rules, all fixtures in one redocly run (it is slow to
 * start). The documents are made from the apps' IR goldens (fixtures/<app>/expected/ir.json,
 * which compiler/compiler.test.ts checks against the sources), so no app is compiled here.
 *
 * redocly is run with its telemetry and update check off and, where the machine lets a user make
 * a network namespace (`unshare -rn`), with no network at all: the lint must not need one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Validator } from '@seriousme/openapi-schema-validator';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { AppIR } from '../ir/ir.ts';
import { openApiDocument } from '../codegen/openapi/index.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(REPO, 'fixtures');
const apps = readdirSync(FIXTURES).filter((name) => existsSync(path.join(FIXTURES, name, 'expected', 'ir.json')));
const documents = new Map<string, Record<string, unknown>>();
for (const name of apps) {
  const ir = JSON.parse(readFileSync(path.join(FIXTURES, name, 'expected', 'ir.json'), 'utf8')) as AppIR;
  // The license is the app author's to state (package.json's `license`, which the build reads); without
  // one, redocly's recommended rules warn info-license, the one problem the generator cannot fix.
  documents.set(name, openApiDocument(ir, { title: name, version: '1.0.0', license: 'MIT' }) as Record<string, unknown>);
}

test('the fixtures with an IR golden are the apps that build', () => {
  assert.ok(apps.includes('todo-app') && apps.length >= 8, apps.join(', '));
  assert.not.ok(apps.includes('fail'));
});

test('@seriousme/openapi-schema-validator accepts every document', async () => {
  for (const [name, doc] of documents) {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    assert.ok(result.valid, `${name}: ${JSON.stringify(result.errors, null, 2)}`);
    assert.is(validator.version, '3.1', name);
  }
});

test('@apidevtools/swagger-parser validates every document', async () => {
  for (const [name, doc] of documents) {
    try {
      await SwaggerParser.validate(structuredClone(doc) as never);
    } catch (err) {
      assert.unreachable(`${name}: ${(err as Error).message}`);
    }
  }
});

interface RedoclyProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { source: { ref: string }; pointer: string }[];
}

test('redocly lint (recommended rules) finds nothing in any document', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'covet-redocly-'));
  const files: string[] = [];
  for (const [name, doc] of documents) {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(doc, null, 2));
    files.push(file);
  }
  const config = path.join(dir, 'redocly.yaml');
  writeFileSync(config, 'extends:\n  - recommended\n');
  const redocly = path.join(REPO, 'node_modules', '.bin', 'redocly');
  const args = ['lint', ...files, '--config', config, '--format', 'json'];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const offline = spawnSync('unshare', ['-rn', 'true']).status === 0;
  const run = offline ? spawnSync('unshare', ['-rn', redocly, ...args], { env, encoding: 'utf8' }) : spawnSync(redocly, args, { env, encoding: 'utf8' });
  if (!offline) console.warn('  (unshare -rn is not allowed here: redocly ran with the network)');
  // One JSON report per file, one after the other.
  const reports: { totals: { errors: number; warnings: number }; problems: RedoclyProblem[] }[] = [];
  try {
    const text = run.stdout.slice(run.stdout.indexOf('{')).trim();
    reports.push(...JSON.parse(`[${text.replace(/\}\s*\{(?=\s*"totals")/g, '},{')}]`));
  } catch {
    throw new Error(`redocly printed no JSON report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  assert.is(reports.length, files.length, run.stdout);
  const report = { problems: reports.flatMap((r) => r.problems) };
  const problems = report.problems.map((p) => `${path.basename(p.location[0]?.source.ref ?? '?')}${p.location[0]?.pointer ?? ''}: ${p.severity} ${p.ruleId}: ${p.message}`);
  assert.equal(problems, [], problems.join('\n'));
  assert.is(run.status, 0, run.stderr);
});

test.run();
