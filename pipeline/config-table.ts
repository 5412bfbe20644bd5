/**
 * The README's table of covet.config.ts's options, rendered from runtime-min/config.ts's table
 * so that the two cannot part: test/config-table.test.ts compares it with README.md's text
 * between the markers below.
 *
 *   node --import tsx pipeline/config-table.ts     prints the table (with its markers)
 */
import { pathToFileURL } from 'node:url';
import { allowed, OPTIONS, type OptionSpec } from '../runtime-min/config.ts';

export const TABLE_START = '<!-- config:table:start -->';
export const TABLE_END = '<!-- config:table:end -->';

/** A table cell: `|` escaped, code where it is a name. */
const cell = (text: string) => text.replace(/\|/g, '\\|');
const codeCell = (text: string | undefined) => (text === undefined ? '' : `\`${text}\``);

function flagOf(o: OptionSpec): string {
  if (o.flag === undefined) return '';
  return o.when === 'build' ? `\`covet build ${o.flag}\`` : `\`${o.flag}\``;
}

/** The Markdown table, one row per option, in the table's order. */
export function renderConfigTable(): string {
  const rows = [
    '| Option | Takes | Default | Read | Environment | Flag | What it does |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...OPTIONS.map((o) =>
      `| ${codeCell(o.path)} | ${cell(allowed(o.kind))} | ${cell(o.default)} | ${o.when === 'build' ? 'build' : 'start'} | ${codeCell(o.env)} | ${flagOf(o)} | ${cell(o.description)} |`,
    ),
  ];
  return rows.join('\n') + '\n';
}

/** The table between its markers, as README.md holds it. */
export function renderConfigSection(): string {
  return `${TABLE_START}\n${renderConfigTable()}${TABLE_END}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.stdout.write(renderConfigSection());
