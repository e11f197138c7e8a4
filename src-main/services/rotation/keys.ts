// API keys outside the wizard: how a key reads in the contract (label, never the secret), the guardrails a rotation
// inherits, the list, and creating a key (its secret shown once, never stored).
import type { ApiKeySummary, DeliveryRequest, Guardrails } from '../../../src-common/contract/index.ts';
import type { ApiKey as PApiKey } from '../../platform/index.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import type { DeliveryService } from './delivery-service.ts';
import { checkCidr, invalidCidrs } from './cidr.ts';
import { resolveWorkspace, type RotationDeps } from './deps.ts';

const DAY = 86_400_000;

export function keySummary(k: PApiKey): ApiKeySummary {
  return {
    id: k.id,
    name: k.name,
    label: `${k.prefix ?? ''}…${k.last_four ?? ''}`,
    scopes: k.scopes,
    ipAllowlist: k.ip_allowlist,
    expiresAt: k.expires_at,
    rateLimitPerMinute: k.rate_limit_per_minute,
    createdAt: k.created_at,
    lastUsedAt: k.last_used_at,
    status: k.status,
    graceEndsAt: k.grace_ends_at ?? null,
    rotatedFrom: k.rotated_from ?? null,
  };
}

// built on first use, not at module load: creating an Intl formatter loads ICU data (~20 ms of every CLI start otherwise)
let utcDate: Intl.DateTimeFormat | undefined;
/** a date a person reads in a sentence from main (which does not know the reader's time zone): "Dec 5, 2026, 00:00 UTC" */
function utcDateText(ms: number): string {
  utcDate ??= new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
  return `${utcDate.format(ms)} UTC`;
}

export function guardrailsFor(k: PApiKey, graceDays: number, nowMs: number): Guardrails {
  const ip = k.ip_allowlist.map(checkCidr);
  const wd = k.scopes.filter((s) => /:(write|delete)$/.test(s));
  const expMs = k.expires_at ? Date.parse(k.expires_at) : null;
  const expiresInDays = expMs === null ? null : Math.floor((expMs - nowMs) / DAY);
  const warnings: string[] = [];
  if (ip.length === 0) warnings.push('No IP allowlist: the new key will work from any address. Consider restricting it to your callers.');
  for (const c of ip) if (c.problem) warnings.push(`IP allowlist: ${c.problem}`);
  if (wd.length) warnings.push(`Holds write/delete scopes (${wd.join(', ')}); the new key inherits them.`);
  if (expMs !== null && expMs <= nowMs) warnings.push('The key has expired; it cannot be rotated.');
  else if (expMs !== null && expMs <= nowMs + graceDays * DAY) warnings.push(`The key expires ${utcDateText(expMs)} — before the ${graceDays}-day grace period ends; the new key inherits this expiry.`);
  else if (expMs !== null) warnings.push(`The new key inherits the expiry, ${utcDateText(expMs)} (in ${expiresInDays} days).`);
  if (k.rate_limit_per_minute === null) warnings.push('No rate limit: a leaked new key could be used at full speed.');
  if (k.last_used_at === null) warnings.push('This key was never used: revoking it may be better than rotating it.');
  if (graceDays === 0) warnings.push('Grace 0 days: the old key stops working the moment you rotate.');
  return { scopes: k.scopes, writeOrDeleteScopes: wd, ipAllowlist: ip, expiresAt: k.expires_at, expiresInDays, rateLimitPerMinute: k.rate_limit_per_minute, warnings };
}

export async function listKeys(deps: RotationDeps, workspaceId: string): Promise<PApiKey[]> {
  return (await deps.platform.apiKeys.list(workspaceId)).data;
}

export function createKeysCommands(deps: RotationDeps, delivery: DeliveryService) {
  const changed = (workspaceId: string) => deps.bus.emit('state.changed', { topic: 'rotation', workspaceId });
  return {
    async keysList(input: { workspace: string; includeRevoked?: boolean }) {
      const ws = resolveWorkspace(deps, input.workspace);
      const keys = (await listKeys(deps, ws.id)).filter((k) => input.includeRevoked || k.status !== 'revoked').map(keySummary);
      return { workspaceId: ws.id, workspaceName: ws.name, keys };
    },

    async keysCreate(input: { workspace: string; name: string; scopes: string[]; ipAllowlist?: string[]; expiresInDays?: number; rateLimitPerMinute?: number; environment?: 'live' | 'test' } & DeliveryRequest, caps: Capabilities) {
      const ws = resolveWorkspace(deps, input.workspace);
      const bad = invalidCidrs(input.ipAllowlist ?? []);
      if (bad.length) throw new AppError('invalid_input', `ipAllowlist: ${bad.map((b) => b.problem).join('; ')}`);
      // checked before the platform issues anything: a refused or unknown target costs no key
      const plan = delivery.plan(input, caps);
      const body = {
        name: input.name,
        scopes: input.scopes,
        ip_allowlist: (input.ipAllowlist ?? []).map((c) => checkCidr(c).normalized),
        expires_in_days: input.expiresInDays,
        rate_limit_per_minute: input.rateLimitPerMinute,
        environment: input.environment,
      };
      const created = await deps.platform.apiKeys.create(ws.id, body);
      deps.logger.info('keys.created', { workspace: ws.id, key: created.id });
      changed(ws.id);
      return { workspaceId: ws.id, key: keySummary(created), ...(await delivery.hand(plan, created.secret, `key ${created.id}`)) };
    },
  };
}
