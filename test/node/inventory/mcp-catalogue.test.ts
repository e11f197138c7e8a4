// The platform's MCP tool catalogue is hostile input (issue 14 item 3). Through a proxy in front of the sandbox that
// rewrites GET /v1/mcp/tools, over the real composition root: a tool claiming a scope the scope catalogue does not list,
// 100,000 tools, or a formula as a tool name are refused whole with a sentence and the previous catalogue is kept; the
// credentials still sync. A catalogue without a tool the audit log names makes insights say those MCP calls could not
// be counted, and with the platform's own catalogue insights equal the sandbox's truth (MCP calls count as scope use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../../sandbox/server.ts';
import { processClock } from '../../../sandbox/clock.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createInventoryReadModel } from '../../../src-main/services/inventory/index.ts';
import { startHostilePlatform } from '../../support/hostile-platform.ts';
import { startRealApp } from './support.ts';

type Json = Record<string, unknown>;
type Tool = { name: string; description: string; scopes: string[] };

test('a hostile MCP tool catalogue is refused with a sentence; insights count MCP calls only with a believable one', { timeout: 240_000 }, async () => {
  const sb = await startSandbox({ workspaces: 2, events: 2000, seed: 31, autoConsent: true, admin: true, clock: processClock(), log: () => undefined });
  let mode: (tools: Tool[]) => Tool[] = (t) => t;
  const proxy = await startHostilePlatform(sb.issuer, { paths: { '/v1/mcp/tools': (j: Json) => ({ ...j, tools: mode(j.tools as Tool[]) }) } });
  const app = await startRealApp(proxy.origin, sb.workspaces.map((w) => w.id));
  const db = openCache(app.dataDir);
  const read = createInventoryReadModel(db);
  const sync = async () => {
    const r = await app.call('inventory.sync', {});
    assert.ok(r.workspaces.every((w) => w.ok), `the credentials still sync: ${JSON.stringify(r.workspaces.map((w) => w.error))}`);
  };
  try {
    // a tool claiming a scope the platform's scope catalogue does not list: nothing stored, the reason in words
    mode = (t) => [...t, { name: 'run_payroll', description: 'Pay everyone', scopes: ['contacts:read', 'payroll:admin'] }];
    await sync();
    let st = read.mcpCatalogueState();
    assert.equal(st.state, 'refused');
    assert.match(st.problem!, /^The platform's MCP tool catalogue says the tool run_payroll needs the scope "payroll:admin", which its scope catalogue does not list; it was not stored/);
    assert.equal(read.mcpTools().length, 0);

    // the platform's own catalogue is stored
    mode = (t) => t;
    await sync();
    assert.equal(read.mcpCatalogueState().state, 'ok');
    const real = read.mcpTools();
    assert.equal(real.length, 14);

    // 100,000 tools: refused whole (never cut to a prefix), the previous catalogue kept
    mode = () => Array.from({ length: 100_000 }, (_v, i) => ({ name: `t${i}`, description: '', scopes: ['contacts:read'] }));
    await sync();
    st = read.mcpCatalogueState();
    assert.equal(st.state, 'refused');
    assert.match(st.problem!, /^The MCP tool catalogue could not be read: .*lists more than 2000 tools, the most Grantdesk accepts.*The previous catalogue is kept\.$/);
    assert.deepEqual(read.mcpTools(), real);

    // a formula / CR-LF as a tool name: refused the same way
    mode = (t) => [...t, { name: '=HYPERLINK("http://evil.example")\r\n', description: 'x', scopes: ['contacts:read'] }];
    await sync();
    assert.equal(read.mcpCatalogueState().state, 'refused');
    assert.match(read.mcpCatalogueState().problem!, /is not an MCP tool name/);
    assert.deepEqual(read.mcpTools(), real);

    // a believable catalogue without the contact tools: their MCP calls cannot be counted, and insights say so
    mode = (t) => t.filter((x) => x.name !== 'search_contacts' && x.name !== 'get_contact');
    await sync();
    assert.equal(read.mcpTools().length, 12);
    await app.call('audit.sync', {});
    const partial = await app.call('insights.list', { windowDays: 365 });
    const noted = partial.items.filter((i) => i.kind === 'unused_scopes' && / MCP tool calls? \((get_contact|search_contacts)[^)]*\) could not be counted: the platform's MCP tool catalogue does not list them\. Some of the unused scopes may be needed by those tools\.$/.test(i.detail));
    assert.ok(noted.length > 0, 'a credential whose contact-tool calls cannot be counted says so');

    // with the platform's catalogue: no such note, and every seeded credential's unused scopes equal the truth
    mode = (t) => t;
    await sync();
    const full = await app.call('insights.list', { windowDays: 365 });
    assert.ok(!full.items.some((i) => /could not be counted/.test(i.detail)));
    const state = (await (await fetch(`${sb.issuer}/__admin/state`, { headers: { authorization: `Bearer ${sb.adminToken}` } })).json()) as { workspaces: Array<{ id: string; insight_truths: { unused_scopes: Array<{ credential_id: string; unused_scopes: string[] }> } }> };
    let compared = 0;
    for (const n of noted) {
      const truth = state.workspaces.find((w) => w.id === n.workspaceId)!.insight_truths.unused_scopes.find((u) => u.credential_id === n.credentialId);
      const now = full.items.find((i) => i.id === n.id);
      if (!truth) assert.equal(now, undefined, `${n.credentialId}: with the contact tools counted, no scope is unused`);
      else if (now && now.suggestion.kind === 'narrow_scopes') {
        assert.deepEqual([...now.suggestion.remove].sort(), [...truth.unused_scopes].sort());
        compared++;
      }
    }
    assert.ok(compared + noted.length > 0);
  } finally {
    db.close();
    await app.close();
    await proxy.close();
    await sb.close();
  }
});
