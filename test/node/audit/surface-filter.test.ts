/* eslint-disable @typescript-eslint/no-explicit-any -- JSON results of contract calls and the sandbox's true state */
// MCP and webhook traffic end to end over the real composition root and the sandbox: after an inventory and audit sync,
// `grantdesk audit query --surface mcp` returns exactly the true state's seeded MCP calls of that workspace (and the
// summary counts them), --surface / --mcp-tool garbage is invalid input with the field's label, an MCP call made live
// with an API key appears after the next sync, the CSV export carries surface and mcp_tool and verifies, and insights
// count an MCP tool call as use of its tool's scopes (the catalogue synced from the platform), as the true state does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../sandbox/server.ts';
import { processClock } from '../../../sandbox/clock.ts';
import { createApp } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { systemClock } from '../../../src-main/ports/clock.ts';
import { runCli } from '../../../src-main/cli/main.ts';
import { follow } from '../../support/fake-browser.mjs';
import { testClient } from '../../support/test-client.ts';
import { CLI_CONTEXT } from '../../../src-main/rpc/handlers.ts';

test('audit query --surface mcp returns the seeded MCP calls; insights count them as scope use', { timeout: 240_000 }, async () => {
  const sb = await startSandbox({ workspaces: 2, events: 2500, seed: 23, autoConsent: true, admin: true, clock: processClock(), log: () => undefined });
  const dir = mkdtempSync(join(tmpdir(), 'gd-surface-e2e-'));
  const store = createMemorySecretStore();
  const rt = createApp({ dataDir: dir, db: openCache(dir), secretStore: store, clock: systemClock, opener: async (u) => void follow(u), logger: createFileLogger(dir) });
  const { call } = testClient(rt);
  const shell = testClient(rt).as(CLI_CONTEXT); // the export names a path outside the exports folder
  const cli = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), env: { ...process.env, GRANTDESK_HOME: dir }, secretStore: store });
    return { code, out, err };
  };
  const adminGet = async (path: string) => (await (await fetch(`${sb.issuer}/__admin${path}`, { headers: { authorization: `Bearer ${sb.adminToken}` } })).json()) as any;
  try {
    await call('platforms.add', { issuer: sb.issuer });
    for (const w of sb.workspaces) await call('workspaces.connect', { workspace: w.id, role: 'auditor' });
    await call('inventory.sync', {});
    await call('audit.sync', {});
    const state = await adminGet('/state');

    // the CLI, every page: exactly the seeded MCP calls of each workspace
    for (const w of state.workspaces) {
      const rows: any[] = [];
      let cursor: string | null = null;
      do {
        const r = await cli('audit', 'query', '--surface', 'mcp', '--workspaces', w.id, '--limit', '1000', '--json', ...(cursor ? ['--cursor', cursor] : []));
        assert.equal(r.code, 0, r.err);
        const page = JSON.parse(r.out);
        rows.push(...page.rows);
        cursor = page.nextCursor;
      } while (cursor);
      const got = rows.map((r) => ({ seq: r.seq, credential_id: r.credentialId, credential_type: r.credentialType, mcp_tool: r.mcpTool, status: r.status })).sort((a, b) => a.seq - b.seq);
      assert.ok(w.insight_truths.mcp_events.length > 20, `${w.insight_truths.mcp_events.length} seeded MCP calls in ${w.id}`);
      assert.deepEqual(got, w.insight_truths.mcp_events, w.id);
      assert.ok(rows.every((r) => r.surface === 'mcp' && r.endpoint === '/mcp' && r.workspaceId === w.id));
      const summary = JSON.parse((await cli('audit', 'summary', '--surface', 'webhook', '--workspaces', w.id, '--json')).out);
      assert.equal(summary.count, w.insight_truths.webhook_deliveries.length);
    }

    // garbage is refused before anything runs, naming the field in words
    const bad = await cli('audit', 'query', '--surface', "sql'; DROP TABLE audit_events; --");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^error invalid_input: Surface: /);
    const badTool = await cli('audit', 'query', '--mcp-tool', '=HYPERLINK("x")');
    assert.equal(badTool.code, 2);
    assert.match(badTool.err, /^error invalid_input: MCP tool: /);

    // a real MCP call by an API key appears after the next sync, with its tool
    const ws = sb.workspaces[0]!.id;
    const mint = await (await fetch(`${sb.issuer}/__admin/tokens`, { method: 'POST', headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ workspace: ws, scopes: ['credentials:write'] }) })).json() as any;
    const key = await (await fetch(`${sb.issuer}/v1/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${mint.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'support agent (MCP)', scopes: ['contacts:read', 'tickets:read'] }) })).json() as any;
    const mcp = await fetch(`${sb.issuer}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'list_open_tickets', arguments: { priority: 'high' } } }) });
    assert.equal(mcp.status, 200);
    await call('audit.sync', {});
    const live = JSON.parse((await cli('audit', 'query', '--surface', 'mcp', '--mcp-tool', 'list_open_tickets', '--credential', key.id, '--json')).out);
    assert.deepEqual(live.rows.map((r: any) => [r.credentialId, r.mcpTool, r.status]), [[key.id, 'list_open_tickets', 200]]);

    // the export carries both columns and verifies
    const exp = await shell.call('audit.export', { surface: 'mcp', workspaces: [ws], out: join(dir, 'mcp.csv'), format: 'csv', bom: false, force: false });
    const head = state.workspaces.find((w: any) => w.id === ws);
    assert.equal(exp.rowCount, head.insight_truths.mcp_events.length + 1);
    const header = readFileSync(exp.path, 'utf8').split('\r\n')[0]!.split(',');
    assert.ok(header.includes('surface') && header.includes('mcp_tool'));
    assert.equal((await shell.call('audit.verify', { manifest: exp.manifestPath })).ok, true);

    // insights: a scope used only through MCP tool calls is used, not unused — as the sandbox's truth says
    const report = await call('insights.list', { windowDays: 365 });
    const byId = new Map<string, any>(report.items.map((i: any) => [i.id, i]));
    let mcpOnly = 0;
    for (const w of state.workspaces) {
      const live = new Map<string, any>(w.credentials.map((c: any) => [c.id, c]));
      const isLive = (id: string) => {
        const c = live.get(id);
        return c && c.status === 'active' && (!c.expires_at || Date.parse(c.expires_at) > Date.now()) && !c.grace_ends_at;
      };
      for (const m of w.insight_truths.scopes_used_only_via_mcp) {
        if (!isLive(m.credential_id)) continue;
        const item = byId.get(`unused_scopes:${w.id}:${m.credential_id}`);
        const truth = w.insight_truths.unused_scopes.find((u: any) => u.credential_id === m.credential_id);
        if (!truth) {
          assert.equal(item, undefined, `${m.credential_id}: every scope is used (some only through MCP), so nothing is reported unused`);
        } else {
          assert.ok(item, `${m.credential_id}: unused scopes are reported`);
          assert.deepEqual([...item.suggestion.remove].sort(), [...truth.unused_scopes].sort());
          for (const s of m.scopes) assert.ok(item.suggestion.keep.includes(s) && !item.suggestion.remove.includes(s), `${m.credential_id}: ${s} (used through MCP) is kept`);
        }
        mcpOnly += m.scopes.length;
      }
    }
    assert.ok(mcpOnly > 0, 'some live credential used a scope only through MCP');
  } finally {
    await rt.close();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
