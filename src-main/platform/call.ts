// What every module of the platform client shares: per-call limits (each endpoint's own defaults, a caller may override
// them), and the list envelope `{ data: [...] }`.
import { z } from 'zod';
import type { WorkspaceApi } from '../ports/platform.ts';

export interface CallOptions {
  deadlineMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}
export interface Limits {
  deadlineMs: number;
  maxBytes: number;
}

/** Reads, cheap: 15 s, 4 MiB (credential lists). */
export const LIST_LIMITS: Limits = { deadlineMs: 15_000, maxBytes: 4 << 20 };
/** One record read or changed: 15 s, 1 MiB. */
export const RECORD_LIMITS: Limits = { deadlineMs: 15_000, maxBytes: 1 << 20 };
/** Creating something whose secret comes back once: 20 s, 1 MiB. */
export const CREATE_LIMITS: Limits = { deadlineMs: 20_000, maxBytes: 1 << 20 };

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item).max(100000) });
export const statusOnly = z.object({ id: z.string(), status: z.string() }).passthrough();
export type StatusOnly = z.infer<typeof statusOnly>;

export const seg = (id: string) => encodeURIComponent(id);

/** One call: the endpoint's limits unless the caller names its own. Returns the validated body. */
export async function send<T>(
  api: WorkspaceApi,
  ws: string,
  req: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; schema: z.ZodType<T>; body?: unknown; query?: Record<string, string | number | boolean | undefined> },
  limits: Limits,
  o: CallOptions = {},
): Promise<T> {
  const r = await api.call(ws, { ...req, deadlineMs: o.deadlineMs ?? limits.deadlineMs, maxBytes: o.maxBytes ?? limits.maxBytes, signal: o.signal });
  return r.data;
}
