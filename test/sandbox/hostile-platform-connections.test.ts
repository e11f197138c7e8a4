// A hostile or flaky platform against the connections domain (issue 11 rows 2, 5, 6, 9). Each test performs the attack
// through the real composition root (real sandbox over loopback, real keychain inside scripts/with-keyring.sh) and asserts
// that it fails fast with a typed error and that nothing was opened, sent, revoked or overwritten: the hostile peer
// (test/support/hostile-platform.ts) counts every request that reaches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../sandbox/server.ts';
import type { Workspace } from '../../src-common/contract/index.ts';
import { clampInterval, DEVICE_MAX_EXPIRES_S } from '../../src-main/services/connections/connect-flow.ts';
import { safeOpenUrl } from '../../src-main/cli/main.ts';
import { openCache } from '../../src-main/adapters/sqlite.ts';
import { follow } from '../support/fake-browser.mjs';
import { startHostilePlatform } from '../support/hostile-platform.ts';
import { NO_KEYRING_REASON, startHarness, type Harness } from '../node/connections/harness.ts';

const opts = { skip: NO_KEYRING_REASON, timeout: 90_000 };

/** A harness whose opener only records what it was asked to open (and follows it when `follow` is set). */
async function harness(followUrls = false) {
  const opened: string[] = [];
  const h = await startHarness({
    addPlatform: false,
    ports: {
      opener: async (url) => {
        opened.push(url);
        if (followUrls) void follow(url).catch(() => undefined);
      },
    },
  });
  return { h, opened };
}

async function grantItem(h: Harness, ws: string): Promise<{ refreshToken: string; generation: number; platformId: string } | null> {
  const a = (await h.store.list()).find((x) => x.startsWith('grant:') && x.endsWith(`:${ws}`));
  return a ? (JSON.parse((await h.store.get(a))!) as never) : null;
}

/** Desktop-client grants per workspace as the platform really sees them (effective_status: RFC 7009 revocation applied). */
async function liveGrants(sb: { issuer: string; adminToken?: string }): Promise<Map<string, { active: number; revoked: number }>> {
  const res = await fetch(`${sb.issuer}/__admin/state`, { headers: { authorization: `Bearer ${sb.adminToken}` } });
  const st = (await res.json()) as { workspaces: Array<{ id: string; credentials: Array<{ type: string; effective_status: string; client_id: string | null }> }> };
  const out = new Map<string, { active: number; revoked: number }>();
  for (const w of st.workspaces) {
    const g = { active: 0, revoked: 0 };
    for (const c of w.credentials) if (c.type === 'user_grant' && c.client_id === 'grantdesk-desktop') c.effective_status === 'active' ? g.active++ : g.revoked++;
    out.set(w.id, g);
  }
  return out;
}

async function sandboxAdmin(h: Harness, path: string, body: unknown) {
  const r = await fetch(`${h.sandbox.issuer}/__admin${path}`, {
    method: body === undefined ? 'DELETE' : 'POST',
    headers: { authorization: `Bearer ${h.sandbox.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(r.status, 200, await r.text());
}

test('device flow: a hostile verification_uri is never opened, shown or polled for', opts, async () => {
  const { h, opened } = await harness();
  const peer = await startHostilePlatform(h.sandbox.issuer);
  try {
    await h.call('platforms.add', { issuer: peer.origin, name: 'Hostile' });
    const progress: string[] = [];
    h.app.bus.subscribe((name, p) => {
      if (name === 'task.progress') progress.push(String((p as { message: string | null }).message));
    });
    for (const bad of ['--renderer-cmd-prefix=x', 'javascript:alert(1)', 'file:///etc/passwd', 'http://evil.example/device', 'data:text/html,<b>x</b>']) {
      for (const field of ['verification_uri', 'verification_uri_complete']) {
        peer.rewrites.device = (r) => ({ ...r, [field]: bad });
        const tokenBefore = peer.count('/token');
        const r = await h.callResult('workspaces.connectDevice', { workspace: h.sandbox.workspaces[0]!.id, platform: 'Hostile' });
        assert.equal(r.ok, false, `${field}=${bad} was accepted`);
        assert.equal(r.error!.code, 'invalid_response', `${field}=${bad}: ${r.error!.message}`);
        assert.match(r.error!.message, /https/);
        assert.equal(opened.length, 0, `the opener was called with ${opened.join(', ')}`);
        assert.equal(peer.count('/token') - tokenBefore, 0, 'no device token poll');
        assert.ok(!progress.some((m) => m.includes(bad)), 'the hostile URL was never shown');
      }
    }
    // the CLI opener's own guard: a leading '-' or a non-http(s) scheme never reaches spawn()
    for (const bad of ['--renderer-cmd-prefix=x', '-x', 'javascript:alert(1)', 'file:///etc', ' --x']) assert.throws(() => safeOpenUrl(bad), /no browser was started/);
    assert.equal(safeOpenUrl('https://platform.example/device?user_code=AB'), 'https://platform.example/device?user_code=AB');
  } finally {
    await peer.close();
    await h.close();
  }
});

test('device flow: a 10-year expires_in is capped at 30 minutes; a 1-day interval is clamped and bounded by the deadline', opts, async () => {
  const { h, opened } = await harness();
  const peer = await startHostilePlatform(h.sandbox.issuer);
  try {
    await h.call('platforms.add', { issuer: peer.origin, name: 'Hostile' });
    // expires_in: 315360000 (10 years); the code is never approved, so the platform answers authorization_pending forever
    peer.rewrites.device = (r) => ({ ...r, expires_in: 315_360_000, interval: 1 });
    const pending = h.callResult('workspaces.connectDevice', { workspace: h.sandbox.workspaces[0]!.id, platform: 'Hostile' });
    while (peer.count('/token') === 0) await new Promise((r) => setTimeout(r, 50));
    h.clock.advance((DEVICE_MAX_EXPIRES_S + 1) * 1000); // 30 min + 1 s later on the app's clock
    const r = await pending;
    assert.equal(r.ok, false);
    assert.equal(r.error!.code, 'timeout', r.error!.message);
    assert.equal(opened.length, 1);
    const polls = peer.count('/token');
    assert.ok(polls <= 2, `polling stopped at the capped deadline (${polls} polls)`);

    // interval: 86400 s. The wait is clamped and never outlasts the code's own deadline (3 s here).
    peer.rewrites.device = (r) => ({ ...r, expires_in: 3, interval: 86_400 });
    const r2 = await h.callResult('workspaces.connectDevice', { workspace: h.sandbox.workspaces[0]!.id, platform: 'Hostile' });
    assert.equal(r2.ok, false);
    assert.equal(r2.error!.code, 'timeout', r2.error!.message);
    // slow_down is honoured: after it the next wait (1 s + 5 s) outlasts the 4 s code, so there is no second poll
    peer.rewrites.device = (r) => ({ ...r, expires_in: 4, interval: 1 });
    peer.rewrites.token = (f) => (f.get('grant_type')?.endsWith(':device_code') ? { status: 400, json: { error: 'slow_down' } } : null);
    const polls0 = peer.count('/token');
    const r3 = await h.callResult('workspaces.connectDevice', { workspace: h.sandbox.workspaces[0]!.id, platform: 'Hostile' });
    assert.equal(r3.error?.code, 'timeout', r3.error?.message);
    assert.equal(peer.count('/token') - polls0, 1, 'one poll, then the slowed-down wait ran into the deadline');
    assert.equal(clampInterval(86_400), 60_000);
    assert.equal(clampInterval(0), 1_000);
    assert.equal(clampInterval(Number.NaN), 5_000);
    assert.equal(clampInterval(7), 7_000);
  } finally {
    await peer.close();
    await h.close();
  }
});

test('the same workspace id on a second platform never overwrites, revokes or re-points the first grant', opts, async () => {
  const { h } = await harness(true);
  // a second real platform with the same seed: the same workspace ids
  const b = await startSandbox({ workspaces: 5, events: 0, seed: 1, autoConsent: true, admin: true, log: () => undefined });
  // and a hostile platform in front of it that claims the grant is for a workspace id the first platform holds
  const evil = await startHostilePlatform(b.issuer);
  try {
    const ws = h.sandbox.workspaces[0]!;
    assert.equal(b.workspaces[0]!.id, ws.id, 'the two sandboxes share workspace ids');
    await h.call('platforms.add', { issuer: h.sandbox.issuer, name: 'First' });
    await h.call('platforms.add', { issuer: b.issuer, name: 'Second' });
    await h.call('platforms.add', { issuer: evil.origin, name: 'Evil' });
    const first = await h.call('workspaces.connect', { workspace: ws.id, platform: 'First', role: 'auditor' });
    assert.equal(first.status, 'connected');
    const item = await grantItem(h, ws.id);
    assert.ok(item);
    const firstGrants = await liveGrants(h.sandbox);
    const secondBefore = await liveGrants(b);

    // 1. asking for the id on the second platform: refused before any browser opens
    const r1 = await h.callResult('workspaces.connect', { workspace: ws.id, platform: 'Second' });
    assert.equal(r1.ok, false);
    assert.equal(r1.error!.code, 'conflict', r1.error!.message);
    assert.match(r1.error!.message, /Second/);
    assert.match(r1.error!.message, /First/);
    assert.match(r1.error!.message, new RegExp(ws.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.deepEqual(await liveGrants(b), secondBefore, 'nothing was granted on the second platform');

    // 2. a platform that answers GET /v1/workspace with the other platform's id: refused after the grant, which is revoked
    const other = b.workspaces[1]!;
    evil.rewrites.workspace = () => ({ id: ws.id, name: 'Evil twin' });
    const r2 = await h.callResult('workspaces.connect', { workspace: other.id, platform: 'Evil' });
    assert.equal(r2.ok, false);
    assert.equal(r2.error!.code, 'conflict', r2.error!.message);
    assert.match(r2.error!.message, /Evil/);
    assert.match(r2.error!.message, /First/);
    assert.match(r2.error!.message, /Evil twin/);
    assert.equal(evil.count('/token/revocation'), 1, 'the new, unused grant was revoked on the platform that issued it');
    assert.equal((await liveGrants(b)).get(other.id)!.active, secondBefore.get(other.id)!.active, 'no live grant left on the second platform');
    assert.equal((await liveGrants(b)).get(other.id)!.revoked, secondBefore.get(other.id)!.revoked + 1, 'the one new grant is revoked');
    assert.equal((await h.call('workspaces.list', {})).some((w) => w.id === other.id), false, 'no row for the requested id');

    // the first platform's grant is untouched: row, keychain item, platform-side grant
    const after = await h.call('workspaces.status', { workspace: ws.id });
    assert.equal(after.status, 'connected');
    assert.equal(after.platformName, 'First');
    assert.equal(after.generation, first.generation);
    assert.deepEqual(await grantItem(h, ws.id), item, 'keychain item unchanged');
    assert.deepEqual(await liveGrants(h.sandbox), firstGrants, 'the first platform saw no revocation');
    // and it still works
    assert.equal((await h.call('workspaces.refresh', { workspace: ws.id, force: true })).generation, first.generation + 1);
  } finally {
    await evil.close();
    await b.close();
    await h.close();
  }
});

test('apiBase: file:, cleartext non-loopback and foreign origins are refused; no bearer token reaches them', opts, async () => {
  const { h } = await harness(true);
  const foreign = await startHostilePlatform(null); // another loopback origin that only counts what reaches it
  const peer = await startHostilePlatform(h.sandbox.issuer);
  try {
    for (const apiBase of ['file:///etc', 'http://203.0.113.5:8080', 'https://api.evil.example', foreign.origin, `${foreign.origin}/v1`]) {
      const r = await h.callResult('platforms.add', { issuer: h.sandbox.issuer, name: 'Bad', apiBase });
      assert.equal(r.ok, false, `apiBase ${apiBase} was accepted`);
      assert.equal(r.error!.code, 'invalid_input', `${apiBase}: ${r.error!.message}`);
      assert.match(r.error!.message, /apiBase|API base/, 'the message names the field'); // file: is refused by the contract
      assert.match(r.error!.message, /https|issuer's origin/, 'and says what is accepted');
      assert.ok(r.error!.remedy.length > 0);
    }
    assert.deepEqual(await h.call('platforms.list', {}), []);
    assert.equal(foreign.seen.filter((s) => s.bearer !== null).length, 0, 'no bearer token reached the foreign base');
    assert.equal(foreign.seen.length, 0);

    // discovery naming a cleartext non-loopback or a non-http endpoint: the platform is refused at add
    for (const [k, v] of [
      ['token_endpoint', 'http://evil.example/token'],
      ['revocation_endpoint', 'javascript:alert(1)'],
      ['device_authorization_endpoint', 'file:///etc/passwd'],
      ['authorization_endpoint', 'http://203.0.113.5/auth'],
    ] as const) {
      peer.rewrites.discovery = (m) => ({ ...m, [k]: v });
      const r = await h.callResult('platforms.add', { issuer: peer.origin, name: 'Hostile' });
      assert.equal(r.ok, false, `${k}=${v} was accepted`);
      assert.equal(r.error!.code, 'invalid_response', r.error!.message);
      assert.match(r.error!.message, new RegExp(k));
    }
    assert.deepEqual(await h.call('platforms.list', {}), []);

    // an origin the metadata names is fine (here: the issuer's own origin, with a path)
    peer.rewrites.discovery = undefined;
    const ok = await h.call('platforms.add', { issuer: h.sandbox.issuer, name: 'Sandbox', apiBase: `${h.sandbox.issuer}/` });
    assert.equal(ok.apiBase, h.sandbox.issuer);

    // a row an older version stored with a foreign apiBase: checked again before the bearer token leaves (identity call)
    const db = openCache(h.dataDir);
    db.prepare('UPDATE platforms SET api_base = ? WHERE id = ?').run(foreign.origin, ok.id);
    db.close();
    const ws = h.sandbox.workspaces[2]!.id;
    const before = (await liveGrants(h.sandbox)).get(ws)!;
    const r = await h.callResult('workspaces.connect', { workspace: ws, platform: 'Sandbox' });
    assert.equal(r.ok, false);
    assert.equal(r.error!.code, 'invalid_input', r.error!.message);
    assert.match(r.error!.message, /apiBase/);
    assert.equal(foreign.seen.length, 0, 'no bearer token reached the foreign base');
    const after = (await liveGrants(h.sandbox)).get(ws)!;
    assert.equal(after.active, before.active, 'the grant obtained for nothing was revoked');
    assert.equal(after.revoked, before.revoked + 1);
    assert.equal((await h.call('workspaces.list', {})).length, 0, 'nothing stored');

    // stored metadata whose token endpoint fails the URL policy (older versions stored it unchecked): the refresh token
    // never goes there (file: so that even unfixed code sends nothing off this machine)
    const db2 = openCache(h.dataDir);
    db2.prepare('UPDATE platforms SET api_base = ? WHERE id = ?').run(h.sandbox.issuer, ok.id);
    db2.close();
    await h.call('workspaces.connect', { workspace: ws, platform: 'Sandbox' });
    const db3 = openCache(h.dataDir);
    const meta = JSON.parse((db3.prepare('SELECT metadata FROM platforms WHERE id = ?').get(ok.id) as { metadata: string }).metadata) as Record<string, unknown>;
    db3.prepare('UPDATE platforms SET metadata = ? WHERE id = ?').run(JSON.stringify({ ...meta, token_endpoint: 'file:///tmp/token' }), ok.id);
    db3.close();
    const rr = await h.callResult('workspaces.refresh', { workspace: ws, force: true });
    assert.equal(rr.ok, false);
    assert.equal(rr.error!.code, 'invalid_response', rr.error!.message);
    assert.match(rr.error!.message, /token_endpoint/);
    assert.equal((await h.call('workspaces.status', { workspace: ws })).status, 'connected');
  } finally {
    await peer.close();
    await foreign.close();
    await h.close();
  }
});

test('refresh: a reset before rotation is not terminal (leeway 0 and 10); after rotation only leeway decides', opts, async () => {
  const { h } = await harness(true);
  try {
    await h.call('platforms.add', { issuer: h.sandbox.issuer, name: 'Sandbox' });
    const ws = h.sandbox.workspaces[0]!.id;
    let w = await h.call('workspaces.connect', { workspace: ws, role: 'auditor' });
    const live = async () => (await liveGrants(h.sandbox)).get(ws)!.active;

    for (const leeway of [0, 10]) {
      await sandboxAdmin(h, '/config', { reuse_leeway_seconds: leeway });
      // one connection reset on /token (the platform never saw the request, so it did not rotate)
      await sandboxAdmin(h, '/faults', { spec: 'token:reset=1,times=1' });
      const r = await h.callResult('workspaces.refresh', { workspace: ws, force: true });
      assert.equal(r.ok, true, `leeway ${leeway}: ${r.error?.code}: ${r.error?.message}`);
      w = r.value as Workspace;
      assert.equal(w.status, 'connected');
      assert.equal(await live(), 1, `leeway ${leeway}: the grant is still live on the platform`);

      // resets on every try: the refresh fails (network_error), the workspace stays usable, the grant stays live
      await sandboxAdmin(h, '/faults', { spec: 'token:reset=1' });
      const r2 = await h.callResult('workspaces.refresh', { workspace: ws, force: true });
      assert.equal(r2.ok, false);
      assert.equal(r2.error!.code, 'network_error', r2.error!.message);
      await sandboxAdmin(h, '/faults', undefined);
      assert.equal((await h.call('workspaces.status', { workspace: ws })).status, 'connected');
      assert.equal(await live(), 1);
      h.clock.advance(16 * 60_000); // past the cooldown
      w = await h.call('workspaces.refresh', { workspace: ws, force: true });
      assert.equal(w.status, 'connected');
    }

    // a gzip bomb (oversized decoded body) instead of the token response: the platform never handled it, nothing lost
    await sandboxAdmin(h, '/config', { reuse_leeway_seconds: 0 });
    await sandboxAdmin(h, '/faults', { spec: 'token:gzip-bomb=1,times=1' });
    w = await h.call('workspaces.refresh', { workspace: ws, force: true });
    assert.equal(w.status, 'connected');
    assert.equal(await live(), 1);

    // a truncated 200 (the platform DID rotate) inside a 10 s leeway: recovered with the previous token
    await sandboxAdmin(h, '/config', { reuse_leeway_seconds: 10 });
    await sandboxAdmin(h, '/faults', { spec: 'token:truncated=1,times=1' });
    const before = w.generation;
    w = await h.call('workspaces.refresh', { workspace: ws, force: true });
    assert.equal(w.status, 'connected');
    assert.ok(w.generation > before);

    // the same with leeway 0: the rotated token is lost, and the honest outcome is needs-reconsent
    await sandboxAdmin(h, '/config', { reuse_leeway_seconds: 0 });
    await sandboxAdmin(h, '/faults', { spec: 'token:truncated=1,times=1' });
    const r3 = await h.callResult('workspaces.refresh', { workspace: ws, force: true });
    assert.equal(r3.ok, false);
    assert.equal(r3.error!.code, 'needs_reconsent', r3.error!.message);
    assert.equal((await h.call('workspaces.status', { workspace: ws })).status, 'needs_reconsent');
  } finally {
    await h.close();
  }
});
