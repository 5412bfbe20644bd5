/**
 * codegen/app/cors.ts alone: the fixed headers a config makes (security headers, CORS's static
 * ones), the per-request plan, the table's defaults being the ones made, and what an origin is.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OPTIONS } from '../../runtime-min/config.ts';
import { DEFAULT_MAX_AGE_SEC, headersPlan, originProblem, securityHeaderPairs } from './cors.ts';

test('no config: the default security headers, no CORS; securityHeaders: false and no cors: nothing at all', () => {
  assert.equal(headersPlan({}), {
    fixed: [
      'content-security-policy', "default-src 'none'; frame-ancestors 'none'",
      'cross-origin-opener-policy', 'same-origin',
      'cross-origin-resource-policy', 'same-origin',
      'referrer-policy', 'no-referrer',
      'x-content-type-options', 'nosniff',
      'x-frame-options', 'DENY',
    ],
    cors: null,
  });
  assert.equal(headersPlan({ securityHeaders: false }), { fixed: [], cors: null });
});

test("the table's defaults of securityHeaders are the values written", () => {
  const pairs = securityHeaderPairs(undefined);
  const byOption: Record<string, string> = {
    'securityHeaders.contentSecurityPolicy': 'content-security-policy',
    'securityHeaders.crossOriginOpenerPolicy': 'cross-origin-opener-policy',
    'securityHeaders.crossOriginResourcePolicy': 'cross-origin-resource-policy',
    'securityHeaders.referrerPolicy': 'referrer-policy',
    'securityHeaders.frameOptions': 'x-frame-options',
  };
  for (const [option, header] of Object.entries(byOption)) {
    assert.is(pairs[pairs.indexOf(header) + 1], OPTIONS.find((o) => o.path === option)!.default, option);
  }
  assert.is(OPTIONS.find((o) => o.path === 'cors.maxAgeSec')!.default, String(DEFAULT_MAX_AGE_SEC));
});

test('each security header can be changed or left out; HSTS only when configured, with its options', () => {
  const pairs = securityHeaderPairs({
    hsts: { maxAgeSec: 63072000, includeSubDomains: true, preload: true },
    frameOptions: false,
    referrerPolicy: 'strict-origin-when-cross-origin',
    crossOriginResourcePolicy: 'cross-origin',
    crossOriginOpenerPolicy: false,
    contentSecurityPolicy: false,
    noSniff: false,
  });
  assert.equal(pairs, ['cross-origin-resource-policy', 'cross-origin', 'referrer-policy', 'strict-origin-when-cross-origin', 'strict-transport-security', 'max-age=63072000; includeSubDomains; preload']);
});

test("CORS: any origin without credentials is all fixed; other origins fix only Vary: Origin and decide per request", () => {
  const any = headersPlan({ securityHeaders: false, cors: { origins: '*', exposeHeaders: ['x-total'] } });
  assert.equal(any.fixed, ['access-control-allow-origin', '*', 'access-control-expose-headers', 'x-total']);
  assert.equal(any.cors, { origins: { kind: 'any' }, credentials: false, exposeHeaders: 'x-total', allowHeaders: null, methods: null, maxAgeSec: 600 });
  const list = headersPlan({ securityHeaders: false, cors: { origins: ['https://a.example.com'], credentials: true, methods: ['get', 'POST'], allowHeaders: [], maxAgeSec: 5 } });
  assert.equal(list.fixed, ['vary', 'Origin']);
  assert.equal(list.cors, { origins: { kind: 'list', list: ['https://a.example.com'] }, credentials: true, exposeHeaders: '', allowHeaders: '', methods: ['GET', 'POST'], maxAgeSec: 5 });
  assert.equal(headersPlan({ securityHeaders: false, cors: { origins: /^https:\/\/x$/i } }).cors!.origins, { kind: 'regexp', source: '^https:\\/\\/x$', flags: 'i' });
  assert.equal(headersPlan({ securityHeaders: false, cors: { origins: () => true } }).cors!.origins, { kind: 'function' });
});

test('originProblem: an origin is scheme://host[:port] as browsers write it', () => {
  for (const ok of ['https://app.example.com', 'http://localhost:5173', 'http://127.0.0.1:8080', 'null', 'https://xn--bcher-kva.example']) assert.is(originProblem(ok), null, ok);
  assert.equal(originProblem('https://app.example.com/'), { why: 'it ends with "/"', suggestion: 'https://app.example.com' });
  assert.equal(originProblem('https://app.example.com/path'), { why: 'it has a path, query or fragment', suggestion: 'https://app.example.com' });
  assert.equal(originProblem('https://App.Example.com:443'), { why: 'browsers write it in lower case and without the default port', suggestion: 'https://app.example.com' });
  assert.equal(originProblem('app.example.com'), { why: 'it has no scheme (https://) or is not a URL' });
  assert.equal(originProblem('*.example.com'), { why: 'it has no scheme (https://) or is not a URL' });
});

test.run();
