/**
 * The covet CLI: commander wiring only — parse, call the pipeline, print, exit code.
 *
 * Exit codes, for every command (EXIT_CODES below, printed by --help):
 * 0 done; 1 the app has errors (diagnostics on stderr, nothing built);
 * 2 usage (an unknown command or option, a missing or wrong argument) or
 * covet could not run (a file it cannot write, a bug).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Diagnostic } from '../compiler/diagnostics.ts';
import { initProject, InitError, nextSteps } from '../pipeline/init.ts';
import { covetVersion } from '../templates/index.ts';
import { useColor } from '../pipeline/print.ts';
import { docsPathProblem } from '../codegen/app/docs.ts';

// The compiler (ts-morph and TypeScript) and esbuild load when a command needs
// them: --help, --version, usage errors and init answer without them.
const pipeline = () => import('../pipeline/build.ts');
const buildApi = () => import('../pipeline/build-api.ts');
const inspect = () => import('../pipeline/inspect.ts');
// `routes` and `openapi` read the IR only: they load neither codegen nor esbuild.
const describe = () => import('../pipeline/describe.ts');
// `client` reads the IR and generates the client only.
const client = () => import('../pipeline/client.ts');

const EXIT = { ok: 0, appErrors: 1, usage: 2 } as const;
const EXIT_CODES = `
Exit codes:
  0  done
  1  the app has errors: each is printed with file:line:column; nothing was built
  2  usage: an unknown command or option, a missing or wrong argument
     (also when covet could not run: a file it cannot write, a bug)`;

const program = new Command();
// Before any command is added, so that every command inherits it: commander
// throws a CommanderError instead of exiting, and the end of this file picks the exit code.
program.exitOverride();

function appDirArg(value: string): string {
  const dir = path.resolve(value);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InvalidArgumentError(`${value} is not a directory; pass the folder that holds your handler modules`);
  }
  return dir;
}

function fileArg(value: string): string {
  if (!existsSync(value) || !statSync(value).isFile()) throw new InvalidArgumentError(`${value} is not a file; pass the path of a tsconfig.json`);
  return value;
}

function docsPathArg(value: string): string {
  const problem = docsPathProblem(value);
  if (problem) throw new InvalidArgumentError(`${value} is not a usable path: ${problem}`);
  return value;
}

async function printDiagnostics(diagnostics: readonly Diagnostic[], appDir: string): Promise<void> {
  const { formatDiagnostics } = await buildApi();
  process.stderr.write(formatDiagnostics({ diagnostics: [...diagnostics], appDir }, { color: useColor(process.stderr) }));
}

/** `--config <file>` of build and dev (a new Option each: commander keeps an option's parsed value on it). */
const configOption = () => new Option('--config <file>', 'the config file (default: <app>/covet.config.ts, or .mts, .js, .mjs, when there is one)').argParser((value: string) => {
  if (!existsSync(value) || !statSync(value).isFile()) throw new InvalidArgumentError(`${value} is not a file; pass the path of a covet.config.ts`);
  return value;
});

const engineOption = new Option('--engine <engine>', 'HTTP engine of the generated server (default: native when its binary loads on this machine, else node)').choices(['native', 'node']);

program
  .name('covet')
  .description('Ahead-of-time compiler for typed HTTP APIs: annotated TypeScript handlers → one fast bundled server')
  .version(covetVersion())
  .addHelpText('after', EXIT_CODES);

program
  .command('build')
  .description('compile the handler modules in <app> into <out>/server.mjs (+ source map)')
  .argument('<app>', 'folder with the handler modules', appDirArg)
  .option('-o, --out <dir>', 'output folder', 'dist')
  .addOption(engineOption)
  .option('--tsconfig <file>', 'tsconfig to read the app with (default: <app>/tsconfig.json, else strict defaults)', fileArg)
  .option('--minify', 'minify the bundle', false)
  .option('--no-typecheck', "build without failing on TypeScript's errors in the app's files (imports must still resolve)")
  .option('--client <file>', 'also write the typed TypeScript client of the app to <file> (as `covet client` does)')
  .option('--no-docs', 'serve neither the OpenAPI document nor the Swagger UI page (<out>/openapi.json is still written)')
  .option('--docs-path <path>', 'path of the Swagger UI page (default: /docs)', docsPathArg)
  .option('--openapi-path <path>', 'path of the OpenAPI document (default: /openapi.json)', docsPathArg)
  .addOption(configOption())
  .option('--json', 'print the diagnostics on stdout as JSON lines, one object per diagnostic (the summary line goes to stderr)', false)
  .addHelpText('after', '\nThe same build from a script: import { build } from \'covet/build\' (see the README).')
  .action(async (appDir: string, opts: { out: string; engine?: 'native' | 'node'; tsconfig?: string; minify: boolean; typecheck: boolean; client?: string; docs: boolean; docsPath?: string; openapiPath?: string; config?: string; json: boolean }) => {
    const { build, formatDiagnostics, formatDiagnosticsJson } = await buildApi();
    // Without --no-docs, covet.config.ts's docs.enabled decides (commander's default would be true).
    const docs = { docs: opts.docs ? undefined : false, docsPath: opts.docsPath, openapiPath: opts.openapiPath };
    const progress = progressLine(process.stderr);
    const report = await build({ app: appDir, out: opts.out, engine: opts.engine, tsconfig: opts.tsconfig, minify: opts.minify, typecheck: opts.typecheck, client: opts.client, config: opts.config, ...docs }, { onStage: progress.stage });
    progress.clear();
    if (opts.json) process.stdout.write(formatDiagnosticsJson(report));
    else process.stderr.write(formatDiagnostics(report, { color: useColor(process.stderr) }));
    if (!report.ok) {
      process.exitCode = EXIT.appErrors;
      return;
    }
    (opts.json ? process.stderr : process.stdout).write(buildSummary(report, opts.typecheck) + '\n');
  });

/**
 * `covet: built dist/server.mjs — 16 routes, 12 types, engine native, 2.4 MB in 15 files; 1899 ms: compile 1428, typecheck 309, generate 67, bundle 79`
 */
function buildSummary(report: import('../pipeline/covet-build.d.ts').BuildReport, typechecked: boolean): string {
  const t = report.timings;
  const ms = (n: number) => n.toFixed(0);
  const typecheck = typechecked ? `typecheck ${ms(t.typecheck)}` : 'no typecheck';
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const output = report.output ? `, ${formatBytes(report.output.bytes)} in ${count(report.output.files, 'file')}` : '';
  return (
    `covet: built ${displayPath(report.server!)} — ${count(report.routes.length, 'route')}, ${count(report.types, 'type')}, engine ${report.engine}${output}; ` +
    `${ms(t.total)} ms: compile ${ms(t.compile)}, ${typecheck}, generate ${ms(t.codegen)}, bundle ${ms(t.bundle)}`
  );
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** On a terminal, one line that names the stage running (rewritten in place, cleared at the end); nothing otherwise. */
function progressLine(stream: NodeJS.WriteStream): { stage: (stage: string) => void; clear: () => void } {
  if (!stream.isTTY) return { stage: () => {}, clear: () => {} };
  const label: Record<string, string> = { compile: 'reading the handlers', typecheck: 'type-checking', generate: 'generating code', bundle: 'bundling' };
  let shown = false;
  return {
    stage: (stage) => {
      stream.write(`\r\x1b[Kcovet: ${label[stage] ?? stage}…`);
      shown = true;
    },
    clear: () => {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

program
  .command('dev')
  .description('build <app>, serve it (node <out>/server.mjs), and on every change rebuild and restart; a build with errors keeps the last good server serving')
  .argument('<app>', 'folder with the handler modules', appDirArg)
  .option('-o, --out <dir>', 'output folder', 'dist')
  .addOption(engineOption)
  .option('--tsconfig <file>', 'tsconfig to read the app with (default: <app>/tsconfig.json, else strict defaults)', fileArg)
  .option('--no-typecheck', "serve without failing on TypeScript's errors in the app's files")
  .option('-p, --port <port>', "port of the server (default: PORT, else covet.config.ts's server.port, else 3000), as node server.mjs --port")
  .option('-H, --host <host>', "address of the server (default: HOST, else covet.config.ts's server.host, else 0.0.0.0), as node server.mjs --host")
  .addOption(configOption())
  .option('--json', 'print the diagnostics on stdout as JSON lines (everything else goes to stderr)', false)
  .action(async (appDir: string, opts: { out: string; engine?: 'native' | 'node'; tsconfig?: string; typecheck: boolean; port?: string; host?: string; config?: string; json: boolean }) => {
    const { dev } = await import('../pipeline/dev.ts');
    const session = await dev({ appDir, outDir: path.resolve(opts.out), engine: opts.engine, tsconfig: opts.tsconfig, typecheck: opts.typecheck, port: opts.port, host: opts.host, config: opts.config === undefined ? undefined : path.resolve(opts.config), json: opts.json });
    await new Promise<void>((resolve) => {
      const stop = () => void session.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });

program
  .command('init')
  .description('create a new project in [dir]: package.json (ESM), tsconfig.json, .gitignore, an example module and its test')
  .argument('[dir]', 'the project folder, created when missing', '.')
  .option('--force', 'write into a folder that is not empty (files of the same name are replaced, others are kept)', false)
  .action((dir: string, opts: { force: boolean }) => {
    let result;
    try {
      result = initProject(dir, { force: opts.force });
    } catch (err) {
      if (!(err instanceof InitError)) throw err;
      process.stderr.write(`covet: ${err.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    const where = path.relative(process.cwd(), result.dir) || '.';
    process.stdout.write(`covet: created a project in ${where}: ${result.files.join(', ')}\n\n${nextSteps(result)}`);
  });

program
  .command('routes')
  .description('list the routes of <app>: method, path, handler, file:line, parameters, status (and the providers and hooks around each, when the app has any)')
  .argument('<app>', 'folder with the handler modules', appDirArg)
  .option('--json', 'print JSON instead of a table', false)
  .action(async (appDir: string, opts: { json: boolean }) => {
    const { readApp, routeRows, routeColumns } = await describe();
    const { ir, diagnostics } = readApp(appDir);
    if (!ir) {
      await printDiagnostics(diagnostics, appDir);
      process.exitCode = EXIT.appErrors;
      return;
    }
    const rows = routeRows(ir);
    const { header, keys } = routeColumns(ir);
    if (opts.json) {
      process.stdout.write(JSON.stringify(rows.map((r) => Object.fromEntries(r.map((v, i) => [keys[i], v]))), null, 2) + '\n');
      return;
    }
    process.stdout.write(table([header, ...rows]));
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
  .action(async (appDir: string, method: string | undefined, routePath: string | undefined, opts: { ir: boolean; router: boolean; all: boolean }) => {
    if (!opts.ir && !opts.all && !opts.router && (!method || !routePath)) {
      process.stderr.write('covet: name a route (`covet inspect app GET /todos/:id`), or pass --ir, --router or --all\n');
      process.exitCode = EXIT.usage;
      return;
    }
    const [{ generate }, { extract, findRoute, lifecycleComment }] = await Promise.all([pipeline(), inspect()]);
    const { ir, diagnostics, emitted } = generate(appDir);
    if (!ir || !emitted) {
      await printDiagnostics(diagnostics, appDir);
      process.exitCode = EXIT.appErrors;
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
      // The router alone: it calls every route function, and those are `covet inspect app METHOD path`.
      process.stdout.write(extract(emitted.declarations, [emitted.router], false) + '\n');
      return;
    }
    const found = findRoute(ir, method!, routePath!);
    if ('error' in found) {
      process.stderr.write(`covet: ${found.error}\n`);
      process.exitCode = EXIT.usage; // the app is fine; the argument names no route of it
      return;
    }
    const fns = emitted.routeFunctions[found.route.id]!;
    process.stdout.write(lifecycleComment(ir, found.route) + extract(emitted.declarations, [fns.route, fns.reply]) + '\n');
  });

program
  .command('openapi')
  .description('print the OpenAPI 3.1 document of <app> (covet build also writes it to <out>/openapi.json)')
  .argument('<app>', 'folder with the handler modules', appDirArg)
  .option('-o, --out <file>', 'write to a file instead of stdout')
  .action(async (appDir: string, opts: { out?: string }) => {
    const { readApp, openApi } = await describe();
    const { ir, diagnostics } = readApp(appDir);
    if (!ir) {
      await printDiagnostics(diagnostics, appDir);
      process.exitCode = EXIT.appErrors;
      return;
    }
    const text = JSON.stringify(openApi(ir, appDir), null, 2) + '\n';
    if (opts.out) writeFileSync(opts.out, text);
    else process.stdout.write(text);
  });

program
  .command('client')
  .description('write a typed TypeScript client of <app>: createClient({ baseUrl }) with one method per route, on fetch, no dependencies')
  .argument('<app>', 'folder with the handler modules', appDirArg)
  .option('-o, --out <file>', 'write to a file instead of stdout')
  .action(async (appDir: string, opts: { out?: string }) => {
    const [{ readApp }, { clientSource }] = await Promise.all([describe(), client()]);
    const { ir, diagnostics } = readApp(appDir);
    if (!ir) {
      await printDiagnostics(diagnostics, appDir);
      process.exitCode = EXIT.appErrors;
      return;
    }
    const text = clientSource(ir, appDir);
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

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // commander has printed its message (or the help, or the version) already.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.stderr.write(`covet: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT.usage;
  }
}
