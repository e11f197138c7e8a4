// The policy domain: which policy file this machine follows, local workspace tags, and checks of the cached state against
// the file (`grantdesk check`, the app's violation marks). It reads other domains only through the read models composition
// passes in, and the platform only to learn each workspace's plan.
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Input, Output } from '../../../src-common/contract/index.ts';
import type { PolicyCheckResult } from '../../../src-common/contract/policy.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { CallContext } from '../../rpc/handlers.ts';
import { AppError } from '../../rpc/app-error.ts';
import { evaluate, type PolicyCredential, type PolicyReview, type PolicyWorkspace } from './evaluate.ts';
import { MAX_POLICY_BYTES, parsePolicy, PLANS, type ParsedPolicy, type Plan } from './policy-file.ts';
import { renderReport } from './reports.ts';

export interface PolicyPorts {
  db: Db;
  clock: Clock;
  bus: EventBus;
  /** every workspace this machine knows (own grants), with names */
  workspaces: () => { workspaceId: string; workspaceName: string; status: string }[];
  credentials: () => PolicyCredential[];
  bundles: () => { workspaceId: string; name: string; scopes: string[] }[];
  reviews: () => PolicyReview[];
  /** inventory sync time per workspace (ms; absent: never synced) */
  inventorySyncedMs: () => Map<string, number | null>;
  /** the workspace's plan as the platform states it (GET /v1/workspace); null when it states none */
  fetchPlan: (workspaceId: string) => Promise<string | null>;
  /** sync every connected workspace (audit + inventory) */
  syncAll: () => Promise<void>;
}

const UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const parseDuration = (s: string) => Number(s.slice(0, -1)) * UNITS[s.slice(-1) as keyof typeof UNITS];

/** The policy file's size and change time (a sentence naming the path when it is missing, not a file or too big). */
function statPolicyFile(path: string): { size: number; mtimeMs: number } {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new AppError('invalid_input', `${path} is not a file; name the policy file itself.`);
    if (st.size > MAX_POLICY_BYTES) throw new AppError('invalid_input', `${path} is ${st.size} bytes; a policy file is at most 1 MiB.`);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('invalid_input', `Cannot read the policy file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : 'permission denied or unreadable'}.`);
  }
}

export function createPolicyService(p: PolicyPorts) {
  const st = {
    source: p.db.prepare<[], { path: string }>("SELECT path FROM policy_source WHERE key = 'current'"),
    setSource: p.db.prepare("INSERT INTO policy_source (key, path, set_ms) VALUES ('current', ?, ?) ON CONFLICT(key) DO UPDATE SET path = excluded.path, set_ms = excluded.set_ms"),
    clearSource: p.db.prepare("DELETE FROM policy_source WHERE key = 'current'"),
    tags: p.db.prepare<[], { workspace_id: string; tag: string }>('SELECT workspace_id, tag FROM policy_tags ORDER BY workspace_id, tag'),
    addTag: p.db.prepare('INSERT OR IGNORE INTO policy_tags (workspace_id, tag) VALUES (?, ?)'),
    removeTag: p.db.prepare('DELETE FROM policy_tags WHERE workspace_id = ? AND tag = ?'),
    plans: p.db.prepare<[], { workspace_id: string; plan: string }>('SELECT workspace_id, plan FROM policy_plans'),
    setPlan: p.db.prepare('INSERT INTO policy_plans (workspace_id, plan, fetched_ms) VALUES (?, ?, ?) ON CONFLICT(workspace_id) DO UPDATE SET plan = excluded.plan, fetched_ms = excluded.fetched_ms'),
  };
  // Every screen's violations and every alerts check read the followed file: parse it again only when it changed.
  let cached: { key: string; parsed: ParsedPolicy } | null = null;
  function loadPolicy(path: string, label: string): ParsedPolicy {
    const { size, mtimeMs } = statPolicyFile(path);
    const key = `${path}\u0000${label}\u0000${size}\u0000${mtimeMs}`;
    if (cached?.key === key) return cached.parsed;
    const parsed = parsePolicy(readFileSync(path), label);
    cached = { key, parsed };
    return parsed;
  }
  let watcher: FSWatcher | null = null;
  let watchedPath: string | null = null;

  function facts() {
    const tags = new Map<string, string[]>();
    for (const t of st.tags.all()) (tags.get(t.workspace_id) ?? tags.set(t.workspace_id, []).get(t.workspace_id)!).push(t.tag);
    const plans = new Map(st.plans.all().map((r) => [r.workspace_id, r.plan]));
    const workspaces: PolicyWorkspace[] = p
      .workspaces()
      .map((w) => ({ id: w.workspaceId, name: w.workspaceName, tags: tags.get(w.workspaceId) ?? [], plan: (PLANS as readonly string[]).includes(plans.get(w.workspaceId) ?? '') ? (plans.get(w.workspaceId) as Plan) : null }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const bundles = new Map<string, Map<string, string[]>>();
    for (const b of p.bundles()) (bundles.get(b.workspaceId) ?? bundles.set(b.workspaceId, new Map()).get(b.workspaceId)!).set(b.name, b.scopes);
    return { workspaces, credentials: p.credentials(), bundles, reviews: p.reviews(), nowMs: p.clock.now() };
  }

  function run(parsed: ParsedPolicy, file: string, maxAgeMs: number | null): PolicyCheckResult {
    const f = facts();
    const { groups, violations, unchecked, credentialsChecked, upcoming } = evaluate(parsed, f);
    const synced = p.inventorySyncedMs();
    const stale =
      maxAgeMs === null
        ? []
        : f.workspaces
            .filter((w) => {
              const ms = synced.get(w.id) ?? null;
              return ms === null || f.nowMs - ms > maxAgeMs;
            })
            .map((w) => {
              const ms = synced.get(w.id) ?? null;
              return { workspaceId: w.id, workspaceName: w.name, syncedAt: ms === null ? null : new Date(ms).toISOString() };
            });
    const inGroups = new Set(groups.flatMap((g) => g.workspaces.map((w) => w.id)));
    return {
      policyFile: file,
      policySha256: parsed.sha256,
      checkedAt: new Date(f.nowMs).toISOString(),
      groups: groups.map((g) => ({ name: g.name, workspaces: g.workspaces.length, members: g.workspaces.map((w) => ({ id: w.id, name: w.name })), baselineBundle: g.rules.baseline_bundle ?? null })),
      workspacesChecked: inGroups.size,
      credentialsChecked,
      violations,
      unchecked,
      upcoming,
      stale,
      exitCode: stale.length ? 2 : violations.length ? 1 : 0,
    };
  }

  async function refreshPlans(): Promise<void> {
    // one call per connected workspace; a workspace that does not answer keeps its last known plan
    const ids = p.workspaces().filter((w) => w.status === 'connected').map((w) => w.workspaceId);
    await Promise.all(
      ids.map(async (id) => {
        const plan = await p.fetchPlan(id).catch(() => null);
        if (plan && (PLANS as readonly string[]).includes(plan)) st.setPlan.run(id, plan, p.clock.now());
      }),
    );
  }

  function stopWatching() {
    watcher?.close();
    watcher = null;
    watchedPath = null;
  }
  function watchSource(path: string | null) {
    if (path === watchedPath) return;
    stopWatching();
    if (!path) return;
    try {
      // a change to the file marks the violations stale for every screen; the next read parses it again
      watcher = watch(path, { persistent: false }, () => p.bus.emit('state.changed', { topic: 'policy', workspaceId: null }));
      watchedPath = path;
    } catch {
      watchedPath = null;
    }
  }

  return {
    async check(i: Input<'policy.check'>, ctx: CallContext): Promise<Output<'policy.check'>> {
      let path: string;
      if (i.policy !== undefined) {
        // a hostile tab must never make main read a path it chose: only the user's own shell names one
        if (ctx.capabilities.fileAccess !== 'anywhere') throw new AppError('invalid_input', 'The app checks the policy file set on this machine; set it with `grantdesk policy use <file>`.');
        path = isAbsolute(i.policy) ? i.policy : resolve(process.cwd(), i.policy);
      } else {
        const src = st.source.get();
        if (!src) throw new AppError('invalid_input', 'No policy file: pass --policy <file>, or set one with `grantdesk policy use <file>`.');
        path = src.path;
      }
      const parsed = loadPolicy(path, i.policy ?? path);
      if (i.sync) {
        await p.syncAll();
        await refreshPlans();
      }
      const result = run(parsed, i.policy ?? path, i.maxAge ? parseDuration(i.maxAge) : null);
      const format = i.format ?? 'text';
      return { ...result, format, report: renderReport(result, format) };
    },

    violations(): Output<'policy.violations'> {
      const src = st.source.get();
      watchSource(src?.path ?? null);
      if (!src) return { result: null, file: null, problem: null };
      try {
        return { result: run(loadPolicy(src.path, src.path), src.path, null), file: src.path, problem: null };
      } catch (e) {
        if (e instanceof AppError) return { result: null, file: src.path, problem: e.message };
        throw e;
      }
    },

    use(i: Input<'policy.use'>, ctx: CallContext): Output<'policy.use'> {
      if (ctx.capabilities.fileAccess !== 'anywhere') throw new AppError('invalid_input', 'Choose the policy file from a terminal: `grantdesk policy use <file>` (the app never reads a path a window names).');
      if (i.clear) {
        st.clearSource.run();
        stopWatching();
        p.bus.emit('state.changed', { topic: 'policy', workspaceId: null });
        return { file: null };
      }
      const path = isAbsolute(i.file!) ? i.file! : resolve(process.cwd(), i.file!);
      loadPolicy(path, i.file!); // refuse a file that does not parse before this machine follows it
      st.setSource.run(path, p.clock.now());
      p.bus.emit('state.changed', { topic: 'policy', workspaceId: null });
      return { file: path };
    },

    tags(): Output<'policy.tags'> {
      const names = new Map(p.workspaces().map((w) => [w.workspaceId, w.workspaceName]));
      return { tags: st.tags.all().map((t) => ({ workspaceId: t.workspace_id, workspaceName: names.get(t.workspace_id) ?? t.workspace_id, tag: t.tag })) };
    },

    tag(i: Input<'policy.tag'>): Output<'policy.tags'> {
      if (!p.workspaces().some((w) => w.workspaceId === i.workspace)) throw new AppError('not_found', `No workspace ${i.workspace} is known here; connect it first.`);
      if (i.remove) st.removeTag.run(i.workspace, i.tag);
      else st.addTag.run(i.workspace, i.tag);
      p.bus.emit('state.changed', { topic: 'policy', workspaceId: i.workspace });
      return this.tags();
    },

    stop: stopWatching,
  };
}
export type PolicyService = ReturnType<typeof createPolicyService>;
