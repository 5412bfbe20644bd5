/**
 * The C engine's calls go one way (include/covet.h, "Layers, lowest first"): compiled on its own,
 * no source uses a covet_ function or datum of a layer above it, and only the binding calls
 * napi_* (layers.mjs, with gcc and nm). Skipped, with the reason printed, without gcc, nm or the
 * headers the addon builds with.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect, layerViolations, readLayers } from './layers.mjs';

const header = readFileSync(new URL('./include/covet.h', import.meta.url), 'utf8');

test("covet.h lists the layers, the shared state lowest and the binding last", () => {
  const layers = readLayers(header);
  assert.equal(layers, ['server.c', 'parse.c', 'head.c', 'write.c', 'conn.c', 'addon.c']);
});

test('the check names a call up the layers, a file outside the list, and napi_* below the binding', () => {
  const objects = new Map([
    ['low.c', { defines: ['covet_low'], uses: ['covet_high', 'napi_call_function', 'uv_write'] }],
    ['high.c', { defines: ['covet_high'], uses: ['covet_low', 'covet_gone'] }],
    ['extra.c', { defines: [], uses: [] }],
  ]);
  assert.equal(layerViolations(['low.c', 'high.c'], objects), [
    'extra.c is not in covet.h\'s layer list',
    'low.c uses covet_high of high.c, a layer above it',
    'low.c uses napi_call_function: only the binding (high.c) calls napi_*',
    'high.c uses covet_gone, which no file defines',
  ]);
  assert.equal(layerViolations(['low.c', 'high.c'], new Map([...objects].slice(0, 1))), [
    'high.c is in covet.h\'s layer list but not a source of binding.gyp',
    'low.c uses covet_high, which no file defines',
    'low.c uses napi_call_function: only the binding (high.c) calls napi_*',
  ]);
});

const result = inspect();
if (result.skipped !== undefined) {
  console.log(`  skipped: the object files' check (${result.skipped})`);
} else {
  test('no source file uses a covet_ symbol of a layer above it, and only addon.c calls napi_*', () => {
    assert.equal(layerViolations(result.layers, result.objects), []);
    // The check sees the calls: the binding reaches the connections, they reach the parser.
    assert.ok(result.objects.get('addon.c')!.uses.includes('covet_respond'));
    assert.ok(result.objects.get('conn.c')!.uses.includes('covet_parse_settings'));
  });
}

test.run();
