/**
 * The engine seam (engine.ts) as both engines keep it: the response headers an engine writes
 * itself are refused when a header list is prepared (once, at startup or in `Ctx.responseHeaders`),
 * with an error that names the header; any other valid header is accepted.
 */
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NATIVE_ADDON } from '../pipeline/build.ts';
import type { Engine } from './engine.ts';
import { loadAddon, nativeEngine } from './native-engine.ts';
import { nodeEngine } from './node-engine.ts';

const engines: [string, () => Engine][] = [['node', () => nodeEngine()]];
if (existsSync(NATIVE_ADDON)) engines.push(['native', () => nativeEngine(loadAddon(new URL('./native-engine.ts', import.meta.url)), 'batch')]);
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

test.run();
