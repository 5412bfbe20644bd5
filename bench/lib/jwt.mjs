// The JWT scenarios' keys and tokens (issue 13): one HS256 secret, one P-256 key pair, and one
// token of each, valid until 2100 (sub "bench", iss "bench", aud "bench-api"). Every peer that
// serves the scenarios verifies with the same key and checks exp, iss and aud; it reads them
// from the environment (JWT_ENV), set by bench/peers.mjs. Bench-only keys, made once with
// node:crypto and jose's SignJWT; the private key is kept here so that the tokens can be remade.

export const HS256_SECRET = "mdWw-FuC1h-0GUZwPZPPL6BhFeAodlMME4MGc_Flsww";
export const ES256_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAESOexQ4247X4t3eNe3/FfWMnoqplc\ncYfH7pakGF/KTQWuo69jcShwMtdPjxoeZRTNarnnW1DIKkzHBFdY9FsffA==\n-----END PUBLIC KEY-----\n";
export const ES256_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7RVJ/OvHqN+0Jk+6\nmK2ZX/+O36/Mfnx83tXtowZbK9GhRANCAARI57FDjbjtfi3d417f8V9YyeiqmVxx\nh8fulqQYX8pNBa6jr2NxKHAy10+PGh5lFM1quedbUMgqTMcEV1j0Wx98\n-----END PRIVATE KEY-----\n";
export const HS256_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaCIsImlzcyI6ImJlbmNoIiwiYXVkIjoiYmVuY2gtYXBpIiwiaWF0IjoxNzY0NjMzNjAwLCJleHAiOjQxMDI0NDQ4MDB9.e3JHPU751Reg4Ey8Dl5VARZ7SNdY6_q1LzzgAj1_9f0";
export const ES256_TOKEN = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaCIsImlzcyI6ImJlbmNoIiwiYXVkIjoiYmVuY2gtYXBpIiwiaWF0IjoxNzY0NjMzNjAwLCJleHAiOjQxMDI0NDQ4MDB9.F48y-ao8bZ7w-csEqIF8Dc8bEriTFZVGGglK7JzX3djzHz7anu2wetXhdGLjrchjT99ftZ-HqQ2wgVIzAuYLfQ";
export const ISSUER = 'bench';
export const AUDIENCE = 'bench-api';

/** What the servers read: the keys, and BENCH_JWT_CACHE ('0' or '1') when a variant peer sets it. */
export const JWT_ENV = { BENCH_JWT_SECRET: HS256_SECRET, BENCH_JWT_ES256_KEY: ES256_PUBLIC_KEY };
