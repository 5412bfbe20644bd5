/**
 * The engine seam (engine.ts) as both engines keep it: the limits the C engine has its own
 * copy of agree with engine.ts; the response headers an engine writes
 * itself are refused when a header list is prepared (once, at startup or in `Ctx.responseHeaders`),
 * with an error that names the header; any other valid header is accepted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NATIVE_ADDON } from '../pipeline/build.ts';
import { fixedHeaders, KEEP_ALIVE_MS, LINGER_MS, MAX_HEAD_BYTES, MAX_URL_LENGTH, type Engine, type EngineOptions, type PreparedHeaders } from './engine.ts';
import { loadAddon, nativeEngine } from './native-engine.ts';
import { nodeEngine } from './node-engine.ts';

const engines: [string, (options?: EngineOptions) => Engine][] = [['node', (options) => nodeEngine(options)]];
if (existsSync(NATIVE_ADDON)) engines.push(['native', (options) => nativeEngine(loadAddon(new URL('./native-engine.ts', import.meta.url)), options)]);
else console.log(`  native engine: skipped, the addon is not built (${NATIVE_ADDON}; \`node scripts/setup.mjs\` builds it)`);

/** What each engine writes on every response (or, for transfer-encoding, what would break its framing). */
const MANAGED = ['connection', 'keep-alive', 'content-length', 'transfer-encoding', 'date', 'server'];

for (const [name, make] of engines) {
  test(`${name}: headers() refuses every header the engine writes itself, saying which`, () => {
    const engine = make();
    for (const header of MANAGED) {
      for (const spelled of [header, header.toUpperCase()]) {
        try {
          engine.headers(['content-type', 'application/json', spelled, header === 'content-length' ? '1' : 'close']);
          assert.unreachable(`${spelled} was accepted`);
        } catch (err) {
          assert.instance(err, TypeError, String(err));
          assert.is((err as Error).message, `covet: the ${header} header is managed by the server`);
        }
      }
    }
  });

  test(`${name}: headers() accepts other headers, and still refuses malformed ones`, () => {
    const engine = make();
    engine.headers([]);
    engine.headers(['content-type', 'application/json', 'cache-control', 'no-store', 'x-connection', 'close', 'set-cookie', 'a=1']);
    assert.throws(() => engine.headers(['x-bad', 'line\r\nbreak']));
    assert.throws(() => engine.headers(['bad name', 'x']));
    assert.throws(() => engine.headers(['odd']), /takes \[name, value/);
  });
}

/** Header lines as flat pairs. */
const linePairs = (text: string) => text.split('\r\n').filter(Boolean).flatMap((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]);

/**
 * A prepared list as `[name, value]` pairs, whichever engine made it: the native one's is the
 * text of the lines; the node one's is writeHead's array (server first, content-length last),
 * and with fixed headers the text of those it bakes after the status line.
 */
function pairsOf(prepared: PreparedHeaders): [string, string][] {
  const flat = Buffer.isBuffer(prepared)
    ? linePairs(prepared.toString('latin1'))
    : [...(prepared as string[]).slice(2, -2), ...linePairs((prepared as { baked?: string }).baked ?? '')];
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

const FIXED = ['x-frame-options', 'DENY', 'content-security-policy', "default-src 'none'", 'vary', 'Origin'];

for (const [name, make] of engines) {
  test(`${name}: fixed headers follow every prepared list; the list's own replace them, but vary is joined`, () => {
    const engine = make({ headers: FIXED });
    assert.equal(pairsOf(engine.headers(['content-type', 'application/json'])), [['content-type', 'application/json'], ['x-frame-options', 'DENY'], ['content-security-policy', "default-src 'none'"], ['vary', 'Origin']]);
    assert.equal(pairsOf(engine.headers(['content-security-policy', "default-src 'self'", 'vary', 'Accept'])), [['content-security-policy', "default-src 'self'"], ['vary', 'Accept, Origin'], ['x-frame-options', 'DENY']]);
    // None: exactly the list (what an app without security headers and CORS writes).
    assert.equal(pairsOf(make().headers(['content-type', 'text/plain'])), [['content-type', 'text/plain']]);
    assert.throws(() => make({ headers: ['server', 'x'] }), /server header is managed/);
  });
}

test('fixedHeaders: without fixed headers, the very list', () => {
  const pairs = ['content-type', 'text/plain'];
  assert.is(fixedHeaders(pairs, []), pairs);
  assert.equal(fixedHeaders(['Vary', 'Accept'], ['vary', 'Origin']), ['Vary', 'Accept, Origin']);
});

test('the limits in engine.ts are those of the C engine (native/include/covet.h)', () => {
  const header = readFileSync(new URL('./native/include/covet.h', import.meta.url), 'utf8');
  const defines = new Map<string, string>();
  for (const m of header.matchAll(/^#define (COVET_\w+) +([^/\n]+?)\s*(?:\/\*.*)?$/gm)) defines.set(m[1]!, m[2]!);
  // Only numbers and `(NAME * number)`: what these few defines are written as.
  const value = (name: string): number => {
    const text = defines.get(name);
    assert.ok(text !== undefined, `covet.h defines no ${name}`);
    const product = /^\((COVET_\w+) \* (\d+)\)$/.exec(text!);
    return product ? value(product[1]!) * Number(product[2]) : Number(text);
  };
  assert.is(value('COVET_MAX_URL'), MAX_URL_LENGTH);
  assert.is(value('COVET_MAX_HEAD'), MAX_HEAD_BYTES);
  assert.is(value('COVET_KEEP_ALIVE_MS'), KEEP_ALIVE_MS);
  assert.is(value('COVET_ENDING_MS'), LINGER_MS);
});

test.run();
