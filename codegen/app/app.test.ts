/**
 * Golden generated code: for every fixture app, the whole generated module is
 * compared with fixtures/<app>/expected/server.gen.js (refresh with
 * UPDATE_SNAPSHOTS=1 and review the diff). The module must also parse.
 * Codegen is tested alone: it starts from the app's IR golden,
 * fixtures/<app>/expected/ir.json, which compiler/compiler.test.ts checks
 * against the app's sources.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as esbuild from 'esbuild';
import type { AppIR } from '../../ir/ir.ts';
import { emitApp } from './index.ts';

const fixtures = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../fixtures');
const update = process.env.UPDATE_SNAPSHOTS === '1';

const apps = readdirSync(fixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'fail' && d.name !== 'warn')
  .map((d) => d.name)
  .sort();

for (const app of apps) {
  test(`generated module of fixtures/${app} matches its golden file`, async () => {
    const appDir = path.join(fixtures, app);
    const ir = JSON.parse(readFileSync(path.join(appDir, 'expected', 'ir.json'), 'utf8')) as AppIR;
    const { source } = emitApp(ir, { engine: 'node', version: '0.0.0-test' });
    // It must be valid JavaScript (an ES module).
    await esbuild.transform(source, { loader: 'js', format: 'esm' });
    assert.not.match(source, /\beval\(|new Function\(/, 'generated code must not eval at run time');
    const golden = path.join(appDir, 'expected', 'server.gen.js');
    if (update) {
      mkdirSync(path.dirname(golden), { recursive: true });
      writeFileSync(golden, source);
    }
    assert.ok(existsSync(golden), `no golden file ${golden}: run with UPDATE_SNAPSHOTS=1 and review it`);
    assert.fixture(source, readFileSync(golden, 'utf8'));
  });
}

test.run();
