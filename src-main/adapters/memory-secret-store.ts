import type { KeychainStatus } from '../../src-common/contract/index.ts';
import type { SecretStore } from '../ports/secret-store.ts';

/** Explicit session-only mode: grants live in this process's memory and vanish when it exits. The UI shows a banner. */
export function createMemorySecretStore(): SecretStore {
  const items = new Map<string, string>();
  return {
    backend: 'memory-session',
    async status(): Promise<KeychainStatus> {
      return { backend: 'memory-session', state: 'session-only', detail: 'Grants are kept in memory only and are lost when Grantdesk quits.', remedy: null };
    },
    async get(a) { return items.get(a) ?? null; },
    async set(a, s) { items.set(a, s); },
    async delete(a) { return items.delete(a); },
    async list() { return [...items.keys()]; },
  };
}
