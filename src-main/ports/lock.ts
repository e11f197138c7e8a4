/** A cross-process lock per key (the CLI and the desktop app share grants). Implemented by adapters/file-lock.ts. */
export interface KeyedLock {
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}
