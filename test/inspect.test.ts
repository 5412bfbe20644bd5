/**
 * `covet inspect` walks the declarations codegen returns (each with the names
 * it uses), not the generated text. Caught: on a 1,000-route app,
 * `covet inspect --router` printed the whole module (every route function the
 * router calls, and everything those call) instead of the router.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bigApp } from './big-app.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const ROUTES = 1000;

function covet(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/covet.mjs'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const app = bigApp(ROUTES, 'covet-inspect-');

test.after(() => rmSync(app, { recursive: true, force: true }));

test(`inspect --router on a ${ROUTES}-route app prints the router alone`, () => {
  const r = covet('inspect', app, '--router');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /function __covet_match\(method, path, req, res\)/);
  assert.match(r.out, /return route_r999\(req, res, p1\);/, 'the router calls every route');
  const declared = [...r.out.matchAll(/^(?:function|const|let) ([\w$]+)/gm)].map((m) => m[1]);
  assert.equal(declared, ['__covet_match'], 'no declaration but the router');
  const all = covet('inspect', app, '--all');
  assert.is(all.code, 0, all.err);
  const lines = (s: string) => s.split('\n').length;
  assert.ok(lines(r.out) * 2 < lines(all.out), `router ${lines(r.out)} lines, module ${lines(all.out)}`);
});

test(`inspect METHOD path on the same app prints that route and what it calls, not its neighbours`, () => {
  const r = covet('inspect', app, 'GET', '/r500/:id');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /function route_r500\(req, res, path_id\)/);
  assert.match(r.out, /function serialize_Item\(/);
  assert.not.match(r.out, /function route_r(?!500\()/, 'only the route asked for');
  assert.not.match(r.out, /function __covet_match/);
});

test.run();
