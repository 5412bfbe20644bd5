/**
 * The deployment of fixtures/todo-app, as the README describes it: `covet build`, copy dist/ to
 * a folder that none of this repository's node_modules reaches, `npm install --omit=dev` there
 * (better-sqlite3 at the version the build resolved, compiled from source against /usr's Node
 * headers: several minutes on 2 cores), serve, and talk to it over HTTP.
 *
 * Too slow for `npm test`, which checks the same path on a small prebuilt package instead
 * (test/package.test.ts). Run it with:
 *
 *   COVET_DEPLOY_TEST=1 node scripts/test.mjs todo-deploy
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build, nativeAddonPath } from '../../pipeline/build.ts';
import { startServer } from '../harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APP_DIR = path.join(root, 'fixtures', 'todo-app');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' ? [] : e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

if (process.env.COVET_DEPLOY_TEST !== '1') {
  console.log('  skipped: the todo-app deployment compiles better-sqlite3 (minutes); COVET_DEPLOY_TEST=1 node scripts/test.mjs todo-deploy runs it');
} else {
  test('dist/ of fixtures/todo-app, copied where no node_modules reaches, serves after npm install --omit=dev', async () => {
    const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'covet-todo-deploy-')));
    try {
      const built = path.join(scratch, 'build', 'dist');
      const result = await build({ appDir: APP_DIR, outDir: built, engine: nativeAddonPath() !== null ? 'native' : 'node' });
      assert.ok(result.ok, JSON.stringify(result.diagnostics));
      const pkg = JSON.parse(readFileSync(path.join(built, 'package.json'), 'utf8'));
      const resolved = JSON.parse(readFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
      assert.equal(pkg.dependencies, { 'better-sqlite3': resolved });
      assert.match(readFileSync(path.join(built, 'app.mjs'), 'utf8'), /from "better-sqlite3"/);

      const deploy = path.join(scratch, 'srv');
      cpSync(built, deploy, { recursive: true });
      const machine = [root, realpathSync(path.join(root, 'node_modules')), path.join(scratch, 'build'), os.homedir()].filter((p) => p !== '/');
      for (const file of files(deploy)) {
        const text = readFileSync(file, 'latin1');
        for (const p of machine) assert.not.ok(text.includes(p), `${path.relative(deploy, file)} names ${p}`);
      }
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
      const started = performance.now();
      const r = spawnSync('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
        cwd: deploy,
        encoding: 'utf8',
        env: { ...env, npm_config_nodedir: '/usr' },
        timeout: 15 * 60_000,
      });
      assert.is(r.status, 0, r.stdout + r.stderr);
      console.log(`  npm install --omit=dev in the copy: ${((performance.now() - started) / 1000).toFixed(0)} s`);

      const app = await startServer(path.join(deploy, 'server.mjs'), { env: { TODO_DB: path.join(scratch, 'todo.db'), TODO_SECRET: 'deploy' } });
      try {
        const created = await fetch(`${app.url}/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Ada', email: 'ada@example.com', age: 36 }),
        });
        assert.is(created.status, 201, await created.clone().text());
        const user = (await created.json()) as { id: number };
        const read = await fetch(`${app.url}/users/${user.id}`);
        assert.is(read.status, 200);
        assert.is(((await read.json()) as { name: string }).name, 'Ada');
      } finally {
        await app.stop();
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test.run();
}
