// The policy file is input from a pull request: every problem names its line and column, nothing in it is evaluated, and
// hostile YAML (alias bombs, huge files, custom tags, duplicate keys) is refused with a sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../../src-main/services/policy/index.ts';
import { AppError } from '../../../src-main/rpc/app-error.ts';

const parse = (text: string) => parsePolicy(Buffer.from(text), 'grantdesk.policy.yaml');
function refused(text: string): string {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, 'invalid_input');
    return e.message;
  }
  assert.fail('the policy was accepted');
}

test('a valid YAML policy parses, and each rule knows its line in the file', () => {
  const p = parse(`version: 1
rules:
  forbidden_scopes: [contacts:delete]
groups:
  Retail:
    match:
      names: ["Acme *"]
    rules:
      require_expiry: true
      max_key_lifetime_days: 90
`);
  assert.deepEqual(p.policy.rules, { forbidden_scopes: ['contacts:delete'] });
  assert.equal(p.ruleLines.get('All workspaces\u0000forbidden_scopes'), 3);
  assert.equal(p.ruleLines.get('Retail\u0000require_expiry'), 9);
  assert.equal(p.ruleLines.get('Retail\u0000max_key_lifetime_days'), 10);
  assert.match(p.sha256, /^[0-9a-f]{64}$/);
});

test('JSON is a policy file too', () => {
  const p = parse('{"version":1,"groups":{"All EU":{"match":{"tags":["eu"]},"rules":{"required_plan":"pro"}}}}');
  assert.equal(p.policy.groups?.['All EU']?.rules.required_plan, 'pro');
});

test('a wrong value names the file, line, column and the setting', () => {
  const msg = refused(`version: 1
groups:
  Retail:
    match: { ids: [ws_a] }
    rules:
      max_key_lifetime_days: 99999
`);
  assert.match(msg, /^grantdesk\.policy\.yaml line 6, column 30: groups\.Retail\.rules\.max_key_lifetime_days: /m);
});

test('an unknown setting (a typo) is pointed at, not ignored', () => {
  const msg = refused(`version: 1
rules:
  forbiden_scopes: [contacts:delete]
`);
  assert.match(msg, /line 3, column 3: rules\.forbiden_scopes: not a setting this policy version knows/);
});

test('a wildcard or unknown-shaped scope is refused where it is written', () => {
  const msg = refused('version: 1\nrules:\n  allowed_scopes: ["contacts:*"]\n');
  assert.match(msg, /line 3, column \d+: rules\.allowed_scopes\.0: /);
});

test('a group must match something; an unsupported version says which it reads', () => {
  assert.match(refused('version: 1\ngroups:\n  Empty:\n    match: {}\n    rules: { require_expiry: true }\n'), /give at least one/);
  assert.match(refused('version: 2\n'), /line 1, column 10: version: this Grantdesk reads policy version 1/);
});

test('hostile YAML: alias bomb, custom tags, duplicate keys, syntax errors and size are refused with a sentence', () => {
  const bomb = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
  assert.match(refused(bomb.join('\n') + '\n'), /aliases|not a setting/);
  assert.match(refused('version: 1\nrules: !!js/function "function(){}"\n'), /line 2/);
  assert.match(refused('version: 1\nversion: 1\n'), /line 2, column 1: a key appears twice/);
  assert.match(refused('version: 1\nrules: [unclosed\n'), /not valid YAML or JSON/);
  assert.match(refused('version: 1\n' + '#'.repeat(1024 * 1024 + 1)), /at most 1 MiB/);
});

test("a parse error never quotes the file's contents back (the message is safe to show anywhere)", () => {
  const secretish = 'sk_live_DO_NOT_ECHO_ME_0123456789';
  const msg = refused(`version: 1\nrules: { forbidden_scopes: [${secretish}\n`);
  assert.ok(!msg.includes(secretish), msg);
});

test('docs/policy.example.yaml parses and uses every rule of policy version 1', async () => {
  const { readFileSync } = await import('node:fs');
  const { POLICY_RULES } = await import('../../../src-common/contract/policy.ts');
  const p = parsePolicy(readFileSync(new URL('../../../docs/policy.example.yaml', import.meta.url)), 'docs/policy.example.yaml');
  const used = new Set([...p.ruleLines.keys()].map((k) => k.split('\u0000')[1]));
  assert.deepEqual([...POLICY_RULES].filter((r) => !used.has(r)), [], 'every rule appears in the example');
});
