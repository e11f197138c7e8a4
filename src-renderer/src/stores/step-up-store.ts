// MFA step-up notices from main's 'stepUp.status' events: while a workspace waits for a fresh multi-factor sign-in in the
// browser, the UI says which workspace, for what, and what to do (components/StepUpNotice.tsx). A notice goes when its
// sign-in ends: done (the change goes ahead), or failed (the change's own error banner carries the sentence and remedy).
// Nothing secret arrives here: the event holds names, words and a state.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { EventPayload } from '../../../src-common/contract/index.ts';

export type StepUpStatus = EventPayload<'stepUp.status'>;

export interface StepUpState {
  /** sign-ins waiting in the browser, oldest first (a bulk operation may wait for several workspaces at once) */
  waiting: StepUpStatus[];
  connect(): () => void;
}

export type StepUpStoreApi = StoreApi<StepUpState>;

export function createStepUpStore(api: GrantdeskApi): StepUpStoreApi {
  return createStore<StepUpState>()((set) => ({
    waiting: [],
    connect() {
      return api.onStepUpStatus((p) =>
        set((s) => {
          const others = s.waiting.filter((w) => w.id !== p.id);
          return { waiting: p.state === 'waiting' ? [...others, p] : others };
        }),
      );
    },
  }));
}

export const selectWaitingStepUps = (s: StepUpState) => s.waiting;
