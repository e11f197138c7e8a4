// Read-only statements on other threads' connections to the cache, for work big enough to use another core (a full
// export): SQLite formats rows on the pool's threads while the caller's thread hashes and writes.

/** One value a job's statement may be bound to. */
export type PoolParam = string | number | null;

export interface PoolJob {
  /** index into the `sql` array passed to run() */
  stmt: number;
  params: PoolParam[];
}

/**
 * A job's one result row. Its `text` column (TEXT or NULL) arrives as UTF-8 `bytes`, valid only until the next result is
 * requested (the pool reuses the memory); every other column is a number (or null), by name in `num`.
 */
export interface PoolRow {
  bytes: Uint8Array | null;
  num: Record<string, number | null>;
}

export interface ReadPool {
  /** threads the pool runs (what a caller may expect in parallel) */
  readonly threads: number;
  /**
   * Runs every job's statement (prepared once per thread) and yields the results in job order, whichever thread ran
   * them; at most a few results wait at a time (bounded memory). Stopping the iteration early cancels what is left.
   */
  run(sql: readonly string[], jobs: readonly PoolJob[]): AsyncGenerator<PoolRow>;
  close(): Promise<void>;
}
