/**
 * The access log (`--log`, `COVET_LOG`, covet.config.ts's `log.enabled`): one JSON line per
 * answer, through the process's logger (log.ts: pino on its asynchronous destination, stdout).
 * It is a listener of the answer observation (observe.ts, the one seam metrics reads too), so
 * every answer has its line: the app's, the router's 404 and 405, and the engine's own refusals
 * (a malformed request's 400, 408, 413, 431, …). Off, nothing is installed: no answer pays.
 *
 * A line: `{"level":30,"time":"…","pid":…,"reqId":"…","method":"GET","route":"GET /users/:id",
 * "path":"/users/7","status":200,"durationMs":0.412,"bytes":27,"remoteAddress":"127.0.0.1","msg":"request"}`
 * - `route` is the route's pattern, never the raw path; `<unmatched>` before a route was chosen;
 * - `path` is the request's path without its query string (which may hold secrets), as received;
 * - `durationMs` from when the engine handed the request over (its body read) to the answer;
 * - `bytes` is the answer's body (its Content-Length), without the status line and headers;
 * - `reqId` is the request's id (log.ts), the one its answer carries; an engine refusal, which
 *   has no request, gets a fresh one.
 * The built-in routes (health, readiness, metrics) are left out unless `log.includeBuiltins`.
 */
import { observe, type Answer } from './observe.ts';
import { freshRequestId, logSettings, requestIdFor, rootLogger } from './log.ts';

/** Installs the access log; returns the function that removes it. */
export function startAccessLog(): () => void {
  const logger = rootLogger();
  const builtins = logSettings().includeBuiltins;
  return observe((a: Answer) => {
    if (!builtins) {
      const kind = a.kind;
      if (kind === 'health' || kind === 'metrics') return;
    }
    const req = a.request;
    let path = '';
    let reqId: string;
    if (req !== null) {
      const url = req.url;
      const q = url.indexOf('?');
      path = q === -1 ? url : url.slice(0, q);
      reqId = requestIdFor(req);
    } else reqId = freshRequestId();
    logger.info(
      {
        reqId,
        method: a.method,
        route: a.pattern,
        path,
        status: a.status,
        durationMs: Math.round(a.duration * 1000) / 1000,
        bytes: a.bytesOut,
        remoteAddress: a.remoteAddress,
      },
      'request',
    );
  });
}
