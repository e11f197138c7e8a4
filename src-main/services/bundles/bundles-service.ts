// Scope bundles (issue 14.5): a workspace's reusable scope sets managed live on the platform (list, create, edit, delete),
// and one agency bundle pushed to many workspaces with a result per workspace. A push is idempotent: a workspace that
// already has a bundle of that name (case-insensitive) gets it updated, or left alone when it already matches; a second
// bundle of the same name is never created. After a change the workspace's inventory is re-read, so the scope matrix's
// baseline picker (inventory.setBaseline) offers the bundle at once.
import { mapPool } from '../pool.ts';
import type { BundlePush, BundlePushResult, Input, Output, ScopeBundle } from '../../../src-common/contract/index.ts';
import type { Bundle, PlatformClient } from '../../platform/index.ts';
import type { EventBus } from '../../ports/events.ts';
import type { Logger } from '../../ports/logger.ts';
import type { WorkspaceDirectory, WorkspaceRef } from '../../ports/platform.ts';
import { AppError, toErrorData } from '../../rpc/app-error.ts';

export interface BundlesDeps {
  platform: PlatformClient;
  workspaces: WorkspaceDirectory;
  /** the inventory's synced bundles (every workspace) and scope catalogue, through its read model */
  cachedBundles: () => ReadonlyArray<{ workspaceId: string; name: string; description: string | null; scopes: string[] }>;
  catalogue: () => ReadonlyArray<{ name: string }>;
  /** re-reads one workspace's inventory after a bundle changed there */
  refreshInventory?: (workspaceId: string) => Promise<void>;
  bus: EventBus;
  logger: Logger;
  concurrency?: () => number;
}

const quoted = (s: string) => `“${s.slice(0, 80)}”`;
const sorted = (s: readonly string[]) => [...new Set(s)].sort();
const same = (a: readonly string[], b: readonly string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

export function toBundle(b: Bundle): ScopeBundle {
  return { id: b.id, name: b.name, description: b.description ?? null, scopes: sorted(b.scopes), createdAt: b.created_at ?? null, updatedAt: b.updated_at ?? null };
}


export function createBundlesService(deps: BundlesDeps) {
  function resolve(ref: string): WorkspaceRef {
    const list = deps.workspaces.list();
    const lower = ref.toLowerCase();
    const ws = list.find((w) => w.id === ref) ?? list.find((w) => w.name.toLowerCase() === lower);
    if (!ws) throw new AppError('not_found', `No connected workspace ${quoted(ref)}.`);
    if (ws.status === 'needs_reconsent') throw new AppError('needs_reconsent', `Workspace ${ws.name} needs to be reconnected.`);
    if (ws.status === 'disconnected') throw new AppError('not_found', `Workspace ${ws.name} is disconnected.`);
    return ws;
  }
  function checkScopes(scopes: readonly string[]) {
    const known = new Set(deps.catalogue().map((s) => s.name));
    const unknown = known.size ? scopes.filter((s) => !known.has(s)) : [];
    if (unknown.length)
      throw new AppError('invalid_input', `Scopes: ${unknown.map((s) => JSON.stringify(s)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the platform's scope catalogue.`, {
        fields: unknown.slice(0, 8).map((s) => ({ field: 'scopes', label: 'Scopes', message: `${JSON.stringify(s)} is not in the platform's scope catalogue.` })),
      });
  }
  const live = async (ws: WorkspaceRef) => (await deps.platform.scopeBundles.list(ws.id)).data;
  function find(list: readonly Bundle[], ref: string, ws: WorkspaceRef): Bundle {
    const byId = list.find((b) => b.id === ref);
    if (byId) return byId;
    const named = list.filter((b) => b.name.toLowerCase() === ref.toLowerCase());
    if (named.length === 1) return named[0]!;
    if (named.length > 1) throw new AppError('invalid_input', `${quoted(ref)} names ${named.length} bundles in ${ws.name}; give the id (${named.map((b) => b.id).slice(0, 3).join(', ')}).`);
    throw new AppError('not_found', `No scope bundle ${quoted(ref)} in ${ws.name}.`);
  }
  /** the inventory re-read after a change; a sentence when it could not be */
  async function refresh(ws: WorkspaceRef): Promise<string | null> {
    deps.bus.emit('state.changed', { topic: 'inventory', workspaceId: ws.id });
    if (!deps.refreshInventory) return null;
    try {
      await deps.refreshInventory(ws.id);
      return null;
    } catch (err) {
      deps.logger.warn('bundles.refresh_failed', { workspace: ws.id });
      return err instanceof Error ? err.message.slice(0, 300) : 'the inventory sync failed';
    }
  }

  /** The definition a push sends: the scopes given, the `from` workspace's bundle, or the synced bundles of that name if they agree. */
  async function definition(input: Input<'bundles.push'>): Promise<{ scopes: string[]; description: string | null | undefined; source: string }> {
    const description = input.description;
    if (input.scopes) {
      checkScopes(input.scopes);
      return { scopes: sorted(input.scopes), description, source: 'the scopes given' };
    }
    if (input.from) {
      const ws = resolve(input.from);
      const b = find(await live(ws), input.name, ws);
      return { scopes: sorted(b.scopes), description: description ?? b.description ?? null, source: `${ws.name}'s bundle ${quoted(b.name)}` };
    }
    const lower = input.name.toLowerCase();
    const hits = deps.cachedBundles().filter((b) => b.name.toLowerCase() === lower);
    if (hits.length === 0) throw new AppError('not_found', `No synced scope bundle named ${quoted(input.name)}: give its scopes (--scopes a,b) or the workspace that has it (--from).`);
    const defs = new Set(hits.map((h) => JSON.stringify(sorted(h.scopes))));
    if (defs.size > 1) {
      const names = [...new Set(hits.map((h) => deps.workspaces.get(h.workspaceId)?.name ?? h.workspaceId))].slice(0, 4).join(', ');
      throw new AppError('conflict', `Bundles named ${quoted(input.name)} differ between workspaces (${names}); choose the one to push with --from.`);
    }
    return { scopes: sorted(hits[0]!.scopes), description: description ?? hits[0]!.description ?? null, source: `the synced bundle ${quoted(hits[0]!.name)} (${hits.length} workspace${hits.length === 1 ? '' : 's'})` };
  }

  return {
    async list(input: Input<'bundles.list'>): Promise<Output<'bundles.list'>> {
      const ws = resolve(input.workspace);
      return { workspaceId: ws.id, workspaceName: ws.name, bundles: (await live(ws)).map(toBundle).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)) };
    },

    async create(input: Input<'bundles.create'>): Promise<Output<'bundles.create'>> {
      const ws = resolve(input.workspace);
      checkScopes(input.scopes);
      const existing = (await live(ws)).find((b) => b.name.toLowerCase() === input.name.toLowerCase());
      if (existing) throw new AppError('conflict', `${ws.name} already has a bundle named ${quoted(existing.name)}; edit it instead (or push, which updates it).`);
      const b = await deps.platform.scopeBundles.create(ws.id, { name: input.name, scopes: sorted(input.scopes), ...(input.description !== undefined ? { description: input.description } : {}) });
      deps.logger.info('bundles.created', { workspace: ws.id, bundle: b.id });
      await refresh(ws);
      return { workspaceId: ws.id, bundle: toBundle(b) };
    },

    async edit(input: Input<'bundles.edit'>): Promise<Output<'bundles.edit'>> {
      const ws = resolve(input.workspace);
      if (input.scopes) checkScopes(input.scopes);
      const list = await live(ws);
      const cur = find(list, input.bundle, ws);
      const body: { name?: string; scopes?: string[]; description?: string | null } = {};
      const changes: string[] = [];
      if (input.name !== undefined && input.name !== cur.name) {
        if (list.some((b) => b.id !== cur.id && b.name.toLowerCase() === input.name!.toLowerCase())) throw new AppError('conflict', `${ws.name} already has another bundle named ${quoted(input.name)}.`);
        body.name = input.name;
        changes.push(`Name: ${input.name} (was ${cur.name})`);
      }
      if (input.scopes !== undefined && !same(input.scopes, cur.scopes)) {
        const add = sorted(input.scopes).filter((s) => !cur.scopes.includes(s));
        const drop = sorted(cur.scopes).filter((s) => !input.scopes!.includes(s));
        body.scopes = sorted(input.scopes);
        changes.push(`Scopes: ${[add.length ? `add ${add.join(', ')}` : '', drop.length ? `drop ${drop.join(', ')}` : ''].filter(Boolean).join('; ')}`);
      }
      if (input.description !== undefined && input.description !== (cur.description ?? null)) {
        body.description = input.description;
        changes.push('Description changed');
      }
      if (changes.length === 0) return { workspaceId: ws.id, bundle: toBundle(cur), changes };
      const b = await deps.platform.scopeBundles.patch(ws.id, cur.id, body);
      deps.logger.info('bundles.edited', { workspace: ws.id, bundle: b.id });
      await refresh(ws);
      return { workspaceId: ws.id, bundle: toBundle(b), changes };
    },

    async remove(input: Input<'bundles.delete'>): Promise<Output<'bundles.delete'>> {
      const ws = resolve(input.workspace);
      const cur = find(await live(ws), input.bundle, ws);
      await deps.platform.scopeBundles.remove(ws.id, cur.id);
      deps.logger.info('bundles.deleted', { workspace: ws.id, bundle: cur.id });
      await refresh(ws);
      return { workspaceId: ws.id, deleted: { id: cur.id, name: cur.name } };
    },

    async push(input: Input<'bundles.push'>): Promise<BundlePush> {
      const def = await definition(input);
      // each named workspace once; one that cannot be resolved fails its own row, never the whole push
      const seen = new Set<string>();
      const targets: Array<{ ref: string; ws: WorkspaceRef | null; error: unknown }> = [];
      for (const ref of input.workspaces) {
        try {
          const ws = resolve(ref);
          if (seen.has(ws.id)) continue;
          seen.add(ws.id);
          targets.push({ ref, ws, error: null });
        } catch (error) {
          targets.push({ ref, ws: null, error });
        }
      }
      const results = await mapPool(targets, deps.concurrency?.() ?? 4, async (t): Promise<BundlePushResult> => {
        if (!t.ws) return { workspaceId: t.ref, workspaceName: t.ref, outcome: 'failed', bundleId: null, error: toErrorData(t.error) };
        const ws = t.ws;
        try {
          const existing = (await live(ws)).filter((b) => b.name.toLowerCase() === input.name.toLowerCase());
          const cur = existing[0];
          if (!cur) {
            const b = await deps.platform.scopeBundles.create(ws.id, { name: input.name, scopes: def.scopes, ...(def.description != null ? { description: def.description } : {}) });
            return { workspaceId: ws.id, workspaceName: ws.name, outcome: 'created', bundleId: b.id, error: null };
          }
          const descChanged = def.description !== undefined && def.description !== (cur.description ?? null);
          // same name whatever its case: the workspace's own spelling is kept
          if (same(cur.scopes, def.scopes) && !descChanged) return { workspaceId: ws.id, workspaceName: ws.name, outcome: 'unchanged', bundleId: cur.id, error: null };
          await deps.platform.scopeBundles.patch(ws.id, cur.id, { scopes: def.scopes, ...(descChanged ? { description: def.description } : {}) });
          return { workspaceId: ws.id, workspaceName: ws.name, outcome: 'updated', bundleId: cur.id, error: null };
        } catch (err) {
          return { workspaceId: ws.id, workspaceName: ws.name, outcome: 'failed', bundleId: null, error: toErrorData(err) };
        }
      });
      const changed = results.filter((r) => r.outcome === 'created' || r.outcome === 'updated').map((r) => targets.find((t) => t.ws?.id === r.workspaceId)!.ws!);
      const notRefreshed = (await mapPool(changed, deps.concurrency?.() ?? 4, refresh)).filter((x) => x !== null).length;
      const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
      for (const r of results) counts[r.outcome]++;
      deps.logger.info('bundles.pushed', { name: input.name.slice(0, 80), ...counts });
      const note = notRefreshed ? `The local inventory of ${notRefreshed} workspace${notRefreshed === 1 ? '' : 's'} could not be re-read; the scope matrix shows the bundle there after the next sync.` : null;
      return { name: input.name, scopes: def.scopes, description: def.description ?? null, source: def.source, results, counts, note };
    },
  };
}
export type BundlesService = ReturnType<typeof createBundlesService>;
