// The "done when" story through the app's real WorkspaceApi (connections domain: PKCE loopback connect, keychain, refresh)
// against the sandbox: connect, sync (chains verified), "who called /v1/contacts/export in a month, from which IPs" answered
// from the cache through the dispatcher (as the CLI does), exported, and `verify` passes; then a one-byte change fails it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NO_KEYRING_REASON, startHarness } from '../connections/harness.ts';
import { CLI_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { testClient } from '../../support/test-client.ts';

test('connect, sync, query, export and verify through the real connections WorkspaceApi', { skip: NO_KEYRING_REASON, timeout: 120_000 }, async () => {
  const h = await startHarness({ sandbox: { workspaces: 3, events: 6000, seed: 31 } });
  const c = testClient(() => h.app);
  try {
    for (const w of h.sandbox.workspaces) await c.call('workspaces.connect', { workspace: w.id, role: 'operator' });
    const sync = await c.call('audit.sync', {});
    assert.equal(sync.results.length, 3);
    assert.ok(sync.results.every((r) => r.outcome === 'ok' && r.inserted > 0), JSON.stringify(sync.results));
    const status = await c.call('audit.status', {});
    assert.ok(status.workspaces.every((w) => w.state === 'ok' && w.cursorSeq === w.eventCount && w.tamper.length === 0));

    // "who called /v1/contacts/export in <month>, from which IPs" — offline, from the cache
    const first = await c.call('audit.query', { endpoint: '/v1/contacts/export', limit: 1000 });
    assert.ok(first.rows.length > 0, 'the seeded data has contacts exports');
    const month = first.rows[0]!.occurredAt.slice(0, 7);
    const from = `${month}-01T00:00:00Z`;
    const next = new Date(Date.parse(from));
    next.setUTCMonth(next.getUTCMonth() + 1);
    const page = await c.call('audit.query', { endpoint: '/v1/contacts/export', from, to: next.toISOString(), limit: 1000 });
    assert.ok(page.rows.length > 0 && page.rows.every((r) => r.endpoint === '/v1/contacts/export' && r.occurredAt.startsWith(month)));
    const who = new Set(page.rows.map((r) => `${r.credentialId} ${r.callerIp}`));
    assert.ok(who.size > 0);

    // a path the user's shell names, then `grantdesk verify` on it: the CLI's file access and failing check
    const cli = c.as(CLI_CONTEXT);
    const out = join(h.dataDir, 'contacts-export.csv');
    const exp = await cli.call('audit.export', { endpoint: '/v1/contacts/export', from, to: next.toISOString(), out, format: 'csv', bom: true });
    assert.equal(exp.rowCount, page.rows.length);
    const ok = await cli.call('audit.verify', { manifest: exp.manifestPath });
    assert.equal(ok.ok, true);
    const bytes = readFileSync(out);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 1;
    writeFileSync(out, bytes);
    const bad = await cli.callResult('audit.verify', { manifest: exp.manifestPath });
    assert.equal(bad.ok, false, 'the CLI transport fails a broken export');
    assert.equal(bad.error?.code, 'tamper_detected');
  } finally {
    await h.close();
  }
});
