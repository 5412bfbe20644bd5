// `--port N --host H` (or PORT/HOST) for the Node peers, and the World database.
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
