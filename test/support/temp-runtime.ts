// A real app runtime in a temp data dir with session-only secrets and an opener that fails if called.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeRuntime } from '../../src-main/node-runtime.ts';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import type { AppRuntime } from '../../src-main/composition.ts';
import type { SecretStore } from '../../src-main/ports/secret-store.ts';

export interface TempRuntime {
  runtime: AppRuntime;
  dataDir: string;
  secretStore: SecretStore;
  close(): Promise<void>;
}

export function createTempRuntime(opts: { secretStore?: SecretStore; dataDir?: string } = {}): TempRuntime {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'grantdesk-test-'));
  const secretStore = opts.secretStore ?? createMemorySecretStore();
  const runtime = createNodeRuntime({
    dataDir,
    secretStore,
    opener: async (url) => {
      throw new Error(`opener must not be called in this test (was asked to open ${url.slice(0, 40)}…)`);
    },
  });
  return {
    runtime,
    dataDir,
    secretStore,
    async close() {
      await runtime.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
