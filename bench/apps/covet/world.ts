import Database from 'better-sqlite3';
import { HttpError, type Int } from 'covet';

export interface World {
  id: number & Int;
  randomNumber: number & Int;
}

const dbPath = process.env.BENCH_DB;
if (!dbPath) throw new Error('BENCH_DB must name the World database (bench/peers.mjs prepareDatabase)');
const byId = new Database(dbPath, { readonly: true, fileMustExist: true }).prepare<[number], World>(
  'SELECT id, randomNumber FROM World WHERE id = ?',
);

/**
 * TechEmpower single query: one World row by a random id.
 * @route GET /db
 */
export function db(): World {
  const row = byId.get(1 + Math.floor(Math.random() * 10000));
  if (!row) throw new HttpError(500, 'World table is missing rows');
  return row;
}
