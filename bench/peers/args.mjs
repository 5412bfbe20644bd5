// `--port N --host H` (or PORT/HOST) for the Node peers, and the World database (SQLite and PostgreSQL).
import { createRequire } from 'node:module';

export function listenArgs(argv = process.argv.slice(2)) {
  const get = (flag, env, fallback) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : (process.env[env] ?? fallback);
  };
  return { port: Number(get('--port', 'PORT', '3000')), host: get('--host', 'HOST', '127.0.0.1') };
}

/** `randomRow()` → one World row by a random id, with better-sqlite3 (read-only). */
export function openWorld(dbPath = process.env.BENCH_DB) {
  if (!dbPath) throw new Error('BENCH_DB must name the World database (bench/peers.mjs prepareDatabase)');
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const stmt = db.prepare('SELECT id, randomNumber FROM World WHERE id = ?');
  return () => stmt.get(1 + Math.floor(Math.random() * 10000));
}

/**
 * The db-postgres query, the same text on every peer: one World row by id. The column was created
 * quoted, so that the answer's key is `randomNumber` as in SQLite (PostgreSQL folds unquoted names
 * to lower case).
 */
export const WORLD_PG_SQL = 'SELECT id, "randomNumber" FROM world WHERE id = $1';
/** Connections in every peer's pool (BENCH_PG_POOL; bench/peers.mjs sets it for all of them). */
export const pgPoolSize = () => Number(process.env.BENCH_PG_POOL ?? 16);

/**
 * `randomPgRow()` → a promise of one World row by a random id, through a `pg` Pool of
 * `pgPoolSize()` connections on BENCH_PG_URL, as a prepared statement (a named query: parsed once
 * per connection). Without BENCH_PG_URL (no PostgreSQL installed) it rejects: the route answers
 * 500 and the check reports it.
 */
export function openWorldPostgres(url = process.env.BENCH_PG_URL) {
  if (!url) return () => Promise.reject(new Error('BENCH_PG_URL is not set (bench/peers.mjs starts PostgreSQL when it is installed)'));
  const pg = createRequire(import.meta.url)('pg');
  const pool = new pg.Pool({ connectionString: url, max: pgPoolSize() });
  pool.on('error', () => {}); // an idle connection cut by the database's stop: the pool drops it
  return () =>
    pool.query({ name: 'world', text: WORLD_PG_SQL, values: [1 + Math.floor(Math.random() * 10000)] }).then((r) => r.rows[0]);
}
