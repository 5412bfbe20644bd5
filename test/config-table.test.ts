/**
 * README.md's table of covet.config.ts's options is the one pipeline/config-table.ts renders from
 * runtime-min/config.ts: the text between `<!-- config:table:start -->` and
 * `<!-- config:table:end -->` must be it. Skipped, saying so, while README.md has no markers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderConfigSection, renderConfigTable, TABLE_END, TABLE_START } from '../pipeline/config-table.ts';
import { OPTIONS } from '../runtime-min/config.ts';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

test('the table has a row per option, each with its default, and its variable and flag where it has them', () => {
  const rows = renderConfigTable().trimEnd().split('\n').slice(2);
  assert.is(rows.length, OPTIONS.length);
  OPTIONS.forEach((o, i) => {
    assert.ok(rows[i]!.startsWith(`| \`${o.path}\` |`), rows[i]);
    if (o.env) assert.ok(rows[i]!.includes(`\`${o.env}\``), rows[i]);
    if (o.flag) assert.ok(rows[i]!.includes(o.flag), rows[i]);
  });
});

const readme = readFileSync(README, 'utf8');
const start = readme.indexOf(TABLE_START);
const end = readme.indexOf(TABLE_END);
if (start < 0 || end < 0) {
  console.log(`  skipped: README.md has no ${TABLE_START} … ${TABLE_END} section yet (paste \`node --import tsx pipeline/config-table.ts\` there)`);
} else {
  test("README.md's table is the one rendered from runtime-min/config.ts", () => {
    assert.fixture(readme.slice(start, end + TABLE_END.length + 1), renderConfigSection());
  });
}

test.run();
