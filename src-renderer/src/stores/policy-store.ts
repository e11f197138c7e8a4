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
  /** the group filter every policy list honours ('' = all groups) */
  group: string;
  error: AppErrorData | null;
  load(): Promise<void>;
  setGroup(group: string): void;
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
    group: '',
    error: null,
    async load() {
      const [v, t] = await Promise.all([api.policyViolations({}), api.policyTags({})]);
      if (v.ok) set({ file: v.value.file, problem: v.value.problem, result: v.value.result, loaded: true });
      else set({ error: v.error, loaded: true });
      if (t.ok) set({ tags: t.value.tags });
    },
    setGroup(group) {
      set({ group });
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
export const selectPolicyGroup = (s: PolicyState) => s.group;
export const selectPolicyError = (s: PolicyState) => s.error;
/** violations of one group (all when group is ''); call it in a useMemo: it builds a new array */
export const groupViolations = (result: PolicyState['result'], group: string): PolicyViolation[] => (result?.violations ?? []).filter((v) => !group || v.group === group);
/** violation count per workspace id (for the Workspaces list and the matrix) */
export const violationCountsByWorkspace = (violations: readonly PolicyViolation[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const v of violations) m.set(v.workspaceId, (m.get(v.workspaceId) ?? 0) + 1);
  return m;
};
