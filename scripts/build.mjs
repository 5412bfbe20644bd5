// Bundles the CLI (bin/covet.ts and the pipeline) into lib/cli.mjs, and the
// handler-side API into lib/api.mjs. Dependencies stay external.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', sourcemap: 'linked', logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: ['bin/covet.ts'], outfile: 'lib/cli.mjs' }),
  build({ ...common, entryPoints: ['runtime-min/api.ts'], outfile: 'lib/api.mjs' }),
]);
