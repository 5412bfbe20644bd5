/**
 * The docs routes' answers (imported as `covet:docs`, only by a server built with docs; see
 * codegen/app/docs.ts): each serves one file the build wrote beside the bundle (dist/openapi.json,
 * dist/docs/…), read on its first request and kept, so a server that is never asked for its docs
 * never reads them.
 */
import { readFileSync } from 'node:fs';
import type { EngineRequest, EngineResponse } from './engine.ts';
import { prepareHeaders, sendError } from './rt.ts';
import { APP_ERRORS } from './errors.ts';

/**
 * The page loads only what the server serves: its scripts, its styles (Swagger UI also sets
 * inline styles), images from itself or data: URLs, and requests to this server ("Try it out").
 */
const PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'";

/** A route function answering `file` (relative to the bundle's folder) with 200, these headers, its bytes. */
export function file(name: string, contentType: string, cacheControl: string): (req: EngineRequest, res: EngineResponse) => void {
  const pairs = ['content-type', contentType, 'cache-control', cacheControl, 'x-content-type-options', 'nosniff'];
  if (contentType.startsWith('text/html')) pairs.push('content-security-policy', PAGE_POLICY);
  const headers = prepareHeaders(pairs);
  const url = new URL(name, import.meta.url);
  let body: Buffer | null = null;
  let reported = false;
  return (_req, res) => {
    if (body === null) {
      try {
        body = readFileSync(url);
      } catch (err) {
        // dist/ was copied without this file: say so once, answer like any internal error.
        if (!reported) process.stderr.write(`covet: cannot serve the docs file ${name} (${(err as Error).message}); copy the whole dist/ folder, or rebuild\n`);
        reported = true;
        sendError(res, APP_ERRORS.INTERNAL.status, APP_ERRORS.INTERNAL.detail);
        return;
      }
    }
    if (!res.closed) res.send(200, headers, body);
  };
}
