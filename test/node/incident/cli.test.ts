// Leaked-secret response end to end through the real CLI (in process, real connections: PKCE against the sandbox) and
// the real sandbox: a seeded key's secret is leaked with the sandbox's admin control (POST /__admin/leak), used by an
// "attacker" from this machine, then pasted on stdin. The incident finds it by name, says so when nothing matches,
// shows its activity (the attacker's IP unusual), revokes one key and rotates another with zero grace
// (each through the platform's MFA step-up), and writes a pack
// that `grantdesk verify` passes and fails after a one-byte change. Canary: neither leaked secret is ever in argv, CLI
// output, the data dir (cache, WAL, logs), the keychain or the pack.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src-main/cli/main.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { arrangeKey, startRotationSandbox, type RotationSandbox, type TrueCredential } from '../rotation/support.ts';

const here = dirname(fileURLToPath(import.meta.url));
let p: RotationSandbox;
let home: string;
let out: string;
const secretStore = createMemorySecretStore();
const outputs: string[] = [];
const leaked: string[] = [];
const leakedKeyIds: string[] = [];
/** replacement secrets the CLI printed once by design */
const shownOnce: string[] = [];

async function cli(argv: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  let o = '';
  let e = '';
  const code = await runCli(argv, {
    stdout: (s) => (o += s),
    stderr: (s) => (e += s),
    env: { ...process.env, GRANTDESK_HOME: home, GRANTDESK_BROWSER: join(here, '..', 'rotation', 'follow-auth.mjs') },
    secretStore,
    stdin: stdin === undefined ? { isTTY: true, read: async () => '' } : { isTTY: false, read: async () => stdin },
  });
  outputs.push(o, e, argv.join(' '));
  return { code, out: o, err: e };
}

/** A seeded, active API key without an IP allowlist, its secret leaked by the sandbox's admin control. */
async function leakSeededKey(ws: string, skip: string[] = []): Promise<{ key: TrueCredential; secret: string }> {
  const key = (await p.credentials(ws)).find((c) => c.type === 'api_key' && c.status === 'active' && !skip.includes(c.id) && !leakedKeyIds.includes(c.id) && ((c as unknown as { ip_allowlist?: string[] }).ip_allowlist ?? []).length === 0 && c.expires_at === null);
  assert.ok(key, 'the seed has an active API key without an allowlist');
  const r = await p.admin('POST', '/leak', { workspace_id: ws, key_id: key.id });
  assert.equal(r.status, 200);
  const secret = String(r.body.secret);
  leaked.push(secret);
  leakedKeyIds.push(key.id);
  return { key, secret };
}

before(async () => {
  p = await startRotationSandbox({ seed: 16, workspaces: 2, events: 400 });
  home = mkdtempSync(join(tmpdir(), 'grantdesk-incident-cli-'));
  out = mkdtempSync(join(tmpdir(), 'grantdesk-incident-out-'));
  assert.equal((await cli(['platform', 'add', p.sb.issuer, '--name', 'sandbox'])).code, 0);
  for (const w of p.sb.workspaces) {
    const c = await cli(['connect', w.id, '--role', 'operator']);
    assert.equal(c.code, 0, c.err);
  }
  assert.equal((await cli(['credentials', 'sync'])).code, 0);
});
after(async () => {
  await p.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

let revokeIncident = '';

test('a pasted seeded secret is found by workspace and credential name, and its activity shows the attacker', async () => {
  const ws = p.sb.workspaces[0]!;
  const { key, secret } = await leakSeededKey(ws.id);
  // the attacker uses the key from this machine (127.0.0.1): a caller the key never had
  for (let i = 0; i < 3; i++) assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 200);

  const refused = await cli(['incident', '--secret', secret]);
  assert.equal(refused.code, 2, 'a secret in argv is refused before anything runs');
  assert.match(refused.err, /visible to other users/);
  outputs.pop(); // that argv held the secret on purpose: the refusal is what is tested

  const found = await cli(['incident', '--json'], `${secret}\n`);
  assert.equal(found.code, 0, found.err);
  const r = JSON.parse(found.out) as { incident: { id: string; match: { workspaceName: string; credentialName: string; credentialId: string; confirmation: string }; actions: { action: string; ok: boolean }[] }; sentence: string };
  assert.equal(r.incident.match.credentialId, key.id);
  assert.equal(r.incident.match.credentialName, key.name);
  assert.equal(r.incident.match.workspaceName, ws.name);
  assert.equal(r.incident.match.confirmation, 'platform');
  assert.ok(r.sentence.includes(key.name) && r.sentence.includes(ws.name), r.sentence);
  assert.deepEqual(r.incident.actions.map((a) => [a.action, a.ok]), [['identified', true], ['synced', true]]);
  revokeIncident = r.incident.id;

  const human = await cli(['incident', 'activity', revokeIncident]);
  assert.equal(human.code, 0, human.err);
  const act = await cli(['incident', 'activity', revokeIncident, '--json']);
  const a = JSON.parse(act.out) as { endpoints: unknown[]; endpointsCapped: boolean; calls: number; since: string; firstSeen: string | null; lastSeen: string | null; callers: { ip: string; calls: number; unusual: boolean }[]; unusualIps: number; sentence: string };
  // three attacker calls and Grantdesk's one confirming call, from 127.0.0.1, plus whatever the seed had since its creation
  const local = a.callers.find((c) => c.ip === '127.0.0.1');
  assert.ok(local, JSON.stringify(a.callers));
  assert.equal(local.calls, 4);
  assert.ok(a.calls >= 4 && a.firstSeen && a.lastSeen, a.sentence);
  assert.ok(local.unusual, 'the attacker IP joined after the key\'s usual callers');
  assert.ok(a.unusualIps >= 1);
  assert.match(a.sentence, /calls? from \d+ IPs? since/);
  assert.equal(a.endpointsCapped, false, 'fewer than 50 endpoints: the list is whole, its length a count');
  assert.ok(a.endpoints.length >= 1 && a.endpoints.length <= 50);
  assert.match(a.sentence, /One of these calls is Grantdesk's own check of the pasted secret \(from this machine, \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.$/, 'the confirming call counted in the activity is said to be Grantdesk\'s own');
  // a later start narrows the window to the attacker's calls only
  const narrow = JSON.parse((await cli(['incident', 'activity', revokeIncident, '--since', a.lastSeen!, '--json'])).out) as { calls: number };
  assert.ok(narrow.calls >= 1 && narrow.calls <= a.calls);
});

test('a secret no connected workspace has says so in a sentence and opens nothing', async () => {
  const fake = `sk_live_${'Q'.repeat(36)}zzzz`;
  leaked.push(fake);
  const r = await cli(['incident'], fake);
  assert.equal(r.code, 1);
  assert.match(r.out, /No credential matches this secret/);
  const other = await cli(['incident'], 'mcs_abcdefghijklmnopqrstuvwxyz0123');
  assert.equal(other.code, 1);
  assert.match(other.out, /machine-client secret/);
  const list = JSON.parse((await cli(['incident', 'list', '--json'])).out) as { incidents: unknown[] };
  assert.equal(list.incidents.length, 1);
});

test('a key newer than the cache is found: the inventory is re-read when nothing in it matches', async () => {
  const ws = p.sb.workspaces[1]!;
  const key = await arrangeKey(p, ws.id, { name: 'made after the sync' });
  leaked.push(key.secret);
  leakedKeyIds.push(key.id);
  const r = await cli(['incident', '--json'], key.secret);
  assert.equal(r.code, 0, r.err);
  const v = JSON.parse(r.out) as { incident: { match: { credentialId: string; credentialName: string } } };
  assert.equal(v.incident.match.credentialId, key.id);
  assert.equal(v.incident.match.credentialName, 'made after the sync');
});

test('revoke now: preview, then the platform refuses the leaked secret', async () => {
  const preview = await cli(['incident', 'preview', revokeIncident, 'revoke']);
  assert.equal(preview.code, 0, preview.err);
  assert.match(preview.out, /stops the leaked secret at once/);
  const noYes = await cli(['incident', 'revoke', revokeIncident]);
  assert.equal(noYes.code, 2);
  // an Enterprise workspace asks for a fresh MFA sign-in before a key is revoked: the usual step-up, then the revocation
  assert.equal((await p.admin('POST', '/mfa', { workspace: p.sb.workspaces[0]!.id, plan: 'enterprise' })).status, 200);
  const r = await cli(['incident', 'revoke', revokeIncident, '--yes', '--json']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /requires a fresh MFA sign-in/);
  assert.match(r.err, /MFA sign-in done/);
  const v = JSON.parse(r.out) as { incident: { state: string; actions: { action: string; platform: { outcome: string } | null }[] } };
  assert.equal(v.incident.state, 'revoked');
  assert.equal(v.incident.actions.at(-1)!.platform!.outcome, 'revoked');
  const res = await p.withBearer(leaked[0]!, '/v1/workspace');
  assert.equal(res.status, 401);
  assert.equal(res.body?.error, 'token_revoked');
  // pasting it again: found, and the platform says it is revoked
  const again = JSON.parse((await cli(['incident', '--json'], leaked[0]!)).out) as { incident: { match: { confirmation: string } } };
  assert.equal(again.incident.match.confirmation, 'platform_revoked');
});

test('rotate with zero grace: the leaked secret stops at once, the replacement works and is shown once', async () => {
  const ws = p.sb.workspaces[1]!;
  const { key, secret } = await leakSeededKey(ws.id);
  const secretFile = join(out, 'leaked.txt');
  writeFileSync(secretFile, secret + '\n', { mode: 0o600 });
  const found = await cli(['incident', '--secret-file', secretFile, '--json']);
  rmSync(secretFile);
  assert.equal(found.code, 0, found.err);
  const id = (JSON.parse(found.out) as { incident: { id: string } }).incident.id;
  const wrong = await cli(['incident', 'rotate', id, '--confirm', 'not the name']);
  assert.equal(wrong.code, 2, 'the typed confirmation must be the workspace name');
  // a Pro workspace asks for a fresh MFA sign-in before a key is rotated
  assert.equal((await p.admin('POST', '/mfa', { workspace: ws.id, plan: 'pro' })).status, 200);
  const r = await cli(['incident', 'rotate', id, '--confirm', ws.name, '--json']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /requires a fresh MFA sign-in/);
  const v = JSON.parse(r.out) as { incident: { state: string }; wizard: { graceDays: number; newKeyId: string }; secret: string };
  assert.equal(v.incident.state, 'rotated');
  assert.equal(v.wizard.graceDays, 0);
  assert.equal(r.out.split(v.secret).length - 1, 1, 'the replacement secret is printed once');
  assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 401, 'the leaked secret stopped at once');
  assert.equal((await p.withBearer(v.secret, '/v1/workspace')).status, 200);
  const old = (await p.credentials(ws.id)).find((c) => c.id === key.id)!;
  assert.ok(old.grace_ends_at !== null && Date.parse(old.grace_ends_at) <= Date.now(), 'the old key has no grace left');
  shownOnce.push(v.secret);
});

test('rotate with zero grace delivered to a secrets manager: the replacement goes to its stdin, never to the output', async () => {
  const ws = p.sb.workspaces[0]!;
  const { secret } = await leakSeededKey(ws.id, [leakedKeyIds[0]!]);
  const found = await cli(['incident', '--json'], secret);
  assert.equal(found.code, 0, found.err);
  const id = (JSON.parse(found.out) as { incident: { id: string } }).incident.id;
  const store = join(out, 'vault.txt');
  const r = await cli(['incident', 'rotate', id, '--yes', '--deliver-cmd', `sh -c 'cat > "$0"' ${store}`, '--json']);
  assert.equal(r.code, 0, r.err);
  const v = JSON.parse(r.out) as { secret?: string; delivered?: { target: string; exitCode: number }; incident: { actions: { action: string; sentence: string }[] } };
  assert.equal(v.secret, undefined, 'a delivered secret is not in the output');
  assert.equal(v.delivered?.exitCode, 0);
  assert.match(v.incident.actions.at(-1)!.sentence, /delivered to sh/);
  const delivered = readFileSync(store, 'utf8').trim();
  rmSync(store);
  assert.equal((await p.withBearer(delivered, '/v1/workspace')).status, 200, 'the delivered replacement works');
  assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 401, 'the leaked secret stopped at once');
  for (const o of [r.out, r.err]) assert.ok(!o.includes(delivered));
});

test('the evidence pack verifies, and fails after a one-byte change', async () => {
  const dir = join(out, 'pack');
  const r = await cli(['incident', 'pack', revokeIncident, '--out', dir, '--json']);
  assert.equal(r.code, 0, r.err + r.out);
  const pack = JSON.parse(r.out) as { manifestPath: string; files: number };
  assert.deepEqual(readdirSync(dir).sort(), ['activity.json', 'audit-extract.jsonl', 'audit-extract.jsonl.manifest.json', 'chain-status.json', 'incident-manifest.json', 'incident.json', 'timeline.csv']);
  const sentence = (JSON.parse(r.out) as { sentence: string }).sentence;
  assert.match(sentence, /^The evidence pack holds 7 files \(6 listed in its manifest, and the manifest\) with \d+ audit events?; check it with grantdesk verify /, 'the count is the folder\'s');
  const incident = JSON.parse(readFileSync(join(dir, 'incident.json'), 'utf8')) as { actions: { action: string; platform: unknown }[] };
  assert.deepEqual(incident.actions.map((a) => a.action), ['identified', 'synced', 'revoked', 'pack']);
  assert.match(readFileSync(join(dir, 'timeline.csv'), 'utf8'), /^at,kind,what\r\n/);
  const ok = await cli(['verify', pack.manifestPath]);
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.doesNotMatch(ok.out, /FAIL|false/);

  const f = join(dir, 'timeline.csv');
  const bytes = readFileSync(f);
  bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x01;
  writeFileSync(f, bytes);
  const bad = await cli(['verify', pack.manifestPath]);
  assert.equal(bad.code, 1, 'the CLI exits non-zero on a failed verification');
  assert.match(bad.err, /Verification FAILED/);
  assert.match(bad.err, /files: timeline\.csv: SHA-256 differs/);
});

test('canary: no leaked secret in CLI output, argv, the data dir, the keychain or the pack', async () => {
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  const files = [...walk(home), ...walk(out)];
  assert.ok(files.some((f) => f.endsWith('cache.db')));
  // a replacement is printed once by design (and stored nowhere); a leaked one never
  for (const s of shownOnce) {
    assert.equal(outputs.join('\n').split(s).length - 1, 1, 'the replacement was printed more than once');
    for (const f of files) assert.ok(!readFileSync(f).toString('latin1').includes(s), `${f} holds the replacement secret`);
  }
  assert.equal(leaked.length, 5);
  for (const s of leaked) {
    for (const o of outputs) assert.ok(!o.includes(s), 'a CLI output or argv carried a leaked secret');
    for (const f of files) assert.ok(!readFileSync(f).toString('latin1').includes(s), `${f} holds a leaked secret`);
    for (const acct of await secretStore.list()) assert.ok(!(await secretStore.get(acct))!.includes(s), 'the keychain holds a leaked secret');
  }
});
