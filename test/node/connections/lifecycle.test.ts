// Token lifecycle edges against the sandbox: the device flow (RFC 8628) end to end; a locked keychain as a typed error
// (classification through an injected keytar whose errors carry libsecret's real messages: a locked gnome-keyring
// collection cannot be produced headlessly without a prompter); token endpoint 5xx → cooldown without hammering
// (token requests counted at the HTTP port); a pending revocation retried by the scheduler once the platform is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKeytarSecretStore } from '../../../src-main/adapters/keytar-secret-store.ts';
import { createUndiciHttp } from '../../../src-main/adapters/undici-http.ts';
import type { LimitedFetch } from '../../../src-main/ports/http.ts';
import { Browser, hidden } from '../../sandbox/helpers.ts';
import { NO_KEYRING_REASON, startHarness } from './harness.ts';

const admin = (h: { sandbox: { issuer: string; adminToken?: string } }, method: string, path: string, body?: unknown) =>
  fetch(`${h.sandbox.issuer}/__admin${path}`, { method, headers: { authorization: `Bearer ${h.sandbox.adminToken}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });

test('device flow: the user confirms the code in a browser elsewhere; the grant lands in the keychain', { skip: NO_KEYRING_REASON, timeout: 60_000 }, async () => {
  const opened: string[] = [];
  const h = await startHarness({
    ports: {
      opener: async (url) => {
        opened.push(url);
        // the "other device": open the verification URI, submit the code, confirm (auto-consent does the rest)
        void (async () => {
          const b = new Browser();
          const p1 = await b.request(url);
          const code = new URL(url).searchParams.get('user_code')!;
          const p2 = await b.request(new URL('/device', url).href, { method: 'POST', form: { xsrf: hidden(p1.body, 'xsrf')!, user_code: code } });
          await b.request(new URL('/device', url).href, { method: 'POST', form: { xsrf: hidden(p2.body, 'xsrf')!, user_code: code, confirm: 'yes' } });
        })();
      },
    },
  });
  try {
    const ws = h.sandbox.workspaces[3]!;
    const progress: string[] = [];
    h.app.bus.subscribe((name, p) => {
      if (name === 'task.progress') progress.push(String((p as { message: string | null }).message));
    });
    const w = await h.call('workspaces.connectDevice', { workspace: ws.id, role: 'auditor' });
    assert.equal(w.id, ws.id);
    assert.equal(w.status, 'connected');
    assert.deepEqual(w.scopes, ['audit:read', 'credentials:read', 'users:read']);
    assert.match(opened[0]!, /\/device\?user_code=/);
    assert.ok(progress.some((m) => /^Enter code [A-Z]{4}-[A-Z]{4} at http/.test(m)), progress.join(' | '));
    assert.equal((await h.store.list()).filter((a) => a.startsWith('grant:') && a.endsWith(`:${ws.id}`)).length, 1);
    assert.equal((await h.call('workspaces.refresh', { workspace: ws.id, force: true })).generation, 2);
  } finally {
    await h.close();
  }
});

test('a locked keychain collection (libsecret messages) is keychain_locked with a remedy; no browser, nothing written', { timeout: 30_000 }, async () => {
  // libsecret / gnome-keyring wording for a locked collection and for a dismissed unlock prompt
  const lockedMessages = ['Cannot create an item in a locked collection', 'Cannot get secret of a locked object', 'The unlock prompt was dismissed'];
  for (const message of lockedMessages) {
    const fake = {
      getPassword: async () => Promise.reject(new Error(message)),
      setPassword: async () => Promise.reject(new Error(message)),
      deletePassword: async () => Promise.reject(new Error(message)),
      findCredentials: async () => Promise.reject(new Error(message)),
    } as unknown as typeof import('keytar');
    const store = createKeytarSecretStore({ load: () => fake });
    const st = await store.status();
    assert.equal(st.state, 'locked', message);
    assert.ok(st.remedy && /unlock/i.test(st.remedy), st.remedy ?? '');
    await assert.rejects(store.get('x'), (e: { code?: string }) => e.code === 'keychain_locked');
  }
  // no Secret Service at all is "unavailable", not "locked"
  const missing = createKeytarSecretStore({
    load: () => ({ setPassword: async () => Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files')) }) as unknown as typeof import('keytar'),
  });
  assert.equal((await missing.status()).state, 'unavailable');

  let openerCalls = 0;
  const lockedStore = createKeytarSecretStore({
    load: () =>
      ({
        getPassword: async () => Promise.reject(new Error('Cannot get secret of a locked object')),
        setPassword: async () => Promise.reject(new Error('Cannot create an item in a locked collection')),
        deletePassword: async () => Promise.reject(new Error('Cannot delete an item in a locked collection')),
        findCredentials: async () => [],
      }) as unknown as typeof import('keytar'),
  });
  const h = await startHarness({ ports: { secretStore: lockedStore, opener: async () => void openerCalls++ } });
  try {
    const health = await h.call('app.health', {});
    assert.equal(health.keychain.state, 'locked');
    const r = await h.callResult('workspaces.connect', { workspace: h.sandbox.workspaces[0]!.id });
    assert.equal(r.ok, false);
    assert.equal(r.error!.code, 'keychain_locked');
    assert.ok(r.error!.remedy.length > 0);
    assert.equal(openerCalls, 0, 'no browser before the keychain is usable');
    assert.deepEqual(await h.call('workspaces.list', {}), []);
  } finally {
    await h.close();
  }
});

test('token endpoint 5xx: one request, then a cooldown; no hammering; recovers after the cooldown', { skip: NO_KEYRING_REASON, timeout: 60_000 }, async () => {
  const real = createUndiciHttp();
  let tokenPosts = 0;
  const counting: LimitedFetch = (url, init, limits) => {
    if (new URL(url).pathname === '/token') tokenPosts++;
    return real.fetch(url, init, limits);
  };
  const h = await startHarness({ ports: { http: { request: real.request, fetch: counting } } });
  try {
    const ws = h.sandbox.workspaces[0]!.id;
    await h.call('workspaces.connect', { workspace: ws });
    tokenPosts = 0;
    await admin(h, 'POST', '/faults', { route: 'token', error_rate: 1, error_status: 503 });
    const first = await h.callResult('workspaces.refresh', { workspace: ws, force: true });
    assert.equal(first.ok, false);
    assert.equal(first.error!.code, 'platform_error', JSON.stringify(first.error));
    assert.equal(tokenPosts, 1);
    const w = await h.call('workspaces.status', { workspace: ws });
    assert.ok(w.cooldownUntil && Date.parse(w.cooldownUntil) > h.clock.now(), 'cooldown recorded');
    assert.match(w.lastRefreshError ?? '', /503/);
    assert.equal(w.status, 'connected', 'a 5xx is not the grant’s fault');

    // everything that wants a refresh during the cooldown: manual refreshes and the scheduler
    for (let i = 0; i < 5; i++) assert.equal((await h.callResult('workspaces.refresh', { workspace: ws, force: true })).error?.code, 'platform_error');
    await h.app.services.connections.tick();
    assert.equal(tokenPosts, 1, 'no request while cooling down');

    // after the cooldown, with the platform back, exactly one more request succeeds
    await admin(h, 'DELETE', '/faults');
    h.clock.advance(Date.parse(w.cooldownUntil!) - h.clock.now() + 1_000);
    const ok = await h.call('workspaces.refresh', { workspace: ws, force: true });
    assert.equal(tokenPosts, 2);
    assert.equal(ok.cooldownUntil, null);
    assert.equal(ok.lastRefreshError, null);
    assert.equal(ok.generation, 2);
  } finally {
    await h.close();
  }
});

test('a pending revocation is retried by the scheduler until the platform confirms it', { skip: NO_KEYRING_REASON, timeout: 60_000 }, async () => {
  const h = await startHarness();
  try {
    const ws = h.sandbox.workspaces[2]!.id;
    await h.call('workspaces.connect', { workspace: ws });
    const account = (await h.store.list()).find((a) => a.startsWith('grant:') && a.endsWith(`:${ws}`))!;
    const { refreshToken } = JSON.parse((await h.store.get(account))!) as { refreshToken: string };
    await admin(h, 'POST', '/faults', { route: 'revocation', error_rate: 1, error_status: 503 });
    const d = await h.call('workspaces.disconnect', { workspace: ws });
    assert.deepEqual([d.status, d.revocation, d.revocationAttempts], ['disconnected', 'pending', 1]);
    assert.equal(await h.store.get(account), null, 'the grant left the keychain at once (fail closed)');

    h.clock.advance(61_000);
    await h.app.services.connections.tick(); // platform still down
    let w = await h.call('workspaces.status', { workspace: ws });
    assert.deepEqual([w.revocation, w.revocationAttempts], ['pending', 2]);
    assert.match(w.revocationError ?? '', /not confirmed|503/);

    await admin(h, 'DELETE', '/faults');
    await h.app.services.connections.tick(); // within a minute of the last try: no retry yet
    assert.equal((await h.call('workspaces.status', { workspace: ws })).revocationAttempts, 2);
    h.clock.advance(61_000);
    await h.app.services.connections.tick();
    w = await h.call('workspaces.status', { workspace: ws });
    assert.deepEqual([w.revocation, w.revocationAttempts, w.revocationError], ['confirmed', 3, null]);
    assert.equal((await h.store.list()).filter((a) => a.endsWith(`:${ws}`)).length, 0, 'the pending item is gone too');
    const res = await fetch(`${h.sandbox.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'grantdesk-desktop' }),
    });
    assert.equal(((await res.json()) as { error?: string }).error, 'invalid_grant', 'revoked at the platform');
  } finally {
    await h.close();
  }
});
