// `grantdesk alerts run` against a real sandbox and a loopback receiver: one signed POST per cause (the expiring
// credentials are exactly the ones the platform's true state says expire within the window), nothing on a second run,
// retries through 5xx, a 4xx is reported and retried next run, no token or secret ever in a body, the webhook URL never in
// SQLite, and OS notifications show each cause once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../connections/harness.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { CLI_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { createElectronNotifier } from '../../../src-main/electron/notifier.ts';

interface Received { body: string; json: { text: string; grantdesk: { kind: string; alerts: Array<{ id: string; kind: string; title: string }> } }; verified: boolean }

function receiver(secret: () => string | null, plan: number[]) {
  const got: Received[] = [];
  let hits = 0;
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      hits++;
      const status = plan.length ? plan.shift()! : 200;
      if (status === 200) {
        const ts = String(req.headers['x-grantdesk-timestamp'] ?? '');
        const sig = String(req.headers['x-grantdesk-signature'] ?? '');
        const want = `v1=${createHmac('sha256', secret() ?? '').update(`${ts}.${body}`).digest('hex')}`;
        const verified = sig.length === want.length && timingSafeEqual(Buffer.from(sig), Buffer.from(want)) && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
        got.push({ body, json: JSON.parse(body), verified });
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, got, hits: () => hits };
}

test('alerts run: one signed webhook per cause, deduplicated, retried, never a secret; notifications once', { timeout: 180_000 }, async () => {
  const shown: { title: string; body: string }[] = [];
  const store = createMemorySecretStore();
  const h = await startHarness({ sandbox: { workspaces: 4, events: 30, seed: 5 }, ports: { secretStore: store, notifier: (n) => shown.push(n) } });
  let secret: string | null = null;
  const plan: number[] = [];
  const rx = receiver(() => secret, plan);
  await new Promise<void>((r) => rx.server.listen(0, '127.0.0.1', r));
  const port = (rx.server.address() as { port: number }).port;
  const policyDir = mkdtempSync(join(tmpdir(), 'gd-alerts-policy-'));
  try {
    for (const w of h.sandbox.workspaces) await h.call('workspaces.connect', { workspace: w.id, role: 'operator' });
    await h.as(CLI_CONTEXT).call('sync.all', {});
    // a policy this machine follows: each violation is a cause of its own
    const policyFile = join(policyDir, 'grantdesk.policy.yaml');
    writeFileSync(policyFile, 'version: 1\nrules:\n  require_expiry: true\n  forbidden_scopes: [users:delete]\n');
    await h.as(CLI_CONTEXT).call('policy.use', { file: policyFile });
    const violations = (await h.call('policy.violations', {})).result!.violations;
    assert.ok(violations.length >= 1, 'the seed breaks the policy');

    // no webhook yet: nothing sent, and the CLI's exit code 3 case says what to run
    const none = await h.call('alerts.run', {});
    assert.equal(none.webhook.configured, false);
    assert.match(none.failed[0]!.message, /grantdesk alerts webhook/);

    // a cleartext webhook to another host is refused; loopback http is fine for a local relay
    assert.equal((await h.callResult('alerts.webhook', { url: 'http://hooks.example.com/x' })).error?.code, 'invalid_input');
    assert.equal((await h.callResult('alerts.webhook', { url: 'https://user:pw@hooks.example.com/x' })).error?.code, 'invalid_input');
    const hookPath = '/services/T000/B000/CANARY-webhook-path-token';
    const set = await h.call('alerts.webhook', { url: `http://127.0.0.1:${port}${hookPath}` });
    secret = set.signingSecret;
    assert.match(secret ?? '', /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.equal(set.webhook.host, `127.0.0.1:${port}`);

    // the oracle: credentials the platform says expire within 14 days
    const st = (await (await fetch(`${h.sandbox.issuer}/__admin/state`, { headers: { authorization: `Bearer ${h.sandbox.adminToken}` } })).json()) as { workspaces: Array<{ credentials: Array<{ id: string; type: string; effective_status: string; expires_at: string | null }> }> };
    const now = Date.now();
    const expiring = st.workspaces.flatMap((w) => w.credentials).filter((c) => c.type !== 'service_token' && (c.effective_status === 'active' || c.effective_status === 'disabled') && c.expires_at && Date.parse(c.expires_at) > now && Date.parse(c.expires_at) <= now + 14 * 86_400_000);
    assert.ok(expiring.length >= 1, 'the seed has credentials expiring soon');

    const list = await h.call('alerts.list', {});
    assert.equal(list.alerts.filter((a) => a.kind === 'credential_expiring').length, expiring.length, 'exactly the true state\'s expiring credentials');
    // quota use is read from the platform by a run (the one above, without a webhook): the list keeps today's reading
    assert.ok(list.alerts.some((a) => a.kind === 'quota_high'), 'a seeded machine client above 80 % of its quota is on the list');
    assert.equal(list.alerts.filter((a) => a.kind === 'policy_violation').length, violations.length, 'one alert per policy violation');

    // one 503 then success: retried; every open alert posted once, each verified by its HMAC signature
    plan.push(503);
    const first = await h.call('alerts.run', {});
    assert.equal(first.failed.length, 0, JSON.stringify(first.failed));
    assert.equal(first.sent.length, list.alerts.length);
    assert.equal(rx.got.length, list.alerts.length);
    assert.ok(rx.got.every((g) => g.verified), 'every delivery carries a valid signature');
    assert.deepEqual(rx.got.map((g) => g.json.grantdesk.alerts[0]!.id).sort(), list.alerts.map((a) => a.id).sort(), 'one POST per cause');
    assert.equal(new Set(rx.got.map((g) => g.json.grantdesk.alerts[0]!.id)).size, rx.got.length, 'no cause posted twice');
    assert.ok(rx.got.every((g) => g.json.grantdesk.alerts.length === 1), 'each POST carries its one cause');
    assert.ok(rx.got.every((g) => typeof g.json.text === 'string' && g.json.text.startsWith('Grantdesk: ')), 'Slack-compatible text');

    // second run: nothing new
    const before = rx.hits();
    const second = await h.call('alerts.run', {});
    assert.equal(second.sent.length, 0);
    assert.equal(second.alreadySent, list.alerts.length);
    assert.equal(rx.hits(), before, 'nothing posted on a second run');

    // digest once, then not again within 20 hours
    const d1 = await h.call('alerts.run', { digest: true });
    assert.equal(d1.digestSent, true);
    assert.equal(rx.got.at(-1)!.json.grantdesk.kind, 'digest');
    assert.equal(rx.got.at(-1)!.json.grantdesk.alerts.length, list.alerts.length);
    assert.equal((await h.call('alerts.run', { digest: true })).digestSent, false);

    // a snoozed alert is not notified; a 4xx receiver is reported (not retried) and the alert stays due
    const target = list.alerts[0]!;
    const snoozed = await h.call('alerts.snooze', { id: target.id, hours: 24 });
    assert.ok(snoozed.snoozedUntil);
    assert.equal((await h.call('alerts.list', {})).alerts.find((a) => a.id === target.id)?.snoozedUntil, snoozed.snoozedUntil);

    // never a token or secret in any body: every keychain value and the webhook path are absent
    const secrets = await Promise.all((await store.list()).map((a) => store.get(a)));
    for (const g of rx.got) for (const s of secrets) if (s) assert.ok(!g.body.includes(s), 'a keychain value reached the webhook');
    // the webhook URL's path (a credential for Slack) never reaches the data dir
    for (const f of readdirSync(h.dataDir)) {
      const p = join(h.dataDir, f);
      try {
        assert.ok(!readFileSync(p).includes(Buffer.from('CANARY-webhook-path-token')), `${f} holds the webhook path`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EISDIR') throw e;
      }
    }

    // OS notifications: each cause once (snoozed ones wait), then nothing on the next tick
    const n1 = await h.app.services.alerts.tick();
    assert.equal(n1, list.alerts.length - 1);
    assert.equal(shown.length, n1);
    assert.ok(!shown.some((s) => s.title === target.title), 'the snoozed alert is not shown');
    assert.equal(await h.app.services.alerts.tick(), 0);
    // the browser tab's channel is separate: it gets them once too
    assert.equal((await h.call('alerts.notify', {})).alerts.length, list.alerts.length - 1);
    assert.equal((await h.call('alerts.notify', {})).alerts.length, 0);
  } finally {
    rx.server.close();
    await h.close();
    rmSync(policyDir, { recursive: true, force: true });
  }
});

test('alerts: a receiver answering 400 is reported with a sentence and not retried in the same run', { timeout: 120_000 }, async () => {
  const h = await startHarness({ sandbox: { workspaces: 2, events: 10, seed: 5 }, ports: { secretStore: createMemorySecretStore() } });
  const plan = Array.from({ length: 100 }, () => 400);
  const rx = receiver(() => null, plan);
  await new Promise<void>((r) => rx.server.listen(0, '127.0.0.1', r));
  try {
    for (const w of h.sandbox.workspaces) await h.call('workspaces.connect', { workspace: w.id, role: 'operator' });
    await h.as(CLI_CONTEXT).call('sync.all', {});
    await h.call('alerts.webhook', { url: `http://127.0.0.1:${(rx.server.address() as { port: number }).port}/hook` });
    const dry = await h.call('alerts.run', { dryRun: true });
    const open = dry.sent.length;
    assert.ok(open >= 1);
    const r = await h.call('alerts.run', {});
    assert.equal(r.sent.length, 0);
    assert.equal(r.failed.length, open);
    assert.match(r.failed[0]!.message, /HTTP 400; check the webhook address \(a 4xx is not retried\)/);
    assert.equal(rx.hits(), open, 'one attempt per alert on a 4xx');
    assert.equal((await h.call('alerts.run', { dryRun: true })).sent.length, open, 'still due next run');
  } finally {
    rx.server.close();
    await h.close();
  }
});

test('the Electron notifier cleans platform text and is absent where notifications are unsupported', () => {
  const made: Array<{ title?: string; body?: string }> = [];
  class FakeNotification {
    static isSupported = () => true;
    constructor(readonly o: { title?: string; body?: string }) {
      made.push(o);
    }
    show() {}
  }
  const n = createElectronNotifier(FakeNotification as never)!;
  n({ title: 'Key \u202e“evil”\u0007 expires', body: 'x'.repeat(500) });
  assert.equal(made[0]!.title, 'Key  “evil”  expires');
  assert.equal(made[0]!.body!.length, 240);
  class Unsupported extends FakeNotification {
    static override isSupported = () => false;
  }
  assert.equal(createElectronNotifier(Unsupported as never), undefined);
});
