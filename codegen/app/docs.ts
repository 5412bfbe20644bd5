/**
 * The docs routes of a built server: `GET /openapi.json` (the document) and `GET /docs` (Swagger
 * UI, from swagger-ui-dist, with its assets under `/docs/…`). The generated router tries them
 * after the app's exact paths and before its patterns (emitDocsMatcher), answered by runtime-min/docs.ts from the files the build writes
 * into dist/docs/ and dist/openapi.json (pipeline/docs.ts): the bundle holds only their names.
 * With docs off, none of this is emitted and runtime-min/docs.ts is not bundled.
 */
import { Block, code, functionDecl, literal, Name, raw, type Code } from '../code.ts';

export interface DocsOptions {
  /** The Swagger UI page, e.g. `/docs`; its assets are below it. */
  docsPath: string;
  /** The OpenAPI document, e.g. `/openapi.json`. */
  openapiPath: string;
}

export const DEFAULT_DOCS: DocsOptions = { docsPath: '/docs', openapiPath: '/openapi.json' };

/** A file the docs routes serve: its name in dist/ (relative), its media type, how long browsers may keep it. */
export interface DocsFile {
  /** The route's id (and the generated constant's name, after the prefix). */
  id: string;
  /** The URL path. */
  path: string;
  /** Relative to dist/, `/` separators. */
  file: string;
  contentType: string;
  cacheControl: string;
}

/** The Swagger UI files beside the page, as dist/docs/ has them and the page links them. */
export const DOCS_ASSETS: readonly { file: string; contentType: string }[] = [
  { file: 'swagger-ui.css', contentType: 'text/css; charset=utf-8' },
  { file: 'swagger-ui-bundle.js', contentType: 'text/javascript; charset=utf-8' },
  { file: 'swagger-initializer.js', contentType: 'text/javascript; charset=utf-8' },
  { file: 'favicon-32x32.png', contentType: 'image/png' },
];

/** What the server answers at the docs paths. */
export function docsFiles(options: DocsOptions): DocsFile[] {
  // The page and the document change with each build: revalidate. Swagger UI's files are the package's.
  const fresh = 'no-cache';
  return [
    { id: 'openapi', path: options.openapiPath, file: 'openapi.json', contentType: 'application/json', cacheControl: fresh },
    { id: 'page', path: options.docsPath, file: 'docs/index.html', contentType: 'text/html; charset=utf-8', cacheControl: fresh },
    ...DOCS_ASSETS.map((a, i) => ({
      id: `asset${i + 1}`,
      path: `${options.docsPath}/${a.file}`,
      file: `docs/${a.file}`,
      contentType: a.contentType,
      cacheControl: a.file === 'swagger-initializer.js' ? fresh : 'public, max-age=86400',
    })),
  ];
}

/**
 * `function NAME(method, path, req, res)`: the router's `fixed` matcher (codegen/router/emit.ts)
 * for the server's own routes: the docs files, the health routes (health.ts). `path` is the
 * router's (before `?`, one trailing `/` dropped). Answers and returns true at one of their paths
 * (405 with Allow for a method other than GET and HEAD), returns false anywhere else.
 */
export function emitFixedMatcher(routes: readonly { path: string; fn: Code }[], name: Name, methodNotAllowed: Code): Code {
  const method = new Name('method');
  const path = new Name('path');
  const w = new Block().open(code`switch (${path})`);
  for (const r of routes) {
    w.case(code`case ${literal(r.path)}:`);
    w.line(code`if (${method} === "GET" || ${method} === "HEAD") ${r.fn}(req, res);`);
    w.line(code`else ${methodNotAllowed}(req, res, "GET, HEAD");`);
    w.line(raw('return true;')).endCase();
  }
  w.close().line(raw('return false;'));
  return functionDecl(name, [method, path, raw('req'), raw('res')], w);
}

/**
 * Why a docs path option cannot be used, or null: a path of static segments (letters, digits,
 * `- . _ ~`), not `/`, without a trailing slash.
 */
export function docsPathProblem(value: string): string | null {
  if (!value.startsWith('/')) return `it must start with "/", e.g. /docs`;
  if (value === '/') return 'it cannot be "/", which is the app\'s';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) return 'it must be segments of letters, digits and - . _ ~ separated by "/", with no trailing "/" (no :param or *wildcard)';
  return null;
}

/** Why two docs paths cannot go together, or null (the document cannot be at the page's or one of its assets' paths). */
export function docsOptionsProblem(options: DocsOptions): string | null {
  for (const [name, value] of [['docs path', options.docsPath], ['OpenAPI path', options.openapiPath]] as const) {
    const problem = docsPathProblem(value);
    if (problem) return `the ${name} ${JSON.stringify(value)} is not usable: ${problem}`;
  }
  const files = docsFiles(options);
  const taken = files.slice(1).find((f) => f.path === options.openapiPath);
  if (taken) return `the OpenAPI path ${options.openapiPath} is the path of the docs ${taken.id === 'page' ? 'page' : `asset ${taken.file}`}`;
  return null;
}
