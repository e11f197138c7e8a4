import type { z } from 'zod';

/** A connected workspace as other domains see it (no tokens). Owned by the connections domain. */
export interface WorkspaceRef {
  id: string;
  name: string;
  platformId: string;
  status: 'connected' | 'needs_reconsent' | 'disconnected';
}

export interface WorkspaceDirectory {
  list(): WorkspaceRef[];
  get(workspaceId: string): WorkspaceRef | null;
}

export interface PlatformCall<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** path under the platform's API base, e.g. '/v1/audit-events' */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** every response is validated; a mismatch throws AppError('invalid_response') */
  schema: z.ZodType<T>;
  deadlineMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface PlatformResult<T> {
  data: T;
  status: number;
  headers: Record<string, string>;
}

/**
 * Calls the management API as a workspace's own grant. Handles the access token (refresh once on 401, then fail),
 * deadlines, size caps, Retry-After and schema validation. Errors are AppError with typed codes.
 */
export interface WorkspaceApi {
  call<T>(workspaceId: string, req: PlatformCall<T>): Promise<PlatformResult<T>>;
}

export interface AccessTokenOptions {
  /** refresh even if the stored access token still looks valid */
  forceRefresh?: boolean;
  /** a 401 came back for this token: refresh only if it is still the stored one (someone else may have rotated already) */
  rejected?: string;
}

/**
 * Where a WorkspaceApi gets a workspace's access token and API base. Two implementations: the workspace's own grant (the
 * connections domain's token manager) and an auditor review's grant (the review domain). Refresh is single-flight per
 * workspace inside the source; the WorkspaceApi asks once more (`rejected`) after a 401 and then gives up.
 */
export interface TokenSource {
  accessToken(workspaceId: string, opts?: AccessTokenOptions): Promise<string>;
  /** the workspace's validated API base URL (throws AppError when the workspace is unknown to this source) */
  platformOf(workspaceId: string): { apiBase: string };
  /** the error for a freshly refreshed token the platform still refuses (401 twice); `platformCode` is its `error` field */
  refused(workspaceId: string, what: string, platformCode: string): Error;
  /**
   * MFA step-up (RFC 9470) for this source's workspaces. Absent: the source never steps up (an auditor review's read-only
   * grant), and a challenge fails the call with `step_up_required`.
   */
  stepUp?: StepUpPort;
}

/** What a platform's `insufficient_user_authentication` challenge asked for, already checked for sane bounds. */
export interface StepUpChallenge {
  /** acr values to request (e.g. urn:sabnode:mfa); empty: the platform named none */
  acrValues: string[];
  /** seconds the sign-in may be old at most; null: the platform named no max_age */
  maxAge: number | null;
  /** absolute URLs the challenge named (an authorization server, resource metadata); the step-up refuses foreign ones */
  namedUrls: string[];
}

/**
 * A second, short-lived authorization of a workspace's grant with a fresh (multi-factor) sign-in. Its access token is
 * held in main-process memory only, for no longer than the platform allows (min of its expiry and auth_time + max_age),
 * and used only for that workspace's writes; the workspace's own grant (refresh token included) is never touched.
 */
export interface StepUpPort {
  /** a step-up token of this workspace still inside its window (a write reuses it), or null */
  current(workspaceId: string): string | null;
  /** asks for the fresh sign-in (browser, PKCE) and returns its access token; one at a time per workspace */
  run(workspaceId: string, challenge: StepUpChallenge, action: string, signal?: AbortSignal): Promise<string>;
  /** the platform refused this step-up token: forget it */
  discard(workspaceId: string, token: string): void;
}
