// Shared set-up for the offboarding tests: a sandbox of N workspaces connected through the real connections domain
// (PKCE loopback, real keychain) — each by the staff member the sandbox's auto-consent signs in as — with the audit log
// and inventory synced; the sandbox's true state read through its admin path, never through the app's code.
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../connections/harness.ts';

export interface TrueCredential {
  id: string;
  type: string;
  name: string;
  status: string;
  effective_status: string;
  client_id: string | null;
  [k: string]: unknown;
}
export interface TrueState {
  workspaces: Array<{ id: string; name: string; credentials: TrueCredential[] }>;
}

export async function admin(h: Harness, method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(`${h.sandbox.issuer}/__admin${path}`, {
    method,
    headers: { authorization: `Bearer ${h.sandbox.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(r.status < 300, `admin ${method} ${path}: ${r.status}`);
  return r.json();
}

export const trueState = (h: Harness) => admin(h, 'GET', '/state') as Promise<TrueState>;

/** Every credential of the true state by `${workspace}/${id}`, as its exact JSON. */
export function credentialJson(s: TrueState): Map<string, string> {
  return new Map(s.workspaces.flatMap((w) => w.credentials.map((c) => [`${w.id}/${c.id}`, JSON.stringify(c)] as const)));
}

/**
 * Grantdesk's own grant is the one credential Grantdesk itself uses while it offboards (its calls move last_used_at and
 * its live access tokens): compared without those fields.
 */
export function withoutOwnUse(json: string): string {
  const c = JSON.parse(json) as TrueCredential;
  if (c.client_id !== 'grantdesk-desktop') return json;
  const { last_used_at: _a, live_access_tokens: _b, access_tokens_valid_until: _c, ...rest } = c;
  return JSON.stringify(rest);
}

/** N workspaces: the first `ritaCount` connected by Rita Ops, the rest by Sam Lee; then one full sync. */
export async function connectedSandbox(opts: { workspaces: number; ritaCount: number; events: number; seed: number }): Promise<Harness> {
  const h = await startHarness({ sandbox: { workspaces: opts.workspaces, events: opts.events, seed: opts.seed } });
  try {
    for (const [i, w] of h.sandbox.workspaces.entries()) {
      if (i === 0) await admin(h, 'POST', '/signin-as', { login: 'rita.ops@agency.test' });
      if (i === opts.ritaCount) await admin(h, 'POST', '/signin-as', { login: 'sam.lee@agency.test' });
      await h.call('workspaces.connect', { workspace: w.id, role: 'admin' });
    }
    const sync = await h.call('sync.all', {});
    assert.ok(JSON.stringify(sync).length > 0);
    const inv = await h.call('inventory.credentials', { includeRevoked: true });
    assert.equal(inv.workspaces.filter((w) => w.sync.syncedAt !== null).length, opts.workspaces, 'every workspace synced');
    return h;
  } catch (err) {
    await h.close();
    throw err;
  }
}
