#!/usr/bin/env node
// The covet command. `npm install` (the `prepare` script) bundles the CLI into lib/cli.mjs.
import { existsSync } from 'node:fs';

const cli = new URL('../lib/cli.mjs', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('covet: lib/cli.mjs is missing; run `npm run build` in the covet package\n');
  process.exit(1);
}
await import(cli.href);
