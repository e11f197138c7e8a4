// Builds the real ports for a Node process (CLI and serve mode). The Electron shell builds its own with the same pieces.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createApp, type AppRuntime } from './composition.ts';
import { openCache } from './adapters/sqlite.ts';
import { restrictProcessUmask } from './adapters/data-dir.ts';
import { createKeytarSecretStore } from './adapters/keytar-secret-store.ts';
import { createMemorySecretStore } from './adapters/memory-secret-store.ts';
import { createFileLogger } from './adapters/file-logger.ts';
import { createSqliteReadPool } from './adapters/sqlite-read-pool.ts';
import { systemClock } from './ports/clock.ts';
import type { Opener } from './ports/opener.ts';
import type { SecretStore } from './ports/secret-store.ts';
import type { Db } from './ports/db.ts';
import { createSettingsService } from './services/settings-service.ts';
import { createEventBus } from './services/event-bus.ts';

export interface NodeRuntimeOptions {
  dataDir: string;
  opener: Opener;
  /** explicit session-only mode (never chosen silently) */
  sessionOnly?: boolean;
  secretStore?: SecretStore;
  /** run the refresh scheduler (serve mode); one-shot CLI commands leave it off */
  background?: boolean;
}

/** Test hook: GRANTDESK_TEST_KILL_AT=<point> SIGKILLs this process at that point of a refresh (child-process tests only). */
function killHook(env: NodeJS.ProcessEnv) {
  const at = env.GRANTDESK_TEST_KILL_AT;
  if (!at) return undefined;
  return (point: string) => {
    if (point !== at) return;
    if (point === 'during-write') setImmediate(() => process.kill(process.pid, 'SIGKILL'));
    else process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * The secret store for this start: session-only memory when asked explicitly (the CLI's --session-only) or when the
 * stored setting sessionOnlySecrets is on (the UI then shows its persistent banner); otherwise the OS keychain. A changed
 * setting applies at the next start. Never chosen silently: a failing keychain stays a typed error, not memory.
 */
export function selectSecretStore(db: Db, opts: { sessionOnly?: boolean; keychain: () => SecretStore }): SecretStore {
  let fromSettings = false;
  try {
    fromSettings = createSettingsService(db, createEventBus()).get().sessionOnlySecrets;
  } catch {
    fromSettings = false;
  }
  return opts.sessionOnly || fromSettings ? createMemorySecretStore() : opts.keychain();
}

export function createNodeRuntime(opts: NodeRuntimeOptions): AppRuntime {
  restrictProcessUmask(); // owner-only modes for every file this process creates (cache, -wal/-shm, logs, locks, exports)
  const db = openCache(opts.dataDir);
  const secretStore = opts.secretStore ?? selectSecretStore(db, { sessionOnly: opts.sessionOnly, keychain: () => createKeytarSecretStore() });
  // Threads that format large CSV exports, from 4 cores: on 2 (often two hyperthreads of one core) the measured export of
  // 1M events took 25% more CPU and longer than on one thread (the threads' UTF-8 round trip, siblings sharing a core);
  // see docs/PERFORMANCE.md. They start only when a large export runs, and end with it.
  const readPool = availableParallelism() >= 4 ? createSqliteReadPool({ file: join(opts.dataDir, 'cache.db'), threads: Math.min(4, availableParallelism() - 1) }) : undefined;
  const app = createApp({ dataDir: opts.dataDir, db, secretStore, clock: systemClock, opener: opts.opener, logger: createFileLogger(opts.dataDir), background: opts.background, refreshHook: killHook(process.env), readPool });
  return {
    ...app,
    async close() {
      await readPool?.close();
      await app.close();
    },
  };
}
