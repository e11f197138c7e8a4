import { randomBytes } from 'node:crypto';
import type { DB } from './db.ts';
import { chainHash, GENESIS_HASH } from './jcs.ts';

export type CredentialType = 'api_key' | 'oauth_app' | 'machine_client' | 'service_token' | 'user_grant';
/** which door a call came through: the REST API, the MCP endpoint (a tool call) or an inbound webhook delivery */
export type Surface = 'api' | 'mcp' | 'webhook';

export interface AuditEventInput {
  occurred_at: string;
  credential_id: string;
  credential_type: CredentialType;
  caller_ip: string;
  method: string;
  endpoint: string;
  params: Record<string, unknown>;
  status: number;
  duration_ms: number;
  pii_accessed: boolean;
  /** default 'api' */
  surface?: Surface;
  /** the MCP tool a tools/call named (surface mcp only); default null */
  mcp_tool?: string | null;
}

const EMAIL = /[^\s@"'<>,;]+@[^\s@"'<>,;]+\.[a-z]{2,}/gi;
const PHONE = /\+?\d[\d\s().-]{7,}\d/g;
const SECRET_KEYS = /secret|password|token|authorization|client_assertion/i;
const PII_KEYS = /^(email|phone|first_name|last_name|full_name|address|dob|ssn)$/i;

/** PII redaction applied to every params object before it enters the log. */
export function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (SECRET_KEYS.test(k) || PII_KEYS.test(k)) { out[k] = '[REDACTED]'; continue; }
    if (typeof v === 'string') out[k] = v.replace(EMAIL, '[REDACTED_EMAIL]').replace(PHONE, '[REDACTED_PHONE]');
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) out[k] = Number.isFinite(v as number) || typeof v !== 'number' ? v : String(v);
    else if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? x.replace(EMAIL, '[REDACTED_EMAIL]') : x));
    else out[k] = redactParams(v as Record<string, unknown>);
  }
  return out;
}

export function eventId(): string { return `evt_${randomBytes(12).toString('hex')}`; }

/** Builds the stored event (canonical field order) and its hash. */
export function buildEvent(workspaceId: string, seq: number, id: string, prevHash: string, e: AuditEventInput) {
  const body = {
    seq, id, workspace_id: workspaceId, occurred_at: e.occurred_at, credential_id: e.credential_id,
    credential_type: e.credential_type, caller_ip: e.caller_ip, method: e.method, endpoint: e.endpoint,
    params: e.params, status: e.status, duration_ms: e.duration_ms, pii_accessed: e.pii_accessed,
    surface: e.surface ?? 'api', mcp_tool: e.mcp_tool ?? null,
  };
  const hash = chainHash(prevHash, body);
  const full = { ...body, prev_hash: prevHash, hash };
  return { json: JSON.stringify(full), hash };
}

export class AuditLog {
  private getHead; private setHead; private insert;
  constructor(private db: DB) {
    this.getHead = db.prepare('SELECT seq, hash FROM audit_heads WHERE workspace_id = ?');
    this.setHead = db.prepare('INSERT INTO audit_heads (workspace_id, seq, hash) VALUES (?, ?, ?) ON CONFLICT(workspace_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash');
    this.insert = db.prepare('INSERT INTO audit_events (workspace_id, seq, json) VALUES (?, ?, ?)');
  }
  head(workspaceId: string): { seq: number; hash: string } {
    const row = this.getHead.get(workspaceId) as { seq: number; hash: string } | undefined;
    return row ?? { seq: 0, hash: GENESIS_HASH };
  }
  append(workspaceId: string, e: AuditEventInput, scope: string | null): number {
    const tx = this.db.transaction(() => {
      const head = this.head(workspaceId);
      const seq = head.seq + 1;
      const { json, hash } = buildEvent(workspaceId, seq, eventId(), head.hash, { ...e, params: redactParams(e.params) });
      this.insert.run(workspaceId, seq, Buffer.from(json, 'utf8'));
      this.setHead.run(workspaceId, seq, hash);
      return seq;
    });
    return tx();
  }
}
