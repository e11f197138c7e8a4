// Issue 14 item 2, the revocation tail, against a real sandbox: an OAuth revocation's preview and result say until when
// the outstanding access tokens work (the preview: the documented default, "up to"; the result: the platform's
// access_tokens_valid_until), the durable revocation row records it, and once the clock passes it the app reports
// "fully effective since HH:MM" — checked against the cached audit log, which must reach past the end before the app says
// "no calls after it". Attacks: a hostile platform that lies about the end (calls after it are found and stated), or
// sends a far-future, past, missing or garbage value (ignored: the documented default, with the basis and the reason).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { CLI_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { runCli } from '../../../src-main/cli/main.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import type { WorkspaceApi } from '../../../src-main/ports/platform.ts';
import { clockWords, MAX_TAIL_SECONDS, tailFromPlatform } from '../../../src-main/services/inventory/revocation-tail.ts';
import { sandboxToken } from '../../support/sandbox-session.ts';
import { matrixOf, startSandboxPlatform, startTestApp, type SandboxPlatform, type TestApp } from './support.ts';

const SCOPE = 'offline_access credentials:read credentials:write audit:read';
const HM = /(?:\w{3} \d{1,2}, )?\d{2}:\d{2}/;

/** The platform's answer to an app revocation as a hostile platform would send it (after the body left the sandbox). */
function rewritingRevokes(inner: WorkspaceApi, rewrite: () => unknown): WorkspaceApi {
  return {
    async call(ws, req) {
      if (req.method !== 'POST' || !/^\/v1\/apps\/[^/]+\/revoke$/.test(req.path)) return inner.call(ws, req);
      const raw = await inner.call(ws, { ...req, schema: z.record(z.string(), z.unknown()) });
      const v = rewrite();
      const body = { ...raw.data } as Record<string, unknown>;
      if (v === undefined) delete body.access_tokens_valid_until;
      else body.access_tokens_valid_until = v;
      return { ...raw, data: req.schema.parse(body) };
    },
  };
}

/** a second grant of the desktop client in a workspace: an app credential with a real, live access token */
async function victim(p: SandboxPlatform, ws: string) {
  const t = await sandboxToken(p.sb.issuer, ws, SCOPE);
  const intro = (await (
    await fetch(`${p.sb.issuer}/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'grantdesk-desktop', token: t.accessToken }) })
  ).json()) as { credential_id: string; exp: number };
  return { token: t.accessToken, credentialId: intro.credential_id, exp: intro.exp };
}
const call = (p: SandboxPlatform, token: string) => fetch(`${p.sb.issuer}/v1/workspace`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
/** MFA step-up (sandbox/mfa.ts) is not what these tests are about: every workspace on a plan that protects nothing */
async function noStepUp(p: SandboxPlatform) {
  for (const w of p.sb.workspaces) assert.equal((await p.admin('POST', '/mfa', { workspace: w.id, plan: 'starter' })).status, 200);
}
/** the test's app keeps working across clock jumps: fresh grants for every workspace */
async function renewAppTokens(p: SandboxPlatform) {
  for (const w of p.sb.workspaces) p.tokens.set(w.id, (await sandboxToken(p.sb.issuer, w.id, SCOPE)).accessToken);
}

describe('tailFromPlatform: the platform is hostile input', () => {
  const at = { requestedMs: Date.parse('2026-11-20T10:00:00Z'), finishedMs: Date.parse('2026-11-20T10:00:01Z'), nowMs: Date.parse('2026-11-20T10:00:01Z') };
  const documented = new Date(at.finishedMs + 3600_000).toISOString();
  it('believes a time between the revocation and a day after it', () => {
    const t = tailFromPlatform('2026-11-20T10:42:00.000Z', at);
    assert.deepEqual(t, { until: '2026-11-20T10:42:00.000Z', basis: 'platform', note: null });
    assert.equal(tailFromPlatform(new Date(at.finishedMs + MAX_TAIL_SECONDS * 1000).toISOString(), at).basis, 'platform', 'a day is the edge');
  });
  it('null: nothing was outstanding, fully effective when the call finished', () => {
    assert.deepEqual(tailFromPlatform(null, at), { until: new Date(at.finishedMs).toISOString(), basis: 'platform', note: null });
  });
  it('ten years ahead, a day and a second ahead, before the revocation, missing or garbage: the documented default, and why', () => {
    const cases: Array<[unknown, RegExp]> = [
      [new Date(at.finishedMs + 10 * 365 * 86400_000).toISOString(), /later than any access token lives/],
      [new Date(at.finishedMs + MAX_TAIL_SECONDS * 1000 + 1000).toISOString(), /later than any access token lives/],
      ['2026-11-20T08:00:00Z', /before the revocation/],
      [undefined, /did not say/],
      ['soon', /not a time/],
      [1_800_000_000, /not a time/],
      [{ until: 'x' }, /not a time/],
      ['2026-13-45T99:99:99Z', /not a time/],
      ['x'.repeat(10_000), /not a time/],
      ['2026-11-20T10:42:00Z<script>', /not a time/],
    ];
    for (const [raw, why] of cases) {
      const t = tailFromPlatform(raw, at);
      assert.equal(t.basis, 'documented_default', JSON.stringify(raw)?.slice(0, 60));
      assert.equal(t.until, documented);
      assert.match(t.note ?? '', why);
      assert.match(t.note ?? '', /documented 60-minute access-token lifetime/);
      assert.ok((t.note ?? '').length < 300, 'no echo of a huge value');
    }
  });
  it('clock words: a time today, a date another day', () => {
    const now = new Date(2026, 10, 20, 9, 0).getTime();
    assert.equal(clockWords(new Date(2026, 10, 20, 14, 32).getTime(), now), '14:32');
    assert.equal(clockWords(new Date(2026, 10, 21, 0, 5).getTime(), now), 'Nov 21, 00:05');
    assert.equal(clockWords(new Date(2027, 0, 2, 8, 0).getTime(), now), 'Jan 2, 2027, 08:00');
  });
});

describe('an honest platform: tail, then fully effective, checked against the audit log', () => {
  let p: SandboxPlatform;
  let app: TestApp;
  before(async () => {
    p = await startSandboxPlatform({ workspaces: 3, events: 300, seed: 5, accessTokenTtl: 600 });
    await noStepUp(p);
    app = startTestApp({ api: p.api, directory: p.directory });
  });
  after(async () => {
    await app?.close();
    await p?.close();
  });

  it('preview: documented default; result and record: the platform\'s end; after it: fully effective, no calls after it', async () => {
    const ws = p.sb.workspaces[0]!;
    const v = await victim(p, ws.id);
    assert.equal((await app.call('inventory.sync', {})).workspaces.every((w) => w.ok), true);
    const pv = await app.call('inventory.revokePreview', { workspace: ws.id, credentialId: v.credentialId });
    assert.equal(pv.targets[0]!.tokenTail?.basis, 'documented_default');
    assert.match(pv.tailSentence ?? '', /^Outstanding access tokens work until about (?:\w{3} \d{1,2}, )?\d{2}:\d{2} \(up to 60 minutes/);

    const res = await app.as(CLI_CONTEXT).call('inventory.revoke', { workspace: ws.id, credentialId: v.credentialId, yes: true });
    const row = res.results[0]!;
    assert.equal(row.outcome, 'revoked');
    const platformEnd = new Date(v.exp * 1000).toISOString();
    assert.deepEqual(row.tail, { until: platformEnd, basis: 'platform', note: null }, 'the platform\'s own end, not the documented default');
    assert.equal(res.tokenTailUntil, platformEnd);
    assert.equal(row.effect, `Outstanding access tokens work until ${clockWords(v.exp * 1000, Date.now())}`);
    assert.match(res.tailSentence ?? '', /^Outstanding access tokens work until (?:\w{3} \d{1,2}, )?\d{2}:\d{2} \(the platform's answer\); refresh tokens stopped at once\.$/);
    // the true state agrees: the token still works, and the platform says the same end
    const truth = (await p.state(ws.id))[0]!.credentials.find((c) => c.id === v.credentialId) as unknown as { effective_status: string; access_tokens_valid_until: string };
    assert.equal(truth.effective_status, 'revoked');
    assert.equal(truth.access_tokens_valid_until, platformEnd);
    assert.equal(await call(p, v.token), 200, 'the tail: the revoked grant\'s access token still works');

    // the durable row and the drawer: in the tail
    const rec = await app.call('inventory.revocation', { id: row.revocationId });
    assert.equal(rec.tailUntil, platformEnd);
    assert.equal(rec.tailBasis, 'platform');
    assert.equal(rec.effect?.state, 'tail');
    assert.match(rec.effect!.sentence, /^Revoked at (?:\w{3} \d{1,2}, )?\d{2}:\d{2}\. Outstanding access tokens work until (?:\w{3} \d{1,2}, )?\d{2}:\d{2} \(the platform's answer\); it is fully effective then\.$/);
    assert.equal((await app.call('inventory.credential', { workspace: ws.id, credentialId: v.credentialId })).revocation?.id, row.revocationId);

    // past the end: the token is dead at the platform, and the app says "fully effective" but not yet checked
    await p.admin('POST', '/clock', { advance_seconds: v.exp - Math.floor(Date.now() / 1000) + 5 });
    assert.equal(await call(p, v.token), 401);
    const unchecked = await app.call('inventory.revocation', { id: row.revocationId });
    assert.equal(unchecked.effect?.state, 'fully_effective');
    assert.equal(unchecked.effect?.callsAfter, null);
    assert.match(unchecked.effect!.sentence, new RegExp(`^Fully effective since ${clockWords(v.exp * 1000, Date.now())}\\. Not checked against the audit log`));

    // sync the audit log until it reaches past the end (its own calls are audited after the end)
    await renewAppTokens(p);
    let rec2 = unchecked;
    for (let i = 0; i < 3 && rec2.effect?.callsAfter !== 0; i++) {
      await app.call('audit.sync', {});
      rec2 = await app.call('inventory.revocation', { id: row.revocationId });
    }
    assert.equal(rec2.effect?.state, 'fully_effective');
    assert.equal(rec2.effect?.callsAfter, 0, rec2.effect?.sentence);
    assert.ok(Date.parse(rec2.effect!.auditCheckedUntil!) >= v.exp * 1000);
    assert.match(rec2.effect!.sentence, /^Fully effective since (?:\w{3} \d{1,2}, )?\d{2}:\d{2}\. No calls by this credential after it in the audit log \(checked up to (?:\w{3} \d{1,2}, )?\d{2}:\d{2}\)\.$/);
    assert.equal(rec2.effectShort, `fully effective since ${clockWords(v.exp * 1000, Date.now())}`);
    const drawer = await app.call('inventory.credential', { workspace: ws.id, credentialId: v.credentialId });
    assert.equal(drawer.revocation?.effect?.sentence, rec2.effect!.sentence);

    // the CLI says it in words: `grantdesk revocations show <id>` and the list's short column
    let out = '';
    const code = await runCli(['revocations', 'show', String(row.revocationId)], { stdout: (s) => (out += s), stderr: () => undefined, env: { GRANTDESK_HOME: app.dataDir }, secretStore: createMemorySecretStore() });
    assert.equal(code, 0);
    assert.match(out, /sentence: Fully effective since (?:\w{3} \d{1,2}, )?\d{2}:\d{2}\. No calls by this credential after it/);
    assert.match(out, /tailBasis: platform/);
    let list = '';
    await runCli(['revocations'], { stdout: (s) => (list += s), stderr: () => undefined, env: { GRANTDESK_HOME: app.dataDir }, secretStore: createMemorySecretStore() });
    assert.match(list, /fully effective since (?:\w{3} \d{1,2}, )?\d{2}:\d{2}/);
  });

  it('an API key stops at once: no tail, effective when the call finished', async () => {
    await renewAppTokens(p);
    await app.call('inventory.sync', {});
    const m = await matrixOf(app, {});
    const key = m.workspaces.flatMap((w) => w.credentials.filter((c) => c.type === 'api_key' && c.revocable))[0]!;
    const pk = await app.call('inventory.revokePreview', { workspace: key.workspaceId, credentialId: key.id });
    assert.match(pk.tailSentence ?? '', /^Nothing outlives this revocation: it stops at the next request/);
    assert.equal(pk.tokenTailUntil, null);
    const res = await app.as(CLI_CONTEXT).call('inventory.revoke', { workspace: key.workspaceId, credentialId: key.id, yes: true });
    assert.equal(res.results[0]!.tail, null);
    assert.equal(res.results[0]!.effect, 'Stopped at once');
    assert.match(res.tailSentence ?? '', /^Stopped at once: nothing outlives this revocation/);
    const rec = await app.call('inventory.revocation', { id: res.results[0]!.revocationId });
    assert.equal(rec.tailUntil, null);
    assert.equal(rec.effect?.since, res.results[0]!.finishedAt);
  });
});

describe('a hostile platform', () => {
  let p: SandboxPlatform;
  let app: TestApp;
  let answer: () => unknown = () => undefined;
  before(async () => {
    p = await startSandboxPlatform({ workspaces: 4, events: 400, seed: 6, accessTokenTtl: 900 });
    await noStepUp(p);
    app = startTestApp({ api: rewritingRevokes(p.api, () => answer()), directory: p.directory });
    assert.ok((await app.call('inventory.sync', {})).workspaces.every((w) => w.ok));
  });
  after(async () => {
    await app?.close();
    await p?.close();
  });

  it('an end ten years out, in the past, missing or garbage: the documented default, with the basis and why, in the result and the record', async () => {
    const m = await matrixOf(app, {});
    const apps = m.workspaces.flatMap((w) => w.credentials.filter((c) => c.type === 'app' && c.revocable && !c.isGrantdesk));
    const lies: Array<[unknown, RegExp]> = [
      [new Date(Date.now() + 10 * 365 * 86400_000).toISOString(), /later than any access token lives/],
      [new Date(Date.now() - 3600_000).toISOString(), /before the revocation/],
      [undefined, /did not say/],
      ['tomorrow-ish', /not a time/],
      [{ $gt: '' }, /not a time/],
    ];
    assert.ok(apps.length >= lies.length, `${apps.length} revocable apps`);
    for (const [i, [lie, why]] of lies.entries()) {
      answer = () => lie;
      const c = apps[i]!;
      const t0 = Date.now();
      const res = await app.as(CLI_CONTEXT).call('inventory.revoke', { workspace: c.workspaceId, credentialId: c.id, yes: true });
      const row = res.results[0]!;
      assert.equal(row.outcome, 'revoked', `the revocation itself stands: a bad answer never fails it (${JSON.stringify(row.error)})`);
      assert.equal(row.tail?.basis, 'documented_default');
      const until = Date.parse(row.tail!.until);
      assert.ok(until >= t0 + 3600_000 && until <= Date.now() + 3600_000, row.tail!.until);
      assert.match(row.tail!.note ?? '', why);
      assert.match(row.effect, /^Outstanding access tokens work until about (?:\w{3} \d{1,2}, )?\d{2}:\d{2}$/);
      assert.match(res.tailSentence ?? '', /\(the platform's documented 60-minute access-token lifetime\)/);
      assert.match(res.tailSentence ?? '', why);
      const rec = await app.call('inventory.revocation', { id: row.revocationId });
      assert.equal(rec.tailBasis, 'documented_default');
      assert.equal(rec.tailNote, row.tail!.note);
      assert.doesNotMatch(JSON.stringify(rec), /\$gt|tomorrow-ish/, 'the hostile value is not echoed');
    }
  });

  it('an end that comes too early: the calls made after it are found in the audit log and stated', async () => {
    const ws = p.sb.workspaces[1]!;
    const v = await victim(p, ws.id);
    await app.call('inventory.sync', { workspace: ws.id });
    // the platform says "all over in 30 s" while the token really lives 15 minutes
    answer = () => new Date(Date.now() + 30_000).toISOString();
    const res = await app.as(CLI_CONTEXT).call('inventory.revoke', { workspace: ws.id, credentialId: v.credentialId, yes: true });
    const row = res.results[0]!;
    assert.equal(row.tail?.basis, 'platform', JSON.stringify(row));
    await p.admin('POST', '/clock', { advance_seconds: 60 });
    assert.equal(await call(p, v.token), 200);
    assert.equal(await call(p, v.token), 200);
    let rec = await app.call('inventory.revocation', { id: row.revocationId });
    for (let i = 0; i < 3 && rec.effect?.state !== 'calls_after'; i++) {
      await app.call('audit.sync', { workspaces: [ws.id] });
      rec = await app.call('inventory.revocation', { id: row.revocationId });
    }
    assert.equal(rec.effect?.state, 'calls_after', rec.effect?.sentence);
    assert.equal(rec.effect?.callsAfter, 2, 'exactly the two calls made after the claimed end');
    assert.match(rec.effect!.sentence, /^Not fully effective at (?:\w{3} \d{1,2}, )?\d{2}:\d{2} as expected: the audit log shows 2 calls by this credential after it \(the last at (?:\w{3} \d{1,2}, )?\d{2}:\d{2}\)\./);
    assert.match(rec.effectShort, /^2 calls after (?:\w{3} \d{1,2}, )?\d{2}:\d{2}!$/);
    assert.match(rec.effectShort, HM);
  });
});
