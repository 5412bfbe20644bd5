/**
 * `covet.config.ts`: the app's one config file, its type (`defineConfig`), and the one table of
 * its options (OPTIONS). Everything else reads the table: the build's check of the file
 * (pipeline/config.ts), the server's command line and environment (cli.ts), the README's table
 * (scripts/config-table.mjs). A later issue's section (CORS, security headers, rate limits,
 * metrics, logging) is a member of `CovetConfig` and its rows in OPTIONS; the `satisfies` below
 * makes the two agree, so a row cannot be forgotten nor a stray one added.
 *
 * The type and defineConfig are the handler API's (api.ts, which imports nothing, so that it
 * type-checks under any user's compiler options); this file imports only that type, and nothing
 * at run time: the supervisor loads it.
 */
import type { CovetConfig } from './api.ts';

export type { CovetConfig };

/** `'server.port'`, `'engine'`, …: every option of CovetConfig by its dotted path. */
export type OptionPath = {
  [K in keyof CovetConfig & string]-?: Section<K> extends object ? `${K}.${keyof Section<K> & string}` : K;
}[keyof CovetConfig & string];
/** A section's object (`securityHeaders` may also be `false`: all off). */
type Section<K extends keyof CovetConfig> = Exclude<NonNullable<CovetConfig[K]>, false>;

/** The sections that `false` turns off as a whole (`securityHeaders: false`). */
export const SWITCHABLE_SECTIONS: ReadonlySet<string> = new Set(['securityHeaders']);

/** The values an option takes. */
export type OptionKind =
  | { type: 'integer'; min: number; max?: number; unit: 'bytes' | 'ms' | 'port' | 'seconds' }
  | { type: 'workers' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'boolean' }
  | { type: 'string' }
  /** A URL path of the server's own (the docs', the health routes'): checked further by the build (codegen/app/docs.ts); `off`: false turns it off. */
  | { type: 'urlPath'; off?: true }
  /** CORS's origins: `'*'`, a list of origins (checked further by the build: codegen/app/cors.ts), a RegExp, or a function. */
  | { type: 'origins' }
  /** A list of tokens: HTTP methods or header names. */
  | { type: 'tokens'; of: 'methods' | 'header names' }
  /** A header's value, one of `values` when given, or false (the header left out). */
  | { type: 'header'; values?: readonly string[] }
  /** `Strict-Transport-Security`: false, or `{ maxAgeSec, includeSubDomains?, preload? }`. */
  | { type: 'hsts' };

export interface OptionSpec {
  path: OptionPath;
  kind: OptionKind;
  /** The default as the table shows it. */
  default: string;
  /** `build`: read by `covet build` and built in; `start`: embedded by the build, and overridden at start by `env` and `flag`. */
  when: 'build' | 'start';
  /** The field of the server's command line (cli.ts's CommandLine) for a start option. */
  key?: StartKey;
  /** The environment variable that overrides it at start. */
  env?: string;
  /** The server's flag (`node server.mjs --flag VALUE`), or the build's for a build option. */
  flag?: string;
  /** What a usage error calls it (`max body size must be …`). */
  what: string;
  description: string;
}

/** The options the built server reads at start (embedded in it, then env, then flags), by their CommandLine field. */
export interface StartConfig {
  port?: number;
  host?: string;
  workers?: number | 'auto';
  maxBodySize?: number;
  maxBodyMemory?: number;
  maxHeaderSize?: number;
  headersTimeoutMs?: number;
  sendTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  graceMs?: number;
  backgroundMs?: number;
  readinessDelayMs?: number;
}
export type StartKey = keyof StartConfig;

const bytes = (min: number, max?: number) => ({ type: 'integer', min, ...(max === undefined ? {} : { max }), unit: 'bytes' }) as const;
const ms = { type: 'integer', min: 1, unit: 'ms' } as const;
/** The default Content-Security-Policy of an API's answers: it loads nothing and may be framed by nobody. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Every option, in the order the README's table lists them. */
const TABLE = {
  'server.port': {
    kind: { type: 'integer', min: 0, max: 65535, unit: 'port' }, default: '3000', when: 'start', key: 'port', env: 'PORT', flag: '--port', what: 'port',
    description: 'TCP port to listen on; 0 picks a free one.',
  },
  'server.host': {
    kind: { type: 'string' }, default: '0.0.0.0', when: 'start', key: 'host', env: 'HOST', flag: '--host', what: 'host',
    description: 'Address to listen on (`::` for IPv6, `127.0.0.1` for this machine only).',
  },
  'server.workers': {
    kind: { type: 'workers' }, default: '1', when: 'start', key: 'workers', env: 'COVET_WORKERS', flag: '--workers', what: 'workers',
    description: 'Processes serving the port; `auto` is one per core of the machine the server starts on.',
  },
  engine: {
    kind: { type: 'enum', values: ['native', 'node'] }, default: 'native if it loads, else node', when: 'build', flag: '--engine', what: 'engine',
    description: 'The HTTP engine the server is built with.',
  },
  'limits.maxBodySize': {
    kind: bytes(0), default: '1048576 (1 MiB)', when: 'start', key: 'maxBodySize', env: 'COVET_MAX_BODY_SIZE', flag: '--max-body-size', what: 'max body size',
    description: 'Largest request body in bytes; a larger one is answered 413.',
  },
  'limits.maxBodyMemory': {
    kind: bytes(0), default: '268435456 (256 MiB), or 4 × maxBodySize', when: 'start', key: 'maxBodyMemory', env: 'COVET_MAX_BODY_MEMORY', flag: '--max-body-memory', what: 'max body memory',
    description: 'Bytes the bodies of unfinished requests may hold together (at least maxBodySize); past it, the oldest is answered 503.',
  },
  'limits.maxHeaderSize': {
    kind: bytes(1024, 1024 * 1024), default: '16384 (16 KiB)', when: 'start', key: 'maxHeaderSize', env: 'COVET_MAX_HEADER_SIZE', flag: '--max-header-size', what: 'max header size',
    description: 'Largest request head in bytes (target, header names and values); a larger one is answered 431.',
  },
  'limits.headersTimeoutMs': {
    kind: ms, default: '10000', when: 'start', key: 'headersTimeoutMs', env: 'COVET_HEADERS_TIMEOUT_MS', flag: '--headers-timeout', what: 'headers timeout',
    description: 'Milliseconds a client has to send a whole request head; then 408 (slowloris protection).',
  },
  'limits.sendTimeoutMs': {
    kind: ms, default: '60000', when: 'start', key: 'sendTimeoutMs', env: 'COVET_SEND_TIMEOUT_MS', flag: '--send-timeout', what: 'send timeout',
    description: 'Milliseconds a connection may go with answers unsent and none taken by the client; then it is closed.',
  },
  'limits.keepAliveTimeoutMs': {
    kind: { type: 'integer', min: 1000, max: 3_600_000, unit: 'ms' }, default: '5000', when: 'start', key: 'keepAliveTimeoutMs', env: 'COVET_KEEP_ALIVE_TIMEOUT_MS', flag: '--keep-alive-timeout',
    what: 'keep-alive timeout',
    description: 'Milliseconds an idle keep-alive connection is kept; answers say it in whole seconds (`keep-alive: timeout=5`).',
  },
  'shutdown.graceMs': {
    kind: ms, default: '10000', when: 'start', key: 'graceMs', env: 'COVET_SHUTDOWN_GRACE_MS', flag: '--shutdown-grace', what: 'shutdown grace',
    description: 'Milliseconds in-flight requests get to finish on SIGTERM/SIGINT.',
  },
  'shutdown.backgroundMs': {
    kind: ms, default: '10000', when: 'start', key: 'backgroundMs', env: 'COVET_SHUTDOWN_BACKGROUND_MS', flag: '--shutdown-background', what: 'shutdown background wait',
    description: 'Milliseconds shutdown then waits for pending background tasks (`ctx.background`).',
  },
  'shutdown.readinessDelayMs': {
    kind: { type: 'integer', min: 0, unit: 'ms' }, default: '0', when: 'start', key: 'readinessDelayMs', env: 'COVET_SHUTDOWN_READINESS_DELAY_MS', flag: '--readiness-delay', what: 'readiness delay',
    description: 'Milliseconds after SIGTERM during which `/readyz` answers 503 and the server still accepts and serves; then the drain begins (set it to your endpoints\' propagation time).',
  },
  'health.livenessPath': {
    kind: { type: 'urlPath', off: true }, default: '/healthz', when: 'build', what: 'liveness path',
    description: 'Path of the liveness route (200 `{"status":"ok"}` while the process serves); false: none.',
  },
  'health.readinessPath': {
    kind: { type: 'urlPath', off: true }, default: '/readyz', when: 'build', what: 'readiness path',
    description: 'Path of the readiness route (503 while draining or a `readinessCheck` fails, else 200); false: none.',
  },
  // The server bundles this table (cli.ts): the docs rows name no docs package, so that a server
  // built without docs holds no trace of them (test/build-api.test.ts looks).
  'docs.enabled': {
    kind: { type: 'boolean' }, default: 'true', when: 'build', flag: '--no-docs', what: 'docs',
    description: 'Serve the OpenAPI document and the interactive docs page (`--no-docs` turns both off).',
  },
  'docs.path': {
    kind: { type: 'urlPath' }, default: '/docs', when: 'build', flag: '--docs-path', what: 'docs path',
    description: 'Path of the interactive docs page; its assets are below it.',
  },
  'docs.openapiPath': {
    kind: { type: 'urlPath' }, default: '/openapi.json', when: 'build', flag: '--openapi-path', what: 'OpenAPI path',
    description: 'Path of the OpenAPI document.',
  },
  // CORS and the security headers are built in (codegen/app/cors.ts turns them into the
  // engine's fixed headers and the preflight answers); a function of origins makes the server
  // import covet.config.ts.
  'cors.origins': {
    kind: { type: 'origins' }, default: 'none (no CORS)', when: 'build', what: 'CORS origins',
    description: "Origins whose pages may call the API: `'*'`, a list (`['https://app.example.com']`), a RegExp, or `(origin) => boolean`.",
  },
  'cors.methods': {
    kind: { type: 'tokens', of: 'methods' }, default: "each path's methods", when: 'build', what: 'CORS methods',
    description: 'Methods cross-origin pages may use; a preflight lists those of its path among them.',
  },
  'cors.allowHeaders': {
    kind: { type: 'tokens', of: 'header names' }, default: 'those the preflight asks for', when: 'build', what: 'CORS allowed headers',
    description: 'Request headers cross-origin pages may send (`Access-Control-Allow-Headers`).',
  },
  'cors.exposeHeaders': {
    kind: { type: 'tokens', of: 'header names' }, default: 'none', when: 'build', what: 'CORS exposed headers',
    description: 'Response headers pages may read besides the safelisted ones (`Access-Control-Expose-Headers`).',
  },
  'cors.credentials': {
    kind: { type: 'boolean' }, default: 'false', when: 'build', what: 'CORS credentials',
    description: "Allow cookies and Authorization (`Access-Control-Allow-Credentials: true`); not with `origins: '*'`.",
  },
  'cors.maxAgeSec': {
    kind: { type: 'integer', min: 0, max: 86400, unit: 'seconds' }, default: '600', when: 'build', what: 'CORS max age',
    description: "Seconds browsers may keep a preflight's answer (`Access-Control-Max-Age`).",
  },
  'securityHeaders.hsts': {
    kind: { type: 'hsts' }, default: 'false', when: 'build', what: 'HSTS',
    description: '`Strict-Transport-Security`, for an API served over HTTPS only. `securityHeaders: false` turns every security header off.',
  },
  'securityHeaders.frameOptions': {
    kind: { type: 'header', values: ['DENY', 'SAMEORIGIN'] }, default: 'DENY', when: 'build', what: 'X-Frame-Options',
    description: '`X-Frame-Options`; false leaves it out.',
  },
  'securityHeaders.referrerPolicy': {
    kind: { type: 'header' }, default: 'no-referrer', when: 'build', what: 'Referrer-Policy',
    description: '`Referrer-Policy`; false leaves it out.',
  },
  'securityHeaders.crossOriginResourcePolicy': {
    kind: { type: 'header', values: ['same-origin', 'same-site', 'cross-origin'] }, default: 'same-origin', when: 'build', what: 'Cross-Origin-Resource-Policy',
    description: '`Cross-Origin-Resource-Policy`; false leaves it out.',
  },
  'securityHeaders.crossOriginOpenerPolicy': {
    kind: { type: 'header', values: ['same-origin', 'same-origin-allow-popups', 'unsafe-none'] }, default: 'same-origin', when: 'build', what: 'Cross-Origin-Opener-Policy',
    description: '`Cross-Origin-Opener-Policy`; false leaves it out.',
  },
  'securityHeaders.contentSecurityPolicy': {
    kind: { type: 'header' }, default: API_CSP, when: 'build', what: 'Content-Security-Policy',
    description: "`Content-Security-Policy` of the API's answers (the docs page keeps its own); false leaves it out.",
  },
  'securityHeaders.noSniff': {
    kind: { type: 'boolean' }, default: 'true', when: 'build', what: 'X-Content-Type-Options',
    description: '`X-Content-Type-Options: nosniff`.',
  },
} as const satisfies Record<OptionPath, Omit<OptionSpec, 'path'>>;

/** The one table of options. */
export const OPTIONS: readonly OptionSpec[] = Object.entries(TABLE).map(([path, spec]) => ({ path: path as OptionPath, ...spec }));

/** The options the server reads at start (with a CommandLine field). */
export const START_OPTIONS: readonly (OptionSpec & { key: StartKey })[] = OPTIONS.filter((o): o is OptionSpec & { key: StartKey } => o.key !== undefined);

/** What an option allows, in words: `an integer from 0 to 65535`, `a positive number of milliseconds`, … */
export function allowed(kind: OptionKind): string {
  switch (kind.type) {
    case 'integer':
      if (kind.unit === 'port') return `an integer from ${kind.min} to ${kind.max}`;
      if (kind.unit === 'ms') return kind.max !== undefined ? `a number of milliseconds from ${kind.min} to ${kind.max}` : kind.min === 0 ? 'a number of milliseconds, 0 or more' : 'a positive number of milliseconds';
      if (kind.unit === 'seconds') return `a number of seconds from ${kind.min} to ${kind.max}`;
      if (kind.max !== undefined) return `a number of bytes from ${kind.min} to ${kind.max}`;
      return kind.min > 0 ? `a number of bytes, at least ${kind.min}` : 'a number of bytes';
    case 'workers':
      return 'a positive integer or auto (one per core)';
    case 'enum':
      return kind.values.map((v) => `'${v}'`).join(' or ');
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a non-empty string';
    case 'urlPath':
      return kind.off ? 'a path such as /healthz, or false' : 'a path such as /docs';
    case 'origins':
      return "'*', a list of origins such as ['https://app.example.com'], a RegExp, or a function (origin) => boolean";
    case 'tokens':
      return kind.of === 'methods' ? "a list of methods such as ['GET', 'POST']" : "a list of header names such as ['x-request-id']";
    case 'header':
      return kind.values ? `${kind.values.map((v) => `'${v}'`).join(' or ')}, or false` : 'a header value, or false';
    case 'hsts':
      return 'false or { maxAgeSec, includeSubDomains?, preload? }';
  }
}

/** RFC 9110's token: a method, a header name. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header value Covet writes from config: visible ASCII and spaces inside, nothing a field value may not hold. */
const FIELD_VALUE = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

/** The value of a config file's option, or why it is not one (`allowed()`), without cross-option checks. */
export function checkValue(kind: OptionKind, value: unknown): string | null {
  switch (kind.type) {
    case 'integer': {
      const ok = typeof value === 'number' && Number.isSafeInteger(value) && value >= kind.min && (kind.max === undefined || value <= kind.max);
      return ok ? null : allowed(kind);
    }
    case 'workers':
      return value === 'auto' || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) ? null : allowed(kind);
    case 'enum':
      return typeof value === 'string' && kind.values.includes(value) ? null : allowed(kind);
    case 'boolean':
      return typeof value === 'boolean' ? null : allowed(kind);
    case 'urlPath':
      if (value === false && kind.off) return null;
      return typeof value === 'string' && value !== '' ? null : allowed(kind);
    case 'string':
      return typeof value === 'string' && value !== '' ? null : allowed(kind);
    case 'origins': {
      const ok =
        value === '*' || value instanceof RegExp || typeof value === 'function' ||
        (Array.isArray(value) && value.length > 0 && value.every((o) => typeof o === 'string' && o !== ''));
      return ok ? null : allowed(kind);
    }
    case 'tokens':
      return Array.isArray(value) && value.every((t) => typeof t === 'string' && TOKEN.test(t)) ? null : allowed(kind);
    case 'header': {
      if (value === false) return null;
      const ok = typeof value === 'string' && (kind.values ? kind.values.includes(value) : FIELD_VALUE.test(value));
      return ok ? null : allowed(kind);
    }
    case 'hsts': {
      if (value === false) return null;
      if (!isRecord(value)) return allowed(kind);
      const { maxAgeSec, includeSubDomains, preload, ...rest } = value;
      const ok =
        typeof maxAgeSec === 'number' && Number.isSafeInteger(maxAgeSec) && maxAgeSec >= 0 &&
        (includeSubDomains === undefined || typeof includeSubDomains === 'boolean') &&
        (preload === undefined || typeof preload === 'boolean') && Object.keys(rest).length === 0;
      return ok ? null : allowed(kind);
    }
  }
}

/** A start option's value from text (an environment variable or a flag), or null when it is not one. */
export function parseText(kind: OptionKind, text: string): number | string | null {
  switch (kind.type) {
    case 'integer':
    case 'workers': {
      if (kind.type === 'workers' && text === 'auto') return 'auto';
      // Digits only for a count; numbers as Number() reads them otherwise (as before: `1e3` bytes is 1000).
      const n = kind.type === 'workers' ? (/^[0-9]+$/.test(text) ? Number(text) : NaN) : Number(text);
      return checkValue(kind, n) === null ? n : null;
    }
    default:
      return checkValue(kind, text) === null ? text : null;
  }
}

/** A problem of a config file: the option's dotted path (or the unknown key's) and what is wrong. */
export interface ConfigProblem {
  path: string;
  /** `must be a number of bytes`, `is not an option`, … (follows the path). */
  problem: string;
  /** What is allowed, or the options there are. */
  allowed: string;
  /** For an unknown key: the closest known one. */
  suggestion?: string;
}

/**
 * Every problem of a config value as `defineConfig` would take it: unknown keys (the closest
 * known one suggested), values of the wrong kind, a body memory below the body size.
 * `close(name, candidates)` suggests a spelling (the build passes didYouMean).
 */
export function checkConfig(config: unknown, close: (name: string, candidates: string[]) => string | undefined = () => undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!isRecord(config)) return [{ path: '', problem: 'must be an object', allowed: 'export default defineConfig({ … })' }];
  const sections = new Map<string, OptionSpec[]>();
  const leaves = new Map<string, OptionSpec>();
  for (const o of OPTIONS) {
    const dot = o.path.indexOf('.');
    if (dot < 0) leaves.set(o.path, o);
    else sections.set(o.path.slice(0, dot), [...(sections.get(o.path.slice(0, dot)) ?? []), o]);
  }
  const unknown = (at: string, key: string, known: string[]) => {
    const suggestion = close(key, known);
    problems.push({ path: at, problem: 'is not an option', allowed: `the options here are ${known.join(', ')}`, ...(suggestion ? { suggestion } : {}) });
  };
  const top = [...leaves.keys(), ...sections.keys()];
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    const leaf = leaves.get(key);
    const section = sections.get(key);
    if (leaf) {
      const bad = checkValue(leaf.kind, value);
      if (bad) problems.push({ path: key, problem: `must be ${bad}`, allowed: bad });
    } else if (section) {
      if (value === false && SWITCHABLE_SECTIONS.has(key)) continue;
      if (!isRecord(value)) {
        const off = SWITCHABLE_SECTIONS.has(key) ? ' or false' : '';
        problems.push({ path: key, problem: `must be an object${off}`, allowed: `an object with ${section.map((o) => o.path.slice(key.length + 1)).join(', ')}${off}` });
        continue;
      }
      const names = section.map((o) => o.path.slice(key.length + 1));
      for (const [name, v] of Object.entries(value)) {
        if (v === undefined) continue;
        const spec = section.find((o) => o.path === `${key}.${name}`);
        if (!spec) unknown(`${key}.${name}`, name, names);
        else {
          const bad = checkValue(spec.kind, v);
          if (bad) problems.push({ path: spec.path, problem: `must be ${bad}`, allowed: bad });
        }
      }
    } else unknown(key, key, top);
  }
  const limits = isRecord(config.limits) ? config.limits : {};
  const size = typeof limits.maxBodySize === 'number' ? limits.maxBodySize : DEFAULT_MAX_BODY_SIZE;
  if (typeof limits.maxBodyMemory === 'number' && limits.maxBodyMemory < size && checkValue(TABLE['limits.maxBodyMemory'].kind, limits.maxBodyMemory) === null) {
    problems.push({ path: 'limits.maxBodyMemory', problem: `must be at least limits.maxBodySize (${size})`, allowed: `a number of bytes, at least ${size}` });
  }
  return problems;
}

/** The request body limit unless configured otherwise. */
export const DEFAULT_MAX_BODY_SIZE = 1024 * 1024;

/** The start options of a checked config, by their CommandLine field: what the build embeds in the server. */
export function startConfig(config: CovetConfig): StartConfig {
  const out: Record<string, unknown> = {};
  for (const o of START_OPTIONS) {
    const value = valueAt(config, o.path);
    if (value !== undefined) out[o.key] = value;
  }
  return out as StartConfig;
}

/** A config's value at a dotted path, or undefined. */
export function valueAt(config: CovetConfig, path: OptionPath): unknown {
  let at: unknown = config;
  for (const part of path.split('.')) at = isRecord(at) ? at[part] : undefined;
  return at;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
