// Policy: the violations of the policy file this machine follows (set from a terminal with `grantdesk policy use`), the
// groups it defines, and local tags. A vanilla zustand store created once in createAppStores; it reloads when main says
// the policy file, the inventory or a tag changed.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Output, PolicyViolation } from '../../../src-common/contract/index.ts';

type Violations = Output<'policy.violations'>;

export interface PolicyState {
  loaded: boolean;
  file: string | null;
  /** the file cannot be read or does not parse: the sentence, with its line */
  problem: string | null;
  result: Violations['result'];
  tags: Output<'policy.tags'>['tags'];
  /** the workspace group every screen filters by ('' = all; 'g:<group>' a policy group; 't:<tag>' a local tag):
   * one choice shared by Workspaces, the matrix, Credentials, Insights and the Calendar */
  groupFilter: string;
  error: AppErrorData | null;
  load(): Promise<void>;
  setGroupFilter(key: string): void;
  tag(workspace: string, tag: string, remove?: boolean): Promise<boolean>;
  dismissError(): void;
  connect(): () => void;
}
export type PolicyStore = StoreApi<PolicyState>;

export function createPolicyStore(api: GrantdeskApi): PolicyStore {
  return createStore<PolicyState>()((set, get) => ({
    loaded: false,
    file: null,
    problem: null,
    result: null,
    tags: [],
    groupFilter: '',
    error: null,
    async load() {
      const [v, t] = await Promise.all([api.policyViolations({}), api.policyTags({})]);
      if (v.ok) set({ file: v.value.file, problem: v.value.problem, result: v.value.result, loaded: true });
      else set({ error: v.error, loaded: true });
      if (t.ok) set({ tags: t.value.tags });
    },
    setGroupFilter(key) {
      set({ groupFilter: key });
    },
    async tag(workspace, tag, remove) {
      const r = await api.policyTag({ workspace, tag, remove });
      if (!r.ok) {
        set({ error: r.error });
        return false;
      }
      set({ tags: r.value.tags });
      await get().load();
      return true;
    },
    dismissError() {
      set({ error: null });
    },
    connect() {
      return api.onStateChanged((p) => {
        if (p.topic === 'policy' || p.topic === 'inventory' || p.topic === 'workspaces') void get().load();
      });
    },
  }));
}

export const selectPolicyLoaded = (s: PolicyState) => s.loaded;
export const selectPolicyFile = (s: PolicyState) => s.file;
export const selectPolicyProblem = (s: PolicyState) => s.problem;
export const selectPolicyResult = (s: PolicyState) => s.result;
export const selectPolicyTags = (s: PolicyState) => s.tags;
export const selectPolicyError = (s: PolicyState) => s.error;
export const selectGroupFilter = (s: PolicyState) => s.groupFilter;

export interface GroupOption {
  /** 'g:<group>' for a policy group, 't:<tag>' for a local tag */
  key: string;
  label: string;
  /** the group's name or the tag */
  name: string;
  members: ReadonlySet<string>;
  /** a policy group's baseline bundle (its `baseline_bundle` rule) */
  baselineBundle: string | null;
}
/** the policy file's groups (their members as the last check found them), then local tags; call it in a useMemo */
export const groupOptions = (result: PolicyState['result'], tags: PolicyState['tags']): GroupOption[] => {
  const groups = (result?.groups ?? []).map((g) => ({ key: `g:${g.name}`, label: `Group: ${g.name} (${g.workspaces})`, name: g.name, members: new Set(g.members.map((m) => m.id)), baselineBundle: g.baselineBundle }));
  const byTag = new Map<string, Set<string>>();
  for (const t of tags) (byTag.get(t.tag) ?? byTag.set(t.tag, new Set()).get(t.tag)!).add(t.workspaceId);
  const tagOptions = [...byTag].sort(([a], [b]) => a.localeCompare(b)).map(([tag, members]) => ({ key: `t:${tag}`, label: `Tag: ${tag} (${members.size})`, name: tag, members, baselineBundle: null }));
  return [...groups, ...tagOptions];
};
/** violation count per workspace id (for the Workspaces list and the matrix) */
export const violationCountsByWorkspace = (violations: readonly PolicyViolation[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const v of violations) m.set(v.workspaceId, (m.get(v.workspaceId) ?? 0) + 1);
  return m;
};
