// Standards-only behaviour: connect/refresh/disconnect against a stock node-oidc-provider; the RFC 7636 Appendix B PKCE
// vector; callback attacks (missing, wrong, reused, foreign state; wrong iss; access_denied; injected code) never reach
// the token endpoint; the loopback page is static with Referrer-Policy: no-referrer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as o from 'oauth4webapi';
import { createLoopbackCallback } from '../../../src-main/adapters/loopback-callback.ts';
import { runCodeFlow, newState } from '../../../src-main/services/connections/connect-flow.ts';
import { createUndiciHttp } from '../../../src-main/adapters/undici-http.ts';
import type { PlatformRow } from '../../../src-main/services/connections/repo.ts';
import { discover } from '../../../src-main/services/connections/oauth.ts';
import { startStockProvider } from '../../support/oidc-stock-provider.ts';
import { follow } from '../../support/fake-browser.mjs';
import { NO_KEYRING_REASON, startHarness } from './harness.ts';

test('RFC 7636 Appendix B: S256 challenge of the published verifier', async () => {
  assert.equal(await o.calculatePKCECodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('state carries at least 128 random bits and never repeats', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const s = newState();
    assert.ok(Buffer.from(s, 'base64url').length >= 16);
    assert.ok(!seen.has(s));
    seen.add(s);
  }
});

test('connect, refresh and disconnect against a stock node-oidc-provider', { skip: NO_KEYRING_REASON, timeout: 60_000 }, async () => {
  const stock = await startStockProvider();
  const h = await startHarness({ addPlatform: false, sandbox: { workspaces: 1 } });
  try {
    const p = await h.call('platforms.add', { issuer: stock.issuer, name: 'Stock' });
    assert.equal(p.revocation, true);
    const w = await h.call('workspaces.connect', { workspace: 'ws_stock_1', platform: 'Stock', role: 'auditor' });
    assert.equal(w.status, 'connected');
    assert.equal(w.id, 'ws_stock_1', 'no management API: the requested workspace id is kept');
    const r = await h.call('workspaces.refresh', { workspace: 'ws_stock_1', force: true });
    assert.equal(r.generation, 2);
    const d = await h.call('workspaces.disconnect', { workspace: 'ws_stock_1' });
    assert.equal(d.revocation, 'confirmed');
  } finally {
    await h.close();
    await stock.close();
  }
});

test('callback attacks never lead to a token request', { timeout: 60_000 }, async () => {
  const stock = await startStockProvider();
  const http = createUndiciHttp();
  try {
    const as = await discover(stock.issuer, http.fetch);
    const row: PlatformRow = { id: 'stock', name: 'Stock', issuer: as.issuer, client_id: 'grantdesk-desktop', api_base: stock.issuer, reuse_leeway_seconds: 0, metadata: JSON.stringify(as), added_at: '' };
    const base = stock.tokenRequests();

    // An attacker-controlled opener: instead of the real browser, other local requests hit the listener.
    const attack = async (mutate: (u: URL, real: URL) => URL | null, then?: (redirect: string, realState: string) => Promise<void>) => {
      return runCodeFlow(
        {
          fetch: http.fetch,
          callbackListener: createLoopbackCallback,
          connectTimeoutMs: 1500,
          opener: async (authUrl) => {
            const u = new URL(authUrl);
            const redirect = u.searchParams.get('redirect_uri')!;
            const state = u.searchParams.get('state')!;
            const cb = new URL(redirect);
            const forged = mutate(cb, u);
            if (forged) {
              const res = await fetch(forged);
              assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
              const body = await res.text();
              assert.ok(!body.includes('attacker'), 'the page echoes nothing from the query');
            }
            await then?.(redirect, state);
          },
        },
        row,
        { scope: 'audit:read offline_access', workspace: 'ws_x' },
      );
    };
    const iss = encodeURIComponent(as.issuer);
    // missing state, wrong state, foreign state with an injected code: ignored; the flow times out
    for (const mutate of [
      (cb: URL) => new URL(`${cb.href}?code=attacker-code&iss=${iss}`),
      (cb: URL) => new URL(`${cb.href}?code=attacker-code&state=wrong&iss=${iss}`),
      (cb: URL) => new URL(`${cb.href}?code=attacker-code&state=${newState()}&iss=${iss}`),
    ]) {
      await assert.rejects(attack(mutate), (e: { code?: string }) => e.code === 'timeout');
    }
    // right state, wrong iss: rejected before any token request
    await assert.rejects(
      attack((cb, real) => new URL(`${cb.href}?code=attacker-code&state=${real.searchParams.get('state')}&iss=${encodeURIComponent('http://evil.example')}`)),
      (e: { code?: string }) => e.code === 'invalid_response',
    );
    // error=access_denied: cancelled
    await assert.rejects(
      attack((cb, real) => new URL(`${cb.href}?error=access_denied&state=${real.searchParams.get('state')}&iss=${iss}`)),
      (e: { code?: string }) => e.code === 'cancelled',
    );
    assert.equal(stock.tokenRequests(), base, 'no attack reached the token endpoint');

    // reused state: the first (real) callback wins, a replay of the same URL is ignored
    let replay: URL | null = null;
    const ok = await runCodeFlow(
      {
        fetch: http.fetch,
        callbackListener: createLoopbackCallback,
        opener: async (authUrl) => {
          const r = await follow(authUrl);
          replay = new URL(r.url);
        },
      },
      row,
      { scope: 'audit:read offline_access', workspace: 'ws_x' },
    );
    assert.ok(ok.tokens.refresh_token);
    assert.equal(stock.tokenRequests(), base + 1, 'exactly the one legitimate token request');
    await assert.rejects(fetch(replay!), 'the listener is gone after the flow');
  } finally {
    await stock.close();
  }
});
