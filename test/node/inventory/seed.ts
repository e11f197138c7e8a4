// Deterministic inventory for UI tests and the bench, written straight through the repository (no platform needed).
import type { InventoryRepository, NormalizedCredential } from '../../../src-main/services/inventory/repository.ts';

const RESOURCES = ['contacts', 'companies', 'deals', 'tickets', 'invoices', 'products', 'webhooks', 'files', 'users', 'credentials'];
export const SEED_CATALOGUE = [
  ...RESOURCES.flatMap((r) => (['read', 'write', 'delete'] as const).map((a) => ({ name: `${r}:${a}`, resource: r, action: a, description: `${a} ${r}` }))),
  { name: 'audit:read', resource: 'audit', action: 'read', description: 'read audit' },
];
const APPS = [['Zapier', 'zapier-connector'], ['Slack Notifier', 'slack-notifier'], ['LedgerLink Accounting', 'ledgerlink'], ['Calendly Sync', 'calendly-sync']] as const;
const WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell', 'Cyberdyne', 'Wonka'];

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)]! };
}

export function seedInventory(repo: InventoryRepository, o: { workspaces: number; nowMs: number; seed?: number; perWorkspace?: [number, number] }) {
  const r = rng(o.seed ?? 1);
  repo.upsertCatalogue(SEED_CATALOGUE);
  const [lo, hi] = o.perWorkspace ?? [5, 30];
  const iso = (ms: number) => new Date(ms).toISOString();
  const out: { id: string; name: string }[] = [];
  for (let w = 0; w < o.workspaces; w++) {
    const id = `ws_${String(w + 1).padStart(4, '0')}`;
    const name = `${WORDS[w % WORDS.length]} ${['Agency', 'Retail', 'Labs', 'Health', 'Travel'][Math.floor(w / WORDS.length) % 5]} ${w + 1}`;
    const creds: NormalizedCredential[] = [];
    const n = lo + r.int(hi - lo + 1);
    for (let c = 0; c < n; c++) {
      const type = c === 0 ? 'app' : r.pick(['api_key', 'api_key', 'app', 'machine_client', 'service_token'] as const);
      const scopeCount = 1 + r.int(6);
      const scopes = [...new Set(Array.from({ length: scopeCount }, () => r.pick(SEED_CATALOGUE).name))].sort();
      const app = c === 0 ? (['Grantdesk', 'grantdesk-desktop'] as const) : r.pick(APPS);
      const created = o.nowMs - (30 + r.int(400)) * 86_400_000;
      const used = r.next() < 0.25 ? null : o.nowMs - r.int(200) * 86_400_000;
      const expires = type === 'service_token' ? o.nowMs + 30 * 60_000 : r.next() < 0.2 ? o.nowMs + (1 + r.int(40)) * 86_400_000 : null;
      creds.push({
        id: `${type === 'api_key' ? 'key' : type === 'app' ? 'app' : type === 'machine_client' ? 'mc' : 'st'}_${w}_${c}`,
        type,
        name: type === 'app' ? app[0] : `${r.pick(['Billing sync', 'Reporting', 'CRM import', 'Ops script', 'Webhook relay'])} ${c}`,
        status: 'active',
        scopes: c === 0 ? ['audit:read', 'credentials:read', 'credentials:write'] : scopes,
        prefix: type === 'api_key' ? 'sk_live_' : null,
        lastFour: type === 'api_key' ? String(1000 + r.int(9000)) : null,
        clientId: type === 'app' ? app[1] : type === 'machine_client' ? `mcc_${w}_${c}` : null,
        ipAllowlist: type === 'api_key' && r.next() < 0.3 ? ['203.0.113.0/24'] : [],
        expiresAt: expires === null ? null : iso(expires),
        rateLimitPerMinute: type === 'api_key' ? r.pick([null, 60, 600]) : null,
        dailyQuota: type === 'machine_client' ? r.pick([1000, 10000]) : null,
        createdAt: iso(created),
        lastUsedAt: used === null ? null : iso(used),
        graceEndsAt: null,
        rotatedFrom: null,
        secretCreatedAt: type === 'machine_client' ? iso(created) : null,
      });
    }
    repo.applyWorkspace(id, name, creds, [{ workspaceId: id, id: `sb_${w}`, name: 'Agency standard', description: null, scopes: ['contacts:read', 'deals:read', 'companies:read', 'audit:read'] }], o.nowMs);
    out.push({ id, name });
  }
  return out;
}
