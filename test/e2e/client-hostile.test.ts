/**
 * The generated client of fixtures/hostile-names over real HTTP: path
 * parameters with `/`, `%`, `?`, `#` and spaces, query keys and a header name
 * with quotes, a body whose keys are quotes, comment ends and `__proto__` —
 * each reaches the handler exactly and comes back. client-hostile.native.test.ts
 * runs it against the native engine.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { build } from '../../pipeline/build-api.ts';
import { defaultEngine, startServer, type RunningApp } from '../harness.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'covet-client-hostile-'));
const clientFile = path.join(work, 'client.ts');

/** The client's surface as this test uses it (its real types are checked by codegen/client/client.test.ts). */
interface HostileClient {
  echoHostile(args: { body: Record<string, unknown> }): Promise<Record<string, unknown>>;
  oddNames(args: { id: string; its: string; slashStar: string; odd: string }): Promise<{ id: string; its: string; slashStar: string; odd: string }>;
  keywordParams(args: { constructor: string; prototype?: string }): Promise<{ constructor: string; prototype: string | null }>;
  generatedNames(args: { body: unknown }): Promise<unknown>;
}

let app: RunningApp | undefined;
let api: HostileClient;

test.before(async () => {
  const outDir = path.join(work, 'dist');
  const report = await build({ app: path.join(REPO, 'fixtures/hostile-names'), out: outDir, engine: defaultEngine(), client: clientFile });
  if (!report.ok) throw new Error(report.diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  const pkg = JSON.parse(readFileSync(path.join(outDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  if (Object.keys(pkg.dependencies).length) symlinkSync(path.join(REPO, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
  app = await startServer(report.server!);
  const mod = (await import(pathToFileURL(clientFile).href)) as { createClient(o: { baseUrl: string }): HostileClient };
  api = mod.createClient({ baseUrl: app.url });
});

test.after(async () => {
  await app?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('a path parameter with / % ? # and spaces, query keys and a header name with quotes: each arrives exactly', async () => {
  const sent = { id: "a/b c%20?x#y'", its: 'x&y=z + 100%', slashStar: '*/ ok', odd: "v'x" };
  assert.equal(await api.oddNames(sent), sent);
});

test('a path parameter named constructor, an absent optional one named prototype', async () => {
  assert.equal(await api.keywordParams({ constructor: 'c/d' }), { constructor: 'c/d', prototype: null });
  assert.equal(await api.keywordParams({ constructor: 'c', prototype: 'p' }), { constructor: 'c', prototype: 'p' });
});

test('an inherited name is an argument only when own: a missing constructor is a TypeError, not "function Object()"', async () => {
  try {
    await (api.keywordParams as (a: object) => Promise<unknown>)({});
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, TypeError);
    assert.match(String(e), /a path parameter is missing/);
  }
});

test('a body whose keys are quotes, comment ends, a line separator and __proto__ round-trips', async () => {
  const body = JSON.parse(
    JSON.stringify({ "'": 'q', '*/': 'c', '\u2028': 'ls', '"': 'dq', '\\': 'bs', constructor: 'k', prototype: 'p', class: 'c', return: 'r', default: 'd', 'a-b': 1, '': true, '${x}': 't', '</script>': 's' }).replace(/^\{/, '{"__proto__":"not a prototype",'),
  ) as Record<string, unknown>;
  const echoed = await api.echoHostile({ body });
  assert.ok(Object.prototype.hasOwnProperty.call(echoed, '__proto__'));
  assert.equal(Object.entries(echoed).sort(), Object.entries(body).sort());
  assert.equal(await api.generatedNames({ body: { x: { user: { name: 'n' } } } }), { x: { user: { name: 'n' } }, extra: null });
});

test.run();
