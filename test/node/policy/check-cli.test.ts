// `grantdesk check --policy FILE` over a real sandbox: a policy with two groups yields exactly the violations the
// platform's true state implies (computed here from GET /__admin/state, not from Grantdesk's cache), the exit codes are
// the documented ones (0 clean, 1 violations, 2 usage or stale cache), a JUnit report parses with xmllint and validates against the JUnit XSD (test/support/schemas/junit.xsd), fixing one
// violation through its own fix command removes it on the next check, and a hostile caller cannot make main read a path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../sandbox/server.ts';
import { runCli } from '../../../src-main/cli/main.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { ROOT } from '../connections/harness.ts';

interface TrueCred { id: string; type: string; name: string; scopes: string[]; ip_allowlist: string[]; effective_status: string; expires_at: string | null }
interface TrueWs { id: string; name: string; plan: string; credentials: TrueCred[] }

const LIVE = new Set(['active', 'rotating']);
const PLANS = ['free', 'starter', 'pro', 'enterprise'];

test('grantdesk check: two groups, exactly the true state\'s violations, exit codes, JUnit, fix-and-recheck', { timeout: 240_000 }, async () => {
  const sb = await startSandbox({ workspaces: 5, events: 40, seed: 23, autoConsent: true, admin: true, log: () => undefined });
  const root = mkdtempSync(join(tmpdir(), 'gd-policy-'));
  const browser = join(root, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'test', 'support', 'fake-browser.mjs')}" "$1"\n`);
  chmodSync(browser, 0o755);
  const secretStore = createMemorySecretStore();
  const env = { GRANTDESK_HOME: join(root, 'home'), GRANTDESK_BROWSER: browser };
  const cli = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), env, secretStore });
    return { code, out, err };
  };
  const truth = async (): Promise<TrueWs[]> => {
    const r = await fetch(`${sb.issuer}/__admin/state`, { headers: { authorization: `Bearer ${sb.adminToken}` } });
    return ((await r.json()) as { workspaces: TrueWs[] }).workspaces;
  };
  try {
    const [w0, w1, w2, w3, w4] = sb.workspaces as [{ id: string; name: string }, { id: string; name: string }, { id: string; name: string }, { id: string; name: string }, { id: string; name: string }];
    for (const args of [['platform', 'add', sb.issuer, '--name', 'Sandbox'], ...[w0, w1, w2, w3].map((w) => ['connect', w.id])]) {
      const r = await cli(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    }
    assert.equal((await cli(['sync'])).code, 0);
    // a tag on this machine puts w3 in a group; w2 joins by a name glob
    assert.equal((await cli(['tags', 'set', w3.id, 'retail'])).code, 0);
    const policy = join(root, 'grantdesk.policy.yaml');
    writeFileSync(
      policy,
      `version: 1
groups:
  Core clients:
    match:
      ids: [${w0.id}, ${w1.id}]
    rules:
      forbidden_scopes: [contacts:delete, users:delete]
      ip_allowlist_required_for: [delete]
  Retail:
    match:
      names: ["${w2.name.slice(0, 3)}*"]
      tags: [retail]
    rules:
      require_expiry: true
      required_plan: enterprise
`,
    );

    // the oracle: what the platform itself holds, read from its true state
    const expected = (ws: TrueWs[], plansKnown: boolean) => {
      const out: string[] = [];
      const retail = ws.filter((w) => w.id === w3.id || w.name.toLowerCase().startsWith(w2.name.slice(0, 3).toLowerCase()));
      for (const w of ws.filter((x) => x.id === w0.id || x.id === w1.id)) {
        for (const c of w.credentials.filter((x) => LIVE.has(x.effective_status))) {
          if (c.scopes.some((s) => s === 'contacts:delete' || s === 'users:delete')) out.push(`forbidden_scopes ${w.id} ${c.id}`);
          if ((c.type === 'api_key' || c.type === 'machine_client') && c.ip_allowlist.length === 0 && c.scopes.some((s) => s.endsWith(':delete'))) out.push(`ip_allowlist_required_for ${w.id} ${c.id}`);
        }
      }
      for (const w of retail.filter((x) => x.id !== w4.id)) {
        for (const c of w.credentials.filter((x) => LIVE.has(x.effective_status) && x.type === 'api_key' && !x.expires_at)) out.push(`require_expiry ${w.id} ${c.id}`);
        if (plansKnown && PLANS.indexOf(w.plan) < PLANS.indexOf('enterprise')) out.push(`required_plan ${w.id} -`);
      }
      return out.sort();
    };
    const got = (r: { violations: Array<{ rule: string; workspaceId: string; credentialId: string | null }> }) => r.violations.map((v) => `${v.rule} ${v.workspaceId} ${v.credentialId ?? '-'}`).sort();

    const first = await cli(['check', '--policy', policy, '--format', 'json']);
    assert.equal(first.code, 1, first.err);
    const r1 = JSON.parse(first.out);
    const want1 = expected(await truth(), false);
    assert.ok(want1.length >= 3, `the seed gives violations to find (${want1.length})`);
    assert.deepEqual(got(r1), want1, 'exactly the violations the true state implies');
    assert.deepEqual(r1.groups.map((g: { name: string; workspaces: number }) => [g.name, g.workspaces]), [['Core clients', 2], ['Retail', r1.groups[1].members.length]]);
    assert.ok(r1.groups[1].members.some((m: { id: string }) => m.id === w3.id), 'the tagged workspace is in Retail');
    // the plan is not known until the platform is asked: said, not skipped
    assert.ok(r1.unchecked.length >= 1 && r1.unchecked.every((u: { rule: string; reason: string }) => u.rule === 'required_plan' && /--sync/.test(u.reason)));
    assert.ok(r1.violations.every((v: { line: number | null; message: string; fix: { cli: string } }) => v.line !== null && v.line > 0 && v.message.length > 20 && v.fix.cli.startsWith('grantdesk') || v.fix.cli.startsWith('(')));

    // --sync reads each workspace's plan: the required-plan rule is now evaluated
    const synced = JSON.parse((await cli(['check', '--policy', policy, '--format', 'json', '--sync'])).out);
    assert.deepEqual(got(synced), expected(await truth(), true));
    assert.equal(synced.unchecked.length, 0);

    // JUnit that a CI system parses: one failure per violation
    const junit = await cli(['check', '--policy', policy, '--format', 'junit']);
    assert.equal(junit.code, 1);
    const junitFile = join(root, 'policy.xml');
    writeFileSync(junitFile, junit.out);
    execFileSync('xmllint', ['--noout', junitFile]);
    // and valid against the JUnit schema CI report parsers follow (testsuites > testsuite > testcase > failure)
    execFileSync('xmllint', ['--noout', '--schema', join(ROOT, 'test', 'support', 'schemas', 'junit.xsd'), junitFile], { stdio: 'pipe' });
    assert.equal(Number(execFileSync('xmllint', ['--xpath', 'count(/testsuites/testsuite)', junitFile]).toString()), 2, 'one testsuite per group');
    assert.equal(Number(execFileSync('xmllint', ['--xpath', 'count(//testcase/failure)', junitFile]).toString()), synced.violations.length);
    // SARIF points at the rule's line in the policy file
    const sarif = JSON.parse((await cli(['check', '--policy', policy, '--format', 'sarif'])).out);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].results.length, synced.violations.length);
    assert.ok(sarif.runs[0].results.every((x: { locations: Array<{ physicalLocation: { region: { startLine: number } } }> }) => x.locations[0]!.physicalLocation.region.startLine >= 7));

    // fix one violation through its own fix command; the next check no longer has it (and keeps the rest)
    const revocable = synced.violations.find((v: { fix: { kind: string }; credentialType: string }) => v.fix.kind === 'revoke' && v.credentialType === 'machine_client')
      ?? synced.violations.find((v: { fix: { kind: string } }) => v.fix.kind === 'revoke');
    if (revocable) {
      const words = (revocable.fix.cli as string).split(' ').slice(1);
      const fixed = await cli(words);
      assert.equal(fixed.code, 0, `${revocable.fix.cli}: ${fixed.err}`);
      assert.equal((await cli(['sync'])).code, 0);
      const after = JSON.parse((await cli(['check', '--policy', policy, '--format', 'json', '--sync'])).out);
      assert.ok(!after.violations.some((v: { id: string }) => v.id === revocable.id), 'the fixed violation is gone');
      assert.deepEqual(got(after), expected(await truth(), true), 'and the rest still match the true state');
    } else assert.fail('the seed offers no revocable violation to fix');

    // clean policy → 0; a workspace connected but never synced → 2 with --max-age
    const clean = join(root, 'clean.yaml');
    writeFileSync(clean, `version: 1\nrules:\n  max_review_days: 30\n`);
    assert.equal((await cli(['check', '--policy', clean])).code, 0);
    assert.equal((await cli(['connect', w4.id])).code, 0);
    const stale = await cli(['check', '--policy', clean, '--max-age', '24h']);
    assert.equal(stale.code, 2, stale.out);
    assert.match(stale.out, new RegExp(`${w4.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${w4.id}\\): never synced`));

    // a broken policy is a usage error (2) naming the line
    const broken = join(root, 'broken.yaml');
    writeFileSync(broken, 'version: 1\nrules:\n  max_secret_age_days: -3\n');
    const b = await cli(['check', '--policy', broken]);
    assert.equal(b.code, 2);
    assert.match(b.err, /broken\.yaml line 3, column 24: rules\.max_secret_age_days/);
    const missing = await cli(['check']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /No policy file: pass --policy <file>, or set one with `grantdesk policy use <file>`/);

    // policy use: this machine follows the file; `policy violations` reads it
    assert.equal((await cli(['policy', 'use', policy])).code, 0);
    const v = JSON.parse((await cli(['policy', 'violations', '--json'])).out);
    assert.equal(v.file, policy);
    assert.equal(v.result.violations.length, JSON.parse((await cli(['check', '--format', 'json'])).out).violations.length);
  } finally {
    await sb.close();
    rmSync(root, { recursive: true, force: true });
  }
});
