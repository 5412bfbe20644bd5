// Builds the native engine's binary that the package ships (npm's `prepack`, so `npm pack` and
// `npm publish`): prebuildify compiles this repository's runtime-min/native for this machine's
// platform into runtime-min/native/prebuilds/<platform>-<arch>/covet_runtime.napi.<libc>.node,
// where node-gyp-build finds it (runtime-min/native/binary.mjs). N-API: one binary serves every
// Node version >= 20 on that platform. Node's headers come from this machine (--nodedir):
// nothing is downloaded. Skipped when the binary is newer than every source it is built from.
// The build runs in a copy of the sources, so runtime-min/native/build (the dev build) is left alone.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import prebuildify from 'prebuildify';
import { LLHTTP_FILES, missingForSourceBuild, nodeGypPath, nodeHeadersDir } from '../runtime-min/native/binary.mjs';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const native = path.join(root, 'runtime-min', 'native');
const out = path.join(native, 'prebuilds', `${process.platform}-${process.arch}`);
const force = process.argv.includes('--force');

const sources = [
  path.join(native, 'binding.gyp'),
  ...['src', 'src/llhttp', 'include'].flatMap((d) => readdirSync(path.join(native, d)).filter((f) => /\.[ch]$/.test(f)).map((f) => path.join(native, d, f))),
  ...LLHTTP_FILES.filter((f) => existsSync(f)),
];
const built = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.node')).map((f) => path.join(out, f)) : [];
const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
if (!force && built.length === 1 && statSync(built[0]).mtimeMs >= newest) {
  process.stdout.write(`prebuild: ${path.relative(root, built[0])} is up to date\n`);
  process.exit(0);
}

const missing = missingForSourceBuild();
if (missing.length) {
  process.stderr.write(`prebuild: cannot build the native engine that the package ships; missing: ${missing.map((m) => m.what).join(', ')}\n`);
  process.exit(1);
}

// node-gyp reads npm_config_nodedir: the headers of this machine, never a download.
process.env.npm_config_nodedir = nodeHeadersDir();
const strip = spawnSync('sh', ['-c', 'command -v strip'], { stdio: 'ignore' }).status === 0;
const work = mkdtempSync(path.join(os.tmpdir(), 'covet-prebuild-'));
for (const item of ['binding.gyp', 'src', 'include']) cpSync(path.join(native, item), path.join(work, item), { recursive: true });
rmSync(out, { recursive: true, force: true });
const started = performance.now();
await new Promise((resolve, reject) =>
  prebuildify(
    {
      cwd: work,
      out: native,
      name: 'covet_runtime.napi',
      napi: true,
      targets: [`node@${process.versions.node}`],
      tagLibc: true,
      strip,
      quiet: !process.argv.includes('--verbose'),
      nodeGyp: nodeGypPath(),
    },
    (err) => (err ? reject(err) : resolve()),
  ),
).catch((err) => {
  process.stderr.write(`prebuild: prebuildify failed: ${err.message} (node scripts/prebuild.mjs --verbose shows the compiler output)\n`);
  process.exit(1);
});
rmSync(work, { recursive: true, force: true });
for (const f of readdirSync(out)) {
  process.stdout.write(`prebuild: ${path.relative(root, path.join(out, f))} (${statSync(path.join(out, f)).size} bytes, ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
