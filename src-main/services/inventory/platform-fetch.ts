// One workspace's credentials as the platform lists them (API keys, apps, machine clients, service tokens), its scope
// bundles and (once per sync) the scope catalogue, read through the platform client and normalized for the cache.
import type { PlatformClient } from '../../platform/index.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { CachedBundle, NormalizedCredential } from './repository.ts';

/** the inventory reads whole lists at once: 20 s and 16 MiB per list */
const LIST = { deadlineMs: 20_000, maxBytes: 16 * 1024 * 1024 };

export async function fetchInventory(p: PlatformClient, wsId: string, withCatalogue: boolean, nowMs: number) {
  const [catalogue, keys, apps, mcs, sts, bundles] = await Promise.all([
    withCatalogue ? p.scopes.catalogue(wsId, LIST) : Promise.resolve(null),
    p.apiKeys.list(wsId, LIST),
    p.apps.list(wsId, LIST),
    p.machineClients.list(wsId, LIST),
    // Service tokens are short-lived; a platform without the list endpoint simply has none to show.
    p.serviceTokens.list(wsId, LIST).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'not_found') return { data: [] };
      throw e;
    }),
    p.scopes.bundles(wsId, LIST),
  ]);
  const creds: NormalizedCredential[] = [];
  const base = { prefix: null, lastFour: null, clientId: null, ipAllowlist: [], expiresAt: null, rateLimitPerMinute: null, dailyQuota: null, graceEndsAt: null, rotatedFrom: null, secretCreatedAt: null };
  const sorted = (s: string[]) => [...new Set(s)].sort();
  for (const k of keys.data)
    creds.push({ ...base, id: k.id, type: 'api_key', name: k.name, status: k.status, scopes: sorted(k.scopes), prefix: k.prefix, lastFour: k.last_four, ipAllowlist: k.ip_allowlist, expiresAt: k.expires_at, rateLimitPerMinute: k.rate_limit_per_minute, createdAt: k.created_at, lastUsedAt: k.last_used_at, graceEndsAt: k.grace_ends_at ?? null, rotatedFrom: k.rotated_from ?? null });
  for (const a of apps.data)
    creds.push({ ...base, id: a.id, type: 'app', name: a.name, status: a.status, scopes: sorted(a.scopes), clientId: a.client_id, createdAt: a.granted_at, lastUsedAt: a.last_used_at });
  for (const m of mcs.data)
    creds.push({ ...base, id: m.id, type: 'machine_client', name: m.name, status: m.status, scopes: sorted(m.scopes), clientId: m.client_id, ipAllowlist: m.ip_allowlist ?? [], dailyQuota: m.daily_quota, createdAt: m.created_at, lastUsedAt: m.last_used_at, graceEndsAt: m.grace_ends_at ?? null, secretCreatedAt: m.secret_created_at ?? null });
  for (const t of sts.data)
    creds.push({ ...base, id: t.id, type: 'service_token', name: t.name ?? 'service token', status: Date.parse(t.expires_at) <= nowMs ? 'expired' : 'active', scopes: sorted(t.scopes), expiresAt: t.expires_at, createdAt: t.created_at, lastUsedAt: null });
  const bs: CachedBundle[] = bundles.data.map((b) => ({ workspaceId: wsId, id: b.id, name: b.name, description: b.description ?? null, scopes: sorted(b.scopes) }));
  // the route → scope table comes with the catalogue: [] when the platform publishes none, null when not fetched this time
  return { catalogue: catalogue?.scopes ?? null, routes: catalogue ? (catalogue.routes ?? []) : null, creds, bundles: bs };
}
