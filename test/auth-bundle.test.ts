/**
 * "A feature a route does not use costs nothing": the auth helpers (runtime-min/auth.ts) and jose
 * are bundled into an app that imports one of them (fixtures/auth) and into no other
 * (fixtures/cookies imports HttpError from 'covet', the module that re-exports them).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildApp } from './harness.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const bundleOf = async (app: string) => readFileSync(path.join(path.dirname(await buildApp(path.join(FIXTURES, app), { engine: 'node' })), 'app.mjs'), 'utf8');
const JOSE = /node_modules\/jose\//;

test('fixtures/auth bundles runtime-min/auth.ts and jose (the check below can see them)', async () => {
  const bundle = await bundleOf('auth');
  assert.ok(bundle.includes('// runtime-min/auth.ts'));
  assert.ok(JOSE.test(bundle));
  assert.ok(bundle.includes('createRemoteJWKSet'));
});

test('an app that imports HttpError from covet but none of the auth helpers bundles none of them, nor a byte of jose', async () => {
  const bundle = await bundleOf('cookies');
  assert.ok(bundle.includes('HttpError'), 'it does use covet');
  assert.not.ok(bundle.includes('runtime-min/auth.ts'));
  assert.not.ok(JOSE.test(bundle));
  for (const word of ['jwtVerify', 'createRemoteJWKSet', 'SignJWT', 'timingSafeEqual', 'invalid_token']) assert.not.ok(bundle.includes(word), word);
});

test.run();
