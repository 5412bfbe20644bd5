/**
 * `Form<T>` bodies: `application/x-www-form-urlencoded` (an OAuth2 token request), parsed with
 * WHATWG URLSearchParams (`+` is a space, percent-decoding, UTF-8). The generated validator
 * coerces each field from text as a query value is.
 */
import { HttpError } from './api.ts';
import type { EngineRequest, EngineResponse } from './engine.ts';
import { APP_ERRORS } from './errors.ts';
import { ANSWERED, sendError } from './rt.ts';

/** `application/x-www-form-urlencoded`, parameters (`; charset=UTF-8`) ignored. */
export function isFormContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  let end = value.indexOf(';');
  if (end === -1) end = value.length;
  return value.slice(0, end).trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/**
 * The request's form, `undefined` when the request has no body; another media type throws the
 * 415 HttpError (a route with a lifecycle: its hooks see it).
 */
export function parseFormBody(req: EngineRequest): URLSearchParams | undefined {
  const body = req.body;
  const type = req.header('content-type');
  if ((body === null || body.length === 0) && type === undefined) return undefined;
  if (!isFormContentType(type)) throw new HttpError(APP_ERRORS.UNSUPPORTED_MEDIA_TYPE_FORM.status, APP_ERRORS.UNSUPPORTED_MEDIA_TYPE_FORM.detail);
  return new URLSearchParams(body === null ? '' : body.toString('utf8'));
}

/** parseFormBody for a route without a lifecycle: `ANSWERED` after answering the 415. */
export function readForm(req: EngineRequest, res: EngineResponse): URLSearchParams | undefined | typeof ANSWERED {
  try {
    return parseFormBody(req);
  } catch (err) {
    const http = err as HttpError;
    sendError(res, http.status, http.detail);
    return ANSWERED;
  }
}
