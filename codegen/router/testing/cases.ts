/**
 * The one case suite every router must pass (hono's `common.case.test.ts`
 * idea): route tables written as `METHOD /path` lines, and requests with the
 * outcome each must get. router.test.ts runs it against the generated router
 * and the reference router.
 */
import type { HttpMethod, RouteIR, SegmentIR } from '../../../ir/ir.ts';
import type { RouteMatch } from './reference.ts';
import { INVALID_ENCODING_MESSAGE, MAX_PARAM_LENGTH, MAX_WILDCARD_LENGTH } from '../policy.ts';

/** `/users/:id/files/*rest` → segments (a segment is static unless it starts with `:` or `*`). */
export function parsePattern(pattern: string): SegmentIR[] {
  if (pattern === '/') return [];
  return pattern
    .slice(1)
    .split('/')
    .map((s): SegmentIR =>
      s.startsWith(':') ? { kind: 'param', name: s.slice(1) } : s.startsWith('*') ? { kind: 'wildcard', name: s.slice(1) } : { kind: 'static', value: s },
    );
}

/** A RouteIR built by hand: `makeRoute('GET /users/:id', 'getUser')`. */
export function makeRoute(spec: string, id: string, line = 1): RouteIR {
  const space = spec.indexOf(' ');
  const method = spec.slice(0, space) as HttpMethod;
  const path = spec.slice(space + 1);
  const segments = parsePattern(path);
  return {
    id,
    method,
    path,
    segments,
    handler: { exportName: id, file: 'routes.ts', line, column: 1, async: false },
    params: segments
      .filter((s): s is SegmentIR & { kind: 'param' | 'wildcard' } => s.kind !== 'static')
      .map((s) => ({ kind: 'path', name: s.name, key: s.name, type: { kind: 'string' }, required: true })),
    status: 200,
    response: null,
    tags: [],
    deprecated: false,
    scopes: [],
    throws: [],
  };
}

/** `{ id: 'METHOD /path' }` → RouteIR[], in that order. */
export function table(spec: Record<string, string>): RouteIR[] {
  return Object.entries(spec).map(([id, route], i) => makeRoute(route, id, i + 1));
}

export const route = (id: string, ...params: string[]): RouteMatch => ({ kind: 'route', id, params });
export const notFound: RouteMatch = { kind: 'notFound' };
export const notAllowed = (allow: string): RouteMatch => ({ kind: 'methodNotAllowed', allow });
export const badRequest = (message: string): RouteMatch => ({ kind: 'badRequest', message });
export const badEncoding = badRequest(INVALID_ENCODING_MESSAGE);

/** `[method, path, expected]`. */
export type Request = [string, string, RouteMatch];

export interface RouterCase {
  name: string;
  routes: RouteIR[];
  requests: Request[];
}

const long = (n: number, ch = 'x') => ch.repeat(n);

const manyRoutes = (() => {
  const spec: Record<string, string> = {};
  for (let i = 0; i < 60; i++) {
    spec[`list${i}`] = `GET /r${i}`;
    spec[`get${i}`] = `GET /r${i}/:id`;
    spec[`put${i}`] = `PUT /r${i}/:id`;
    spec[`sub${i}`] = `GET /r${i}/:id/s${i % 7}/:sub`;
  }
  return table(spec);
})();

export const cases: RouterCase[] = [
  {
    name: 'static routes',
    routes: table({ root: 'GET /', users: 'GET /users', usersList: 'GET /users/list', deep: 'GET /a/b/c/d/e' }),
    requests: [
      ['GET', '/', route('root')],
      ['GET', '/users', route('users')],
      ['GET', '/users/list', route('usersList')],
      ['GET', '/a/b/c/d/e', route('deep')],
      ['GET', '/a/b/c/d', notFound],
      ['GET', '/a/b/c/d/e/f', notFound],
      ['GET', '/Users', notFound],
      ['GET', '/user', notFound],
      ['GET', '/userss', notFound],
      ['GET', '/users/list/x', notFound],
      ['GET', '/nope', notFound],
      ['GET', '', notFound],
      ['GET', 'users', notFound],
      ['OPTIONS', '*', notFound],
      ['GET', 'http://example.com/users', notFound],
    ],
  },
  {
    name: 'params',
    routes: table({ getUser: 'GET /users/:id', getPost: 'GET /users/:id/posts/:postId', three: 'GET /t/:a/:b/:c' }),
    requests: [
      ['GET', '/users/42', route('getUser', '42')],
      ['GET', '/users/42/posts/7', route('getPost', '42', '7')],
      ['GET', '/t/1/2/3', route('three', '1', '2', '3')],
      ['GET', '/t/1/2', notFound],
      ['GET', '/t/1/2/3/4', notFound],
      ['GET', '/users', notFound],
      ['GET', '/users/42/posts', notFound],
      ['GET', '/users/42/post/7', notFound],
      ['GET', '/users/a.b-c_d~e', route('getUser', 'a.b-c_d~e')],
      ['GET', '/users/:id', route('getUser', ':id')],
      ['GET', '/users/*', route('getUser', '*')],
    ],
  },
  {
    name: 'wildcards',
    routes: table({ files: 'GET /files/*path', all: 'GET /*rest', userFiles: 'GET /users/:id/files/*rest' }),
    requests: [
      ['GET', '/files/a/b/c.txt', route('files', 'a/b/c.txt')],
      ['GET', '/files/a', route('files', 'a')],
      ['GET', '/files', route('files', '')],
      ['GET', '/files/', route('files', '')],
      ['GET', '/files//x', route('files', '/x')],
      ['GET', '/filesx', route('all', 'filesx')],
      ['GET', '/', route('all', '')],
      ['GET', '/anything/else', route('all', 'anything/else')],
      ['GET', '/users/1/files', route('userFiles', '1', '')],
      ['GET', '/users/1/files/x/y', route('userFiles', '1', 'x/y')],
      ['GET', '/users/1', route('all', 'users/1')],
      ['GET', '//', route('all', '/')],
      ['POST', '/files/x', notAllowed('GET, HEAD')],
    ],
  },
  {
    name: 'priority: static before param before wildcard, at every level',
    routes: table({
      me: 'GET /users/me',
      user: 'GET /users/:id',
      userAny: 'GET /users/*rest',
      meSettings: 'GET /users/me/settings',
      userSettings: 'GET /users/:id/settings',
      userX: 'GET /users/:id/:x',
    }),
    requests: [
      ['GET', '/users/me', route('me')],
      ['GET', '/users/you', route('user', 'you')],
      ['GET', '/users/me/settings', route('meSettings')],
      ['GET', '/users/you/settings', route('userSettings', 'you')],
      ['GET', '/users/me/other', route('userX', 'me', 'other')],
      ['GET', '/users/me/a/b', route('userAny', 'me/a/b')],
      ['GET', '/users', route('userAny', '')],
    ],
  },
  {
    name: 'backtracking when a static branch fails deeper',
    routes: table({
      abc: 'GET /a/b/c',
      axd: 'GET /a/:x/d',
      abyz: 'GET /a/b/:y/z',
      aRest: 'GET /a/*rest',
      pq: 'GET /p/q/:r',
      pParam: 'GET /p/:s/t',
    }),
    requests: [
      ['GET', '/a/b/c', route('abc')],
      ['GET', '/a/b/d', route('axd', 'b')],
      ['GET', '/a/b/q/z', route('abyz', 'q')],
      ['GET', '/a/b/q/w', route('aRest', 'b/q/w')],
      ['GET', '/a/b/c/z', route('abyz', 'c')],
      ['GET', '/a/b', route('aRest', 'b')],
      ['GET', '/p/q/t', route('pq', 't')],
      ['GET', '/p/q/u', route('pq', 'u')],
      ['GET', '/p/z/t', route('pParam', 'z')],
      ['GET', '/p/q', notFound],
    ],
  },
  {
    name: 'HEAD',
    routes: table({ get: 'GET /g', head: 'HEAD /h', getBoth: 'GET /both', headBoth: 'HEAD /both', getP: 'GET /p/:x' }),
    requests: [
      ['HEAD', '/g', route('get')],
      ['HEAD', '/h', route('head')],
      ['GET', '/h', notAllowed('HEAD')],
      ['GET', '/both', route('getBoth')],
      ['HEAD', '/both', route('headBoth')],
      ['HEAD', '/p/1', route('getP', '1')],
      ['POST', '/g', notAllowed('GET, HEAD')],
    ],
  },
  {
    name: '405 with a sorted Allow list',
    routes: table({
      list: 'GET /users',
      create: 'POST /users',
      purge: 'DELETE /users',
      get: 'GET /users/:id',
      put: 'PUT /users/:id',
      patch: 'PATCH /users/:id',
      me: 'GET /users/me',
      opt: 'OPTIONS /o',
    }),
    requests: [
      ['PUT', '/users', notAllowed('DELETE, GET, HEAD, POST')],
      ['PROPFIND', '/users', notAllowed('DELETE, GET, HEAD, POST')],
      ['DELETE', '/users/1', notAllowed('GET, HEAD, PATCH, PUT')],
      // /users/me also matches /users/:id: the methods of both are allowed, and PUT goes to :id.
      ['PUT', '/users/me', route('put', 'me')],
      ['GET', '/users/me', route('me')],
      ['POST', '/users/me', notAllowed('GET, HEAD, PATCH, PUT')],
      ['GET', '/o', notAllowed('OPTIONS')],
      ['OPTIONS', '/o', route('opt')],
      ['POST', '/nope', notFound],
    ],
  },
  {
    name: 'trailing slash: one is ignored after a non-empty segment',
    routes: table({ root: 'GET /', users: 'GET /users', user: 'GET /users/:id', files: 'GET /f/*rest' }),
    requests: [
      ['GET', '/users/', route('users')],
      ['GET', '/users/1/', route('user', '1')],
      ['GET', '/users//', notFound],
      ['GET', '/', route('root')],
      ['GET', '//', notFound],
      ['GET', '/f/a/', route('files', 'a')],
      ['GET', '/f/a//', route('files', 'a//')],
    ],
  },
  {
    name: 'percent-encoding of params',
    routes: table({ user: 'GET /users/:id', files: 'GET /files/*rest', two: 'GET /two/:a/:b' }),
    requests: [
      ['GET', '/users/a%20b', route('user', 'a b')],
      ['GET', '/users/%E2%82%AC', route('user', '€')],
      ['GET', '/users/caf%c3%a9', route('user', 'café')],
      ['GET', '/users/a%2Fb', route('user', 'a/b')],
      ['GET', '/users/%25', route('user', '%')],
      ['GET', '/users/a+b', route('user', 'a+b')],
      ['GET', '/users/%ZZ', badEncoding],
      ['GET', '/users/%', badEncoding],
      ['GET', '/users/%E2%82', badEncoding],
      ['GET', '/users/%C0%AF', badEncoding],
      ['GET', '/files/a%20b/c%2Fd', route('files', 'a b/c/d')],
      ['GET', '/files/%ZZ/x', badEncoding],
      ['GET', '/two/ok/%ZZ', badEncoding],
      // A method miss answers 405 without decoding.
      ['POST', '/users/%ZZ', notAllowed('GET, HEAD')],
      // Static segments are not decoded: `%75` is not `u`.
      ['GET', '/%75sers/1', notFound],
    ],
  },
  {
    name: 'param length bounds',
    routes: table({ user: 'GET /users/:id', files: 'GET /files/*rest', two: 'GET /two/:first/:second' }),
    requests: [
      ['GET', `/users/${long(MAX_PARAM_LENGTH)}`, route('user', long(MAX_PARAM_LENGTH))],
      ['GET', `/users/${long(MAX_PARAM_LENGTH + 1)}`, badRequest(`path parameter "id" is longer than ${MAX_PARAM_LENGTH} characters`)],
      // The bound is on the raw text: 342 encoded characters are 1026 raw ones.
      ['GET', `/users/${'%41'.repeat(342)}`, badRequest(`path parameter "id" is longer than ${MAX_PARAM_LENGTH} characters`)],
      ['GET', `/users/${'%41'.repeat(341)}`, route('user', long(341, 'A'))],
      ['GET', `/two/${long(MAX_PARAM_LENGTH + 1)}/%ZZ`, badRequest(`path parameter "first" is longer than ${MAX_PARAM_LENGTH} characters`)],
      ['GET', `/two/%ZZ/${long(MAX_PARAM_LENGTH + 1)}`, badEncoding],
      ['GET', `/files/${long(MAX_WILDCARD_LENGTH)}`, route('files', long(MAX_WILDCARD_LENGTH))],
      ['GET', `/files/${long(MAX_WILDCARD_LENGTH + 1)}`, badRequest(`path parameter "rest" is longer than ${MAX_WILDCARD_LENGTH} characters`)],
      ['GET', `/${long(100_000)}`, notFound],
    ],
  },
  {
    name: 'a too-long param is reported by the name its own route gives it',
    routes: table({ byId: 'GET /n/:id', posts: 'GET /n/:userId/posts', other: 'POST /n/:other' }),
    requests: [
      ['GET', `/n/${long(MAX_PARAM_LENGTH + 1)}`, badRequest(`path parameter "id" is longer than ${MAX_PARAM_LENGTH} characters`)],
      ['POST', `/n/${long(MAX_PARAM_LENGTH + 1)}`, badRequest(`path parameter "other" is longer than ${MAX_PARAM_LENGTH} characters`)],
      ['GET', `/n/${long(MAX_PARAM_LENGTH + 1)}/posts`, badRequest(`path parameter "userId" is longer than ${MAX_PARAM_LENGTH} characters`)],
      ['GET', '/n/7/posts', route('posts', '7')],
    ],
  },
  {
    name: 'empty segments never match a param',
    routes: table({ user: 'GET /users/:id', posts: 'GET /users/:id/posts', ab: 'GET /a/:x/:y', any: 'GET /w/*rest', end: 'GET /e/:x/end' }),
    requests: [
      ['GET', '/e//end', notFound],
      ['GET', '/e/x/end', route('end', 'x')],
      ['GET', '/users//posts', notFound],
      ['GET', '/users/', notFound],
      ['GET', '/a//y', notFound],
      ['GET', '/a/x/', notFound],
      ['GET', '/a/x//', notFound],
      ['GET', '/w//', route('any', '/')],
      ['GET', '/w///', route('any', '//')],
    ],
  },
  {
    name: 'unicode static segments match as written and percent-encoded',
    routes: table({ cafe: 'GET /café', cafeMenu: 'GET /café/:item', nihon: 'GET /日本/*rest', space: 'GET /a b', colon: 'GET /x/a:b' }),
    requests: [
      ['GET', '/caf%C3%A9', route('cafe')],
      ['GET', '/café', route('cafe')],
      ['GET', '/caf%c3%a9', notFound],
      ['GET', '/cafe', notFound],
      ['GET', '/caf%C3%A9/cr%C3%A8me', route('cafeMenu', 'crème')],
      ['GET', '/%E6%97%A5%E6%9C%AC/a/b', route('nihon', 'a/b')],
      ['GET', '/日本/x', route('nihon', 'x')],
      ['GET', '/a%20b', route('space')],
      ['GET', '/a b', route('space')],
      ['GET', '/x/a:b', route('colon')],
      ['GET', '/x/a%3Ab', route('colon')],
      ['POST', '/caf%C3%A9', notAllowed('GET, HEAD')],
    ],
  },
  {
    name: 'two static segments sharing a spelling: code-unit order of the text as written decides',
    routes: table({ spaced: 'GET /s/a b/:x', encoded: 'GET /s/a%20b/:x', spacedOnly: 'GET /s/a b/:x/more' }),
    requests: [
      ['GET', '/s/a%20b/1', route('spaced', '1')],
      ['GET', '/s/a b/1', route('spaced', '1')],
      ['GET', '/s/a%20b/1/more', route('spacedOnly', '1')],
    ],
  },
  {
    name: 'hostile static segments are data, never code',
    routes: table({
      quote: "GET /it's",
      dquote: 'GET /say"hi"',
      closeComment: 'GET /a*/b',
      lineSep: 'GET /l\u2028s/:x',
      paraSep: 'GET /p\u2029',
      backslash: 'GET /back\\slash',
      template: 'GET /${process.exit(1)}',
      script: 'GET /<\\/script>',
      proto: 'GET /__proto__/:x',
      ctor: 'GET /constructor',
      newline: 'GET /n\nl',
      percent: 'GET /100%',
    }),
    requests: [
      ['GET', "/it's", route('quote')],
      ['GET', '/it%27s', notFound],
      ['GET', '/say"hi"', route('dquote')],
      ['GET', '/say%22hi%22', route('dquote')],
      ['GET', '/a*/b', route('closeComment')],
      ['GET', '/l\u2028s/1', route('lineSep', '1')],
      ['GET', '/l%E2%80%A8s/1', route('lineSep', '1')],
      ['GET', '/p%E2%80%A9', route('paraSep')],
      ['GET', '/back\\slash', route('backslash')],
      ['GET', '/back%5Cslash', route('backslash')],
      ['GET', '/${process.exit(1)}', route('template')],
      ['GET', '/$%7Bprocess.exit(1)%7D', route('template')],
      ['GET', '/<\\/script>', route('script')],
      ['GET', '/__proto__/x', route('proto', 'x')],
      ['GET', '/constructor', route('ctor')],
      ['GET', '/toString', notFound],
      ['GET', '/hasOwnProperty', notFound],
      ['GET', '/n%0Al', route('newline')],
      ['GET', '/100%', route('percent')],
      ['GET', '/100%25', route('percent')],
    ],
  },
  {
    name: 'many routes',
    routes: manyRoutes,
    requests: [
      ['GET', '/r0', route('list0')],
      ['GET', '/r59', route('list59')],
      ['GET', '/r60', notFound],
      ['GET', '/r17/abc', route('get17', 'abc')],
      ['PUT', '/r17/abc', route('put17', 'abc')],
      ['DELETE', '/r17/abc', notAllowed('GET, HEAD, PUT')],
      ['GET', '/r17/abc/s3/x', route('sub17', 'abc', 'x')],
      ['GET', '/r17/abc/s4/x', notFound],
      ['GET', '/r5/1/s5/2', route('sub5', '1', '2')],
      ['HEAD', '/r42', route('list42')],
    ],
  },
];
