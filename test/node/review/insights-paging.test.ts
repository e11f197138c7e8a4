// Insights that scale (issue 13 item 9): insights.list pages through the credentials (offset/limit) in a stable order,
// so the renderer shows the first findings at once and loads the rest; the pages together are exactly the whole report.
// "Investigate" carries its filters in the audit route's query names (endpoint, from, to, workspaces, credential).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeInsights, type InsightsPorts } from '../../../src-main/services/review/insights.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');

function ports(n: number): InsightsPorts {
  const creds = Array.from({ length: n }, (_v, i) => ({
    workspaceId: `ws_${i % 7}`,
    workspaceName: `Workspace ${String.fromCharCode(65 + (i % 7))}`,
    id: `key_${i}`,
    type: 'api_key',
    name: `integration ${i}`,
    status: 'active',
    scopes: ['contacts:read', 'contacts:write'],
    ipAllowlist: [],
    expiresAt: null,
    createdAt: new Date(NOW - 200 * DAY).toISOString(),
    clientId: null,
  }));
  return {
    inventory: {
      credentials: () => creds as never,
      scopeCatalogue: () => [{ name: 'contacts:read', resource: 'contacts' }, { name: 'contacts:write', resource: 'contacts' }] as never,
      mcpTools: () => [],
      mcpCatalogueState: () => ({ state: 'none', checkedAt: null, problem: null, tools: 0 }),
    },
    audit: {
      coverageOf: () => ({ fromMs: NOW - 100 * DAY, untilMs: NOW }),
      callsByEndpointStatus: (_ws: string, id: string) => (Number(id.slice(4)) % 3 === 0 ? [] : [{ method: 'GET', endpoint: '/v1/contacts', status: 200, n: 9 }]) as never,
      callsByCallerIp: () => [{ ip: '198.51.100.7', n: 9 }] as never,
      contactRecordsSeen: () => 50,
      mcpToolCalls: () => [],
      contactDays: (_ws: string, id: string) => (id === 'key_5' ? [{ day: Math.floor((NOW - 3 * DAY) / DAY), records: 20, exports: 0 }] : []) as never,
    },
  } as unknown as InsightsPorts;
}

test('insights pages: limit bounds the first page, nextOffset walks the rest, the pages together are the whole report', () => {
  const p = ports(1200);
  const all = computeInsights(p, { nowMs: NOW, windowDays: 90 });
  assert.ok(all.items.length > 1000, `a large report: ${all.items.length}`);
  const first = computeInsights(p, { nowMs: NOW, windowDays: 90, offset: 0, limit: 100 });
  assert.deepEqual(first.page, { offset: 0, nextOffset: 100, credentials: 1200 });
  assert.equal(new Set(first.items.map((i) => i.credentialId)).size <= 100, true, 'the first page reads at most 100 credentials');
  assert.ok(first.items.length > 0 && first.items.length < all.items.length / 5);
  const ids: string[] = [];
  let offset: number | null = 0;
  let pages = 0;
  while (offset !== null) {
    const r = computeInsights(p, { nowMs: NOW, windowDays: 90, offset, limit: 100 });
    assert.equal(r.coverage.warning, all.coverage.warning, 'coverage is over all credentials on every page');
    ids.push(...r.items.map((i) => i.id));
    offset = r.page.nextOffset;
    pages++;
  }
  assert.equal(pages, 12);
  assert.equal(ids.length, new Set(ids).size, 'no finding twice');
  assert.deepEqual([...ids].sort(), all.items.map((i) => i.id).sort(), 'exactly the whole report');
});

test('Investigate carries its filters: the contact-share finding links the audit explorer to that credential, workspace, endpoint and day', () => {
  const r = computeInsights(ports(20), { nowMs: NOW, windowDays: 90 });
  const item = r.items.find((i) => i.kind === 'contact_share' && i.credentialId === 'key_5')!;
  assert.ok(item, 'a contact-share finding');
  const day = Math.floor((NOW - 3 * DAY) / DAY) * DAY;
  assert.deepEqual(item.investigate, { endpoint: '/v1/contacts*', from: new Date(day).toISOString(), to: new Date(day + DAY).toISOString() });
  const q = new URLSearchParams(item.fix.route.slice(item.fix.route.indexOf('?') + 1));
  assert.equal(item.fix.route.startsWith('#/audit?'), true);
  assert.deepEqual(Object.fromEntries(q), { endpoint: '/v1/contacts*', from: new Date(day).toISOString(), to: new Date(day + DAY).toISOString(), workspaces: 'ws_5', credential: 'key_5' });
  // every other finding carries the report's window
  const other = r.items.find((i) => i.kind !== 'contact_share')!;
  assert.deepEqual(other.investigate, { endpoint: null, from: new Date(NOW - 90 * DAY).toISOString(), to: new Date(NOW).toISOString() });
});
