// The platform's audit API schemas live with the platform client (src-main/platform/audit-events.ts); re-exported here for
// the audit domain's cache (repo.ts) and its tests.
export {
  auditHeadResponseSchema,
  auditPageResponseSchema,
  isPlatformEvent,
  KNOWN_EVENT_KEYS,
  MAX_OCCURRED_MS,
  MAX_PAGE,
  MCP_TOOL_NAME,
  platformEventSchema,
  type AuditHeadResponse,
  type AuditPageResponse,
  type PlatformEvent,
} from '../../platform/audit-events.ts';
