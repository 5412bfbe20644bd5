/**
 * Every error answer Covet writes itself, by id: status and `detail` (the body is
 * `{"detail": …}`). One table for the JavaScript side; the C engine has its own copy of
 * ENGINE_ERRORS (covet_errors in native/src, indexed by COVET_E_<id>), and
 * runtime-min/errors.test.ts checks that the two agree. Imports nothing: the code generator
 * reads it too (codegen/router/policy.ts).
 */

export interface ErrorAnswer {
  readonly status: number;
  readonly detail: string;
}

/**
 * What an engine answers on its own, before (or instead of) the app: framing and limits.
 * The ids are the C engine's (COVET_E_*). Each closes the connection.
 */
export const ENGINE_ERRORS = {
  BAD_REQUEST: { status: 400, detail: 'Bad Request' },
  NO_HOST: { status: 400, detail: 'Bad Request: missing Host header' },
  TWO_HOSTS: { status: 400, detail: 'Bad Request: more than one Host header' },
  BAD_HOST: { status: 400, detail: 'Bad Request: invalid Host header' },
  TE_HTTP10: { status: 400, detail: 'Bad Request: Transfer-Encoding in an HTTP/1.0 request' },
  TIMEOUT: { status: 408, detail: 'Request Timeout' },
  TOO_LARGE: { status: 413, detail: 'Payload Too Large' },
  URI_TOO_LONG: { status: 414, detail: 'URI Too Long' },
  EXPECTATION: { status: 417, detail: 'Expectation Failed' },
  HEADERS_TOO_BIG: { status: 431, detail: 'Request Header Fields Too Large' },
  UNAVAILABLE: { status: 503, detail: 'Service Unavailable' },
  VERSION: { status: 505, detail: 'HTTP Version Not Supported' },
} as const satisfies Record<string, ErrorAnswer>;

export type EngineErrorId = keyof typeof ENGINE_ERRORS;

/** What the runtime (rt.ts) and the generated router answer for a request the app cannot take. */
export const APP_ERRORS = {
  NOT_FOUND: { status: 404, detail: 'Not Found' },
  METHOD_NOT_ALLOWED: { status: 405, detail: 'Method Not Allowed' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, detail: 'Unsupported Media Type: expected application/json' },
  /** A `Form<T>` body of another media type. */
  UNSUPPORTED_MEDIA_TYPE_FORM: { status: 415, detail: 'Unsupported Media Type: expected application/x-www-form-urlencoded' },
  /** Followed by JSON.parse's message. */
  MALFORMED_JSON: { status: 400, detail: 'Malformed JSON in request body: ' },
  QUERY_ENCODING: { status: 400, detail: 'invalid percent-encoding in query string' },
  PATH_ENCODING: { status: 400, detail: 'invalid percent-encoding in path' },
  /** A handler failed, or an exception escaped the generated code: never more is said. */
  INTERNAL: { status: 500, detail: 'Internal Server Error' },
} as const satisfies Record<string, ErrorAnswer>;

/** The 400 for a raw path parameter longer than `max` (codegen/router/policy.ts): the generated router says it. */
export const paramTooLong = (name: string, max: number): string => `path parameter "${name}" is longer than ${max} characters`;

/** `{"detail":"…"}`, the body of an answer from these tables. */
export function errorBody(error: ErrorAnswer): string {
  return JSON.stringify({ detail: error.detail });
}
