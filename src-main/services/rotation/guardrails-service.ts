// Guardrails editable after creation (issue 14): an API key's scopes, IP allowlist, expiry and rate limit, and a machine
// client's IP allowlist, name and daily quota, changed in place with the platform's PATCH (no rotation, same secret).
// Every proposal is checked before anything is called; the dry run judges the cached calls of the last N days against it
// and never calls the platform; the edit reads the credential live, patches only what changes, then re-reads the
// workspace's inventory so the cache (and the credential drawer) shows the new guardrails.
import type { GuardrailSet, GuardrailsDryRun, Input, Output } from '../../../src-common/contract/index.ts';
import type { ApiKey as PApiKey, MachineClient as PMachineClient } from '../../platform/index.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { WorkspaceRef } from '../../ports/platform.ts';
import type { InventoryCredential } from '../inventory/index.ts';
import { clientSummary } from './clients-service.ts';
import { resolveWorkspace, type RotationDeps } from './deps.ts';
import { runDryRun } from './guardrails-dry-run.ts';
import { normalizeAllowlist, proposeKeyGuardrails } from './guardrails-input.ts';
import { keySummary } from './keys.ts';

const KIND = { api_key: 'API key', machine_client: 'machine client' } as const;
const quoted = (s: string) => `“${s.slice(0, 80)}”`;

/** One credential of a type by id (or client id), else by exact name (case-insensitive), among items; several by name: ambiguous. */
function pick<T extends { id: string; name: string; status: string; clientId?: string | null }>(items: readonly T[], ref: string, type: keyof typeof KIND, ws: WorkspaceRef, where: string): T {
  const byId = items.find((x) => x.id === ref || (x.clientId != null && x.clientId === ref));
  if (byId) return byId;
  const lower = ref.toLowerCase();
  const named = items.filter((x) => x.name.toLowerCase() === lower && x.status !== 'revoked');
  if (named.length === 1) return named[0]!;
  if (named.length > 1) throw new AppError('invalid_input', `${quoted(ref)} names ${named.length} ${KIND[type]}s in ${ws.name}; give the id (${named.map((x) => x.id).slice(0, 3).join(', ')}).`);
  throw new AppError('not_found', `No ${KIND[type]} ${quoted(ref)} in ${where}.`);
}

const keySet = (k: { scopes: string[]; ipAllowlist: string[]; expiresAt: string | null; rateLimitPerMinute: number | null }): GuardrailSet => ({
  scopes: [...k.scopes].sort(),
  ipAllowlist: [...k.ipAllowlist],
  expiresAt: k.expiresAt,
  rateLimitPerMinute: k.rateLimitPerMinute,
});
const liveKeySet = (k: PApiKey): GuardrailSet => keySet({ scopes: k.scopes, ipAllowlist: k.ip_allowlist, expiresAt: k.expires_at, rateLimitPerMinute: k.rate_limit_per_minute });

export function createGuardrailsService(deps: RotationDeps) {
  const now = () => deps.clock.now();
  const catalogue = () => new Set(deps.inventory.scopeCatalogue().map((s) => s.name));
  const cached = (ws: WorkspaceRef, type: keyof typeof KIND): InventoryCredential[] => deps.inventory.credentials().filter((c) => c.workspaceId === ws.id && c.type === type);
  const synced = (ws: WorkspaceRef) => `the synced inventory of ${ws.name} (sync the inventory, or check the id)`;

  /** after a change in place: the workspace's inventory re-read, or a sentence saying it was not */
  async function refresh(ws: WorkspaceRef): Promise<string | null> {
    deps.bus.emit('state.changed', { topic: 'rotation', workspaceId: ws.id });
    if (!deps.refreshInventory) return null;
    try {
      await deps.refreshInventory(ws.id);
      return null;
    } catch (err) {
      const why = err instanceof Error ? err.message.slice(0, 300) : 'the inventory sync failed';
      return `The change is applied on the platform; the local inventory still shows the old guardrails until the next sync (${why}).`;
    }
  }

  return {
    keysEditDryRun(input: Input<'keys.editDryRun'>): GuardrailsDryRun {
      const ws = resolveWorkspace(deps, input.workspace);
      const cred = pick(cached(ws, 'api_key'), input.key, 'api_key', ws, synced(ws));
      const current = keySet(cred);
      const p = proposeKeyGuardrails(current, input, { nowMs: now(), catalogue: catalogue() });
      return runDryRun(deps, { ws, cred, type: 'api_key', current, proposed: p.proposed, changes: p.changes, sinceDays: input.sinceDays ?? 30 });
    },

    async keysEdit(input: Input<'keys.edit'>): Promise<Output<'keys.edit'>> {
      const ws = resolveWorkspace(deps, input.workspace);
      // the proposal is checked before the first call: a bad allowlist or scope never reaches the platform
      proposeKeyGuardrails({ scopes: [], ipAllowlist: [], expiresAt: null, rateLimitPerMinute: null }, input, { nowMs: now(), catalogue: catalogue() });
      const live = (await deps.platform.apiKeys.list(ws.id)).data;
      const key = pick(live.map((k) => ({ ...k, clientId: null })), input.key, 'api_key', ws, ws.name);
      const before = liveKeySet(key);
      const p = proposeKeyGuardrails(before, input, { nowMs: now(), catalogue: catalogue() });
      if (p.changes.length === 0) {
        return { workspaceId: ws.id, workspaceName: ws.name, key: keySummary(key), before, after: before, changes: [], note: 'These are the key’s guardrails already: nothing was changed.' };
      }
      const updated = await deps.platform.apiKeys.patch(ws.id, key.id, p.body);
      deps.logger.info('keys.edited', { workspace: ws.id, key: key.id, fields: Object.keys(p.body) });
      const note = await refresh(ws);
      return { workspaceId: ws.id, workspaceName: ws.name, key: keySummary(updated), before, after: liveKeySet(updated), changes: p.changes, note };
    },

    clientsEditDryRun(input: Input<'clients.editDryRun'>): GuardrailsDryRun {
      const ws = resolveWorkspace(deps, input.workspace);
      const cred = pick(cached(ws, 'machine_client'), input.clientId, 'machine_client', ws, synced(ws));
      const current = keySet({ ...cred, expiresAt: null, rateLimitPerMinute: null });
      const allow = normalizeAllowlist(input.ipAllowlist);
      const same = JSON.stringify([...allow].sort()) === JSON.stringify([...current.ipAllowlist].sort());
      const changes = same ? [] : [`IP allowlist: ${allow.join(', ') || 'any address'} (was ${current.ipAllowlist.join(', ') || 'any address'})`];
      return runDryRun(deps, { ws, cred, type: 'machine_client', current, proposed: { ...current, ipAllowlist: allow }, changes, sinceDays: input.sinceDays ?? 30 });
    },

    async clientsEdit(input: Input<'clients.edit'>): Promise<Output<'clients.edit'>> {
      const ws = resolveWorkspace(deps, input.workspace);
      const allow = input.ipAllowlist === undefined ? undefined : normalizeAllowlist(input.ipAllowlist);
      const live = (await deps.platform.machineClients.list(ws.id)).data;
      const m = pick(live.map((x) => ({ ...x, clientId: x.client_id })), input.clientId, 'machine_client', ws, ws.name) as PMachineClient;
      const body: { name?: string; ip_allowlist?: string[]; daily_quota?: number } = {};
      const changes: string[] = [];
      const was = m.ip_allowlist ?? [];
      if (allow !== undefined && JSON.stringify([...allow].sort()) !== JSON.stringify([...was].sort())) {
        body.ip_allowlist = allow;
        changes.push(`IP allowlist: ${allow.join(', ') || 'any address'} (was ${was.join(', ') || 'any address'})`);
      }
      if (input.name !== undefined && input.name !== m.name) {
        body.name = input.name;
        changes.push(`Name: ${input.name} (was ${m.name})`);
      }
      if (input.dailyQuota !== undefined && input.dailyQuota !== m.daily_quota) {
        body.daily_quota = input.dailyQuota;
        changes.push(`Daily quota: ${input.dailyQuota.toLocaleString('en-US')} token requests (was ${m.daily_quota === null ? 'none' : m.daily_quota.toLocaleString('en-US')})`);
      }
      const summary = (c: PMachineClient) => ({ ...clientSummary(c, now()), ipAllowlist: c.ip_allowlist ?? [] });
      if (changes.length === 0) return { workspaceId: ws.id, client: summary(m), changes, note: 'These are the machine client’s settings already: nothing was changed.' };
      const updated = await deps.platform.machineClients.patch(ws.id, m.id, body);
      deps.logger.info('clients.edited', { workspace: ws.id, client: m.id, fields: Object.keys(body) });
      const note = await refresh(ws);
      return { workspaceId: ws.id, client: summary(updated), changes, note };
    },
  };
}
export type GuardrailsService = ReturnType<typeof createGuardrailsService>;
