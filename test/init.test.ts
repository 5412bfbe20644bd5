/**
 * `covet init`: what it writes and refuses (the CLI from this repository), and
 * then a new user's first minutes, for real: covet packed with `npm pack`,
 * `covet init` run from that tarball's files, covet installed from it (the other
 * packages from the npm registry, from npm's cache when it has them), and the
 * project's own scripts — build, tsc, test, start — each timed, ending with
 * HTTP requests to the server it started.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { npmEnv, npmInstall, packCovet, ROOT as root, run, type Ran } from './testing/npm.ts';

const covetPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };

function covet(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/covet.mjs'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmpDir = () => mkdtempSync(path.join(os.tmpdir(), 'covet-init-'));
const read = (file: string) => readFileSync(file, 'utf8');

test('init writes an ESM package.json with the four scripts, a tsconfig, .gitignore and an example with its test', () => {
  const cwd = tmpDir();
  const r = covet(cwd, 'init', 'My API');
  assert.is(r.code, 0, r.err);
  const dir = path.join(cwd, 'My API');
  for (const file of ['package.json', 'tsconfig.json', '.gitignore', 'src/notes.ts', 'src/notes.test.ts']) assert.ok(existsSync(path.join(dir, file)), file);
  assert.not.ok(existsSync(path.join(dir, 'gitignore')), 'the template name of .gitignore is not left behind');
  const pkg = JSON.parse(read(path.join(dir, 'package.json')));
  assert.is(pkg.name, 'my-api');
  assert.is(pkg.type, 'module');
  assert.equal(Object.keys(pkg.scripts).sort(), ['build', 'dev', 'start', 'test', 'typecheck']);
  assert.is(pkg.scripts.build, 'covet build src --tsconfig tsconfig.json --out dist');
  assert.equal(pkg.dependencies, { covet: `^${covetPkg.version}` });
  for (const [name, range] of Object.entries(pkg.devDependencies)) assert.is(range, covetPkg.devDependencies[name], `${name}: the range covet is tested with`);
  assert.match(read(path.join(dir, '.gitignore')), /^node_modules\/$/m);
  assert.match(r.out, /next steps:\n {2}cd "My API"\n {2}npm install\n {2}npm test .*\n {2}npm run dev /);
});

test('init into the current folder, or one that holds only .git, counts as empty; next steps then skip the cd', () => {
  const cwd = tmpDir();
  mkdirSync(path.join(cwd, '.git'));
  const r = covet(cwd, 'init');
  assert.is(r.code, 0, r.err);
  assert.ok(existsSync(path.join(cwd, 'src', 'notes.ts')));
  assert.match(r.out, /next steps:\n {2}npm install\n/);
});

test('init refuses a folder that is not empty (exit 2) and writes nothing; --force writes and keeps the other files', () => {
  const cwd = tmpDir();
  writeFileSync(path.join(cwd, 'package.json'), '{"name":"mine"}\n');
  writeFileSync(path.join(cwd, 'notes.md'), 'keep me\n');
  const refused = covet(cwd, 'init', '.');
  assert.is(refused.code, 2);
  assert.match(refused.err, /covet: \. is not empty \(notes\.md, package\.json\); .*pass --force/);
  assert.equal(readdirSync(cwd).sort(), ['notes.md', 'package.json']);
  assert.is(read(path.join(cwd, 'package.json')), '{"name":"mine"}\n');
  const forced = covet(cwd, 'init', '.', '--force');
  assert.is(forced.code, 0, forced.err);
  assert.is(JSON.parse(read(path.join(cwd, 'package.json'))).type, 'module');
  assert.is(read(path.join(cwd, 'notes.md')), 'keep me\n');
});

test('init onto a file is a usage error', () => {
  const cwd = tmpDir();
  writeFileSync(path.join(cwd, 'taken'), '');
  const r = covet(cwd, 'init', 'taken');
  assert.is(r.code, 2);
  assert.match(r.err, /taken is a file; covet init needs a folder/);
});

// ---------------------------------------------------------------- the first minutes of a new project

const timings: [string, number][] = [];

/** Runs one step of the walkthrough, times it, and fails the test with its output when it fails. */
function step(name: string, command: string, args: string[], options: SpawnSyncOptions & { cwd: string }) {
  return stepDone(name, `${command} ${args.join(' ')}`, run(command, args, options.cwd, { timeout: 180_000, ...options }));
}

/** Records a step that ran (`step`, or a support function such as `packCovet`) and fails the test with its output when it failed. */
function stepDone(name: string, what: string, r: Ran) {
  timings.push([name, r.ms]);
  assert.is(r.code, 0, `${name} (${what}) failed with ${r.code}${r.failure ? ` (${r.failure})` : ''}:\n${r.out}${r.err}`);
  return { out: r.out, err: r.err };
}

/** The README's plain Node build script: the ```js block that starts with `// build.mjs`. */
function readmeBuildScript(): string {
  const m = /```js\n(\/\/ build\.mjs[^\n]*\n[\s\S]*?)```/.exec(read(path.join(root, 'README.md')));
  assert.ok(m, 'README.md shows a build script in a ```js block starting with `// build.mjs`');
  return m![1]!;
}

test('a new project: covet init from the packed tarball, npm install, build, tsc, test, serve — all on the first try', async () => {
  const tmp = tmpDir();
  const pack = packCovet(tmp);
  stepDone('npm pack', 'npm pack', pack);
  const tarball = pack.tarball;

  // `npx covet init` as covet's files are in the tarball: its CLI and templates/init/ unpacked, its
  // dependencies this repository's (npx would install them into npm's cache on every run).
  mkdirSync(path.join(tmp, 'unpacked'));
  step('tar x', 'tar', ['xzf', tarball, '-C', path.join(tmp, 'unpacked')], { cwd: tmp });
  const packed = path.join(tmp, 'unpacked', 'package');
  symlinkSync(path.join(root, 'node_modules'), path.join(packed, 'node_modules'));
  const init = step('covet init', process.execPath, [path.join(packed, 'bin', 'covet.mjs'), 'init', 'my-api'], { cwd: tmp });
  assert.match(init.out, /^covet: created a project in my-api: /);
  const dir = path.join(tmp, 'my-api');
  stepDone('npm install', `npm install ${tarball}`, npmInstall(dir, [tarball]));
  const build = step('npm run build', 'npm', ['run', 'build'], { cwd: dir });
  assert.match(build.out, /covet: built dist\/server\.mjs — 3 routes, \d+ types?, engine (native|node), /);
  step('npx tsc --noEmit', 'npx', ['--no-install', 'tsc', '--noEmit'], { cwd: dir });
  const tests = step('npm test', 'npm', ['test'], { cwd: dir });
  assert.match(tests.out, /# pass 3\n# fail 0\n/);

  // The build API, from the README's script, type-checked against the shipped
  // lib/build.d.ts (checkJs) beside a misuse that must not type-check.
  writeFileSync(path.join(dir, 'build.mjs'), readmeBuildScript());
  writeFileSync(path.join(dir, 'misuse.mjs'), "import { build } from 'covet/build';\nawait build({ app: 'src', outDir: 'dist' });\n");
  writeFileSync(path.join(dir, 'tsconfig.scripts.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { allowJs: true, checkJs: true }, include: ['build.mjs', 'misuse.mjs'] }));
  const checked = spawnSync('npx', ['--no-install', 'tsc', '-p', 'tsconfig.scripts.json', '--pretty', 'false'], { cwd: dir, env: npmEnv, encoding: 'utf8' });
  const errors = checked.stdout.trim().split('\n');
  assert.is(errors.length, 1, checked.stdout);
  assert.match(errors[0]!, /^misuse\.mjs\(2,\d+\): error TS2353: .*'outDir' does not exist in type 'BuildOptions'/);
  const script = step('node build.mjs', process.execPath, ['build.mjs'], { cwd: dir });
  assert.match(script.out, /built .*dist\/server\.mjs: 3 routes/);

  // npm start, and requests to what it serves.
  const started = performance.now();
  await serving(dir, ['start'], async (url) => {
    const created = await fetch(`${url}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hello' }) });
    assert.is(created.status, 201);
    assert.equal(await created.json(), { id: 1, text: 'hello' });
    const got = await fetch(`${url}/notes/1`);
    assert.equal(await got.json(), { id: 1, text: 'hello' });
    const invalid = await fetch(`${url}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":""}' });
    assert.is(invalid.status, 422);
    assert.equal(((await invalid.json()) as { detail: { loc: string[] }[] }).detail[0]!.loc, ['body', 'text']);
  });
  timings.push(['npm start + 3 requests', performance.now() - started]);

  // npm run dev: covet dev builds and serves the same app.
  const devStarted = performance.now();
  await serving(dir, ['run', 'dev'], async (url) => {
    const listed = await fetch(`${url}/notes`);
    assert.is(listed.status, 200);
    assert.equal(await listed.json(), []);
  });
  timings.push(['npm run dev + 1 request', performance.now() - devStarted]);

  const ms = (name: string) => timings.find(([n]) => n === name)![1];
  const firstTest = ['covet init', 'npm install', 'npm run build', 'npx tsc --noEmit', 'npm test'].reduce((sum, n) => sum + ms(n), 0);
  process.stdout.write(
    `\n  init walkthrough (wall clock, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores): ` +
      timings.map(([n, t]) => `${n} ${(t / 1000).toFixed(1)} s`).join(' · ') +
      ` · init to first passing test ${(firstTest / 1000).toFixed(1)} s\n`,
  );
  rmSync(tmp, { recursive: true, force: true }); // its node_modules is large; kept when the test failed
});

/** Runs `npm <args>` in `dir` with PORT=0, waits for its listening line, gives `use` its URL, then stops the process group. */
async function serving(dir: string, args: string[], use: (url: string) => Promise<void>): Promise<void> {
  const server = spawn('npm', args, { cwd: dir, env: { ...npmEnv, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm ${args.join(' ')} did not listen within 60 s:\n${output}`)), 60_000);
      const look = () => {
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      server.stdout!.on('data', look);
      server.stderr!.on('data', look);
      server.once('exit', (code) => reject(new Error(`npm ${args.join(' ')} exited with ${code}:\n${output}`)));
    });
    await use(`http://127.0.0.1:${port}`);
  } finally {
    // npm does not pass SIGTERM on to the server: stop the whole group this test started.
    if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  }
}

test.run();
