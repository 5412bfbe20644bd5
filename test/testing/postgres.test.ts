/**
 * The PostgreSQL harness itself: found without a hard-coded version, started as the postgres user
 * when we are root, stopped and started again with its data, removed at the end, and a clear error
 * when the binaries are missing.
 */
import { existsSync, statSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findPostgresBin, startPostgres } from './postgres.mjs';

test('the binaries are found in the newest /usr/lib/postgresql/<version>/bin', () => {
  assert.match(findPostgresBin(), /^\/usr\/lib\/postgresql\/\d+(\.\d+)?\/bin$/);
});

test('missing binaries are an error that says what to run', () => {
  const saved = process.env.COVET_PG_BIN;
  process.env.COVET_PG_BIN = '/nonexistent/postgresql/bin';
  try {
    assert.throws(() => findPostgresBin(), /COVET_PG_BIN=\/nonexistent\/postgresql\/bin holds no postgres binary/);
  } finally {
    if (saved === undefined) delete process.env.COVET_PG_BIN;
    else process.env.COVET_PG_BIN = saved;
  }
});

test('a server on a free port of 127.0.0.1: it keeps its data over kill and start, and stop removes its folder', async () => {
  const pg = await startPostgres();
  try {
    assert.match(pg.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    if (process.getuid?.() === 0) assert.is.not(statSync(pg.dir).uid, 0, 'the folder belongs to the postgres user');
    assert.is(await pg.psql("SELECT current_setting('fsync') || ' ' || current_user"), 'off postgres');
    await pg.psql('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7);');
    await pg.kill();
    let down = false;
    await pg.psql('SELECT 1').catch(() => (down = true));
    assert.ok(down, 'psql fails while the server is down');
    await pg.start();
    assert.is(await pg.psql('SELECT n FROM kept'), '7');
    const message = await pg.psql('SELECT nope').then(() => '', (err: Error) => err.message);
    assert.match(message, /column "nope" does not exist/);
  } finally {
    await pg.stop();
  }
  assert.not.ok(existsSync(pg.dir), 'the folder is gone');
});

test.run();
