// Cross-process lock per workspace: a lock directory in <dataDir>/locks created atomically (proper-lockfile's mkdir
// strategy) and kept fresh by its holder; a holder that died (SIGKILL) is detected as stale after `staleMs`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { KeyedLock } from '../ports/lock.ts';
import { AppError } from '../rpc/app-error.ts';

export interface FileLockOptions {
  staleMs?: number;
  /** how long to wait for a busy lock before giving up */
  waitMs?: number;
  onCompromised?: (key: string, err: Error) => void;
}

const safe = (key: string) => key.replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);

export function createFileLock(dataDir: string, opts: FileLockOptions = {}): KeyedLock {
  const dir = join(dataDir, 'locks');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const staleMs = opts.staleMs ?? 5_000;
  const waitMs = opts.waitMs ?? 60_000;
  return {
    async withLock(key, fn) {
      const file = join(dir, safe(key));
      const until = Date.now() + waitMs;
      let release: (() => Promise<void>) | undefined;
      for (let delay = 5; !release; delay = Math.min(200, delay * 1.5)) {
        try {
          release = await lockfile.lock(file, {
            realpath: false,
            stale: staleMs,
            update: Math.floor(staleMs / 3),
            retries: 0,
            onCompromised: (err) => opts.onCompromised?.(key, err),
          });
        } catch (err) {
          if ((err as { code?: string }).code !== 'ELOCKED') throw new AppError('io_error', `Could not create a lock in ${dir}`);
          if (Date.now() > until) throw new AppError('conflict', `Another Grantdesk process holds the lock for ${key}; try again`);
          await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
        }
      }
      try {
        return await fn();
      } finally {
        await release().catch(() => undefined);
      }
    },
  };
}
