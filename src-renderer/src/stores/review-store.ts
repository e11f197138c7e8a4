// Reviews: review mode status (review.status) for the banner and the Reviews screen, and the Reviews screen's actions
// (auditor: log, evidence, exit; operator: issue, list what the platform records as issued, revoke, redeem). A vanilla
// zustand store created once in createAppStores; follows state.changed('review' | 'health'). The redeem code of a new
// review is RETURNED by create() to the dialog that shows it; the `issued` list comes from the platform and has no codes.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import { REVIEW_BLOCKED_COMMANDS, type AppErrorData, type CallResult, type CommandName, type Input, type IssuedReview, type Output, type ReviewLogEntry, type ReviewStatus } from '../../../src-common/contract/index.ts';

export type CreatedReview = Output<'review.create'>;
export type { IssuedReview };
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
  /** operator side: every review the platform records for the connected workspaces (no codes), and what could not be read */
  issued: IssuedReview[];
  issuedUnreadable: Output<'review.issued'>['unreadable'];
  issuedLoaded: boolean;
  issuedError: AppErrorData | null;
  /** review ids being changed (revoked, extended or withdrawn), and the last change's error */
  revoking: Record<string, true>;
  revokeError: AppErrorData | null;
  /** read scopes the platform's catalogue offers (from the inventory's last sync); empty until loaded */
  readScopes: string[];
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
  /** review.create; returns the created review WITH its code for the one view that shows it, or null; then reloads the issued list */
  create(input: Input<'review.create'>): Promise<CreatedReview | null>;
  /** review.issued: the platform's list */
  loadIssued(): Promise<void>;
  /** review.revoke; true when the platform revoked it (the list reloads) */
  revoke(workspace: string, reviewId: string): Promise<boolean>;
  /** review.extend by `days`; true when the platform extended it (the list reloads) */
  extend(workspace: string, reviewId: string, days: number): Promise<boolean>;
  /** review.withdraw (an unredeemed code); true when the platform withdrew it (the list reloads) */
  withdraw(workspace: string, reviewId: string): Promise<boolean>;
  /** the read scopes of the platform's catalogue (inventory.matrix columns) */
  loadReadScopes(): Promise<void>;
  dismissIssuedError(): void;
  dismissRevokeError(): void;
  /** review.redeem; true when this Grantdesk entered review mode */
  redeem(code: string): Promise<boolean>;
  dismissAuditorError(): void;
  dismissCreateError(): void;
  dismissRedeemError(): void;
}
export type ReviewStore = StoreApi<ReviewState>;

export function createReviewStore(api: GrantdeskApi): ReviewStore {
  return createStore<ReviewState>()((set, get) => {
    /** one change of one review at a time; its error kept as a sentence; a granted change reloads the platform's list */
    async function change(reviewId: string, run: () => Promise<CallResult<IssuedReview>>): Promise<boolean> {
      if (get().revoking[reviewId]) return false;
      set((s) => ({ revoking: { ...s.revoking, [reviewId]: true }, revokeError: null }));
      const r = await run();
      set((s) => {
        const { [reviewId]: _done, ...rest } = s.revoking;
        return { revoking: rest, revokeError: r.ok ? null : r.error };
      });
      if (r.ok) await get().loadIssued();
      return r.ok;
    }
    return {
      status: null,
      error: null,
      log: [],
      evidence: null,
      building: false,
      auditorError: null,
      issued: [],
      issuedUnreadable: [],
      issuedLoaded: false,
      issuedError: null,
      revoking: {},
      revokeError: null,
      readScopes: [],
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
      async create(input) {
        if (get().creating) return null;
        set({ creating: true, createError: null });
        const r = await api.reviewCreate(input);
        if (!r.ok) {
          set({ creating: false, createError: r.error });
          return null;
        }
        set({ creating: false });
        void get().loadIssued();
        return r.value;
      },
      async loadIssued() {
        const r = await api.reviewIssued({});
        if (r.ok) set({ issued: r.value.reviews, issuedUnreadable: r.value.unreadable, issuedLoaded: true, issuedError: null });
        else set({ issuedLoaded: true, issuedError: r.error });
      },
      revoke: (workspace, reviewId) => change(reviewId, () => api.reviewRevoke({ workspace, reviewId })),
      extend: (workspace, reviewId, days) => change(reviewId, () => api.reviewExtend({ workspace, reviewId, days })),
      withdraw: (workspace, reviewId) => change(reviewId, () => api.reviewWithdraw({ workspace, reviewId })),
      async loadReadScopes() {
        const m = await api.inventoryMatrix({});
        if (!m.ok) return;
        const fromCatalogue = m.value.columns.map((c) => c.scope).filter((s) => /^[a-z][a-z0-9_-]*:read$/.test(s));
        set({ readScopes: [...new Set(fromCatalogue)].sort() });
      },
      dismissIssuedError() {
        set({ issuedError: null });
      },
      dismissRevokeError() {
        set({ revokeError: null });
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
    };
  });
}

export const selectReviewStatus = (s: ReviewState) => s.status;
export const selectReviewStatusError = (s: ReviewState) => s.error;
export const selectReviewLog = (s: ReviewState) => s.log;
export const selectEvidence = (s: ReviewState) => s.evidence;
export const selectBuilding = (s: ReviewState) => s.building;
export const selectAuditorError = (s: ReviewState) => s.auditorError;
export const selectIssued = (s: ReviewState) => s.issued;
export const selectIssuedUnreadable = (s: ReviewState) => s.issuedUnreadable;
export const selectIssuedLoaded = (s: ReviewState) => s.issuedLoaded;
export const selectIssuedError = (s: ReviewState) => s.issuedError;
export const selectRevoking = (s: ReviewState) => s.revoking;
export const selectRevokeError = (s: ReviewState) => s.revokeError;
export const selectReadScopes = (s: ReviewState) => s.readScopes;
export const selectCreating = (s: ReviewState) => s.creating;
export const selectCreateError = (s: ReviewState) => s.createError;
export const selectRedeeming = (s: ReviewState) => s.redeeming;
export const selectRedeemError = (s: ReviewState) => s.redeemError;

const BLOCKED: ReadonlySet<CommandName> = new Set(REVIEW_BLOCKED_COMMANDS);
/** true for a command main refuses in review mode (mutating and not localOnly); the same list main enforces */
export function isReviewBlocked(command: CommandName): boolean {
  return BLOCKED.has(command);
}

/**
 * What the active review does not grant, as a sentence for the screen that would otherwise look empty ("This review does
 * not include credentials:read, so credentials cannot be listed."), or null (not in a review, or every workspace has it).
 */
export function notGrantedSentence(status: ReviewStatus | null, scope: string, what: string): string | null {
  if (!status || status.state === 'none' || status.workspaces.length === 0) return null;
  const without = status.workspaces.filter((w) => !w.scopes.includes(scope));
  if (without.length === 0) return null;
  if (without.length === status.workspaces.length) return `This review does not include ${scope}, so ${what} cannot be listed.`;
  const names = without.map((w) => w.workspaceName).join(', ');
  return `This review does not include ${scope} for ${without.length} of ${status.workspaces.length} workspaces (${names}), so their ${what} cannot be listed.`;
}

/** "a, b and c" */
function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * What the auditor can still do here, in words: the reads every review has, the contract's localOnly commands the status
 * lists (allowedMutations), and only the syncs whose scope the review grants.
 */
export function allowedActionsSentence(status: ReviewStatus): string {
  const allowed = new Set(status.allowedMutations);
  const anyScope = (s: string) => status.workspaces.some((w) => w.scopes.includes(s));
  const syncs: string[] = [];
  if ((allowed.has('audit.sync') || allowed.has('sync.all')) && anyScope('audit:read')) syncs.push('the audit log');
  if ((allowed.has('inventory.sync') || allowed.has('sync.all')) && anyScope('credentials:read')) syncs.push('credentials');
  const parts: string[] = [];
  if (syncs.length) parts.push(`sync ${list(syncs)}`);
  parts.push('search the cached data', 'export and verify evidence');
  if (allowed.has('review.exit')) parts.push('end the review');
  return `You can ${list(parts)}. Nothing you do here changes the workspaces.`;
}
