// Step-up access tokens in main-process memory only (never SQLite, the keychain file, logs or the renderer): one per
// workspace, bound to the connection it was made for (a reconnect ends it; a routine refresh of the grant does not), until
// the end of its window. Reading an expired entry drops it.
export interface StepUpEntry {
  token: string;
  /** epoch ms after which it is not used again: min(token expiry, auth_time + max_age) */
  until: number;
  /** when the workspace was connected (connected_at) when it was issued: a reconnect ends it */
  connection: number;
}

export function createStepUpStore(now: () => number) {
  const entries = new Map<string, StepUpEntry>();
  return {
    get(ws: string, connection: number): string | null {
      const e = entries.get(ws);
      if (!e) return null;
      if (e.until <= now() || e.connection !== connection) {
        entries.delete(ws);
        return null;
      }
      return e.token;
    },
    /** kept only when its window lies ahead (a max_age of 0 is a one-shot: used for the retry, never kept) */
    put(ws: string, e: StepUpEntry): void {
      if (e.until > now()) entries.set(ws, e);
      else entries.delete(ws);
    },
    drop(ws: string, token?: string): void {
      if (token === undefined || entries.get(ws)?.token === token) entries.delete(ws);
    },
    clear(): void {
      entries.clear();
    },
    /** for tests: how many are held */
    size: () => entries.size,
  };
}
export type StepUpStore = ReturnType<typeof createStepUpStore>;
