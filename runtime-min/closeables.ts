/**
 * What the server closes when it stops: long-lived clients that the app (a database pool, through
 * `closeAtShutdown` from 'covet') and runtime helpers (the rate limiter's Redis connection) open.
 * main.ts calls `closeAll` after the engine has finished its in-flight requests and the background
 * tasks have run, so nothing that still needs a client loses it. A lone registry, generic on
 * purpose: anything with a `close`.
 */

interface Closeable {
  /** Says what it is in the line printed when closing it fails or outlasts the limit. */
  readonly what: string;
  close(): unknown;
}

const open = new Set<Closeable>();

/**
 * Registers something to close when the server stops (SIGTERM, SIGINT; in each worker under
 * `--workers`): `close` runs after the in-flight requests have been answered and the background
 * tasks have finished, together with everything else registered, and is awaited up to 2 s. A
 * rejection, a throw or a close that outlasts the limit is one line on stderr naming `what`; the
 * process still exits. Returns the function that unregisters it (for a client the app closed early).
 *
 * ```ts
 * export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * closeAtShutdown('the Postgres pool', () => pool.end());
 * ```
 */
export function closeAtShutdown(what: string, close: () => unknown): () => void {
  const entry: Closeable = { what, close };
  open.add(entry);
  return () => {
    open.delete(entry);
  };
}

/**
 * Closes everything registered, together, each awaited up to `limitMs`; resolves to what failed or
 * did not finish in time (one line each, for the log). Never rejects.
 */
export async function closeAll(limitMs: number): Promise<string[]> {
  const entries = [...open];
  open.clear();
  const problems: string[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        // Not unref'd: at shutdown little else keeps the process alive, and it must wait for this.
        timer = setTimeout(() => resolve('late'), limitMs);
      });
      try {
        const outcome = await Promise.race([Promise.resolve().then(() => entry.close()), late]);
        if (outcome === 'late') problems.push(`${entry.what} did not close within ${limitMs} ms`);
      } catch (err) {
        problems.push(`${entry.what} failed to close: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return problems;
}

const stopListeners: (() => void)[] = [];

/**
 * Registers what must happen the moment a stop signal (SIGTERM, SIGINT) arrives, before anything
 * stops: readiness turning 503 (health.ts). main.ts calls `stopSignalled` then.
 */
export function onStopSignal(listener: () => void): void {
  stopListeners.push(listener);
}

/** Tells the `onStopSignal` listeners that a stop signal arrived (main.ts). */
export function stopSignalled(): void {
  for (const listener of stopListeners) listener();
}
