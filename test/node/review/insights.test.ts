/* eslint-disable @typescript-eslint/no-explicit-any -- JSON results of contract calls */
// Least-privilege insights match the sandbox's seeded truth (unused scopes, stable caller IPs without an allowlist),
// computed only from the local caches after a real inventory + audit sync. Also reachable as `grantdesk insights --json`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
import { scopeForEndpoint } from '../../../src-main/services/review/insights.ts';
import { testClient } from '../../support/test-client.ts';

test('endpoints map to catalogue scopes', () => {
  const res = new Set(['contacts', 'deals', 'credentials', 'audit']);
  assert.equal(scopeForEndpoint('GET', '/v1/contacts/{id}', res), 'contacts:read');
  assert.equal(scopeForEndpoint('GET', '/v1/contacts/export', res), 'contacts:read');
  assert.equal(scopeForEndpoint('PATCH', '/v1/deals/{id}', res), 'deals:write');
  assert.equal(scopeForEndpoint('DELETE', '/v1/deals/{id}', res), 'deals:delete');
  assert.equal(scopeForEndpoint('POST', '/v1/api-keys/{id}/rotate', res), 'credentials:write');
  assert.equal(scopeForEndpoint('GET', '/v1/audit-events/head', res), 'audit:read');
  assert.equal(scopeForEndpoint('GET', '/v1/workspace', res), null);
  assert.equal(scopeForEndpoint('GET', '/v1/unknown', res), null);
});

test('insights match the seeded truth of the sandbox', { timeout: 180_000 }, async () => {
  const sb = await startSandbox({ workspaces: 2, events: 1500, seed: 11, autoConsent: true, admin: true, clock: processClock(), log: () => undefined });
  const dir = mkdtempSync(join(tmpdir(), 'grantdesk-ins-'));
  const store = createMemorySecretStore();
  const rt = createApp({ dataDir: dir, db: openCache(dir), secretStore: store, clock: systemClock, opener: async (u) => void follow(u), logger: createFileLogger(dir) });
  const { call } = testClient(rt);
  try {
    await call('platforms.add', { issuer: sb.issuer });
    for (const w of sb.workspaces) await call('workspaces.connect', { workspace: w.id, role: 'auditor' });
    const empty = await call('insights.list', {});
    assert.ok(empty.coverage.warning, 'an empty cache is reported, not judged');
    await call('inventory.sync', {});
    await call('audit.sync', {});
    const short = await call('insights.list', { windowDays: 365 });
    assert.match(short.coverage.warning ?? '', /covers only/, 'the seeded history (~180 days + February) is shorter than 365 days');
    const state = (await (await fetch(`${sb.issuer}/__admin/state`, { headers: { authorization: `Bearer ${sb.adminToken}` } })).json()) as any;
    const byId = new Map<string, any>(short.items.map((i: any) => [i.id, i]));
    let checkedUnused = 0;
    let checkedIps = 0;
    for (const w of state.workspaces) {
      const live = new Map<string, any>(w.credentials.map((c: any) => [c.id, c]));
      const isLive = (id: string) => {
        const c = live.get(id);
        return c && c.status === 'active' && (!c.expires_at || Date.parse(c.expires_at) > Date.now()) && !c.grace_ends_at;
      };
      for (const t of w.insight_truths.unused_scopes) {
        if (!isLive(t.credential_id)) continue;
        const mine = byId.get(`unused_scopes:${w.id}:${t.credential_id}`);
        assert.ok(mine, `unused scopes of ${t.credential_id} are reported`);
        assert.deepEqual([...mine.suggestion.remove].sort(), [...t.unused_scopes].sort(), t.credential_id);
        assert.deepEqual([...mine.suggestion.keep].sort(), [...t.used_scopes].sort(), t.credential_id);
        assert.ok(short.drafts.some((d: any) => d.credentialId === t.credential_id), 'a draft narrower grant exists');
        assert.ok(mine.fix.command && mine.fix.route, 'each item links to its fix');
        checkedUnused++;
      }
      // and nothing extra: every unused-scopes item of a seeded credential is in the truth
      for (const i of short.items.filter((x: any) => x.kind === 'unused_scopes' && x.workspaceId === w.id && live.get(x.credentialId)?.seeded)) {
        assert.ok(w.insight_truths.unused_scopes.some((t: any) => t.credential_id === i.credentialId), `${i.credentialId} is a seeded truth`);
      }
      for (const t of w.insight_truths.stable_ips_without_allowlist) {
        if (!isLive(t.credential_id)) continue;
        const mine = byId.get(`stable_ips:${w.id}:${t.credential_id}`);
        assert.ok(mine, `stable IPs of ${t.credential_id} are reported`);
        assert.deepEqual(mine.suggestion.ips, [...t.ips].sort());
        assert.equal(mine.suggestion.cidrs.length, t.ips.length);
        checkedIps++;
      }
    }
    assert.ok(checkedUnused >= 3, `${checkedUnused} unused-scope truths checked`);
    assert.ok(checkedIps >= 1, `${checkedIps} stable-IP truths checked`);
    // sorted by risk, contact exports flagged, keys without expiry listed
    for (let i = 1; i < short.items.length; i++) assert.ok(short.items[i - 1]!.risk >= short.items[i]!.risk);
    assert.ok(short.items.some((i: any) => i.kind === 'contact_share'));
    assert.ok(short.items.some((i: any) => i.kind === 'no_expiry' || i.kind === 'old_key'));

    let out = '';
    const code = await runCli(['insights', '--json', '--window-days', '365'], { stdout: (s) => (out += s), stderr: () => undefined, env: { ...process.env, GRANTDESK_HOME: dir }, secretStore: store });
    assert.equal(code, 0);
    assert.equal(JSON.parse(out).items.length, short.items.length);
  } finally {
    await rt.close();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
