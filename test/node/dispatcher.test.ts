import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contract, COMMAND_NAMES, ERROR_CODES, ERROR_REMEDIES, LOCAL_ONLY_COMMANDS, MUTATING_COMMANDS, REVIEW_BLOCKED_COMMANDS } from '../../src-common/contract/index.ts';
import { createDispatcher } from '../../src-main/rpc/dispatcher.ts';
import { AppError } from '../../src-main/rpc/app-error.ts';
import type { Handlers } from '../../src-main/rpc/handlers.ts';
import { createTempRuntime } from '../support/temp-runtime.ts';
import { CLI_CONTEXT, IPC_CONTEXT, SERVE_CONTEXT } from '../../src-main/rpc/handlers.ts';

const silent = { info() {}, warn() {}, error() {} };

test('every error code has a one-line remedy', () => {
  for (const code of ERROR_CODES) {
    const remedy = ERROR_REMEDIES[code];
    assert.ok(remedy.length > 10 && !remedy.includes('\n'), code);
  }
});

test('every command declares input, output and mutates; names are domain.verb', () => {
  assert.ok(COMMAND_NAMES.length >= 3);
  for (const name of COMMAND_NAMES) {
    assert.match(name, /^[a-z][a-zA-Z]*(\.[a-zA-Z]+)+$/);
    assert.equal(typeof contract[name].mutates, 'boolean');
    assert.ok(contract[name].input.safeParse, name);
  }
  assert.ok(MUTATING_COMMANDS.includes('settings.set'));
  assert.ok(!MUTATING_COMMANDS.includes('app.health'));
});

test('unknown command and invalid payload become typed errors', async () => {
  const t = createTempRuntime();
  try {
    const d = t.runtime.dispatcher;
    const unknown = await d.call('app.shutdown', {}, CLI_CONTEXT);
    assert.deepEqual(unknown.ok ? null : unknown.error.code, 'unknown_command');
    const proto = await d.call('__proto__', {}, CLI_CONTEXT);
    assert.equal(proto.ok ? null : proto.error.code, 'unknown_command');
    const bad = await d.call('settings.set', { theme: 'purple' }, CLI_CONTEXT);
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.equal(bad.error.code, 'invalid_input');
      assert.match(bad.error.message, /^Theme: must be one of: /);
      assert.equal(bad.error.remedy, ERROR_REMEDIES.invalid_input);
    }
    const extra = await d.call('app.health', { admin: true }, CLI_CONTEXT);
    assert.equal(extra.ok ? null : extra.error.code, 'invalid_input');
    const ok = await d.call('settings.set', { theme: 'dark' }, CLI_CONTEXT);
    assert.ok(ok.ok && (ok.value as { theme: string }).theme === 'dark');
  } finally {
    await t.close();
  }
});

function stubHandlers(impl: (name: string) => unknown): Handlers {
  return Object.fromEntries(COMMAND_NAMES.map((n) => [n, async () => impl(n)])) as unknown as Handlers;
}

test('handler failures cross as data without stacks; AppError keeps its code', async () => {
  const secret = 'sk_live_CANARY_should_never_cross';
  const d = createDispatcher(
    stubHandlers((n) => {
      if (n === 'app.health') throw new Error(`boom with ${secret}`);
      throw new AppError('not_found', 'gone');
    }),
    { isReadOnly: () => false, logger: silent },
  );
  const r1 = await d.call('app.health', {}, IPC_CONTEXT);
  assert.equal(r1.ok, false);
  assert.ok(!JSON.stringify(r1).includes(secret));
  assert.ok(!JSON.stringify(r1).includes('at '), 'no stack frames');
  if (!r1.ok) assert.equal(r1.error.code, 'internal');
  const r2 = await d.call('settings.get', {}, IPC_CONTEXT);
  assert.equal(r2.ok ? null : r2.error.code, 'not_found');
});

test('a handler returning data outside its output schema is refused', async () => {
  const d = createDispatcher(stubHandlers(() => ({ surprise: true })), { isReadOnly: () => false, logger: silent });
  const r = await d.call('settings.get', {}, SERVE_CONTEXT);
  assert.equal(r.ok ? null : r.error.code, 'invalid_output');
});

test('read-only mode refuses every mutating command before its handler runs, except the localOnly ones (same rule in app and tests)', async () => {
  let ran = 0;
  const d = createDispatcher(stubHandlers(() => { ran++; return {}; }), { isReadOnly: () => true, logger: silent });
  for (const name of LOCAL_ONLY_COMMANDS) {
    const r = await d.call(name, {}, CLI_CONTEXT);
    assert.notEqual(r.ok ? null : r.error.code, 'review_mode_read_only', `${name} is localOnly and passes the review guard`);
  }
  ran = 0;
  for (const name of REVIEW_BLOCKED_COMMANDS) {
    // the guard sits after validation, so send the smallest valid input we can find: try {} first
    const r = await d.call(name, {}, CLI_CONTEXT);
    assert.equal(r.ok, false, name);
    if (!r.ok) assert.ok(['review_mode_read_only', 'invalid_input'].includes(r.error.code), `${name}: ${r.error.code}`);
  }
  assert.equal(ran, 0);
});

test('invalid_input is words: each rejected field by its label with a plain sentence, in a structured fields list', async () => {
  const t = createTempRuntime();
  try {
    const d = t.runtime.dispatcher;
    const small = await d.call('settings.set', { refreshLeadSeconds: 5 }, CLI_CONTEXT);
    assert.equal(small.ok, false);
    if (small.ok) return;
    assert.equal(small.error.code, 'invalid_input');
    assert.equal(small.error.message, 'Refresh lead: must be at least 30 seconds.');
    assert.deepEqual(small.error.fields, [{ field: 'refreshLeadSeconds', label: 'Refresh lead', message: 'Must be at least 30 seconds.' }]);

    const many = await d.call('settings.set', { theme: 'purple', syncConcurrency: 10_000, insightsWindowDays: null, admin: true }, CLI_CONTEXT);
    assert.equal(many.ok, false);
    if (many.ok) return;
    const byField = Object.fromEntries((many.error.fields ?? []).map((f) => [f.field, f]));
    assert.match(byField.theme!.message, /^Must be one of: system, light, dark\.$/);
    assert.match(byField.syncConcurrency!.message, /^Must be at most \d+\.$/);
    assert.equal(byField.syncConcurrency!.label, 'Workspaces synced at once');
    assert.equal(byField.insightsWindowDays!.message, 'Must be a number.');
    assert.equal(byField.admin!.message, 'Is not an option here.');
    // no validator jargon, no raw keys, no codes in the sentence a person reads
    for (const text of [many.error.message, ...(many.error.fields ?? []).map((f) => f.message)]) {
      assert.doesNotMatch(text, /Too small|Too big|expected|Invalid option|Unrecognized|received|>=|<=|invalid_input|syncConcurrency|insightsWindowDays/, text);
    }
    assert.match(many.error.message, /^(?:[A-Z][^:]*: [^.]+\.\s?)+$/, many.error.message);

    // a required field that is missing says so (audit.event needs a workspace and a sequence number)
    const missing = await d.call('audit.event', {}, CLI_CONTEXT);
    assert.equal(missing.ok ? null : missing.error.code, 'invalid_input');
    if (!missing.ok) assert.ok(missing.error.fields!.every((f) => f.message === 'Is required.'), JSON.stringify(missing.error.fields));
  } finally {
    await t.close();
  }
});

test('field labels come from the input key: camelCase to words, units split off, overrides win', async () => {
  const { fieldLabel } = await import('../../src-common/contract/errors.ts');
  assert.deepEqual(fieldLabel('refreshLeadSeconds'), { label: 'Refresh lead', unit: 'seconds' });
  assert.deepEqual(fieldLabel('expiringWithinDays'), { label: 'Expiring within', unit: 'days' });
  assert.deepEqual(fieldLabel('workspaceIds'), { label: 'Workspace IDs', unit: null });
  assert.deepEqual(fieldLabel('apiBase'), { label: 'API base URL', unit: null });
  assert.deepEqual(fieldLabel('includeRevoked'), { label: 'Include revoked', unit: null });
});

test('review-mode and invalid-output messages name no command id', async () => {
  const d = createDispatcher(stubHandlers(() => ({ surprise: true })), { isReadOnly: () => true, logger: silent });
  const ro = await d.call('settings.set', { theme: 'dark' }, CLI_CONTEXT);
  assert.equal(ro.ok ? null : ro.error.code, 'review_mode_read_only');
  if (!ro.ok) for (const n of COMMAND_NAMES) assert.ok(!ro.error.message.includes(n), `${ro.error.message} names ${n}`);
  const out = await d.call('settings.get', {}, CLI_CONTEXT);
  assert.equal(out.ok ? null : out.error.code, 'invalid_output');
  if (!out.ok) for (const n of COMMAND_NAMES) assert.ok(!out.error.message.includes(n), `${out.error.message} names ${n}`);
});
