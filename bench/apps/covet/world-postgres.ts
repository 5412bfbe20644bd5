import pg from 'pg';
import { closeAtShutdown, type Dep } from 'covet';
import type { World } from './world.ts';

// The db-postgres scenario: the pool as the app's dependency (fixtures/postgres shows the whole
// pattern), BENCH_PG_URL and BENCH_PG_POOL from bench/peers.mjs, closed when the server stops.
const pool = new pg.Pool({ connectionString: process.env.BENCH_PG_URL, max: Number(process.env.BENCH_PG_POOL ?? 16) });
pool.on('error', () => {}); // an idle connection cut by the database's stop: the pool drops it
closeAtShutdown('the Postgres pool', () => pool.end());

/** The pool, for the routes that ask for it. */
export function database(): pg.Pool {
  return pool;
}

/**
 * TechEmpower single query on PostgreSQL: one World row by a random id, as a prepared statement
 * (the query of bench/peers/args.mjs, WORLD_PG_SQL).
 * @route GET /db-postgres
 */
export async function dbPostgres(db: Dep<typeof database>): Promise<World> {
  const { rows } = await db.query<World>({ name: 'world', text: 'SELECT id, "randomNumber" FROM world WHERE id = $1', values: [1 + Math.floor(Math.random() * 10000)] });
  return rows[0]!;
}
