// The platform's audit API as we validate it (docs/platform-api.md). Events keep unknown members (looseObject) and params
// untouched, because the hash covers the event exactly as the platform sent it.
import { z } from 'zod';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const plainObject = z.custom<Record<string, unknown>>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), { message: 'expected an object' });
/** occurred_ms * 1024 must stay a safe integer: instants from 1970 to year 2248. */
export const MAX_OCCURRED_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1024);

export const platformEventSchema = z.looseObject({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  id: z.string().min(1).max(200),
  workspace_id: z.string().min(1).max(200),
  occurred_at: z.string().max(40).refine((s) => {
    const ms = Date.parse(s);
    return /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(ms) && ms >= 0 && ms < MAX_OCCURRED_MS;
  }, 'occurred_at must be an ISO-8601 instant'),
  credential_id: z.string().max(300).nullable(),
  credential_type: z.string().max(100).nullable(),
  caller_ip: z.string().max(100).nullable(),
  method: z.string().max(16).nullable(),
  endpoint: z.string().max(2000).nullable(),
  params: plainObject,
  status: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  pii_accessed: z.boolean(),
  prev_hash: hex64,
  hash: hex64,
});
export type PlatformEvent = z.infer<typeof platformEventSchema>;

export const MAX_PAGE = 5000;
export const auditPageResponseSchema = z.object({
  workspace_id: z.string(),
  events: z.array(platformEventSchema).max(MAX_PAGE),
  next_after_seq: z.number().int().min(0),
  has_more: z.boolean(),
});
export type AuditPageResponse = z.infer<typeof auditPageResponseSchema>;

export const auditHeadResponseSchema = z.object({
  workspace_id: z.string(),
  seq: z.number().int().min(0),
  hash: hex64,
});
export type AuditHeadResponse = z.infer<typeof auditHeadResponseSchema>;

export const KNOWN_EVENT_KEYS = new Set(['seq', 'id', 'workspace_id', 'occurred_at', 'credential_id', 'credential_type', 'caller_ip', 'method', 'endpoint', 'params', 'status', 'duration_ms', 'pii_accessed', 'prev_hash', 'hash']);
