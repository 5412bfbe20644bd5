/**
 * The error table (errors.ts) against the C engine's own copy: every `[COVET_E_<id>] = {status,
 * "detail"}` entry in runtime-min/native/src has the same status and detail in ENGINE_ERRORS
 * under <id>, and the other way round. (That the engines send them, with these bodies, is the
 * conformance suite's: its cases spell the bodies out and both engines pass the same cases.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APP_ERRORS, ENGINE_ERRORS, errorBody } from './errors.ts';

const SRC = fileURLToPath(new URL('./native/src', import.meta.url));

/** The C sources, wherever under src/ the table ends up (not llhttp's). */
function cSources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'llhttp') cSources(file, out);
    } else if (/\.[ch]$/.test(entry.name)) out.push(file);
  }
  return out;
}

function cTable(): Map<string, { status: number; detail: string }> {
  const table = new Map<string, { status: number; detail: string }>();
  for (const file of cSources(SRC)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\[COVET_E_(\w+)\]\s*=\s*\{\s*(\d+)\s*,\s*"((?:[^"\\]|\\.)*)"\s*\}/g)) {
      assert.not.ok(table.has(m[1]!), `COVET_E_${m[1]} is in two tables`);
      table.set(m[1]!, { status: Number(m[2]), detail: JSON.parse(`"${m[3]}"`) as string });
    }
  }
  return table;
}

test('the C engine answers its errors with the statuses and details of ENGINE_ERRORS, id for id', () => {
  const c = cTable();
  assert.ok(c.size > 0, `no [COVET_E_…] = {status, "detail"} table found under ${SRC}`);
  for (const [id, entry] of c) assert.equal(ENGINE_ERRORS[id as keyof typeof ENGINE_ERRORS], entry, `COVET_E_${id}`);
  for (const id of Object.keys(ENGINE_ERRORS)) assert.ok(c.has(id), `ENGINE_ERRORS.${id} has no COVET_E_${id} in the C table`);
});

test('ids are unique across the tables, and every body is {"detail": …}', () => {
  for (const id of Object.keys(APP_ERRORS)) assert.not.ok(Object.hasOwn(ENGINE_ERRORS, id), id);
  for (const error of [...Object.values(ENGINE_ERRORS), ...Object.values(APP_ERRORS)]) {
    assert.equal(JSON.parse(errorBody(error)), { detail: error.detail });
    assert.ok(error.status >= 400 && error.status <= 599);
  }
});

test.run();
