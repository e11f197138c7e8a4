// MFA step-up end to end against the sandbox (real composition root, real keychain, real loopback callback, the sandbox's
// auto-consent completing the MFA step): on a Pro workspace, creating, rotating and revoking go through one step-up; a
// declined step-up fails with a sentence and nothing is created; an enterprise workspace asks again past its rebind window
// (the sandbox clock advanced through the admin API); workspace A's step-up is never used for B; a bulk revoke asks once
// per workspace and fails the declined workspace's rows only; the workspace grant (its refresh token) is untouched; and
// no step-up token reaches SQLite, the logs, a contract output or an event (canaries from the sandbox's own database).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EventName } from '../../../src-common/contract/index.ts';
import { NO_KEYRING_REASON, startHarness, type Harness } from './harness.ts';
import { adminCall, auditStatuses, credentialsOf, scriptedBrowser, setPlan, stepUpTokens } from './step-up-support.ts';

const skip = NO_KEYRING_REASON;
let h: Harness;
const browser = scriptedBrowser();
const events: Array<{ name: EventName; payload: unknown }> = [];
const outputs: string[] = [];
let free: { id: string; name: string };
let pro: { id: string; name: string };
let pro2: { id: string; name: string };
let ent: { id: string; name: string };

const grantOf = async (ws: string) => {
  const account = (await h.store.list()).find((a) => a.startsWith('grant:') && a.endsWith(`:${ws}`));
  return JSON.parse((await h.store.get(account!))!) as { refreshToken: string; generation: number };
};
async function call<T>(p: Promise<T>): Promise<T> {
  const v = await p;
  outputs.push(JSON.stringify(v));
  return v;
}
const stepUpEvents = () => events.filter((e) => e.name === 'stepUp.status').map((e) => e.payload as { workspaceId: string; state: string; message: string; action: string });

before(async () => {
  if (skip) return;
  h = await startHarness({ sandbox: { workspaces: 4, events: 80, seed: 1 }, ports: { opener: browser.opener } });
  [free, pro, pro2, ent] = h.sandbox.workspaces as [typeof free, typeof pro, typeof pro2, typeof ent];
  await setPlan(h.sandbox, free.id, 'free');
  await setPlan(h.sandbox, pro.id, 'pro');
  await setPlan(h.sandbox, pro2.id, 'pro');
  await setPlan(h.sandbox, ent.id, 'enterprise', 120);
  h.app.bus.subscribe((name, payload) => events.push({ name, payload }));
  for (const w of h.sandbox.workspaces) await h.call('workspaces.connect', { workspace: w.id, role: 'operator' });
  assert.equal(browser.stepUps().length, 0, 'connecting never asks for MFA');
});
after(async () => {
  await h?.close();
});

test('Pro: creating an API key runs one step-up for that workspace (system browser, PKCE, acr_values, prompt=login) and is retried once', { skip }, async () => {
  const grant = await grantOf(pro.id);
  const keys = (await credentialsOf(h.sandbox, pro.id)).filter((c) => c.type === 'api_key').length;
  const r = await call(h.call('keys.create', { workspace: pro.id, name: 'nightly ETL', scopes: ['contacts:read'] }));
  assert.equal(r.key.name, 'nightly ETL');
  assert.ok(r.secret, 'the new key secret is shown once');
  const [url] = browser.stepUps();
  assert.equal(browser.stepUps().length, 1);
  const u = new URL(url!);
  assert.equal(u.origin, h.sandbox.issuer);
  assert.equal(u.searchParams.get('workspace'), pro.id);
  assert.equal(u.searchParams.get('acr_values'), 'urn:sabnode:mfa');
  assert.equal(u.searchParams.get('max_age'), null, 'a Pro challenge names no max_age');
  assert.equal(u.searchParams.get('prompt'), 'login');
  assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(!u.searchParams.get('scope')!.split(' ').includes('offline_access'), 'a step-up never asks for a refresh token');
  assert.ok(u.searchParams.get('scope')!.split(' ').includes('credentials:write'));
  // the UI's and the CLI's sentence, then how it ended
  const ev = stepUpEvents().filter((e) => e.workspaceId === pro.id);
  assert.deepEqual(ev.map((e) => e.state), ['waiting', 'done']);
  assert.equal(ev[0]!.message, `${pro.name} requires a fresh MFA sign-in for creating an API key; finish it in your browser.`);
  assert.equal((await credentialsOf(h.sandbox, pro.id)).filter((c) => c.type === 'api_key').length, keys + 1);
  // the workspace grant is untouched: same refresh token, same generation
  const after = await grantOf(pro.id);
  assert.equal(after.refreshToken, grant.refreshToken);
  assert.equal(after.generation, grant.generation);
  // the sandbox saw the challenged call (401) and then the one retry (201)
  assert.deepEqual(auditStatuses(h.sandbox, pro.id, 'POST', '/v1/api-keys'), [401, 201]);
});

test('Pro: rotating the key and revoking an OAuth app reuse the step-up inside its window (no second browser)', { skip }, async () => {
  const key = (await credentialsOf(h.sandbox, pro.id)).find((c) => c.type === 'api_key' && c.name === 'nightly ETL' && c.status === 'active');
  const rotated = await call(h.call('rotation.rotate', { workspace: pro.id, keyId: key.id, grace: 1 }));
  assert.ok(rotated.secret);
  await h.call('inventory.sync', { workspace: pro.id });
  const app = (await credentialsOf(h.sandbox, pro.id)).find((c) => c.type === 'oauth_app' && c.status === 'active');
  assert.ok(app, 'the seed has a third-party app in this workspace');
  const rev = await call(h.call('inventory.revoke', { workspace: pro.id, credentialId: app.id, confirm: pro.name }));
  assert.equal(rev.results[0]!.outcome, 'revoked', JSON.stringify(rev.results[0]!.error));
  assert.equal(browser.stepUps().length, 1, 'one sign-in served create, rotate and revoke');
  assert.equal((await credentialsOf(h.sandbox, pro.id)).find((c) => c.id === app.id).status, 'revoked');
});

test('a declined step-up fails with a sentence and a remedy, and nothing is created', { skip }, async () => {
  const before = (await credentialsOf(h.sandbox, ent.id)).filter((c) => c.type === 'api_key').length;
  browser.mode = 'deny';
  try {
    const r = await h.callResult('keys.create', { workspace: ent.id, name: 'refused', scopes: ['contacts:read'] });
    assert.equal(r.ok, false);
    assert.equal(r.error!.code, 'step_up_refused');
    assert.match(r.error!.message, new RegExp(`^${ent.name} requires a fresh MFA sign-in for creating an API key, and it was declined or failed in the browser.*; nothing was changed\\.$`));
    assert.match(r.error!.remedy, /finish the sign-in in your browser with your authenticator code/);
  } finally {
    browser.mode = 'follow';
  }
  assert.equal((await credentialsOf(h.sandbox, ent.id)).filter((c) => c.type === 'api_key').length, before);
  assert.equal(stepUpEvents().filter((e) => e.workspaceId === ent.id).at(-1)!.state, 'failed');
});

test('enterprise: inside the rebind window one sign-in serves several changes; past it (sandbox clock) Grantdesk asks again', { skip }, async () => {
  const n0 = browser.stepUps().length;
  await call(h.call('keys.create', { workspace: ent.id, name: 'ent-1', scopes: ['contacts:read'] }));
  await call(h.call('keys.create', { workspace: ent.id, name: 'ent-2', scopes: ['contacts:read'] }));
  assert.equal(browser.stepUps().length, n0 + 1);
  assert.equal(new URL(browser.stepUps().at(-1)!).searchParams.get('max_age'), '120');
  assert.equal((await adminCall(h.sandbox, 'POST', '/clock', { advance_seconds: 121 })).status, 200);
  await call(h.call('keys.create', { workspace: ent.id, name: 'ent-3', scopes: ['contacts:read'] }));
  assert.equal(browser.stepUps().length, n0 + 2, 'past the window the step-up token is not reused');
  const names = (await credentialsOf(h.sandbox, ent.id)).filter((c) => c.type === 'api_key').map((c) => c.name);
  for (const n of ['ent-1', 'ent-2', 'ent-3']) assert.ok(names.includes(n), n);
});

test("a step-up for workspace A is never used for workspace B: B asks for its own, and B's change lands in B", { skip }, async () => {
  // pro still holds a step-up token from the first test; pro2 has none
  const n0 = browser.stepUps().length;
  await call(h.call('keys.create', { workspace: pro2.id, name: 'b-only', scopes: ['contacts:read'] }));
  const last = new URL(browser.stepUps().at(-1)!);
  assert.equal(browser.stepUps().length, n0 + 1);
  assert.equal(last.searchParams.get('workspace'), pro2.id);
  assert.ok((await credentialsOf(h.sandbox, pro2.id)).some((c) => c.name === 'b-only'));
  assert.ok(!(await credentialsOf(h.sandbox, pro.id)).some((c) => c.name === 'b-only'));
  // free workspaces never ask
  await call(h.call('keys.create', { workspace: free.id, name: 'free-key', scopes: ['contacts:read'] }));
  assert.equal(browser.stepUps().length, n0 + 1);
});

test('a bulk revoke over several workspaces asks once per workspace; a declined one fails its own rows only', { skip }, async () => {
  // two keys in pro2 (its step-up token is still good), two in ent (its window has passed: it asks, and is declined)
  const mk = async (ws: string, name: string) => (await h.call('keys.create', { workspace: ws, name, scopes: ['contacts:read'] })).key.id;
  const targets = [
    { workspace: pro2.id, credentialId: await mk(pro2.id, 'bulk-a1') },
    { workspace: pro2.id, credentialId: await mk(pro2.id, 'bulk-a2') },
  ];
  assert.equal((await adminCall(h.sandbox, 'POST', '/clock', { advance_seconds: 121 })).status, 200);
  // ent's keys created through the sandbox directly are not needed: its two existing keys from above
  const entKeys = (await credentialsOf(h.sandbox, ent.id)).filter((c) => c.type === 'api_key' && ['ent-1', 'ent-2'].includes(c.name));
  targets.push(...entKeys.map((k) => ({ workspace: ent.id, credentialId: k.id })));
  await h.call('inventory.sync', {});
  const n0 = browser.stepUps().length;
  browser.decide = (u) => (u.searchParams.get('workspace') === ent.id ? 'deny' : null);
  try {
    const r = await call(h.call('inventory.revoke', { targets, confirm: String(targets.length) }));
    const byWs = (ws: string) => r.results.filter((x) => x.workspaceId === ws);
    assert.deepEqual(byWs(pro2.id).map((x) => x.outcome), ['revoked', 'revoked']);
    assert.deepEqual(byWs(ent.id).map((x) => x.outcome), ['failed', 'failed']);
    for (const row of byWs(ent.id)) {
      assert.equal(row.error!.code, 'step_up_refused');
      assert.ok(row.error!.message.startsWith(ent.name), row.error!.message);
      assert.ok(row.error!.remedy.length > 20);
    }
    assert.equal(r.succeeded, 2);
    assert.equal(r.failed, 2);
    const asked = browser.stepUps().slice(n0).map((x) => new URL(x).searchParams.get('workspace'));
    assert.deepEqual(asked, [ent.id], 'ent asked once (its second row did not ask again); pro2 reused its window');
  } finally {
    browser.decide = null;
  }
  const st = await credentialsOf(h.sandbox, ent.id);
  for (const k of entKeys) assert.equal(st.find((c) => c.id === k.id).status, 'active', 'nothing was revoked in the declined workspace');
});

test('canary: no step-up token in the data dir (SQLite, WAL, logs), a contract output or an event', { skip }, async () => {
  await Promise.all(browser.done);
  const tokens = stepUpTokens(h.sandbox);
  assert.ok(tokens.length >= 4, `the sandbox issued the step-up tokens (${tokens.length})`);
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  const files = walk(h.dataDir).map((f) => ({ f, bytes: readFileSync(f) }));
  assert.ok(files.some((x) => x.f.endsWith('cache.db')) && files.some((x) => x.f.includes('logs')));
  const texts = [...outputs, ...events.map((e) => JSON.stringify(e))];
  for (const t of tokens) {
    for (const { f, bytes } of files) assert.ok(!bytes.includes(t.slice(0, 24)), `a step-up token in ${f}`);
    for (const x of texts) assert.ok(!x.includes(t.slice(0, 24)), 'a step-up token in an output or event');
  }
  // nor in the keychain: only the workspace grants are stored
  for (const a of await h.store.list()) {
    const v = (await h.store.get(a)) ?? '';
    for (const t of tokens) assert.ok(!v.includes(t), `a step-up token in keychain item ${a.split(':')[0]}`);
  }
});
