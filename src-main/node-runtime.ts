// Builds the real ports for a Node process (CLI and serve mode). The Electron shell builds its own with the same pieces.
import { createApp, type AppRuntime } from './composition.ts';
import { openCache } from './adapters/sqlite.ts';
import { createKeytarSecretStore } from './adapters/keytar-secret-store.ts';
import { createMemorySecretStore } from './adapters/memory-secret-store.ts';
import { createFileLogger } from './adapters/file-logger.ts';
import { systemClock } from './ports/clock.ts';
import type { Opener } from './ports/opener.ts';
import type { SecretStore } from './ports/secret-store.ts';

export interface NodeRuntimeOptions {
  dataDir: string;
  opener: Opener;
  /** explicit session-only mode (never chosen silently) */
  sessionOnly?: boolean;
  secretStore?: SecretStore;
}

export function createNodeRuntime(opts: NodeRuntimeOptions): AppRuntime {
  const db = openCache(opts.dataDir);
  const secretStore = opts.secretStore ?? (opts.sessionOnly ? createMemorySecretStore() : createKeytarSecretStore());
  return createApp({ dataDir: opts.dataDir, db, secretStore, clock: systemClock, opener: opts.opener, logger: createFileLogger(opts.dataDir) });
}
