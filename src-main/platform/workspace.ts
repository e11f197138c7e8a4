// The workspace itself (GET /v1/workspace): as a grant (through the WorkspaceApi), or probed with a bare credential whose
// answer the caller reads itself (a new API key's first call; identifying a new grant before it is stored).
import { z } from 'zod';
import type { HttpClient, HttpResponse } from '../ports/http.ts';
import type { WorkspaceApi } from '../ports/platform.ts';
import { send, type CallOptions } from './call.ts';

const PATH = '/v1/workspace';
const LIMITS = { deadlineMs: 15_000, maxBytes: 64 * 1024 };

export const workspaceSchema = z.object({ id: z.string().min(1).max(200), name: z.string().max(200) }).passthrough();
export type PlatformWorkspace = z.infer<typeof workspaceSchema>;

export function workspaceApi(api: WorkspaceApi) {
  return {
    get: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: PATH, schema: workspaceSchema }, LIMITS, o),
  };
}

/**
 * GET /v1/workspace at `apiBase` with a bearer credential that is not a stored grant. The answer is unmapped: the status
 * says what the caller needs (a new key refused for its IP allowlist, a standards-only server without a management API).
 * The caller has validated `apiBase` before the credential leaves.
 */
export function probeWorkspace(http: HttpClient, apiBase: string, bearer: string, o: { deadlineMs?: number; maxBytes?: number } = {}): Promise<HttpResponse> {
  return http.request({
    method: 'GET',
    url: `${apiBase.replace(/\/$/, '')}${PATH}`,
    headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
    deadlineMs: o.deadlineMs ?? LIMITS.deadlineMs,
    maxBytes: o.maxBytes ?? LIMITS.maxBytes,
    retry: 'idempotent',
  });
}
