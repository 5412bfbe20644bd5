/**
 * The covet CLI: commander wiring only — parse, call the pipeline, print, exit code.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatDiagnostic, type Diagnostic } from '../compiler/diagnostics.ts';
import { routeRows } from '../codegen/app/index.ts';
import { build, covetVersion, generate, nativeAddonPath, nativeFallbackWarning, openApi } from '../pipeline/build.ts';
import { extractRoute, findRoute } from '../pipeline/inspect.ts';

const program = new Command();

function appDirArg(value: string): string {
  const dir = path.resolve(value);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InvalidArgumentError(`${value} is not a directory; pass the folder that holds your handler modules`);
  }
  return dir;
}

function printDiagnostics(diagnostics: readonly Diagnostic[], appDir: string): void {
  const rel = path.relative(process.cwd(), appDir) || '.';
  for (const d of diagnostics) process.stderr.write(formatDiagnostic({ ...d, file: d.file ? path.join(rel, d.file) : d.file }) + '\n\n');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) process.stderr.write(`covet: ${errors} error${errors === 1 ? '' : 's'}; nothing was built\n`);
}

const engineOption = new Option('--engine <engine>', 'HTTP engine of the generated server (default: native when its binary loads on this machine, else node)').choices(['native', 'node']);

program
  .name('covet')
  .description('Ahead-of-time compiler for typed HTTP APIs: annotated TypeScript handlers → one fast bundled server')
  .version(covetVersion());

program
  .command('build')
  .description('compile the handler modules in <app> into <out>/server.mjs (+ source map)')
  .argument('<app>', 'folder with the handler modules', appDirArg)
  .option('-o, --out <dir>', 'output folder', 'dist')
  .addOption(engineOption)
  .option('--tsconfig <file>', 'tsconfig to read the app with (default: <app>/tsconfig.json, else strict defaults)')
  .option('--minify', 'minify the bundle', false)
  .action(async (appDir: string, opts: { out: string; engine?: 'native' | 'node'; tsconfig?: string; minify: boolean }) => {
    const started = performance.now();
    if (opts.engine === undefined) {
      opts.engine = nativeAddonPath() !== null ? 'native' : 'node';
      if (opts.engine === 'node') process.stderr.write(`covet: warning: ${nativeFallbackWarning()}\n`);
    }
    const result = await build({ appDir, outDir: opts.out, engine: opts.engine, tsconfig: opts.tsconfig, minify: opts.minify });
    if (!result.ok) {
      printDiagnostics(result.diagnostics, appDir);
      process.exitCode = 1;
      return;
    }
    for (const w of result.warnings) process.stderr.write(`covet: warning: ${w}\n`);
    const t = result.timings;
    const total = performance.now() - started;
    process.stdout.write(
      `covet: built ${displayPath(result.outFile!)} — ${result.ir!.routes.length} routes, engine ${opts.engine} ` +
        `(${total.toFixed(0)} ms: compile ${t.compile.toFixed(0)}, codegen ${t.codegen.toFixed(0)}, bundle ${t.bundle.toFixed(0)})\n`,
    );
  });

program
  .command('routes')
  .description('list the routes of <app>: method, path, handler, file:line, parameters, status')
  .argument('<app>', 'folder with the handler modules', appDirArg)
  .option('--json', 'print JSON instead of a table', false)
  .action((appDir: string, opts: { json: boolean }) => {
    const { ir, diagnostics } = generate(appDir);
    if (!ir) {
      printDiagnostics(diagnostics, appDir);
      process.exitCode = 1;
      return;
    }
    const rows = routeRows(ir);
    if (opts.json) {
      const keys = ['method', 'path', 'handler', 'source', 'params', 'status'];
      process.stdout.write(JSON.stringify(rows.map((r) => Object.fromEntries(r.map((v, i) => [keys[i], v]))), null, 2) + '\n');
      return;
    }
    process.stdout.write(table([['METHOD', 'PATH', 'HANDLER', 'SOURCE', 'PARAMS', 'STATUS'], ...rows]));
  });

program
  .command('inspect')
  .description('print what covet generates for <app>: one route\'s code, the router, the whole module, or the App IR')
  .argument('<app>', 'folder with the handler modules', appDirArg)
  .argument('[method]', 'HTTP method of the route to show')
  .argument('[path]', 'path pattern of the route, as written in @route (e.g. /todos/:id)')
  .option('--ir', 'print the App IR as JSON', false)
  .option('--router', 'print the generated router', false)
  .option('--all', 'print the whole generated module', false)
  .action((appDir: string, method: string | undefined, routePath: string | undefined, opts: { ir: boolean; router: boolean; all: boolean }) => {
    const { ir, diagnostics, emitted } = generate(appDir);
    if (!ir || !emitted) {
      printDiagnostics(diagnostics, appDir);
      process.exitCode = 1;
      return;
    }
    if (opts.ir) {
      process.stdout.write(JSON.stringify(ir, null, 2) + '\n');
      return;
    }
    if (opts.all) {
      process.stdout.write(emitted.source);
      return;
    }
    if (opts.router) {
      process.stdout.write(extractRoute(emitted.source, ['__covet_match']) + '\n');
      return;
    }
    if (!method || !routePath) {
      process.stderr.write('covet: name a route (`covet inspect app GET /todos/:id`), or pass --ir, --router or --all\n');
      process.exitCode = 2;
      return;
    }
    const found = findRoute(ir, method, routePath);
    if ('error' in found) {
      process.stderr.write(`covet: ${found.error}\n`);
      process.exitCode = 1;
      return;
    }
    const fns = emitted.routeFunctions[found.route.id]!;
    process.stdout.write(extractRoute(emitted.source, [fns.route, fns.reply]) + '\n');
  });

program
  .command('openapi')
  .description('print the OpenAPI 3.1 document of <app> (covet build also writes it to <out>/openapi.json)')
  .argument('<app>', 'folder with the handler modules', appDirArg)
  .option('-o, --out <file>', 'write to a file instead of stdout')
  .action((appDir: string, opts: { out?: string }) => {
    const { ir, diagnostics } = generate(appDir);
    if (!ir) {
      printDiagnostics(diagnostics, appDir);
      process.exitCode = 1;
      return;
    }
    const text = JSON.stringify(openApi(ir, appDir), null, 2) + '\n';
    if (opts.out) writeFileSync(opts.out, text);
    else process.stdout.write(text);
  });

/** Relative to the working directory when inside it, absolute otherwise. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`covet: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
