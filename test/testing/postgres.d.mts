// The types of postgres.mjs (a real PostgreSQL for the tests and the bench).

export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication: no password). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The folder of the server binaries that were found (`/usr/lib/postgresql/15/bin`). */
  readonly bin: string;
  /** The temporary folder: the cluster (`data/`) and the Unix socket. */
  readonly dir: string;
  /** Runs SQL with psql (`-XAtq`, stopping at the first error); resolves to its output, trimmed. */
  psql(sql: string): Promise<string>;
  /**
   * Stops the server and waits for it to be gone; the data is kept. SIGINT (the default) is
   * PostgreSQL's fast shutdown: open connections are cut, as in an outage. SIGQUIT: immediate.
   */
  kill(signal?: 'SIGINT' | 'SIGQUIT' | 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  stop(): Promise<void>;
}

/** The newest `/usr/lib/postgresql/<version>/bin` that holds initdb and postgres, or `COVET_PG_BIN`; throws, saying what to run, when there is none. */
export function findPostgresBin(): string;

/** initdb in a temporary folder, then postgres on a free port of 127.0.0.1; resolves once it answers a query. */
export function startPostgres(options?: { unref?: boolean }): Promise<RunningPostgres>;
