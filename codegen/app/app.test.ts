/**
 * Golden generated code: for every fixture app, the whole generated module is
 * compared with fixtures/<app>/expected/server.gen.js (refresh with
 * UPDATE_SNAPSHOTS=1 and review the diff). The module must also parse.
 * Codegen is tested alone: it starts from the app's IR golden,
 * fixtures/<app>/expected/ir.json, which compiler/compiler.test.ts checks
 * against the app's sources. The security headers and CORS come from the app's covet.config.ts,
 * as the build takes them (most fixtures have none: the default security headers), and so do the
 * health routes of a config that has a health section.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as esbuild from 'esbuild';
import type { AppIR } from '../../ir/ir.ts';
import { emitApp } from './index.ts';
import { headersPlan } from './cors.ts';
import { configHealth, readConfig } from '../../pipeline/config.ts';

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
    // The response headers as the build makes them from the app's covet.config.ts (security headers on by default).
    const loaded = await readConfig(appDir, undefined);
    assert.equal(loaded.diagnostics, []);
    const { source } = emitApp(ir, { engine: 'node', version: '0.0.0-test', headers: headersPlan(loaded.config) });
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

// A fixture with configs/*.config.ts (fixtures/cors): the module each of those configs makes, too.
for (const app of apps) {
  const configs = path.join(fixtures, app, 'configs');
  if (!existsSync(configs)) continue;
  for (const file of readdirSync(configs).filter((f) => f.endsWith('.config.ts')).sort()) {
    const name = file.slice(0, -'.config.ts'.length);
    test(`generated module of fixtures/${app} with configs/${file} matches its golden file`, async () => {
      const appDir = path.join(fixtures, app);
      const ir = JSON.parse(readFileSync(path.join(appDir, 'expected', 'ir.json'), 'utf8')) as AppIR;
      const loaded = await readConfig(appDir, path.join(configs, file));
      assert.equal(loaded.diagnostics, []);
      // A config with a health section (fixtures/health/configs) also gets its health routes (the build's default, /healthz and /readyz, is left out of the goldens, as the docs are).
      const health = configHealth(loaded.config);
      const { source } = emitApp(ir, { engine: 'node', version: '0.0.0-test', headers: headersPlan(loaded.config), ...(health ? { health } : {}) });
      await esbuild.transform(source, { loader: 'js', format: 'esm' });
      const golden = path.join(appDir, 'expected', `server.${name}.gen.js`);
      if (update) writeFileSync(golden, source);
      assert.ok(existsSync(golden), `no golden file ${golden}: run with UPDATE_SNAPSHOTS=1 and review it`);
      assert.fixture(source, readFileSync(golden, 'utf8'));
    });
  }
}

test.run();
