// The expiry calendar: one timeline across all workspaces, read from the local caches only (works offline).
// Sources: the rotation wizards (grace ends, our own table) and the other domains' read models, passed in as ports: the
// inventory (key expiries, grace ends, client-secret ages, service-token expiries), connections (grant lifetimes) and
// reviews (auditor review grant ends). A source that holds nothing yet is named with its state, never a silent empty calendar.
import type { Calendar, CalendarItem, CalendarKind } from '../../../src-common/contract/index.ts';
import { iso, type RotationDeps } from './deps.ts';
import { SECRET_ROTATION_DAYS } from './clients-service.ts';

const DAY = 86_400_000;
/** "1 rotation", "3 rotations": source details are words for a person */
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
/** "today", "1 day ago", "85 days ago": no raw timestamps in a sentence (the item's own date is shown beside it) */
const daysAgo = (ms: number, nowMs: number) => {
  const d = Math.floor((nowMs - ms) / DAY);
  return d <= 0 ? 'today' : d === 1 ? '1 day ago' : `${d} days ago`;
};
/** The platform's grant lifetime (docs/platform-api.md: a grant lives 365 days from consent). */
export const GRANT_LIFETIME_DAYS = 365;

export function buildCalendar(deps: RotationDeps, input: { workspace?: string; kinds?: CalendarKind[]; withinDays?: number; includeOverdue?: boolean }): Calendar {
  const { db } = deps;
  const nowMs = deps.clock.now();
  const within = input.withinDays ?? 90;
  const includeOverdue = input.includeOverdue ?? true;
  const kinds = new Set<CalendarKind>(input.kinds ?? ['key_expiry', 'grace_end', 'secret_age', 'grant_lifetime', 'review_end', 'token_expiry']);
  const dir = deps.workspaces.list();
  const names = new Map(dir.map((w) => [w.id, w.name]));
  const wsFilter = input.workspace ? (dir.find((w) => w.id === input.workspace || w.name.toLowerCase() === input.workspace!.toLowerCase())?.id ?? input.workspace) : null;
  const items: CalendarItem[] = [];
  const sources: Calendar['sources'] = [];

  const push = (it: Omit<CalendarItem, 'daysLeft' | 'severity' | 'workspaceName'> & { workspaceName?: string }) => {
    if (!kinds.has(it.kind)) return;
    if (wsFilter && it.workspaceId !== wsFilter) return;
    const atMs = Date.parse(it.at);
    if (!Number.isFinite(atMs)) return;
    const daysLeft = Math.floor((atMs - nowMs) / DAY);
    if (atMs > nowMs + within * DAY) return;
    if (atMs < nowMs && !includeOverdue) return;
    const severity = atMs < nowMs ? 'overdue' : daysLeft <= 14 ? 'soon' : 'later';
    items.push({ ...it, workspaceName: it.workspaceName ?? names.get(it.workspaceId) ?? it.workspaceId, daysLeft, severity });
  };

  // 1. rotation wizards (grace ends of rotations in progress)
  const wizardGrace = new Set<string>();
  const open = db.prepare(`SELECT id, workspace_id, workspace_name, old_key_id, old_key_label, key_name, grace_ends_at, step FROM rot_wizards WHERE step IN ('rotated','acknowledged','verified','grace') AND grace_ends_at IS NOT NULL`).all() as Array<Record<string, string>>;
  for (const w of open) {
    wizardGrace.add(`${w.workspace_id}/${w.old_key_id}`);
    push({
      key: `grace:${w.id}`,
      kind: 'grace_end',
      at: w.grace_ends_at!,
      workspaceId: w.workspace_id!,
      workspaceName: w.workspace_name,
      credentialId: w.old_key_id!,
      credentialType: 'api_key',
      title: `Grace ends for ${w.key_name} (${w.old_key_label})`,
      detail: `The old key stops working; rotation wizard at step ${w.step}.`,
      action: { kind: 'watch_grace', wizardId: w.id! },
    });
  }
  sources.push({ name: 'rotation wizards', state: open.length ? 'ok' : 'empty', detail: open.length ? `${plural(open.length, 'rotation')} in a grace period` : 'no rotation in a grace period' });

  // 2. inventory cache (the inventory domain's read model)
  const creds = deps.inventory.credentials().filter((c) => c.status !== 'revoked');
  for (const c of creds) {
    const ws = c.workspaceId;
    const label = c.prefix || c.lastFour ? `${c.prefix ?? ''}…${c.lastFour ?? ''}` : c.id;
    if (c.type === 'api_key') {
      if (c.expiresAt && c.status !== 'expired')
        push({ key: `exp:${ws}/${c.id}`, kind: 'key_expiry', at: c.expiresAt, workspaceId: ws, credentialId: c.id, credentialType: 'api_key', title: `API key ${c.name} (${label}) expires`, detail: 'Rotate it before it expires; the new key inherits the expiry unless changed.', action: { kind: 'rotate_key', wizardId: null } });
      if (c.graceEndsAt && !wizardGrace.has(`${ws}/${c.id}`))
        push({ key: `grace:${ws}/${c.id}`, kind: 'grace_end', at: c.graceEndsAt, workspaceId: ws, credentialId: c.id, credentialType: 'api_key', title: `Grace ends for ${c.name} (${label})`, detail: 'Rotated outside this Grantdesk (or before a restart); the old key stops working.', action: { kind: 'none', wizardId: null } });
    } else if (c.type === 'machine_client' && c.status !== 'disabled') {
      const since = c.secretCreatedAt ?? c.createdAt;
      if (since)
        push({ key: `age:${ws}/${c.id}`, kind: 'secret_age', at: iso(Date.parse(since) + SECRET_ROTATION_DAYS * DAY), workspaceId: ws, credentialId: c.id, credentialType: 'machine_client', title: `Client secret of ${c.name} reaches ${SECRET_ROTATION_DAYS} days`, detail: `The secret was issued ${daysAgo(Date.parse(since), nowMs)}; rotation is due at ${SECRET_ROTATION_DAYS} days.`, action: { kind: 'rotate_client', wizardId: null } });
    } else if (c.type === 'service_token' && c.expiresAt && Date.parse(c.expiresAt) > nowMs) {
      push({ key: `st:${ws}/${c.id}`, kind: 'token_expiry', at: c.expiresAt, workspaceId: ws, credentialId: c.id, credentialType: 'service_token', title: /service token/i.test(c.name) ? `${c.name} expires` : `Service token ${c.name} expires`, detail: 'Short-lived by design; nothing to do.', action: { kind: 'none', wizardId: null } });
    }
  }
  sources.push({ name: 'credential inventory', state: creds.length ? 'ok' : 'empty', detail: creds.length ? `${plural(creds.length, 'cached credential')}` : 'the credential inventory is not synced yet (sync it on the Credentials screen)' });

  // 3. grant lifetimes (the connections domain's read model)
  const grants = deps.grants.ownGrants().filter((g) => g.status !== 'disconnected' && g.connectedAtMs !== null);
  for (const g of grants) {
    const ms = g.connectedAtMs!;
    push({ key: `grant:${g.workspaceId}`, kind: 'grant_lifetime', at: iso(ms + GRANT_LIFETIME_DAYS * DAY), workspaceId: g.workspaceId, workspaceName: g.workspaceName, credentialId: null, credentialType: 'app', title: `Grantdesk's grant for ${g.workspaceName} reaches its lifetime`, detail: `Connected ${daysAgo(ms, nowMs)}; grants live ${GRANT_LIFETIME_DAYS} days. Re-consent before then.`, action: { kind: 'reconsent', wizardId: null } });
  }
  sources.push({ name: 'workspace grants', state: grants.length ? 'ok' : 'empty', detail: grants.length ? `${plural(grants.length, 'workspace grant')} of Grantdesk` : 'no workspace connected through Grantdesk here yet' });

  // 4. auditor review grants (the review domain's read model): issued from here, or redeemed here
  const reviews = deps.reviews.grantEnds();
  for (const r of reviews) {
    push({
      key: `review:${r.side}:${r.reviewId}`,
      kind: 'review_end',
      at: r.expiresAt,
      workspaceId: r.workspaceId,
      ...(r.workspaceName ? { workspaceName: r.workspaceName } : {}),
      credentialId: null,
      credentialType: null,
      title: r.side === 'issued' ? `Auditor review for ${r.reviewerName ?? 'an auditor'} ends` : 'Your auditor review grant ends',
      detail:
        r.side === 'issued'
          ? `${r.status === 'pending' ? 'Not redeemed yet; its code stops working then.' : "The auditor's read-only access ends."} Extend it on Reviews (at most 30 days from its issue) or issue a new review.`
          : "Access ends and the cached data follows the review's policy.",
      action: { kind: 'none', wizardId: null },
    });
  }
  sources.push({ name: 'review grants', state: reviews.length ? 'ok' : 'empty', detail: reviews.length ? `${plural(reviews.length, 'auditor review grant')}` : 'no auditor review issued or redeemed here' });

  items.sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
  const wsIds = [...new Set(items.map((i) => i.workspaceId))];
  return { generatedAt: iso(nowMs), items, sources, workspaces: wsIds.map((id) => ({ id, name: names.get(id) ?? items.find((i) => i.workspaceId === id)!.workspaceName })) };
}
