/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Audit log conformance: every workspace's chain verifies from genesis with a verifier written here, independently of the sandbox.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { admin, api, boot, login } from './helpers.ts';

// ---- independent RFC 8785 canonicalisation + chain verifier ----
function canon(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new Error('NaN/Infinity not allowed');
      return Object.is(v, -0) ? '0' : String(v); // ES Number::toString, as RFC 8785 §3.2.2.3 requires
    case 'string': return JSON.stringify(v); // ES JSON string escaping == RFC 8785 §3.2.2.2
    case 'object': {
      if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort((a, b) => { // UTF-16 code unit order
        for (let i = 0; i < Math.min(a.length, b.length); i++) { const d = a.charCodeAt(i) - b.charCodeAt(i); if (d) return d; }
        return a.length - b.length;
      });
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + canon(o[k])).join(',') + '}';
    }
    default: throw new Error(`cannot canonicalise ${typeof v}`);
  }
}
const ZERO = '0'.repeat(64);
const EVENT_KEYS = ['caller_ip', 'credential_id', 'credential_type', 'duration_ms', 'endpoint', 'hash', 'id', 'mcp_tool', 'method', 'occurred_at', 'params', 'pii_accessed', 'prev_hash', 'seq', 'status', 'surface', 'workspace_id'];

function verifyChain(events: any[], workspaceId: string): { ok: true; head: string } | { ok: false; seq: number; reason: string } {
  let prev = ZERO;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.seq !== i + 1) return { ok: false, seq: e.seq, reason: `expected seq ${i + 1}` };
    if (e.workspace_id !== workspaceId) return { ok: false, seq: e.seq, reason: 'workspace mismatch' };
    if (e.prev_hash !== prev) return { ok: false, seq: e.seq, reason: 'prev_hash does not link' };
    const { prev_hash, hash, ...rest } = e;
    const h = createHash('sha256').update(prev_hash + canon(rest), 'utf8').digest('hex');
    if (h !== hash) return { ok: false, seq: e.seq, reason: 'hash mismatch' };
    prev = hash;
  }
  return { ok: true, head: prev };
}

async function fetchAll(sb: any, token: string, limit = 5000) {
  const events: any[] = [];
  let after = 0;
  for (;;) {
    const r = await api(sb, token, 'GET', `/v1/audit-events?after_seq=${after}&limit=${limit}`);
    assert.equal(r.status, 200, r.text);
    events.push(...r.body.events);
    assert.equal(r.body.next_after_seq, r.body.events.length ? r.body.events.at(-1).seq : after);
    after = r.body.next_after_seq;
    if (!r.body.has_more) return events;
  }
}

let ctx: Awaited<ReturnType<typeof boot>>;
const tokens = new Map<string, string>();
before(async () => {
  ctx = await boot({ workspaces: 3, events: 1500, seed: 11, anchor: '2026-11-20T00:00:00Z' });
  for (const w of ctx.sb.workspaces) tokens.set(w.id, (await admin(ctx.sb, 'POST', '/tokens', { workspace: w.id, scopes: ['audit:read', 'credentials:write', 'credentials:read'] })).body.token);
});
after(async () => { await ctx.sb.close(); });

describe('audit chain', () => {
  test('empty-log head and genesis constants', async () => {
    assert.equal(ZERO.length, 64);
    const sb2 = await boot({ workspaces: 1, events: 0, seed: 3 });
    try {
      const t = (await admin(sb2.sb, 'POST', '/tokens', { workspace: sb2.sb.workspaces[0]!.id, scopes: ['audit:read'] })).body.token;
      const h = await api(sb2.sb, t, 'GET', '/v1/audit-events/head');
      assert.deepEqual(h.body, { workspace_id: sb2.sb.workspaces[0]!.id, seq: 0, hash: ZERO });
    } finally { await sb2.sb.close(); }
  });

  test('every workspace chain verifies from genesis and matches /head', async () => {
    let total = 0;
    for (const w of ctx.sb.workspaces) {
      const t = tokens.get(w.id)!;
      const head = await api(ctx.sb, t, 'GET', '/v1/audit-events/head');
      assert.deepEqual(Object.keys(head.body).sort(), ['hash', 'seq', 'workspace_id']);
      const events = await fetchAll(ctx.sb, t, 400);
      const v = verifyChain(events, w.id);
      assert.ok(v.ok, JSON.stringify(v));
      const atHead = events.find((e) => e.seq === head.body.seq);
      assert.equal(atHead.hash, head.body.hash);
      for (const e of events) {
        assert.deepEqual(Object.keys(e).sort(), EVENT_KEYS);
        assert.match(e.occurred_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.match(e.id, /^evt_/);
        // inbound webhook deliveries are signed by their sender, not made with a credential (test/sandbox/mcp-surface.test.ts)
        if (e.surface === 'webhook') assert.equal(e.credential_type, null);
        else assert.ok(['api_key', 'oauth_app', 'machine_client', 'service_token', 'user_grant'].includes(e.credential_type));
        assert.ok(Number.isInteger(e.status) && Number.isInteger(e.duration_ms));
        assert.equal(typeof e.pii_accessed, 'boolean');
      }
      // the head call and the page calls themselves were appended as real events
      const own = events.filter((e) => e.endpoint === '/v1/audit-events/head' && e.credential_type === 'service_token' && e.occurred_at > '2026-11-20T00:00:00.000Z');
      assert.ok(own.length >= 1);
      total += events.length;
    }
    assert.ok(total >= 1500);
  });

  test('pages are ascending and stable; limit bounds', async () => {
    const t = tokens.get(ctx.sb.workspaces[0]!.id)!;
    const a = await api(ctx.sb, t, 'GET', '/v1/audit-events?after_seq=10&limit=50');
    const b = await api(ctx.sb, t, 'GET', '/v1/audit-events?after_seq=10&limit=50');
    assert.equal(a.text, b.text);
    assert.equal(a.body.events[0].seq, 11);
    assert.equal(a.body.events.length, 50);
    assert.equal(a.body.has_more, true);
    const def = await api(ctx.sb, t, 'GET', '/v1/audit-events');
    assert.ok(def.body.events.length <= 1000);
    const end = await api(ctx.sb, t, 'GET', '/v1/audit-events?after_seq=999999&limit=10');
    assert.deepEqual(end.body, { workspace_id: ctx.sb.workspaces[0]!.id, events: [], next_after_seq: 999999, has_more: false });
  });

  test('seeded history: 180 days, contacts export incl. February, hostile strings, status mix', async () => {
    const events = (await Promise.all(ctx.sb.workspaces.map((w) => fetchAll(ctx.sb, tokens.get(w.id)!)))).flat();
    const exports = events.filter((e) => e.endpoint === '/v1/contacts/export');
    assert.ok(exports.length > 3);
    assert.ok(exports.every((e) => e.status !== 200 || e.pii_accessed));
    assert.ok(exports.filter((e) => e.occurred_at.slice(5, 7) === '02').length >= 3, 'exports in February');
    const oldest = events.map((e) => e.occurred_at).sort()[0];
    assert.ok(oldest < '2026-06-01');
    const text = JSON.stringify(events.map((e) => e.params));
    for (const needle of ['=HYPERLINK', '+SUM', '@SUM', '<script>', '\\r\\n', '\u202E']) assert.ok(text.includes(needle), needle);
    const statuses = new Set(events.map((e) => e.status));
    for (const s of [200, 403, 404]) assert.ok(statuses.has(s), String(s));
    assert.ok([...statuses].some((s) => s >= 500));
  });

  test('params are PII-redacted', async () => {
    const w = ctx.sb.workspaces[1]!.id;
    const t = tokens.get(w)!;
    await api(ctx.sb, t, 'POST', '/v1/api-keys', { name: 'for jane.doe@example.com +1 415 555 0100', scopes: ['contacts:read'] });
    const head = (await api(ctx.sb, t, 'GET', '/v1/audit-events/head')).body.seq;
    const page = await api(ctx.sb, t, 'GET', `/v1/audit-events?after_seq=${head - 3}`);
    const ev = page.body.events.find((e: any) => e.endpoint === '/v1/api-keys' && e.method === 'POST');
    assert.ok(ev);
    assert.ok(!JSON.stringify(ev).includes('jane.doe@example.com'));
    assert.ok(!JSON.stringify(ev).includes('555 0100'));
    assert.ok(!page.text.includes('sk_live_'), 'secret leaked into the log');
  });

  test('seeding is deterministic for a seed and anchor', async () => {
    const other = await boot({ workspaces: 3, events: 1500, seed: 11, anchor: '2026-11-20T00:00:00Z' });
    try {
      assert.deepEqual(other.sb.workspaces, ctx.sb.workspaces);
      const s1 = await admin(other.sb, 'GET', `/state?workspace=${ctx.sb.workspaces[2]!.id}`);
      const { seq, hash } = s1.body.workspaces[0]!.audit_head; // untouched copy: head == seeded history
      const ev = await api(ctx.sb, tokens.get(ctx.sb.workspaces[2]!.id)!, 'GET', `/v1/audit-events?after_seq=${seq - 1}&limit=1`);
      assert.equal(ev.body.events[0].hash, hash);
    } finally { await other.sb.close(); }
  });

  test('seeded insight truths agree with the events themselves', async () => {
    for (const w of ctx.sb.workspaces) {
      const st = (await admin(ctx.sb, 'GET', `/state?workspace=${w.id}`)).body.workspaces[0];
      const creds = st.credentials;
      assert.ok(creds.length >= 5 && creds.length <= 30 + 10);
      const seeded = creds.filter((c: any) => c.seeded);
      for (const type of ['api_key', 'oauth_app', 'machine_client', 'service_token']) assert.ok(seeded.some((c: any) => c.type === type), type);
      assert.ok(seeded.every((c: any) => !('secret' in c)));
      const events = (await fetchAll(ctx.sb, tokens.get(w.id)!)).filter((e) => e.credential_type !== 'service_token' || seeded.some((c: any) => c.id === e.credential_id));
      const truths = st.insight_truths;
      for (const s of truths.stable_ips_without_allowlist) {
        const ips = new Set(events.filter((e) => e.credential_id === s.credential_id).map((e) => e.caller_ip));
        assert.deepEqual([...ips].sort(), s.ips);
        assert.ok(ips.size >= 2 && ips.size <= 3);
        assert.deepEqual(creds.find((c: any) => c.id === s.credential_id).ip_allowlist, []);
      }
      for (const u of truths.unused_scopes) {
        assert.ok(u.unused_scopes.length > 0);
        const c = creds.find((x: any) => x.id === u.credential_id);
        for (const s of u.unused_scopes) assert.ok(c.scopes.includes(s));
      }
    }
    const all = await Promise.all(ctx.sb.workspaces.map(async (w) => (await admin(ctx.sb, 'GET', `/state?workspace=${w.id}`)).body.workspaces[0]!.insight_truths));
    assert.ok(all.some((t) => t.stable_ips_without_allowlist.length > 0));
    assert.ok(all.some((t) => t.unused_scopes.length > 0));
    assert.ok(all.some((t) => t.never_used.length > 0));
  });

  test('a user-grant call is audited with its app credential id', async () => {
    const w = ctx.sb.workspaces[0]!.id;
    const t = await login(ctx.as, w);
    await api(ctx.sb, t.access_token, 'GET', '/v1/api-keys');
    const head = (await api(ctx.sb, tokens.get(w)!, 'GET', '/v1/audit-events/head')).body.seq;
    const page = await api(ctx.sb, tokens.get(w)!, 'GET', `/v1/audit-events?after_seq=${head - 3}`);
    const ev = page.body.events.find((e: any) => e.credential_type === 'user_grant');
    assert.ok(ev);
    assert.match(ev.credential_id, /^app_/);
    assert.equal(ev.caller_ip, '127.0.0.1');
  });
});
