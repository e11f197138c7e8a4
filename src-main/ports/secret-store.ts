import type { KeychainStatus } from '../../src-common/contract/index.ts';

/**
 * Where grants live. One item per account under the service `grantdesk`. Implementations fail closed:
 * an unavailable or locked backend throws AppError('keychain_unavailable' | 'keychain_locked'), never falls back to disk.
 */
export interface SecretStore {
  readonly backend: KeychainStatus['backend'];
  status(): Promise<KeychainStatus>;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  list(): Promise<string[]>;
}
