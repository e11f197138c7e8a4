// A credential's status as the platform reports it: the stored status, refined by time (expiry, rotation grace) and,
// for credentials backed by an OAuth grant (installed apps, Grantdesk's own grants), by whether the OAuth grant behind it is still alive (RFC 7009 revocation kills the grant).
export type GrantAlive = (grantId: string) => boolean;

export function effectiveStatus(c: { type: string; status: string; grace_ends_at?: string | null; expires_at?: string | null; seeded?: number | boolean | null; grant_id?: string | null }, nowMs: number, grantAlive: GrantAlive): string {
  if (c.status !== 'active') return c.status;
  if (c.type === 'api_key') {
    if (c.grace_ends_at) return Date.parse(c.grace_ends_at) > nowMs ? 'rotating' : 'expired';
    if (c.expires_at && Date.parse(c.expires_at) <= nowMs) return 'expired';
  }
  // a service token ends at its expiry (5–60 minutes after minting); the true state says so like the API's callers see it
  if (c.type === 'service_token' && c.expires_at && Date.parse(c.expires_at) <= nowMs) return 'expired';
  if (!c.seeded && c.grant_id && !grantAlive(c.grant_id)) return 'revoked';
  return c.status;
}
