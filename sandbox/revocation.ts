/* eslint-disable @typescript-eslint/no-explicit-any -- rows of the untyped oidc table */
// What revoking a grant does on this platform (docs/platform-api.md §4.5, "the revocation tail"). The grant, its refresh
// tokens, authorization and device codes die at once, so nothing new can be issued from it. Access tokens already issued
// are self-contained bearer tokens on the real platform: they keep working — business calls and introspection — until
// their own `exp`. Only an access token that is itself revoked (RFC 7009 on that token) dies at once. The revoke
// answer says until when the last one lives (`access_tokens_valid_until`), so a client can tell when the revocation is
// fully effective. Auditor reviews are different: the platform checks a review's record on every call, so revoking a
// review ends every token of its grant at once (killGrant).
import type { DB } from './db.ts';

export function grantRevocation(db: DB) {
  // everything of the grant except its access tokens, and the grant row itself
  const tail = db.prepare("UPDATE oidc SET revoked_at = ? WHERE ((grant_id = ? AND model <> 'AccessToken') OR (model = 'Grant' AND id = ?)) AND revoked_at IS NULL");
  const all = db.prepare("UPDATE oidc SET revoked_at = ? WHERE (grant_id = ? OR (model = 'Grant' AND id = ?)) AND revoked_at IS NULL");
  // `exp` in the payload is what the management API and introspection compare with (not the row's expires_at)
  const latest = db.prepare("SELECT MAX(CAST(json_extract(payload, '$.exp') AS INTEGER)) AS exp FROM oidc WHERE model = 'AccessToken' AND grant_id = ? AND revoked_at IS NULL AND CAST(json_extract(payload, '$.exp') AS INTEGER) > ?");
  const live = db.prepare("SELECT COUNT(*) AS n FROM oidc WHERE model = 'AccessToken' AND grant_id = ? AND revoked_at IS NULL AND CAST(json_extract(payload, '$.exp') AS INTEGER) > ?");
  return {
    /** revokes the grant leaving its issued access tokens to expire; epoch seconds of the last one's exp (null: none left) */
    revokeWithTail(grantId: string, nowSec: number): number | null {
      tail.run(nowSec, grantId, grantId);
      return this.validUntil(grantId, nowSec);
    },
    /** every token of the grant, access tokens included, dies now (auditor reviews) */
    killGrant(grantId: string, nowSec: number): void {
      all.run(nowSec, grantId, grantId);
    },
    /** epoch seconds of the latest exp among the grant's live access tokens; null when none is left */
    validUntil(grantId: string, nowSec: number): number | null {
      const r = latest.get(grantId, nowSec) as any;
      return typeof r?.exp === 'number' ? r.exp : null;
    },
    liveAccessTokens(grantId: string, nowSec: number): number {
      return (live.get(grantId, nowSec) as any).n as number;
    },
  };
}
export type GrantRevocation = ReturnType<typeof grantRevocation>;

/** the wire form of the tail: an ISO instant, or null when no access token outlives the revocation */
export const validUntilIso = (exp: number | null) => (exp === null ? null : new Date(exp * 1000).toISOString());
