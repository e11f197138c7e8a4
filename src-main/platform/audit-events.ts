// Audit events: the head of a workspace's hash chain (GET /v1/audit-events/head) and one page after a seq
// (GET /v1/audit-events), validated as in docs/platform-api.md. Events keep unknown members (looseObject) and params
// untouched, because the hash covers the event exactly as the platform sent it.
import { z } from 'zod';
import { AUDIT_SURFACES } from '../../src-common/contract/index.ts';
import type { WorkspaceApi } from '../ports/platform.ts';
import { send, type CallOptions } from './call.ts';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const plainObject = z.custom<Record<string, unknown>>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), { message: 'expected an object' });
/** occurred_ms * 1024 must stay a safe integer: instants from 1970 to year 2248. */
export const MAX_OCCURRED_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1024);

/**
 * An MCP tool name as the MCP specification allows it (1–128 of A–Z a–z 0–9 _ - .). Anything else (CR/LF, quotes,
 * spaces, a 10 KB name) is not a tool name; a name may still start with '-', which the CSV export neutralizes.
 */
export const MCP_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * `surface` and `mcp_tool` come together or not at all: an older platform sends neither (the event is an API call, and
 * the hash covers neither); a platform that sends one sends both. `mcp_tool` names a tool only on surface mcp (null
 * there for a call that names none, such as tools/list), and is null on every other surface.
 */
function surfaceMembersOk(surface: unknown, tool: unknown): boolean {
  if (surface === undefined) return tool === undefined;
  if (surface !== 'api' && surface !== 'mcp' && surface !== 'webhook') return false;
  if (tool === null) return true;
  return surface === 'mcp' && typeof tool === 'string' && MCP_TOOL_NAME.test(tool);
}

const platformEventObject = z.looseObject({
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
  surface: z.enum(AUDIT_SURFACES).optional(),
  mcp_tool: z.string().regex(MCP_TOOL_NAME).nullable().optional(),
});
export const platformEventSchema = platformEventObject.refine((e) => surfaceMembersOk(e.surface, e.mcp_tool), {
  message: 'surface and mcp_tool must come together; mcp_tool names a tool only on surface mcp',
  path: ['mcp_tool'],
});
export type PlatformEvent = z.infer<typeof platformEventObject>;

const HEX64 = /^[0-9a-f]{64}$/;
const ISO_START = /^\d{4}-\d{2}-\d{2}T/;
/** zod measures string lengths in code points (a surrogate pair is one; a lone surrogate is one too). */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}
// units <= max means code points <= max; only an overflow in units needs the exact count (as zod does)
const fits = (s: string, max: number): boolean => s.length <= max || codePoints(s) <= max;
// min is 1 here: one unit is one code point, so the unit count decides
const str = (v: unknown, max: number): boolean => typeof v === 'string' && v.length >= 1 && fits(v, max);
const strOrNull = (v: unknown, max: number): boolean => v === null || (typeof v === 'string' && fits(v, max));
const intOrNull = (v: unknown): boolean => v === null || Number.isSafeInteger(v);

/**
 * The same rules as platformEventSchema, hand-written for the sync's hot path (zod per event cost more than hashing it).
 * test/node/audit/platform-schema.test.ts checks that both accept and reject exactly the same values.
 */
export function isPlatformEvent(v: unknown): v is PlatformEvent {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  const seq = e.seq;
  if (!Number.isSafeInteger(seq) || (seq as number) < 1) return false;
  if (!str(e.id, 200) || !str(e.workspace_id, 200)) return false;
  const at = e.occurred_at;
  if (typeof at !== 'string' || !fits(at, 40) || !ISO_START.test(at)) return false;
  const ms = Date.parse(at);
  if (!Number.isFinite(ms) || ms < 0 || ms >= MAX_OCCURRED_MS) return false;
  if (!strOrNull(e.credential_id, 300) || !strOrNull(e.credential_type, 100) || !strOrNull(e.caller_ip, 100) || !strOrNull(e.method, 16) || !strOrNull(e.endpoint, 2000)) return false;
  const params = e.params;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  if (!intOrNull(e.status) || !intOrNull(e.duration_ms)) return false;
  if (typeof e.pii_accessed !== 'boolean') return false;
  if (!surfaceMembersOk(e.surface, e.mcp_tool)) return false;
  return typeof e.prev_hash === 'string' && HEX64.test(e.prev_hash) && typeof e.hash === 'string' && HEX64.test(e.hash);
}
const fastPlatformEventSchema = z.custom<PlatformEvent>(isPlatformEvent, { message: 'not a valid audit event' });

export const MAX_PAGE = 5000;
export const auditPageResponseSchema = z.object({
  workspace_id: z.string(),
  events: z.array(fastPlatformEventSchema).max(MAX_PAGE),
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

export const KNOWN_EVENT_KEYS = new Set(['seq', 'id', 'workspace_id', 'occurred_at', 'credential_id', 'credential_type', 'caller_ip', 'method', 'endpoint', 'params', 'status', 'duration_ms', 'pii_accessed', 'prev_hash', 'hash', 'surface', 'mcp_tool']);

const HEAD_LIMITS = { deadlineMs: 30_000, maxBytes: 16 * 1024 * 1024 };
/** a page of up to MAX_PAGE events, params included */
const PAGE_LIMITS = { deadlineMs: 60_000, maxBytes: 64 * 1024 * 1024 };

export function auditEventsApi(api: WorkspaceApi) {
  return {
    head: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: '/v1/audit-events/head', schema: auditHeadResponseSchema }, HEAD_LIMITS, o),
    page: (ws: string, q: { afterSeq: number; limit: number }, o?: CallOptions) =>
      send(api, ws, { method: 'GET', path: '/v1/audit-events', query: { after_seq: q.afterSeq, limit: q.limit }, schema: auditPageResponseSchema }, PAGE_LIMITS, o),
  };
}
