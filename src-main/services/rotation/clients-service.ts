// Machine clients (secret once, quota check with the new secret, usage + forecast), service tokens (minted, shown once,
// never stored) and the re-consent plan for a workspace's own grant.
import { contract, ERROR_REMEDIES, errorData, type DeliveryRequest, type MachineClient, type QuotaCheck, type Usage } from '../../../src-common/contract/index.ts';
import { AppError, toErrorData } from '../../rpc/app-error.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import type { DeliveryService } from './delivery-service.ts';
import { iso, resolveWorkspace, type RotationDeps } from './deps.ts';
import { normalizeAllowlist } from './guardrails-input.ts';
import type { MachineClient as PMachineClient } from '../../platform/index.ts';

const DAY = 86_400_000;
export const SECRET_ROTATION_DAYS = 90;

export const QUOTA_REMEDY = {
  near: 'Near the daily token quota: raise the client\'s daily quota, or make the job cache its access token until it expires instead of requesting one per call.',
  exhausted: 'Daily token quota exhausted: requests fail with 429 until the quota resets at midnight UTC. Raise the daily quota or wait for the reset (Retry-After).',
} as const;

const clean = (s: string, max = 200) => s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').slice(0, max);

export function clientSummary(m: PMachineClient, nowMs: number): MachineClient {
  const created = m.secret_created_at ?? m.created_at;
  const age = created ? Math.floor((nowMs - Date.parse(created)) / DAY) : null;
  return {
    id: m.id,
    name: m.name,
    clientId: m.client_id,
    scopes: m.scopes,
    dailyQuota: m.daily_quota,
    status: m.status,
    secretCreatedAt: m.secret_created_at ?? null,
    secretAgeDays: age,
    rotationDue: age !== null && age >= SECRET_ROTATION_DAYS,
    graceEndsAt: m.grace_ends_at ?? null,
    createdAt: m.created_at,
    lastUsedAt: m.last_used_at,
    ...(m.ip_allowlist ? { ipAllowlist: m.ip_allowlist } : {}),
  };
}

/** A simple forecast: least-squares trend over the 30 days, projected 14 days ahead, clamped at zero. */
export function forecast(days: Array<{ date: string; requests: number }>, quota: number, todayMs: number) {
  const n = days.length;
  const xs = days.map((_d, i) => i);
  const ys = days.map((d) => d.requests);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  const slope = den === 0 ? 0 : num / den;
  const intercept = my - slope * mx;
  const perDay = Array.from({ length: 14 }, (_v, k) => {
    const x = n + k;
    return { date: iso(todayMs + (k + 1) * DAY).slice(0, 10), expected: Math.max(0, Math.round(intercept + slope * x)) };
  });
  return { method: 'least-squares trend over the last 30 days, 14 days ahead', perDay, daysOverQuota: perDay.filter((p) => p.expected >= quota).map((p) => p.date) };
}

export const GRANTDESK_NEEDS: ReadonlyArray<{ scope: string; feature: string }> = [
  { scope: 'credentials:read', feature: 'credential inventory, scope matrix, key and client lists' },
  { scope: 'credentials:write', feature: 'rotation, revocation, machine clients, service tokens' },
  { scope: 'audit:read', feature: 'audit log sync and grace-period traffic' },
  { scope: 'offline_access', feature: 'staying connected (refresh tokens)' },
];

export function createClientsService(deps: RotationDeps, delivery: DeliveryService) {
  const now = () => deps.clock.now();
  const changed = (workspaceId: string) => deps.bus.emit('state.changed', { topic: 'rotation', workspaceId });

  async function listClients(wsId: string) {
    return (await deps.platform.machineClients.list(wsId)).data;
  }
  async function findClient(wsId: string, ref: string) {
    const m = (await listClients(wsId)).find((c) => c.id === ref || c.client_id === ref);
    if (!m) throw new AppError('not_found', `No machine client ${ref} in this workspace`);
    return m;
  }

  /** One client_credentials token request with the new secret: proves it works and reads the platform's quota headers. The token is discarded. */
  async function quotaCheck(wsId: string, clientId: string, secret: string): Promise<QuotaCheck> {
    const empty: QuotaCheck = { ok: false, status: null, limit: null, remaining: null, resetAt: null, warning: null, retryAfterSeconds: null, error: null, remedy: null };
    try {
      const { http, endpoints } = deps;
      const ep = await endpoints(wsId);
      const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
      const res = await http.request({
        method: 'POST',
        url: ep.tokenEndpoint,
        headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
        body: { form: { grant_type: 'client_credentials' } },
        deadlineMs: 15_000,
        maxBytes: 64 * 1024,
        retry: 'never',
      });
      const h = res.headers;
      const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : null);
      const reset = num(h['x-quota-reset']);
      const out: QuotaCheck = {
        ...empty,
        status: res.status,
        limit: num(h['x-quota-limit']),
        remaining: num(h['x-quota-remaining']),
        resetAt: reset === null ? null : iso(reset * 1000),
        warning: h['x-quota-warning'] ? clean(h['x-quota-warning']) : null,
        retryAfterSeconds: num(h['retry-after']),
      };
      if (res.status >= 200 && res.status < 300) {
        out.ok = true;
        if (out.warning || (out.limit !== null && out.remaining !== null && out.remaining <= out.limit * 0.1)) out.remedy = QUOTA_REMEDY.near;
      } else if (res.status === 429) {
        const body = (res.json ?? {}) as { error_description?: unknown };
        const desc = typeof body.error_description === 'string' ? clean(body.error_description) : 'daily token quota exhausted';
        out.error = errorData('rate_limited', `Token request refused: ${desc}`);
        out.remedy = QUOTA_REMEDY.exhausted;
      } else {
        const body = (res.json ?? {}) as { error?: unknown };
        out.error = errorData('platform_error', `Token request with the new secret failed: ${res.status}${typeof body.error === 'string' ? ` ${clean(body.error, 60)}` : ''}`);
        out.remedy = ERROR_REMEDIES.platform_error;
      }
      return out;
    } catch (err) {
      const e = toErrorData(err);
      return { ...empty, error: e, remedy: e.remedy };
    }
  }

  async function scopesOfOwnGrant(wsId: string): Promise<string[]> {
    // the connections domain's record of Grantdesk's own grant; the platform's app list when it holds no scopes
    const recorded = deps.grants.ownGrant(wsId)?.scopes ?? [];
    if (recorded.length) return recorded;
    const apps = (await deps.platform.apps.list(wsId)).data;
    const own = apps.filter((a) => a.client_id === 'grantdesk-desktop' && a.status === 'active').sort((a, b) => b.granted_at.localeCompare(a.granted_at))[0];
    if (!own) throw new AppError('not_found', 'Grantdesk\'s own grant is not listed among the workspace\'s apps');
    return [...own.scopes].sort();
  }

  return {
    async list(input: { workspace: string }) {
      const ws = resolveWorkspace(deps, input.workspace);
      return { workspaceId: ws.id, workspaceName: ws.name, clients: (await listClients(ws.id)).map((m) => clientSummary(m, now())) };
    },

    async create(input: { workspace: string; name: string; scopes: string[]; dailyQuota: number; ipAllowlist?: string[] } & DeliveryRequest, caps: Capabilities) {
      const ws = resolveWorkspace(deps, input.workspace);
      // checked before anything is called, like a guardrails edit (bad CIDR, IPv4-mapped, /0 refused with the field)
      const allow = input.ipAllowlist === undefined ? undefined : normalizeAllowlist(input.ipAllowlist);
      const plan = delivery.plan(input, caps);
      const c = await deps.platform.machineClients.create(ws.id, { name: input.name, scopes: input.scopes, daily_quota: input.dailyQuota, ...(allow?.length ? { ip_allowlist: allow } : {}) });
      const check = await quotaCheck(ws.id, c.client_id, c.client_secret);
      deps.logger.info('clients.created', { workspace: ws.id, client: c.id });
      changed(ws.id);
      const { secret, ...outcome } = await delivery.hand(plan, c.client_secret, `client ${c.id}`);
      return { client: clientSummary(c, now()), ...(secret === undefined ? {} : { clientSecret: secret }), check, ...outcome };
    },

    async rotate(input: { workspace: string; clientId: string; grace?: number } & DeliveryRequest, caps: Capabilities) {
      const ws = resolveWorkspace(deps, input.workspace);
      const plan = delivery.plan(input, caps);
      const m = await findClient(ws.id, input.clientId);
      const c = await deps.platform.machineClients.rotate(ws.id, m.id, { grace_days: input.grace ?? 7 });
      const check = await quotaCheck(ws.id, c.client_id, c.client_secret);
      deps.logger.info('clients.rotated', { workspace: ws.id, client: m.id, graceDays: input.grace ?? 7 });
      changed(ws.id);
      const { secret, ...outcome } = await delivery.hand(plan, c.client_secret, `client ${m.id}`);
      return { client: clientSummary(c, now()), ...(secret === undefined ? {} : { clientSecret: secret }), check, ...outcome };
    },

    async setEnabled(input: { workspace: string; clientId: string }, enabled: boolean) {
      const ws = resolveWorkspace(deps, input.workspace);
      const m = await findClient(ws.id, input.clientId);
      const c = await deps.platform.machineClients.setEnabled(ws.id, m.id, enabled);
      deps.logger.info(enabled ? 'clients.enabled' : 'clients.disabled', { workspace: ws.id, client: m.id });
      changed(ws.id);
      return { client: clientSummary(c, now()) };
    },

    async usage(input: { workspace: string; clientId: string }): Promise<Usage> {
      const ws = resolveWorkspace(deps, input.workspace);
      const m = await findClient(ws.id, input.clientId);
      const u = await deps.platform.machineClients.usage(ws.id, m.id);
      const todayMs = Date.parse(`${iso(now()).slice(0, 10)}T00:00:00.000Z`);
      const byDate = new Map(u.data.map((d) => [d.date, d.token_requests]));
      const days = Array.from({ length: 30 }, (_v, i) => {
        const date = iso(todayMs - (29 - i) * DAY).slice(0, 10);
        return { date, requests: byDate.get(date) ?? 0 };
      });
      const quota = u.daily_quota;
      const level = u.remaining_today <= 0 ? 'exhausted' : u.remaining_today <= quota * 0.1 ? 'near' : 'ok';
      return {
        workspaceId: ws.id,
        clientId: u.client_id,
        id: u.id,
        dailyQuota: quota,
        usedToday: u.used_today,
        remainingToday: u.remaining_today,
        level,
        warning: level === 'exhausted' ? `Daily quota of ${quota} token requests used up today` : level === 'near' ? `${u.remaining_today} of ${quota} daily token requests remaining` : null,
        remedy: level === 'ok' ? null : QUOTA_REMEDY[level],
        days,
        forecast: forecast(days, quota, todayMs),
      };
    },

    async mintServiceToken(input: { workspace: string; scopes: string[]; ttl: number; name?: string }) {
      const ws = resolveWorkspace(deps, input.workspace);
      const t = await deps.platform.serviceTokens.mint(ws.id, { scopes: input.scopes, ttl_minutes: input.ttl, name: input.name ?? 'Grantdesk one-off job' });
      deps.logger.info('serviceTokens.minted', { workspace: ws.id, id: t.id, ttlMinutes: input.ttl });
      return { workspaceId: ws.id, id: t.id, scopes: t.scopes, expiresAt: t.expires_at, ttlMinutes: input.ttl, token: t.token };
    },

    async reconsentPlan(input: { workspace: string; scopes?: string[]; drop?: string[] }) {
      const ws = resolveWorkspace(deps, input.workspace);
      if (input.scopes !== undefined && input.drop !== undefined) throw new AppError('invalid_input', 'give scopes (the new set) or drop (scopes to remove), not both');
      const before = await scopesOfOwnGrant(ws.id);
      const drop = new Set(input.drop ?? []);
      const after = [...new Set(input.scopes ?? before.filter((s) => !drop.has(s)))].sort();
      if (!after.includes('offline_access') && before.includes('offline_access') && input.scopes !== undefined) after.push('offline_access');
      const added = after.filter((s) => !before.includes(s));
      const removed = before.filter((s) => !after.includes(s));
      const warnings = GRANTDESK_NEEDS.filter((n) => removed.includes(n.scope)).map((n) => `Removing ${n.scope} disables: ${n.feature}.`);
      if (added.length) warnings.push(`Adds ${added.join(', ')}: the workspace admin must approve the wider grant.`);
      if (!added.length && !removed.length) warnings.push('No change: the grant already has exactly these scopes.');
      const def = (contract as Record<string, { input: unknown }>)['workspaces.connect'];
      const shape = (def?.input as { shape?: Record<string, unknown> } | undefined)?.shape;
      const available = !!shape && 'scopes' in shape;
      return {
        workspaceId: ws.id,
        workspaceName: ws.name,
        before,
        after,
        added,
        removed,
        requiredByGrantdesk: GRANTDESK_NEEDS.filter((n) => after.includes(n.scope) || before.includes(n.scope)).map((n) => ({ ...n })),
        warnings,
        handoff: { command: 'workspaces.connect', available, input: { workspace: ws.id, scopes: after } },
      };
    },
  };
}
export type ClientsService = ReturnType<typeof createClientsService>;
