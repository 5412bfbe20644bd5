// Bundles the CLI (bin/covet.ts and the pipeline) into lib/cli.mjs, the build
// API (`covet/build`) into lib/build.mjs with its types in lib/build.d.ts, and
// the handler-side API into lib/api.mjs. Dependencies stay external. The CLI
// and the build API share the compiler and the pipeline: esbuild splits that
// shared code into lib/chunks/ instead of bundling it twice. The handler API's
// types are declaration files in lib/types/ (tsc): a user's tsc reads those, not
// runtime-min's sources, which import node:crypto, jose and the like and would
// otherwise be type-checked under the user's own compiler options.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

process.chdir(new URL('..', import.meta.url).pathname);

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', sourcemap: 'linked', logLevel: 'warning' };
rmSync('lib/chunks', { recursive: true, force: true }); // no stale chunks from an earlier build
mkdirSync('lib', { recursive: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { cli: 'bin/covet.ts', build: 'pipeline/build-api.ts' },
    outdir: 'lib',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  }),
  build({ ...common, entryPoints: ['runtime-min/api.ts'], outfile: 'lib/api.mjs' }),
]);
copyFileSync('pipeline/covet-build.d.ts', 'lib/build.d.ts');

rmSync('lib/types', { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [
    'node_modules/typescript/bin/tsc', '--ignoreConfig', 'runtime-min/api.ts', '--declaration', '--emitDeclarationOnly', '--outDir', 'lib/types',
    '--allowImportingTsExtensions', '--module', 'nodenext', '--target', 'es2022', '--strict', '--skipLibCheck', '--types', 'node', '--pretty', 'false',
  ],
  { encoding: 'utf8' },
);
if (tsc.status !== 0) {
  process.stderr.write(`scripts/build.mjs: the handler API's declarations (tsc) failed:\n${tsc.stdout}${tsc.stderr}`);
  process.exit(1);
}
