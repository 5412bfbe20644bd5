/**
 * The generated server's `main`: reads `--port`/`--host` (or `PORT`/`HOST`),
 * listens, prints where, and shuts down gracefully on SIGTERM/SIGINT.
 */
import type { Engine, RequestHandler } from './engine.ts';
import { bindEngine } from './rt.ts';

export interface ServeOptions {
  /** Request header names the generated code reads (a hint for the engine). */
  headerNames: readonly string[];
  /** Default 1 MiB; `--max-body-size` / `COVET_MAX_BODY_SIZE` override. */
  maxBodySize?: number;
  /** Milliseconds to let in-flight requests finish on shutdown. */
  graceMs?: number;
}

export interface CommandLine {
  host: string;
  port: number;
  maxBodySize: number;
  /** `--headers-timeout` / `COVET_HEADERS_TIMEOUT_MS`; undefined: the engine's default (10 s). */
  headersTimeoutMs: number | undefined;
}

const USAGE = `usage: node server.mjs [--port N] [--host ADDR] [--max-body-size BYTES] [--headers-timeout MS]
  environment: PORT, HOST, COVET_MAX_BODY_SIZE, COVET_HEADERS_TIMEOUT_MS`;

/** Parses the server's own command line; exits with a message on a bad flag. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, defaults: { maxBodySize: number }): CommandLine {
  let port: string | undefined = env.PORT;
  let host: string | undefined = env.HOST;
  let maxBody: string | undefined = env.COVET_MAX_BODY_SIZE;
  let headersTimeout: string | undefined = env.COVET_HEADERS_TIMEOUT_MS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port' || flag === '-p') port = value();
    else if (flag === '--host' || flag === '-H') host = value();
    else if (flag === '--max-body-size') maxBody = value();
    else if (flag === '--headers-timeout') headersTimeout = value();
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else usageError(`unknown option ${flag}`);
  }
  const portNumber = port === undefined || port === '' ? 3000 : Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) usageError(`port must be an integer from 0 to 65535, got ${JSON.stringify(port)}`);
  const maxBodySize = maxBody === undefined || maxBody === '' ? defaults.maxBodySize : Number(maxBody);
  if (!Number.isInteger(maxBodySize) || maxBodySize < 0) usageError(`max body size must be a number of bytes, got ${JSON.stringify(maxBody)}`);
  const headersTimeoutMs = headersTimeout === undefined || headersTimeout === '' ? undefined : Number(headersTimeout);
  if (headersTimeoutMs !== undefined && (!Number.isInteger(headersTimeoutMs) || headersTimeoutMs < 1)) {
    usageError(`headers timeout must be a positive number of milliseconds, got ${JSON.stringify(headersTimeout)}`);
  }
  return { host: host || '0.0.0.0', port: portNumber, maxBodySize, headersTimeoutMs };
}

function usageError(message: string): never {
  process.stderr.write(`covet: ${message}\n${USAGE}\n`);
  process.exit(2);
}

export async function serve(engine: Engine, handler: RequestHandler, options: ServeOptions): Promise<void> {
  process.setSourceMapsEnabled?.(true);
  const cli = parseCommandLine(process.argv.slice(2), process.env, { maxBodySize: options.maxBodySize ?? 1024 * 1024 });
  bindEngine(engine);
  let listening;
  try {
    listening = await engine.listen(
      { host: cli.host, port: cli.port, maxBodySize: cli.maxBodySize, headerNames: options.headerNames, headersTimeoutMs: cli.headersTimeoutMs },
      handler,
    );
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EADDRINUSE' ? `port ${cli.port} is already in use (choose another with --port)` : e.message;
    process.stderr.write(`covet: cannot listen on ${cli.host}:${cli.port}: ${why}\n`);
    process.exit(1);
  }
  const shown = listening.host.includes(':') ? `[${listening.host}]` : listening.host;
  process.stdout.write(`covet: listening on http://${shown}:${listening.port} (engine: ${engine.name}, pid ${process.pid})\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`covet: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`covet: ${signal} received, finishing in-flight requests\n`);
    engine.close(options.graceMs ?? 10_000).then(
      () => {
        process.stdout.write('covet: stopped\n');
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`covet: error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
