// A hostile tab (the renderer, a serve-mode page) cannot make main read a path it chose through the policy commands:
// `policy.check` with a path and `policy.use` are refused before the filesystem is touched, with one answer whether or
// not the file exists; the user's own shell (CLI capabilities) may do both. Review mode refuses the mutating ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { CLI_CONTEXT, SERVE_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { REVIEW_BLOCKED_COMMANDS } from '../../../src-common/contract/index.ts';
import { testClient } from '../../support/test-client.ts';

test('policy commands: a window never names a path main reads; the shell may', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-policy-hostile-'));
  const app = createApp({ dataDir: dir, db: openCache(dir), secretStore: createMemorySecretStore(), clock: { now: () => Date.now() }, opener: async () => undefined, logger: createFileLogger(dir) });
  try {
    const real = join(dir, 'real.yaml');
    writeFileSync(real, 'version: 1\nrules:\n  require_expiry: true\n');
    for (const c of [testClient(app), testClient(app, SERVE_CONTEXT)]) {
      const answers = new Set<string>();
      for (const path of [real, '/etc/shadow', '/nonexistent/x.yaml', join(dir, 'cache.db')]) {
        const r = await c.callResult('policy.check', { policy: path });
        assert.equal(r.ok, false);
        assert.equal(r.error?.code, 'invalid_input');
        answers.add(r.error!.message);
        const u = await c.callResult('policy.use', { file: path });
        assert.equal(u.error?.code, 'invalid_input');
        answers.add(`use:${u.error!.message}`);
      }
      assert.equal(answers.size, 2, `one answer per command whatever the path: ${[...answers].join(' | ')}`);
      // with nothing set, the window's check says how to set one
      assert.match((await c.callResult('policy.check', {})).error!.message, /grantdesk policy use <file>/);
      assert.deepEqual(await c.call('policy.violations', {}), { result: null, file: null, problem: null });
    }
    // the user's shell sets the file; then every window reads the violations of that file
    const cli = testClient(app, CLI_CONTEXT);
    assert.equal((await cli.call('policy.use', { file: real })).file, real);
    const v = await testClient(app).call('policy.violations', {});
    assert.equal(v.file, real);
    assert.deepEqual(v.result?.violations, [], 'no workspaces connected: nothing violates');
    // a file that turns bad is reported as a problem with its line, not a crash
    writeFileSync(real, 'version: 1\nrules:\n  require_expiry: maybe\n');
    const bad = await testClient(app).call('policy.violations', {});
    assert.equal(bad.result, null);
    assert.match(bad.problem ?? '', /line 3, column 19: rules\.require_expiry/);
    // the mutating policy commands are blocked in review mode by the contract's flags
    assert.ok(REVIEW_BLOCKED_COMMANDS.includes('policy.use') && REVIEW_BLOCKED_COMMANDS.includes('policy.tag'));
    assert.ok(!REVIEW_BLOCKED_COMMANDS.includes('policy.check'), 'an auditor may check a policy');
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
