// Review mode status (review.status): reviewer, expiry and data state for the banner and the Reviews screen. A vanilla
// zustand store created once in createAppStores; follows state.changed('review' | 'health').
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import { REVIEW_BLOCKED_COMMANDS, type AppErrorData, type CommandName, type ReviewStatus } from '../../../src-common/contract/index.ts';

export interface ReviewState {
  status: ReviewStatus | null;
  error: AppErrorData | null;
  load(): Promise<void>;
  connect(): () => void;
}
export type ReviewStore = StoreApi<ReviewState>;

export function createReviewStore(api: GrantdeskApi): ReviewStore {
  return createStore<ReviewState>()((set, get) => ({
    status: null,
    error: null,
    async load() {
      const r = await api.reviewStatus({});
      if (r.ok) set({ status: r.value, error: null });
      else set({ error: r.error });
    },
    connect() {
      return api.onStateChanged((e) => {
        if (e.topic === 'review' || e.topic === 'health') void get().load();
      });
    },
  }));
}

export const selectReviewStatus = (s: ReviewState) => s.status;
export const selectReviewStatusError = (s: ReviewState) => s.error;

const BLOCKED: ReadonlySet<CommandName> = new Set(REVIEW_BLOCKED_COMMANDS);
/** true for a command main refuses in review mode (mutating and not localOnly); the same list main enforces */
export function isReviewBlocked(command: CommandName): boolean {
  return BLOCKED.has(command);
}
