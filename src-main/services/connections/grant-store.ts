// Grants in the SecretStore: one item per workspace (service `grantdesk`), plus a pending-revocation item holding only the
// refresh token still to revoke after a disconnect whose revocation did not reach the platform. Nothing token-like elsewhere.
import { z } from 'zod';
import type { SecretStore } from '../../ports/secret-store.ts';
import { AppError } from '../../rpc/app-error.ts';

export const storedGrantSchema = z.object({
  v: z.literal(1),
  workspaceId: z.string(),
  platformId: z.string(),
  refreshToken: z.string().min(1),
  accessToken: z.string().min(1),
  /** access token expiry, ms since epoch */
  expiresAt: z.number(),
  generation: z.number().int(),
  scope: z.string(),
});
export type StoredGrant = z.infer<typeof storedGrantSchema>;

const pendingSchema = z.object({ v: z.literal(1), platformId: z.string(), refreshToken: z.string().min(1) });

export function createGrantStore(store: SecretStore, profileId: () => string) {
  const grantAccount = (ws: string) => `grant:${profileId()}:${ws}`;
  const revokeAccount = (ws: string) => `revoke:${profileId()}:${ws}`;
  return {
    async read(ws: string): Promise<StoredGrant | null> {
      const raw = await store.get(grantAccount(ws));
      if (raw === null) return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new AppError('io_error', `The keychain item for ${ws} is not readable by this Grantdesk`);
      }
      const r = storedGrantSchema.safeParse(parsed);
      if (!r.success) throw new AppError('io_error', `The keychain item for ${ws} has an unknown shape`);
      return r.data;
    },
    write: (g: StoredGrant) => store.set(grantAccount(g.workspaceId), JSON.stringify(storedGrantSchema.parse(g))),
    remove: (ws: string) => store.delete(grantAccount(ws)),
    async readPending(ws: string) {
      const raw = await store.get(revokeAccount(ws));
      if (raw === null) return null;
      const r = pendingSchema.safeParse(JSON.parse(raw));
      return r.success ? r.data : null;
    },
    writePending: (ws: string, platformId: string, refreshToken: string) => store.set(revokeAccount(ws), JSON.stringify({ v: 1, platformId, refreshToken })),
    removePending: (ws: string) => store.delete(revokeAccount(ws)),
  };
}
export type GrantStore = ReturnType<typeof createGrantStore>;
