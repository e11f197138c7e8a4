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
