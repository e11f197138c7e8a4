// The expiry calendar across workspaces, from the local caches: inventory (key expiries, client-secret ages), rotation
// wizards (grace ends, each opening its wizard), Grantdesk's own grants and auditor review grants (through the owning
// domains' read models), with filters; a source that holds nothing yet is named as such, never silently empty.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { arrangeKey, startRotationApp, startRotationSandbox, type RotationSandbox } from './support.ts';

let p: RotationSandbox;
before(async () => {
  p = await startRotationSandbox({ seed: 13, workspaces: 3 });
});
after(async () => {
  await p.close();
});

test('calendar: what is due next across all workspaces, filters, and the wizard each item opens', async () => {
  const app = startRotationApp(p);
  try {
    // before any sync: sources say so
    let cal = await app.call('rotation.calendar', {});
    assert.equal(cal.sources.find((s) => s.name === 'credential inventory')!.state, 'empty');
    // the review domain is part of this build: no review issued or redeemed yet is 'empty' (it used to say 'missing': the
    // calendar looked for a review_grants.ends_at column that never existed, so review ends never reached it)
    assert.equal(cal.sources.find((s) => s.name === 'review grants')!.state, 'empty');

    const [a, b] = p.sb.workspaces;
    const soon = await arrangeKey(p, a!.id, { name: 'expiring soon', expires_in_days: 3 });
    const old = await arrangeKey(p, b!.id, { name: 'to rotate' });
    const out = await app.call('rotation.rotate', { workspace: b!.id, keyId: old.id, grace: 5 });
    await app.call('inventory.sync', {});

    cal = await app.call('rotation.calendar', { withinDays: 365 });
    assert.equal(cal.sources.find((s) => s.name === 'credential inventory')!.state, 'ok');
    const exp = cal.items.find((i) => i.credentialId === soon.id && i.kind === 'key_expiry')!;
    assert.ok(exp, 'the expiring key is on the calendar');
    assert.equal(exp.severity, 'soon');
    assert.equal(exp.action.kind, 'rotate_key');
    assert.equal(exp.workspaceName, a!.name);
    const grace = cal.items.find((i) => i.kind === 'grace_end' && i.credentialId === old.id)!;
    assert.equal(grace.action.kind, 'watch_grace');
    assert.equal(grace.action.wizardId, out.wizard.id);
    assert.equal(cal.items.filter((i) => i.credentialId === old.id && i.kind === 'grace_end').length, 1, 'no duplicate from the inventory');
    assert.ok(cal.items.some((i) => i.kind === 'secret_age' && i.action.kind === 'rotate_client'), 'machine-client secret ages');
    assert.ok(new Set(cal.items.map((i) => i.workspaceId)).size >= 2, 'one timeline across workspaces');
    for (let i = 1; i < cal.items.length; i++) assert.ok(cal.items[i - 1]!.at <= cal.items[i]!.at, 'sorted by date');

    const onlyA = await app.call('rotation.calendar', { workspace: a!.name, withinDays: 365 });
    assert.ok(onlyA.items.length > 0 && onlyA.items.every((i) => i.workspaceId === a!.id));
    const onlyGrace = await app.call('rotation.calendar', { kinds: ['grace_end'], withinDays: 365 });
    assert.ok(onlyGrace.items.every((i) => i.kind === 'grace_end'));
    const upcoming = await app.call('rotation.calendar', { includeOverdue: false, withinDays: 7 });
    assert.ok(upcoming.items.every((i) => i.daysLeft >= 0 && i.daysLeft <= 7));
  } finally {
    await app.close();
  }
});

test('calendar: auditor review grants end on the calendar, on the side that issued them and on the side that redeemed them', { timeout: 120_000 }, async () => {
  const [a] = p.sb.workspaces;
  const dir = mkdtempSync(join(tmpdir(), 'grantdesk-calendar-review-'));
  const op = startRotationApp(p, { useRealConnections: true });
  const aud = startRotationApp(null);
  try {
    await op.call('platforms.add', { issuer: p.sb.issuer, name: 'Sandbox' });
    await op.call('workspaces.connect', { workspace: a!.id, role: 'operator' });
    let cal = await op.call('rotation.calendar', {});
    assert.equal(cal.sources.find((s) => s.name === 'review grants')!.state, 'empty');
    assert.equal(cal.items.filter((i) => i.kind === 'review_end').length, 0);
    // Grantdesk's own grant (connections read model) reaches its lifetime in 365 days
    cal = await op.call('rotation.calendar', { withinDays: 366 });
    assert.equal(cal.sources.find((s) => s.name === 'workspace grants')!.state, 'ok');
    const lifetime = cal.items.find((i) => i.kind === 'grant_lifetime' && i.workspaceId === a!.id)!;
    assert.ok(lifetime, "the workspace grant's lifetime is on the calendar");
    assert.equal(lifetime.action.kind, 'reconsent');

    // the operator issues a 14-day review through the review domain's own command
    const file = join(dir, 'for-the-auditor.gdreview');
    // a file path outside the exports folder: the shell's file access
    const created = await op.as(CLI_CONTEXT).call('review.create', { workspaces: [a!.id], scopes: ['audit:read'], durationDays: 14, reviewerName: 'Ada Auditor', reviewerEmail: 'ada@audit.example', out: file });
    cal = await op.call('rotation.calendar', {});
    const src = cal.sources.find((s) => s.name === 'review grants')!;
    assert.equal(src.state, 'ok');
    const issued = cal.items.filter((i) => i.kind === 'review_end');
    assert.equal(issued.length, 1, 'one review end per issued review');
    assert.equal(issued[0]!.workspaceId, a!.id);
    assert.equal(issued[0]!.workspaceName, a!.name);
    assert.equal(issued[0]!.at, created.reviews[0]!.expiresAt);
    assert.equal(issued[0]!.severity, 'soon');
    assert.ok(issued[0]!.daysLeft >= 13 && issued[0]!.daysLeft <= 14);
    assert.match(issued[0]!.title, /Ada Auditor/);
    const onlyReviews = await op.call('rotation.calendar', { kinds: ['review_end'] });
    assert.deepEqual(onlyReviews.items.map((i) => i.key), [issued[0]!.key]);

    // the auditor redeems it: the auditor's calendar shows when its own access ends
    await aud.as(CLI_CONTEXT).call('review.redeem', { file }); // a file redeem: the shell's file access
    const audCal = await aud.call('rotation.calendar', {});
    assert.equal(audCal.sources.find((s) => s.name === 'review grants')!.state, 'ok');
    const redeemed = audCal.items.filter((i) => i.kind === 'review_end');
    assert.equal(redeemed.length, 1);
    assert.equal(redeemed[0]!.workspaceId, a!.id);
    assert.equal(redeemed[0]!.workspaceName, a!.name);
    assert.equal(redeemed[0]!.at, created.reviews[0]!.expiresAt);
    assert.notEqual(redeemed[0]!.key, issued[0]!.key);
  } finally {
    await aud.close();
    await op.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
