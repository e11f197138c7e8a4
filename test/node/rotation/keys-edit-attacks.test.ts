// Attacks on guardrails editing (issue 14.4): a careless or hostile caller's allowlist (a bad CIDR, 10,000 entries, an
// IPv4-mapped IPv6 block, /0), an expiry of 0, negative or past the platform's cap, contradictory flags, a key of another
// workspace named by id, and a dry run that must never reach the platform. Each is refused with the field in words and
// before any platform call (a WorkspaceApi that records every call and, when blocked, fails the test's expectations).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlatformCall, PlatformResult, WorkspaceApi } from '../../../src-main/ports/platform.ts';
import { MUTATING_COMMANDS, REVIEW_BLOCKED_COMMANDS } from '../../../src-common/contract/index.ts';
import { arrangeKey, startRotationApp, startRotationSandbox, type RotationApp, type RotationSandbox } from './support.ts';

let p: RotationSandbox;
let app: RotationApp;
const calls: string[] = [];
let blocked = false;
let wsA: string;
let wsB: string;
let keyA: { id: string; secret: string };
let keyB: { id: string; secret: string };

before(async () => {
  p = await startRotationSandbox({ seed: 21, workspaces: 2, events: 400 });
  const real = p.api;
  // every platform call the app makes passes here; while `blocked`, it is recorded and refused
  const guarded: WorkspaceApi = {
    call<T>(ws: string, req: PlatformCall<T>): Promise<PlatformResult<T>> {
      calls.push(`${req.method} ${req.path}`);
      if (blocked) return Promise.reject(new Error(`the platform was called: ${req.method} ${req.path}`));
      return real.call(ws, req);
    },
  };
  app = startRotationApp({ ...p, api: guarded });
  wsA = p.sb.workspaces[0]!.id;
  wsB = p.sb.workspaces[1]!.id;
  keyA = await arrangeKey(p, wsA, { name: 'edge proxy', scopes: ['contacts:read', 'deals:read'] });
  keyB = await arrangeKey(p, wsB, { name: 'other tenant key', scopes: ['contacts:read'] });
  await app.call('sync.all', {});
});
after(async () => {
  await app.close();
  await p.close();
});

/** The call is refused as invalid input naming `field`, and the platform saw nothing. */
async function refusedBeforeThePlatform(name: 'keys.edit' | 'keys.editDryRun' | 'clients.edit', input: Record<string, unknown>, field: RegExp, label: string) {
  calls.length = 0;
  blocked = true;
  try {
    const r = await app.callUnchecked(name, input);
    assert.equal(r.ok, false, `${name} ${JSON.stringify(input).slice(0, 120)} was accepted`);
    assert.equal(r.error!.code, 'invalid_input');
    assert.ok(r.error!.fields?.some((f) => field.test(f.field) && f.label === label), `fields name ${label}: ${JSON.stringify(r.error!.fields)}`);
    assert.ok(r.error!.message.startsWith(`${label}:`), r.error!.message);
    assert.doesNotMatch(r.error!.message, /keys\.edit|clients\.edit|ipAllowlist/, 'words, not command ids or keys');
    assert.deepEqual(calls, [], 'no platform call');
  } finally {
    blocked = false;
  }
}

test('IP allowlist attacks are refused with the field in words before any platform call', async () => {
  for (const name of ['keys.edit', 'keys.editDryRun'] as const) {
    await refusedBeforeThePlatform(name, { workspace: wsA, key: keyA.id, ipAllowlist: ['198.51.100.0/24', '10.0.0.300/8'] }, /^ipAllowlist\.1$/, 'IP allowlist');
    await refusedBeforeThePlatform(name, { workspace: wsA, key: keyA.id, ipAllowlist: ['198.51.100.0/33'] }, /^ipAllowlist\.0$/, 'IP allowlist');
    await refusedBeforeThePlatform(name, { workspace: wsA, key: keyA.id, ipAllowlist: ['::ffff:198.51.100.0/120'] }, /^ipAllowlist\.0$/, 'IP allowlist');
    await refusedBeforeThePlatform(name, { workspace: wsA, key: keyA.id, ipAllowlist: ['0.0.0.0/0'] }, /^ipAllowlist\.0$/, 'IP allowlist');
    await refusedBeforeThePlatform(name, { workspace: wsA, key: keyA.id, ipAllowlist: ['   '] }, /^ipAllowlist\.0$/, 'IP allowlist');
    const tenK = Array.from({ length: 10_000 }, (_v, i) => `198.51.${Math.floor(i / 250) % 256}.${i % 250}/32`);
    await refusedBeforeThePlatform(name, { workspace: wsA, key: keyA.id, ipAllowlist: tenK }, /^ipAllowlist$/, 'IP allowlist');
  }
  const mapped = await app.callResult('keys.editDryRun', { workspace: wsA, key: keyA.id, ipAllowlist: ['::ffff:198.51.100.0/120'] });
  assert.match(mapped.error!.message, /IPv4-mapped IPv6 block; write it as IPv4 \(198\.51\.100\.0\/24\)/, 'the remedy names the IPv4 form');
  await refusedBeforeThePlatform('clients.edit', { workspace: wsA, clientId: 'mc_whatever', ipAllowlist: ['not-an-ip'] }, /^ipAllowlist\.0$/, 'IP allowlist');
});

test('expiry of 0, negative or past the platform cap, and contradictory flags, are refused before any platform call', async () => {
  for (const days of [0, -1, 3651, 2.5]) await refusedBeforeThePlatform('keys.edit', { workspace: wsA, key: keyA.id, expiresInDays: days }, /^expiresInDays$/, 'Expires in');
  await refusedBeforeThePlatform('keys.edit', { workspace: wsA, key: keyA.id, expiresInDays: 30, removeExpiry: true }, /^removeExpiry$/, 'Remove expiry');
  await refusedBeforeThePlatform('keys.edit', { workspace: wsA, key: keyA.id, rateLimitPerMinute: 10, removeRateLimit: true }, /^removeRateLimit$/, 'Remove rate limit');
  await refusedBeforeThePlatform('keys.edit', { workspace: wsA, key: keyA.id, scopes: ['contacts:read', 'deals:destroy'] }, /^scopes$/, 'Scopes');
  const state = (await p.credentials(wsA)).find((c) => c.id === keyA.id)!;
  assert.equal(state.expires_at, null, 'nothing reached the key');
});

test('a dry run never calls the platform: it reads the caches only', async () => {
  calls.length = 0;
  blocked = true;
  try {
    const d = await app.call('keys.editDryRun', { workspace: wsA, key: keyA.id, scopes: ['contacts:read'], ipAllowlist: ['198.51.100.0/24'], rateLimitPerMinute: 5, expiresInDays: 7 });
    assert.equal(d.credentialId, keyA.id);
    assert.deepEqual(d.proposed.scopes, ['contacts:read']);
    assert.ok(d.changes.length >= 3);
    const byName = await app.call('keys.editDryRun', { workspace: wsA, key: 'EDGE PROXY' });
    assert.equal(byName.credentialId, keyA.id, 'a key by its exact name (case-insensitive)');
    assert.deepEqual(calls, [], 'not one platform call');
  } finally {
    blocked = false;
  }
});

test("a key of workspace B named by id through workspace A is not found, and nothing is patched", async () => {
  const dry = await app.callResult('keys.editDryRun', { workspace: wsA, key: keyB.id, ipAllowlist: ['198.51.100.0/24'] });
  assert.equal(dry.error?.code, 'not_found');
  assert.match(dry.error!.message, /No API key/);
  calls.length = 0;
  const edit = await app.callResult('keys.edit', { workspace: wsA, key: keyB.id, ipAllowlist: ['198.51.100.0/24'] });
  assert.equal(edit.error?.code, 'not_found');
  assert.ok(!calls.some((c) => c.startsWith('PATCH')), `no PATCH was sent: ${calls.join(', ')}`);
  const b = (await p.credentials(wsB)).find((c) => c.id === keyB.id) as unknown as { ip_allowlist: string[] };
  assert.deepEqual(b.ip_allowlist, [], "workspace B's key is untouched");
  const mc = await app.callResult('clients.edit', { workspace: wsA, clientId: keyB.id, name: 'x' });
  assert.equal(mc.error?.code, 'not_found');
});

test('edits and pushes are refused in review mode; dry runs and lists are not mutating', () => {
  for (const n of ['keys.edit', 'clients.edit', 'bundles.create', 'bundles.edit', 'bundles.delete', 'bundles.push'] as const) assert.ok(REVIEW_BLOCKED_COMMANDS.includes(n), `${n} is refused in review mode`);
  for (const n of ['keys.editDryRun', 'clients.editDryRun', 'bundles.list'] as const) assert.ok(!MUTATING_COMMANDS.includes(n), `${n} changes nothing`);
});
