/* eslint-disable @typescript-eslint/no-explicit-any -- the sandbox's admin JSON */
// Guardrails edited in place (issue 14.4) against the sandbox: the dry run (keys.editDryRun) judges the audit cache
// exactly as the sandbox's own replay of its events does (POST /__admin/replay) — per credential, per reason, the same
// calls — for a seeded key's history and for a live key with IP-allowlisted traffic, scope 403s and a rotation
// predecessor; then keys.edit applies the proposal in place (same secret) and the live platform and the cache agree.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import type { GuardrailsDryRun } from '../../../src-common/contract/index.ts';
import { arrangeKey, startRotationApp, startRotationSandbox, type RotationApp, type RotationSandbox } from './support.ts';

let p: RotationSandbox;
let app: RotationApp;
before(async () => {
  p = await startRotationSandbox({ seed: 12, workspaces: 2, events: 4000 });
  app = startRotationApp(p);
});
after(async () => {
  await app.close();
  await p.close();
});

/** The sandbox's verdicts for the same credentials, window and (fully spelled) proposal. */
async function truthOf(ws: string, d: GuardrailsDryRun) {
  const r = await p.admin('POST', '/replay', {
    workspace_id: ws,
    credential_ids: d.credentials.map((c) => c.credentialId),
    since: d.since,
    scopes: d.proposed.scopes,
    ip_allowlist: d.proposed.ipAllowlist,
    rate_limit_per_minute: d.proposed.rateLimitPerMinute,
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as any).credentials as Array<{ credential_id: string; calls: number; refused: { ip: number; rate: number; scope: number }; events: Array<{ id: string; reason: string; status: number; required_scope?: string }> }>;
}

function assertMatchesTruth(d: GuardrailsDryRun, truth: Awaited<ReturnType<typeof truthOf>>) {
  assert.equal(d.scopesJudged, true, 'the route → scope table was synced with the catalogue');
  for (const c of d.credentials) {
    const t = truth.find((x) => x.credential_id === c.credentialId)!;
    assert.equal(c.calls, t.calls, `${c.credentialId}: calls judged`);
    assert.deepEqual({ scope: c.refused.scope, ip: c.refused.ip, rate: c.refused.rate }, t.refused, `${c.credentialId}: refusals per reason`);
    assert.equal(c.refused.total, t.events.length);
    assert.equal(c.newlyRefused, t.events.filter((e) => e.status < 400).length, 'answered then, refused now');
    const truthById = new Map(t.events.map((e) => [e.id, e]));
    for (const r of c.refusedCalls) {
      const e = truthById.get(r.eventId);
      assert.ok(e, `${r.eventId} is refused by the sandbox too`);
      assert.equal(r.reason, e.reason);
      if (r.reason === 'scope') assert.equal(r.requiredScope, e.required_scope);
    }
    assert.equal(c.refusedCalls.length, Math.min(50, t.events.length), 'the first 50 are shown, the totals are exact');
  }
}

test('dry run of a seeded key (180 days of allowlisted history) equals the sandbox replay; it changes nothing', async () => {
  await app.call('sync.all', {});
  let pick: { ws: string; cred: any } | null = null;
  for (const w of p.sb.workspaces) {
    const creds = await p.credentials(w.id);
    const c = creds.find((x: any) => x.type === 'api_key' && x.status === 'active' && (x as any).ip_allowlist?.length && x.scopes.length >= 2 && x.last_used_at);
    if (c) {
      pick = { ws: w.id, cred: c };
      break;
    }
  }
  assert.ok(pick, 'the seed has an active, used, allowlisted API key');
  const allow: string[] = pick.cred.ip_allowlist;
  const narrower = allow.map((c) => c.replace(/\/24$/, '/26'));
  const dry = await app.call('keys.editDryRun', { workspace: pick.ws, key: pick.cred.id, scopes: pick.cred.scopes.slice(1), ipAllowlist: narrower, rateLimitPerMinute: 1, sinceDays: 180 });
  assert.equal(dry.credentialType, 'api_key');
  assert.deepEqual(dry.proposed.ipAllowlist, narrower);
  assert.ok(dry.changes.some((c) => c.startsWith('Scopes: drop ')), dry.changes.join(' | '));
  assert.ok(dry.totals.calls > 0, 'the key has cached calls in the window');
  assert.ok(dry.totals.refused.ip > 0, 'a narrower allowlist refuses some of its callers');
  assertMatchesTruth(dry, await truthOf(pick.ws, dry));
  const after = (await p.credentials(pick.ws)).find((x) => x.id === pick.cred.id) as any;
  assert.deepEqual(after.ip_allowlist, allow, 'a dry run changes nothing on the platform');
  assert.deepEqual(after.scopes, pick.cred.scopes);
});

test('a live key: IP-allowlisted traffic, scope 403s and its rotation predecessor, judged like the sandbox; then applied in place', async () => {
  const ws = p.sb.workspaces[0]!.id;
  const k = await arrangeKey(p, ws, { name: 'orders sync', scopes: ['contacts:read'], rate_limit_per_minute: 600 });
  const call = (secret: string, path: string, ip: string) => p.withBearer(secret, path, { 'x-sandbox-caller-ip': ip });
  assert.equal((await call(k.secret, '/v1/contacts', '198.51.100.10')).status, 200);
  assert.equal((await call(k.secret, '/v1/contacts', '203.0.113.50')).status, 200);
  assert.equal((await call(k.secret, '/v1/api-keys', '198.51.100.10')).status, 403, 'needs credentials:read');
  assert.equal((await call(k.secret, '/v1/workspace', '2001:db8::7')).status, 200);
  const rotated = await p.api.call(ws, { method: 'POST', path: `/v1/api-keys/${k.id}/rotate`, body: { grace_days: 7 }, schema: z.object({ id: z.string(), secret: z.string() }) });
  const next = rotated.data;
  for (const ip of ['198.51.100.11', '198.51.100.12', '198.51.100.13', '203.0.113.51']) assert.equal((await call(next.secret, '/v1/contacts', ip)).status, 200);
  assert.equal((await call(next.secret, '/v1/api-keys', '198.51.100.11')).status, 403);
  await app.call('sync.all', { workspaces: [ws] });

  const proposal = { ipAllowlist: ['198.51.100.0/24'], rateLimitPerMinute: 2 };
  const dry = await app.call('keys.editDryRun', { workspace: ws, key: next.id, ...proposal });
  assert.deepEqual(
    dry.credentials.map((c) => [c.credentialId, c.relation]),
    [
      [next.id, 'this'],
      [k.id, 'predecessor'],
    ],
    'the key it was rotated from is judged too: its callers moved to this key',
  );
  assert.equal(dry.credentials[0]!.calls, 5);
  assert.equal(dry.credentials[1]!.calls, 4);
  assert.ok(dry.totals.refused.ip >= 3, '203.0.113.x and 2001:db8::7 are outside the /24');
  assert.ok(dry.totals.refused.scope >= 1, 'the 403s of GET /v1/api-keys stay refused');
  const scope403 = dry.credentials.flatMap((c) => c.refusedCalls).find((r) => r.reason === 'scope')!;
  assert.equal(scope403.requiredScope, 'credentials:read');
  assert.equal(scope403.newlyRefused, false, 'it was refused at the time too');
  assert.equal(scope403.wouldAnswer, 403);
  const ipRefused = dry.credentials.flatMap((c) => c.refusedCalls).find((r) => r.reason === 'ip')!;
  assert.equal(ipRefused.newlyRefused, true);
  assert.match(ipRefused.why, /outside the proposed IP allowlist/);
  assertMatchesTruth(dry, await truthOf(ws, dry));

  // apply: the same key (same id, same secret) with the new guardrails; the cache follows at once
  const applied = await app.call('keys.edit', { workspace: ws, key: next.id, ...proposal, expiresInDays: 30 });
  assert.equal(applied.key.id, next.id);
  assert.deepEqual(applied.after.ipAllowlist, ['198.51.100.0/24']);
  assert.equal(applied.after.rateLimitPerMinute, 2);
  assert.ok(applied.after.expiresAt && Math.abs(Date.parse(applied.after.expiresAt) - (Date.now() + 30 * 86_400_000)) < 120_000);
  assert.deepEqual(applied.before.ipAllowlist, []);
  assert.equal(applied.note, null, 'the inventory was re-read');
  assert.equal(applied.changes.length, 3);
  const truthState = (await p.credentials(ws)).find((x) => x.id === next.id) as any;
  assert.deepEqual(truthState.ip_allowlist, ['198.51.100.0/24']);
  assert.equal(truthState.rate_limit_per_minute, 2);
  assert.equal((await call(next.secret, '/v1/contacts', '203.0.113.51')).status, 401, 'the same secret, now held to the allowlist');
  assert.notEqual((await call(next.secret, '/v1/contacts', '198.51.100.11')).status, 401, 'inside the allowlist (200, or 429 past 2 calls this minute)');
  const cached = await app.call('inventory.credential', { workspace: ws, credentialId: next.id });
  assert.deepEqual(cached.ipAllowlist, ['198.51.100.0/24']);
  assert.equal(cached.rateLimitPerMinute, 2);

  // applying the same proposal again changes nothing and says so
  const again = await app.call('keys.edit', { workspace: ws, key: next.id, ...proposal });
  assert.deepEqual(again.changes, []);
  assert.match(again.note!, /nothing was changed/);
});
