// Ending a workspace grant: RFC 7009 revocation of its refresh token at the platform, disconnect (fail closed: the grant
// leaves the app at once; only the token to revoke stays in the keychain until the platform confirms), and the retry of
// revocations still pending.
import * as o from 'oauth4webapi';
import type { Workspace } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LimitedFetch } from '../../ports/http.ts';
import type { KeyedLock } from '../../ports/lock.ts';
import type { Logger } from '../../ports/logger.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { GrantStore } from './grant-store.ts';
import { authServer, describeOAuthError, publicClient, requestOptions } from './oauth.ts';
import type { ConnectionsRepo, PlatformRow } from './repo.ts';
import type { TokenManager } from './token-manager.ts';

export interface RevocationDeps {
  repo: ConnectionsRepo;
  grants: GrantStore;
  tokens: TokenManager;
  lock: KeyedLock;
  fetch: LimitedFetch;
  clock: Clock;
  logger: Logger;
  changed: (topic: 'workspaces', workspaceId: string) => void;
  view: (ws: string) => Workspace;
}

export function createGrantRevocation(d: RevocationDeps) {
  const { repo, grants, tokens, changed, view } = d;

  async function revokeToken(p: PlatformRow, refreshToken: string): Promise<void> {
    const as = authServer(p);
    if (!as.revocation_endpoint) throw new AppError('platform_error', `${p.name} has no revocation endpoint`);
    let res: Response;
    try {
      res = await o.revocationRequest(as, publicClient(p), o.None(), refreshToken, { ...requestOptions(d.fetch, p.issuer), additionalParameters: { token_type_hint: 'refresh_token' } });
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('network_error', `Revocation request failed: ${describeOAuthError(err)}`);
    }
    try {
      await o.processRevocationResponse(res);
    } catch (err) {
      throw new AppError('platform_error', `Revocation was not confirmed (${res.status}: ${describeOAuthError(err)})`);
    }
  }

  async function disconnect(ws: string): Promise<Workspace> {
    const w = repo.getWorkspace(ws);
    if (!w) throw new AppError('not_found', `Workspace ${ws} is not known to Grantdesk`);
    const p = repo.findPlatform(w.platform_id);
    await d.lock.withLock(`ws-${ws}`, async () => {
      const g = await grants.read(ws); // keychain unavailable => throws, nothing changes
      const now = d.clock.now();
      repo.journalCloseAll(ws, 'workspace disconnected', now);
      tokens.forget(ws);
      if (!g || !p) {
        await grants.remove(ws);
        repo.disconnected(ws, w.revocation === 'pending' ? 'pending' : 'confirmed', w.revocation_attempts, null, now);
        return;
      }
      try {
        await revokeToken(p, g.refreshToken);
        await grants.remove(ws);
        repo.disconnected(ws, 'confirmed', 1, null, d.clock.now());
      } catch (err) {
        // Fail closed: the grant leaves the app now; only the token to revoke stays (in the keychain) until confirmed.
        await grants.writePending(ws, p.id, g.refreshToken);
        await grants.remove(ws);
        repo.disconnected(ws, 'pending', 1, err instanceof AppError ? err.message : 'revocation failed', d.clock.now());
        d.logger.warn('revocation_pending', { workspace: ws });
      }
    });
    changed('workspaces', ws);
    return view(ws);
  }

  async function retryRevocations(): Promise<{ confirmed: number; pending: number }> {
    let confirmed = 0;
    let pending = 0;
    for (const w of repo.pendingRevocations()) {
      const now = d.clock.now();
      const item = await grants.readPending(w.id);
      if (!item) {
        repo.revocationResult(w.id, 'confirmed', null, now);
        confirmed++;
        continue;
      }
      const p = repo.findPlatform(item.platformId);
      try {
        if (!p) throw new AppError('not_found', 'platform removed');
        await revokeToken(p, item.refreshToken);
        await grants.removePending(w.id);
        repo.revocationResult(w.id, 'confirmed', null, d.clock.now());
        confirmed++;
      } catch (err) {
        repo.revocationResult(w.id, 'pending', err instanceof AppError ? err.message : 'revocation failed', d.clock.now());
        pending++;
      }
      changed('workspaces', w.id);
    }
    return { confirmed, pending };
  }

  return { revokeToken, disconnect, retryRevocations };
}
