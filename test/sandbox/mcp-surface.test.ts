/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies */
// MCP and webhook traffic in the platform's audit log: every event carries `surface` and `mcp_tool` inside its hash, the
// seeded MCP tool calls and webhook deliveries are exactly the true state's lists, the tool catalogue maps tools to real
// scopes, the insight truths count an MCP call as use of its tool's scopes, and a live POST /mcp enforces those scopes
// and is audited with surface mcp. Verified here with an independent JCS + SHA-256 verifier.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { admin, api, boot } from './helpers.ts';

function canon(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canon(o[k])}`).join(',')}}`;
}
const rehash = (e: any) => {
  const { prev_hash, hash: _h, ...rest } = e;
  return createHash('sha256').update(prev_hash + canon(rest), 'utf8').digest('hex');
};

async function all(sb: any, token: string, afterSeq = 0) {
  const out: any[] = [];
  let a = afterSeq;
  for (;;) {
    const r = await api(sb, token, 'GET', `/v1/audit-events?after_seq=${a}&limit=5000`);
    assert.equal(r.status, 200, r.text);
    out.push(...r.body.events);
    a = r.body.next_after_seq;
    if (!r.body.has_more) return out;
  }
}

let ctx: Awaited<ReturnType<typeof boot>>;
const tokens = new Map<string, string>();
const seeded = new Map<string, any[]>();
const truths = new Map<string, any>();
before(async () => {
  ctx = await boot({ workspaces: 3, events: 3000, seed: 21, anchor: '2026-11-20T00:00:00Z' });
  for (const w of ctx.sb.workspaces) {
    const st = (await admin(ctx.sb, 'GET', `/state?workspace=${w.id}`)).body.workspaces[0];
    truths.set(w.id, st.insight_truths);
    const head = st.audit_head.seq;
    tokens.set(w.id, (await admin(ctx.sb, 'POST', '/tokens', { workspace: w.id, scopes: ['audit:read', 'credentials:read', 'credentials:write'] })).body.token);
    seeded.set(w.id, (await all(ctx.sb, tokens.get(w.id)!)).filter((e) => e.seq <= head));
  }
});
after(async () => { await ctx.sb.close(); });

describe('audit surfaces', () => {
  test('every seeded event carries surface and mcp_tool inside its hash, and the chain verifies', () => {
    for (const [ws, events] of seeded) {
      let prev = '0'.repeat(64);
      for (const e of events) {
        assert.ok(['api', 'mcp', 'webhook'].includes(e.surface), `${ws} seq ${e.seq}: surface ${e.surface}`);
        assert.ok('mcp_tool' in e);
        assert.equal(e.prev_hash, prev);
        assert.equal(rehash(e), e.hash, `${ws} seq ${e.seq}`);
        prev = e.hash;
      }
      // the surface is part of what the hash covers: changing it breaks the event's hash
      const victim = events.find((e) => e.surface === 'mcp')!;
      assert.notEqual(rehash({ ...victim, surface: 'api' }), victim.hash);
      assert.notEqual(rehash({ ...victim, mcp_tool: 'read_audit_log' === victim.mcp_tool ? 'list_files' : 'read_audit_log' }), victim.hash);
    }
  });

  test('the seeded MCP tool calls and webhook deliveries are exactly the true state lists', () => {
    let mcpTotal = 0;
    const statuses = new Set<number>();
    for (const [ws, events] of seeded) {
      const t = truths.get(ws);
      const mcp = events.filter((e) => e.surface === 'mcp');
      const hooks = events.filter((e) => e.surface === 'webhook');
      assert.deepEqual(mcp.map((e) => ({ seq: e.seq, credential_id: e.credential_id, credential_type: e.credential_type, mcp_tool: e.mcp_tool, status: e.status })), t.mcp_events);
      assert.deepEqual(hooks.map((e) => ({ seq: e.seq, webhook_endpoint_id: e.params.webhook_endpoint_id, status: e.status })), t.webhook_deliveries);
      assert.deepEqual(t.surface_counts, { api: events.length - mcp.length - hooks.length, mcp: mcp.length, webhook: hooks.length });
      // a realistic share: MCP is a minority of the traffic, but there is some in every workspace
      assert.ok(mcp.length > events.length * 0.01 && mcp.length < events.length * 0.25, `${ws}: ${mcp.length} of ${events.length}`);
      assert.ok(hooks.length > 0);
      for (const e of mcp) {
        assert.ok(e.credential_type === 'api_key' || e.credential_type === 'oauth_app', e.credential_type);
        assert.equal(e.method, 'POST');
        assert.equal(e.endpoint, '/mcp');
        assert.equal(e.params.jsonrpc, '2.0');
        if (e.params.method === 'tools/call') assert.equal(e.params.params.name, e.mcp_tool);
        else assert.deepEqual([e.params.method, e.mcp_tool], ['tools/list', null]);
        statuses.add(e.status);
      }
      for (const e of hooks) {
        assert.deepEqual([e.credential_id, e.credential_type, e.mcp_tool, e.method], [null, null, null, 'POST']);
        assert.equal(e.endpoint, `/hooks/${e.params.webhook_endpoint_id}`);
      }
      for (const e of events.filter((x) => x.surface === 'api')) assert.equal(e.mcp_tool, null);
      mcpTotal += mcp.length;
    }
    assert.ok(mcpTotal >= 100, `${mcpTotal} seeded MCP calls`);
    for (const s of [200, 403, 429]) assert.ok(statuses.has(s), `MCP status ${s} seeded`);
  });

  test('the tool catalogue names only real scopes, for any valid token', async () => {
    const ws = ctx.sb.workspaces[0]!.id;
    const bare = (await admin(ctx.sb, 'POST', '/tokens', { workspace: ws, scopes: [] })).body.token;
    const cat = await api(ctx.sb, bare, 'GET', '/v1/mcp/tools');
    assert.equal(cat.status, 200, cat.text);
    const scopes = new Set((await api(ctx.sb, bare, 'GET', '/v1/scopes')).body.scopes.map((s: any) => s.name));
    assert.ok(cat.body.tools.length >= 10);
    for (const t of cat.body.tools) {
      assert.deepEqual(Object.keys(t).sort(), ['description', 'name', 'scopes']);
      assert.ok(t.scopes.length >= 1 && t.scopes.every((s: string) => scopes.has(s)), t.name);
    }
    assert.equal((await api(ctx.sb, 'bogus', 'GET', '/v1/mcp/tools')).status, 401);
  });

  test('insight truths count an MCP tool call as use of every scope its tool needs', async () => {
    const ws0 = ctx.sb.workspaces[0]!.id;
    const catalogue = new Map<string, string[]>((await api(ctx.sb, tokens.get(ws0)!, 'GET', '/v1/mcp/tools')).body.tools.map((t: any) => [t.name, t.scopes]));
    let mcpOnly = 0;
    for (const [ws, events] of seeded) {
      const t = truths.get(ws);
      // scopes each credential used through MCP tool calls alone
      const used = new Map<string, Set<string>>();
      for (const e of events) {
        if (e.status === 403 || e.surface !== 'mcp' || e.mcp_tool === null) continue;
        const need = catalogue.get(e.mcp_tool)!;
        if (!used.has(e.credential_id)) used.set(e.credential_id, new Set());
        for (const s of need) used.get(e.credential_id)!.add(s);
      }
      for (const u of t.unused_scopes) {
        for (const s of used.get(u.credential_id) ?? []) assert.ok(!u.unused_scopes.includes(s), `${u.credential_id}: ${s} is used by an MCP call, not unused`);
        for (const s of used.get(u.credential_id) ?? []) assert.ok(u.used_scopes.includes(s), `${u.credential_id}: ${s} counted as used`);
      }
      for (const m of t.scopes_used_only_via_mcp) {
        const mcpScopes = used.get(m.credential_id)!;
        for (const s of m.scopes) assert.ok(mcpScopes.has(s), `${m.credential_id}: ${s} came from an MCP call`);
        mcpOnly += m.scopes.length;
      }
    }
    assert.ok(mcpOnly > 0, 'some scope is used only through MCP, so counting MCP changes the unused list');
  });

  test('live POST /mcp enforces the tool scopes and is audited with surface mcp and the tool name', async () => {
    const ws = ctx.sb.workspaces[1]!.id;
    const mgmt = tokens.get(ws)!;
    const key = await api(ctx.sb, mgmt, 'POST', '/v1/api-keys', { name: 'mcp agent', scopes: ['contacts:read'] });
    assert.equal(key.status, 201, key.text);
    const secret = key.body.secret as string;
    const head = (await api(ctx.sb, mgmt, 'GET', '/v1/audit-events/head')).body.seq;
    const call = (body: unknown) => api(ctx.sb, secret, 'POST', '/mcp', body);
    const ok = await call({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_contacts', arguments: { query: '' } } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.id, 1);
    assert.match(ok.body.result.content[0].text, /^25 contacts found$/);
    const denied = await call({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'create_ticket', arguments: { subject: 'x' } } });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('www-authenticate'), 'Bearer error="insufficient_scope", scope="tickets:write"');
    // hostile tool names are answered and audited, but never recorded as a tool
    const unknown = await call({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: `=HYPERLINK("x")\r\n${'A'.repeat(10_240)}` } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, -32602);
    const list = await call({ jsonrpc: '2.0', id: 'l', method: 'tools/list' });
    assert.equal(list.status, 200);
    assert.ok(list.body.result.tools.some((t: any) => t.name === 'search_contacts' && t.inputSchema.type === 'object'));
    const batch = await call([{ jsonrpc: '2.0', id: 4, method: 'tools/list' }]);
    assert.equal(batch.status, 400);

    const fresh = (await all(ctx.sb, mgmt, head)).filter((e) => e.credential_id === key.body.id);
    assert.deepEqual(fresh.map((e) => [e.surface, e.mcp_tool, e.status, e.pii_accessed]), [
      ['mcp', 'search_contacts', 200, true],
      ['mcp', 'create_ticket', 403, false],
      ['mcp', null, 400, false],
      ['mcp', null, 200, false],
      ['mcp', null, 400, false],
    ]);
    for (const e of fresh) {
      assert.equal(e.endpoint, '/mcp');
      assert.equal(rehash(e), e.hash);
    }
    const mgmtEvents = (await all(ctx.sb, mgmt, head)).filter((e) => e.endpoint === '/v1/api-keys' || e.endpoint === '/v1/audit-events/head');
    assert.ok(mgmtEvents.length > 0 && mgmtEvents.every((e) => e.surface === 'api' && e.mcp_tool === null));
  });

  test('seeding surfaces is deterministic', async () => {
    const other = await boot({ workspaces: 3, events: 3000, seed: 21, anchor: '2026-11-20T00:00:00Z' });
    try {
      for (const w of ctx.sb.workspaces) {
        const t = (await admin(other.sb, 'GET', `/state?workspace=${w.id}`)).body.workspaces[0].insight_truths;
        assert.deepEqual(t.mcp_events, truths.get(w.id).mcp_events);
        assert.deepEqual(t.webhook_deliveries, truths.get(w.id).webhook_deliveries);
      }
    } finally { await other.sb.close(); }
  });
});
