// The expiry calendar: one timeline across all workspaces, read from the local caches only (works offline).
// Sources: the inventory cache (inv_credentials: key expiries, grace ends, client-secret ages, service-token expiries),
// the rotation wizards (grace ends), the connections cache (grant lifetimes) and review grants (reviews domain).
// A missing source is reported as missing, never shown as an empty calendar.
import type { Calendar, CalendarItem, CalendarKind } from '../../../src-common/contract/index.ts';
import type { Db } from '../../ports/db.ts';
import { iso, type RotationDeps } from './deps.ts';
import { SECRET_ROTATION_DAYS } from './clients-service.ts';

const DAY = 86_400_000;
/** The platform's grant lifetime (docs/platform-api.md: a grant lives 365 days from consent). */
export const GRANT_LIFETIME_DAYS = 365;

const tableExists = (db: Db, name: string) => db.prepare(`SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?`).get(name) !== undefined;
const columns = (db: Db, name: string) => new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as Array<{ name: string }>).map((c) => c.name));

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
  sources.push({ name: 'rotation wizards', state: open.length ? 'ok' : 'empty', detail: `${open.length} rotation(s) in a grace period` });

  // 2. inventory cache
  if (tableExists(db, 'inv_credentials')) {
    const cols = columns(db, 'inv_credentials');
    const has = (c: string) => cols.has(c);
    const rows = db
      .prepare(
        `SELECT workspace_id, id, type, name, status, ${has('prefix') ? 'prefix' : 'NULL AS prefix'}, ${has('last_four') ? 'last_four' : 'NULL AS last_four'},
         ${has('expires_at') ? 'expires_at' : 'NULL AS expires_at'}, ${has('grace_ends_at') ? 'grace_ends_at' : 'NULL AS grace_ends_at'},
         ${has('secret_created_at') ? 'secret_created_at' : 'NULL AS secret_created_at'}, created_at
         FROM inv_credentials WHERE status NOT IN ('revoked')`,
      )
      .all() as Array<Record<string, string | null>>;
    for (const c of rows) {
      const ws = c.workspace_id!;
      const label = c.prefix || c.last_four ? `${c.prefix ?? ''}…${c.last_four ?? ''}` : c.id!;
      if (c.type === 'api_key') {
        if (c.expires_at && c.status !== 'expired')
          push({ key: `exp:${ws}/${c.id}`, kind: 'key_expiry', at: c.expires_at, workspaceId: ws, credentialId: c.id!, credentialType: 'api_key', title: `API key ${c.name} (${label}) expires`, detail: 'Rotate it before it expires; the new key inherits the expiry unless changed.', action: { kind: 'rotate_key', wizardId: null } });
        if (c.grace_ends_at && !wizardGrace.has(`${ws}/${c.id}`))
          push({ key: `grace:${ws}/${c.id}`, kind: 'grace_end', at: c.grace_ends_at, workspaceId: ws, credentialId: c.id!, credentialType: 'api_key', title: `Grace ends for ${c.name} (${label})`, detail: 'Rotated outside this Grantdesk (or before a restart); the old key stops working.', action: { kind: 'none', wizardId: null } });
      } else if (c.type === 'machine_client' && c.status !== 'disabled') {
        const since = c.secret_created_at ?? c.created_at;
        if (since)
          push({ key: `age:${ws}/${c.id}`, kind: 'secret_age', at: iso(Date.parse(since) + SECRET_ROTATION_DAYS * DAY), workspaceId: ws, credentialId: c.id!, credentialType: 'machine_client', title: `Client secret of ${c.name} reaches ${SECRET_ROTATION_DAYS} days`, detail: `Secret issued ${since}; rotation is due at ${SECRET_ROTATION_DAYS} days.`, action: { kind: 'rotate_client', wizardId: null } });
      } else if (c.type === 'service_token' && c.expires_at && Date.parse(c.expires_at) > nowMs) {
        push({ key: `st:${ws}/${c.id}`, kind: 'token_expiry', at: c.expires_at, workspaceId: ws, credentialId: c.id!, credentialType: 'service_token', title: `Service token ${c.name} expires`, detail: 'Short-lived by design; nothing to do.', action: { kind: 'none', wizardId: null } });
      }
    }
    sources.push({ name: 'credential inventory', state: rows.length ? 'ok' : 'empty', detail: rows.length ? `${rows.length} cached credentials` : 'inventory not synced yet: run a credential sync' });
  } else sources.push({ name: 'credential inventory', state: 'missing', detail: 'the inventory cache is not in this build' });

  // 3. grant lifetimes (connections cache)
  if (tableExists(db, 'workspaces') && columns(db, 'workspaces').has('connected_at')) {
    const rows = db.prepare(`SELECT id, name, connected_at FROM workspaces WHERE status != 'disconnected' AND connected_at IS NOT NULL`).all() as Array<{ id: string; name: string; connected_at: number | string }>;
    for (const w of rows) {
      const ms = typeof w.connected_at === 'number' ? w.connected_at : Date.parse(w.connected_at);
      if (!Number.isFinite(ms)) continue;
      push({ key: `grant:${w.id}`, kind: 'grant_lifetime', at: iso(ms + GRANT_LIFETIME_DAYS * DAY), workspaceId: w.id, workspaceName: w.name, credentialId: null, credentialType: 'app', title: `Grantdesk's grant for ${w.name} reaches its lifetime`, detail: `Connected ${iso(ms)}; grants live ${GRANT_LIFETIME_DAYS} days. Re-consent before then.`, action: { kind: 'reconsent', wizardId: null } });
    }
    sources.push({ name: 'workspace grants', state: rows.length ? 'ok' : 'empty', detail: `${rows.length} connected workspace grant(s)` });
  } else sources.push({ name: 'workspace grants', state: 'missing', detail: 'the connections cache is not in this build' });

  // 4. review grants (reviews domain)
  const reviewTable = ['review_grants', 'reviews'].find((t) => tableExists(db, t) && columns(db, t).has('ends_at'));
  if (reviewTable) {
    const rows = db.prepare(`SELECT * FROM ${reviewTable} WHERE ends_at IS NOT NULL`).all() as Array<Record<string, unknown>>;
    for (const r of rows) {
      const ws = String(r.workspace_id ?? '');
      const at = typeof r.ends_at === 'number' ? iso(r.ends_at) : String(r.ends_at);
      if (ws) push({ key: `review:${String(r.id)}`, kind: 'review_end', at, workspaceId: ws, credentialId: null, credentialType: null, title: 'Auditor review grant ends', detail: String(r.name ?? r.reviewer ?? 'review'), action: { kind: 'none', wizardId: null } });
    }
    sources.push({ name: 'review grants', state: rows.length ? 'ok' : 'empty', detail: `${rows.length} review grant(s)` });
  } else sources.push({ name: 'review grants', state: 'missing', detail: 'review grants are not cached by this build yet (reviews domain)' });

  items.sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
  const wsIds = [...new Set(items.map((i) => i.workspaceId))];
  return { generatedAt: iso(nowMs), items, sources, workspaces: wsIds.map((id) => ({ id, name: names.get(id) ?? items.find((i) => i.workspaceId === id)!.workspaceName })) };
}
