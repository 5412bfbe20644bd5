/**
 * The fixed part of a generated client: its error classes, its options and
 * the one function every route's method calls. Constant TypeScript written
 * here (never user data), pasted into the client after the app's types; it
 * must type-check under `--strict` with either lib.dom or @types/node, and use
 * only syntax that type-stripping (Node, tsx, esbuild) erases.
 *
 * The names it declares are reserved in the client's NameTable, so a user
 * type of the same name is numbered instead (`CovetError_2`).
 */

/** Top-level names the source below declares or calls (the globals, so that no user type hides them). */
export const CLIENT_RESERVED = [
  'createClient',
  'CovetClient',
  'CovetClientOptions',
  'CovetRequestOptions',
  'CovetError',
  'CovetValidationError',
  '__covet_send',
  '__covet_Entries',
  '__covet_error',
  '__covet_segment',
  '__covet_wildcard',
  '__covet_own',
  '__covet_form',
  // Globals the client uses: a user type must not shadow them.
  'Array',
  'Error',
  'Object',
  'Headers',
  'ConstructorParameters',
  'CovetHeaders',
  'JSON',
  'Omit',
  'Promise',
  'ReadonlyArray',
  'Record',
  'RequestInit',
  'Response',
  'String',
  'TypeError',
  'URLSearchParams',
  'encodeURIComponent',
  'fetch',
];

/** The 422 body and the other error bodies, as in the OpenAPI document; `{{ValidationError}}` and friends are replaced by their names. */
export const ERROR_TYPES = `/** One problem with a request, as the server's 422 answer lists it (FastAPI's shape). */
export interface {{ValidationError}} {
  /** Where: \`["body", "title"]\`, \`["query", "limit"]\`, \`["path", "id"]\`, \`["header", …]\`, \`["cookie", …]\`. */
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** The body of a 422 answer. */
export interface {{HTTPValidationError}} {
  detail: {{ValidationError}}[];
}

/** The body of every other error answer: \`{"detail": …}\`. */
export interface {{HTTPError}} {
  detail: unknown;
}`;

export const CLIENT_RUNTIME = `/** How the client reaches the server. */
export interface CovetClientOptions {
  /** The server's origin and any path prefix, e.g. \`http://localhost:3000\` or \`https://api.example.com/v1\`. */
  baseUrl: string;
  /** The fetch to use (default: the global one): a test double, a fetch with retries, undici's. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Headers sent with every request (an auth token, say); a function is called before each request. */
  headers?: CovetHeaders | (() => CovetHeaders | Promise<CovetHeaders>);
}

/** What \`new Headers(…)\` takes (HeadersInit in lib.dom; @types/node has no such name). */
export type CovetHeaders = ConstructorParameters<typeof Headers>[0];

/** Per-call options: extra headers, an AbortSignal, credentials … (method and body come from the route). */
export type CovetRequestOptions = Omit<RequestInit, 'method' | 'body'>;

/**
 * A non-2xx answer. \`body\` is the parsed JSON body (the text when it is not JSON);
 * the server's own errors are \`{"detail": …}\`, and a 422 is a CovetValidationError.
 */
export class CovetError extends Error {
  /** The route's function: the handler's name. */
  readonly operation: string;
  readonly status: number;
  readonly body: unknown;
  readonly response: Response;
  constructor(operation: string, response: Response, body: unknown) {
    const detail = body !== null && typeof body === 'object' && 'detail' in body ? (body as { detail: unknown }).detail : body;
    super(\`\${operation}: the server answered \${response.status}\${typeof detail === 'string' && detail ? \`: \${detail}\` : ''}\`);
    this.name = 'CovetError';
    this.operation = operation;
    this.status = response.status;
    this.body = body;
    this.response = response;
  }
  /** \`detail\` of the \`{"detail": …}\` body (a message for most errors), or undefined. */
  get detail(): unknown {
    const b = this.body;
    return b !== null && typeof b === 'object' && 'detail' in b ? (b as { detail: unknown }).detail : undefined;
  }
}

/** A 422 answer: the request did not match the route's types; \`detail\` lists every problem. */
export class CovetValidationError extends CovetError {
  declare readonly status: 422;
  declare readonly body: {{HTTPValidationError}};
  constructor(operation: string, response: Response, body: {{HTTPValidationError}}) {
    super(operation, response, body);
    this.name = 'CovetValidationError';
    this.message = \`\${operation}: the server answered 422: \${body.detail.map((d) => \`\${d.loc.join('.')}: \${d.msg}\`).join('; ')}\`;
  }
  override get detail(): {{ValidationError}}[] {
    return this.body.detail;
  }
}

/** [wire name, value] pairs; undefined values are left out, arrays repeat the key (query) or join with ", " (headers). */
type __covet_Entries = readonly (readonly [string, unknown])[];

async function __covet_error(operation: string, response: Response): Promise<CovetError> {
  const text = await response.text();
  let body: unknown = text;
  if (text !== '' && /json/.test(response.headers.get('content-type') ?? '')) {
    try {
      body = JSON.parse(text);
    } catch {
      /* keep the text */
    }
  }
  if (response.status === 422 && body !== null && typeof body === 'object' && Array.isArray((body as { detail?: unknown }).detail)) {
    return new CovetValidationError(operation, response, body as {{HTTPValidationError}});
  }
  return new CovetError(operation, response, body);
}

async function __covet_send<T>(
  options: CovetClientOptions,
  init: CovetRequestOptions | undefined,
  operation: string,
  method: string,
  path: string,
  query: __covet_Entries | null,
  header: __covet_Entries | null,
  cookie: __covet_Entries | null,
  body: unknown,
  expect: 'json' | 'text' | 'none',
): Promise<T> {
  let url = options.baseUrl.replace(/\\/+$/, '') + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [key, value] of query) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) qs.append(key, String(v));
      else qs.append(key, String(value));
    }
    const text = qs.toString();
    if (text) url += \`?\${text}\`;
  }
  const headers = new Headers(typeof options.headers === 'function' ? await options.headers() : options.headers);
  if (init?.headers) new Headers(init.headers).forEach((value, key) => headers.set(key, value));
  if (header) {
    for (const [key, value] of header) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.map(String).join(', ') : String(value));
    }
  }
  if (cookie) {
    // Node and other servers' runtimes only: a browser sends its own cookies and drops this header.
    const pairs = cookie.filter(([, value]) => value !== undefined).map(([key, value]) => \`\${key}=\${encodeURIComponent(String(value))}\`);
    const before = headers.get('cookie');
    if (pairs.length) headers.set('cookie', before ? \`\${before}; \${pairs.join('; ')}\` : pairs.join('; '));
  }
  let payload: string | undefined;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    headers.set('content-type', 'application/json');
  }
  const doFetch = options.fetch ?? fetch;
  const response = await doFetch(url, { ...init, method, headers, body: payload ?? null });
  if (!response.ok) throw await __covet_error(operation, response);
  // The body is the route's type: the server's serializer wrote it from that type.
  if (expect === 'json') return (await response.json()) as T;
  if (expect === 'text') return (await response.text()) as T;
  await response.body?.cancel();
  return undefined as T;
}`;


/** Helpers a client declares only when a route calls them (an unused function is an error under noUnusedLocals). */
export const SEGMENT = `/** A path parameter: one whole segment, so \`/\` and every other reserved character is escaped. */
function __covet_segment(value: string | number | boolean | undefined): string {
  if (value === undefined) throw new TypeError('covet client: a path parameter is missing');
  return encodeURIComponent(String(value));
}`;

export const WILDCARD = `/** A \`*wildcard\`: the rest of the path, its \`/\` kept. */
function __covet_wildcard(value: string | undefined): string {
  if (value === undefined) throw new TypeError('covet client: a path parameter is missing');
  return value.split('/').map(encodeURIComponent).join('/');
}`;

export const OWN = `/** An argument whose name a plain object inherits (\`constructor\`, \`toString\` …): only an own property is an argument. */
function __covet_own<A extends object, K extends keyof A>(args: A, key: K): A[K] | undefined {
  return Object.prototype.hasOwnProperty.call(args, key) ? args[key] : undefined;
}`;


/** How __covet_send writes a body; in a client with a Form<T> route, FORM_SEND instead (a URLSearchParams is posted as a form). */
export const JSON_SEND = `  if (body !== undefined) {
    payload = JSON.stringify(body);
    headers.set('content-type', 'application/json');
  }`;

export const FORM_SEND = `  if (body instanceof URLSearchParams) {
    payload = body.toString();
    headers.set('content-type', 'application/x-www-form-urlencoded');
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers.set('content-type', 'application/json');
  }`;

export const FORM = `/** A Form<T> body: each field a key (an array repeats it), undefined ones left out. */
function __covet_form(fields: object): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) form.append(key, String(v));
    else form.append(key, String(value));
  }
  return form;
}`;
