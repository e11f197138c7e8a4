// Reviews: review mode status (review.status) for the banner and the Reviews screen, and the Reviews screen's actions
// (auditor: log, evidence, exit; operator: issue, redeem). A vanilla zustand store created once in createAppStores;
// follows state.changed('review' | 'health'). The redeem code of a new review is RETURNED by create() to the part of
// the screen that shows it once; the `issued` list keeps everything about it except the code.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import { REVIEW_BLOCKED_COMMANDS, type AppErrorData, type CommandName, type Input, type Output, type ReviewLogEntry, type ReviewPolicy, type ReviewStatus } from '../../../src-common/contract/index.ts';

export type CreatedReview = Output<'review.create'>;
/** what the issued list keeps of a review: never the code */
export type IssuedReview = Omit<CreatedReview, 'redeemText'> & { reviewer: string; email: string; policy: ReviewPolicy; issuedAt: string };
export type Evidence = Output<'review.evidence'>;

/** what write controls read about review mode (useReviewMode in app/ builds it; declared here so plain-Node tests need no React) */
export interface ReviewMode {
  /** this Grantdesk is in review mode (app.health.reviewMode: a review is redeemed, live or ended) */
  active: boolean;
  /** whether a command is refused here right now; a command name from the contract (a typo is a type error) */
  blocked(command: CommandName): boolean;
  /** a tooltip for disabled write controls; undefined outside review mode */
  title: string | undefined;
}

export interface ReviewState {
  status: ReviewStatus | null;
  error: AppErrorData | null;
  /** auditor side */
  log: ReviewLogEntry[];
  evidence: Evidence | null;
  building: boolean;
  auditorError: AppErrorData | null;
  /** operator side: reviews issued from this window (no codes), creating/redeeming and their errors */
  issued: IssuedReview[];
  creating: boolean;
  createError: AppErrorData | null;
  redeeming: boolean;
  redeemError: AppErrorData | null;
  load(): Promise<void>;
  connect(): () => void;
  loadLog(): Promise<void>;
  /** reload the log on review/audit/exports events; returns the unsubscribe */
  connectLog(): () => void;
  buildEvidence(): Promise<void>;
  /** review.exit; true when this Grantdesk left review mode */
  exit(): Promise<boolean>;
  /** review.create; returns the created review WITH its code for the one view that shows it, or null */
  create(input: Input<'review.create'>, issuedAt: string): Promise<CreatedReview | null>;
  /** review.redeem; true when this Grantdesk entered review mode */
  redeem(code: string): Promise<boolean>;
  dismissAuditorError(): void;
  dismissCreateError(): void;
  dismissRedeemError(): void;
}
export type ReviewStore = StoreApi<ReviewState>;

export function createReviewStore(api: GrantdeskApi): ReviewStore {
  return createStore<ReviewState>()((set, get) => ({
    status: null,
    error: null,
    log: [],
    evidence: null,
    building: false,
    auditorError: null,
    issued: [],
    creating: false,
    createError: null,
    redeeming: false,
    redeemError: null,
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
    async loadLog() {
      const r = await api.reviewLog({ limit: 200 });
      if (r.ok) set({ log: r.value.entries });
      else set({ auditorError: r.error });
    },
    connectLog() {
      return api.onStateChanged((e) => {
        if (e.topic === 'review' || e.topic === 'audit' || e.topic === 'exports') void get().loadLog();
      });
    },
    async buildEvidence() {
      set({ building: true, auditorError: null });
      const r = await api.reviewEvidence({});
      set(r.ok ? { building: false, evidence: r.value } : { building: false, auditorError: r.error });
      void get().loadLog();
    },
    async exit() {
      const r = await api.reviewExit({});
      if (!r.ok) set({ auditorError: r.error });
      else set({ log: [], evidence: null });
      return r.ok;
    },
    async create(input, issuedAt) {
      if (get().creating) return null;
      set({ creating: true, createError: null });
      const r = await api.reviewCreate(input);
      if (!r.ok) {
        set({ creating: false, createError: r.error });
        return null;
      }
      const { redeemText: _shownOnce, ...rest } = r.value;
      const entry: IssuedReview = { ...rest, reviewer: input.reviewerName, email: input.reviewerEmail, policy: input.policy ?? 'keep_read_only', issuedAt };
      set((s) => ({ creating: false, issued: [entry, ...s.issued] }));
      return r.value;
    },
    async redeem(code) {
      if (!code.trim() || get().redeeming) return false;
      set({ redeeming: true, redeemError: null });
      const r = await api.reviewRedeem({ code: code.trim() });
      set(r.ok ? { redeeming: false } : { redeeming: false, redeemError: r.error });
      return r.ok;
    },
    dismissAuditorError() {
      set({ auditorError: null });
    },
    dismissCreateError() {
      set({ createError: null });
    },
    dismissRedeemError() {
      set({ redeemError: null });
    },
  }));
}

export const selectReviewStatus = (s: ReviewState) => s.status;
export const selectReviewStatusError = (s: ReviewState) => s.error;
export const selectReviewLog = (s: ReviewState) => s.log;
export const selectEvidence = (s: ReviewState) => s.evidence;
export const selectBuilding = (s: ReviewState) => s.building;
export const selectAuditorError = (s: ReviewState) => s.auditorError;
export const selectIssued = (s: ReviewState) => s.issued;
export const selectCreating = (s: ReviewState) => s.creating;
export const selectCreateError = (s: ReviewState) => s.createError;
export const selectRedeeming = (s: ReviewState) => s.redeeming;
export const selectRedeemError = (s: ReviewState) => s.redeemError;

const BLOCKED: ReadonlySet<CommandName> = new Set(REVIEW_BLOCKED_COMMANDS);
/** true for a command main refuses in review mode (mutating and not localOnly); the same list main enforces */
export function isReviewBlocked(command: CommandName): boolean {
  return BLOCKED.has(command);
}
