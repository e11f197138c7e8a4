// The OS keychain through keytar (libsecret on Linux). Fails closed with typed errors; every call has a deadline.
import { createRequire } from 'node:module';
import { ERROR_REMEDIES, type KeychainStatus } from '../../src-common/contract/index.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import { AppError } from '../rpc/app-error.ts';

export const KEYCHAIN_SERVICE = 'grantdesk';
type Keytar = typeof import('keytar');

export interface KeytarStoreOptions {
  service?: string;
  timeoutMs?: number;
  /** injected for tests; defaults to requiring the native module lazily */
  load?: () => Keytar;
}

function classify(err: unknown): AppError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/locked/i.test(msg) || /prompt/i.test(msg) || /dismissed/i.test(msg)) {
    return new AppError('keychain_locked', `The keychain collection is locked: ${msg.slice(0, 160)}`);
  }
  return new AppError('keychain_unavailable', `No usable Secret Service: ${msg.slice(0, 160)}`);
}

/** libsecret's word for an item that disappeared while we were reading it (not an unavailable service). */
function vanished(err: unknown): boolean {
  return err instanceof AppError && /No such secret item/i.test(err.message);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('keychain_timeout', `Keychain ${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

let probeSeq = 0;

export function createKeytarSecretStore(opts: KeytarStoreOptions = {}): SecretStore {
  // GRANTDESK_KEYCHAIN_SERVICE separates concurrent test processes sharing one test keyring (libsecret can crash
  // keytar when an item vanishes during another process's enumeration); users never need it.
  const service = opts.service ?? (process.env.GRANTDESK_KEYCHAIN_SERVICE || KEYCHAIN_SERVICE);
  const probeService = `${service}.probe`;
  const timeoutMs = opts.timeoutMs ?? 5000;
  let keytar: Keytar | undefined;
  const lib = (): Keytar => {
    if (!keytar) {
      try {
        keytar = opts.load ? opts.load() : (createRequire(import.meta.url)('keytar') as Keytar);
      } catch (err) {
        throw new AppError('keychain_unavailable', `The keychain module could not be loaded: ${err instanceof Error ? err.message.slice(0, 160) : 'unknown'}`);
      }
    }
    return keytar;
  };
  const run = async <T>(what: string, f: (k: Keytar) => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(f(lib()), timeoutMs, what);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw classify(err);
    }
  };
  return {
    backend: 'keytar',
    async status(): Promise<KeychainStatus> {
      try {
        // A write+delete probe: reading alone succeeds on some locked collections.
        // A unique probe account per call: concurrent probes must not delete each other's item.
        const probe = `__grantdesk_probe__${process.pid}_${(probeSeq++).toString(36)}`;
        // Probes live under their own service, so they never churn the enumeration of the grants themselves.
        await run('probe', async (k) => {
          await k.setPassword(probeService, probe, 'probe');
          await k.deletePassword(probeService, probe);
        });
        return { backend: 'keytar', state: 'ok', detail: `OS keychain reachable (service "${service}")`, remedy: null };
      } catch (err) {
        const e = err instanceof AppError ? err : classify(err);
        const state = e.code === 'keychain_locked' || e.code === 'keychain_timeout' ? 'locked' : 'unavailable';
        return { backend: 'keytar', state, detail: e.message, remedy: ERROR_REMEDIES[e.code] };
      }
    },
    get: async (a) => {
      try {
        return await run('read', (k) => k.getPassword(service, a));
      } catch (err) {
        // deleted by another process (the CLI and the app share the keychain) between lookup and read: it is gone
        if (vanished(err)) return null;
        throw err;
      }
    },
    set: (a, s) => run('write', (k) => k.setPassword(service, a, s)),
    delete: (a) => run('delete', (k) => k.deletePassword(service, a)),
    list: async () => {
      // findCredentials enumerates, then reads each item; an item deleted in between (another process disconnecting,
      // or a probe) fails the whole call, so enumerate again, a bounded number of times.
      for (let attempt = 1; ; attempt++) {
        try {
          return await run('list', async (k) => (await k.findCredentials(service)).map((c) => c.account).filter((a) => !a.startsWith('__grantdesk_probe__')));
        } catch (err) {
          if (!vanished(err) || attempt >= 8) throw err;
          await new Promise((r) => setTimeout(r, 10 * attempt + Math.floor(Math.random() * 10)));
        }
      }
    },
  };
}
