// Run by build-api.test.ts as a user's build script: imports `covet/build`
// through the package's own exports, runs every case, and writes what it got
// to <tmp>/report.json — and nothing to stdout or stderr.
import { writeFileSync } from 'node:fs';
import { build, formatDiagnostics } from 'covet/build';

const tmp = process.argv[2];
const out = {};
out.ok = await build({ app: 'fixtures/routing', out: `${tmp}/ok`, engine: 'node' });
out.fail = await build({ app: 'fixtures/fail/two-bodies', out: `${tmp}/fail`, engine: 'node' });
out.failText = formatDiagnostics(out.fail);
out.duplicate = await build({ app: 'fixtures/fail/duplicate-route', out: `${tmp}/duplicate`, engine: 'node' });
out.duplicateText = formatDiagnostics(out.duplicate);
out.typeError = await build({ app: 'fixtures/fail/type-error', out: `${tmp}/type-error`, engine: 'node' });
out.typeErrorSkipped = await build({ app: 'fixtures/fail/type-error', out: `${tmp}/type-error-skipped`, engine: 'node', typecheck: false });
out.docsOff = await build({ app: 'fixtures/routing', out: `${tmp}/docs-off`, engine: 'node', docs: false });
out.docsMoved = await build({ app: 'fixtures/routing', out: `${tmp}/docs-moved`, engine: 'node', docsPath: '/api/docs', openapiPath: '/api/schema.json' });
out.missing = await build({ app: 'fixtures/no-such-app', out: `${tmp}/missing`, engine: 'node' });
// No engine asked for, and the native addon is not where covet looks.
process.env.COVET_NATIVE_ADDON = `${tmp}/no-addon.node`;
out.fallback = await build({ app: 'routing', cwd: 'fixtures', out: `${tmp}/fallback` });
out.fallbackText = formatDiagnostics(out.fallback, { cwd: tmp });
out.rejections = [];
for (const bad of [undefined, { out: 'dist' }, { app: 'src', outDir: 'dist' }, { app: 'src', engine: 'fast' }, { app: 'src', minify: 'yes' }, { app: 'src', typecheck: 'no' }, { app: 'src', docs: 'no' }, { app: 'src', docsPath: 'docs' }, { app: 'src', openapiPath: '/docs/swagger-ui.css' }]) {
  try {
    await build(bad);
    out.rejections.push('resolved');
  } catch (e) {
    out.rejections.push(`${e.constructor.name}: ${e.message}`);
  }
}
out.exitCode = process.exitCode ?? null;
writeFileSync(`${tmp}/report.json`, JSON.stringify(out));
