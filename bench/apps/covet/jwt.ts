import { jwtVerifier, type BearerToken, type Dep } from 'covet';
import type { Message } from './hello.ts';

// The JWT scenarios (issue 13): the keys come from the environment (bench/lib/jwt.mjs, set by
// bench/peers.mjs); BENCH_JWT_CACHE=0 (the covet-native-jwt-nocache variant) verifies every
// request's signature instead of remembering verified tokens.
const cache = process.env.BENCH_JWT_CACHE === '0' ? false : undefined;
const checks = { issuer: 'bench', audience: 'bench-api', cache } as const;
const hs = jwtVerifier<{ sub: string }>({ secret: process.env.BENCH_JWT_SECRET!, ...checks });
const es = jwtVerifier<{ sub: string }>({ publicKey: process.env.BENCH_JWT_ES256_KEY!, ...checks });

export const hsCaller = (token: BearerToken) => hs.verify(token);
export const esCaller = (token: BearerToken) => es.verify(token);

/**
 * The `jwt-hs256` scenario: a provider verifies an HS256 bearer token.
 * @route GET /jwt/hs256
 */
export function jwtHs256(caller: Dep<typeof hsCaller>): Message {
  return { message: `Hello, ${caller.sub}!` };
}

/**
 * The `jwt-es256` scenario: the same with an ES256 token.
 * @route GET /jwt/es256
 */
export function jwtEs256(caller: Dep<typeof esCaller>): Message {
  return { message: `Hello, ${caller.sub}!` };
}

/**
 * The `jwt-none` scenario: the same answer without auth.
 * @route GET /jwt/none
 */
export function jwtNone(): Message {
  return { message: 'Hello, bench!' };
}
