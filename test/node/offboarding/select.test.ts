// The offboarding selection's rules on their own: a name pattern is a case-insensitive glob over the whole name when it
// has * or ?, else a substring; a hostile ID token's claims (control characters, an email that is not one, oversized)
// never become "connected by"; a confirmation by flag over IPC or serve is refused before anything is read; Grantdesk's
// own OAuth client cannot be offboarded as an integration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { namePattern } from '../../../src-main/services/offboarding/index.ts';
import { staffOf } from '../../../src-main/services/connections/staff-identity.ts';
import { createApp } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { CLI_CONTEXT, SERVE_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { testClient } from '../../support/test-client.ts';

test('name patterns: glob with * and ? over the whole name, else a substring; case-insensitive', () => {
  const glob = namePattern('ci-*');
  assert.equal(glob('CI-deploy'), true);
  assert.equal(glob('old ci-deploy'), false, 'a glob covers the whole name');
  assert.equal(namePattern('deploy')('old CI-Deploy key'), true, 'no wildcard: a substring');
  assert.equal(namePattern('key-?')('key-1'), true);
  assert.equal(namePattern('key-?')('key-12'), false);
  // regex characters in a pattern are literal
  assert.equal(namePattern('a.b*')('axb'), false);
  assert.equal(namePattern('a.b*')('A.Bc'), true);
  assert.equal(namePattern('(x|y)')('(x|y) tool'), true);
  assert.equal(namePattern('(x|y)')('x tool'), false);
});

test('a hostile ID token names nobody: control characters, a non-email, oversized claims are dropped', () => {
  assert.deepEqual(staffOf({ name: 'Rita Ops', email: 'Rita.Ops@Agency.test' }, 'id_token'), { name: 'Rita Ops', email: 'rita.ops@agency.test', source: 'id_token' });
  assert.equal(staffOf({ name: 'Evil\u001b[2J', email: 'not an email' }, 'id_token'), null);
  assert.equal(staffOf({ name: 'x'.repeat(201), email: `${'a'.repeat(250)}@b.cc` }, 'id_token'), null);
  assert.equal(staffOf({ name: { toString: () => 'obj' }, email: ['a@b.cc'] }, 'id_token'), null);
  assert.deepEqual(staffOf({ name: '', email: 'sam@agency.test' }, 'settings'), { name: null, email: 'sam@agency.test', source: 'settings' });
});

test('offboard.run: --yes is refused over serve before anything is read; Grantdesk’s own client is refused', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-ofb-'));
  const rt = createApp({ dataDir, db: openCache(dataDir), secretStore: createMemorySecretStore(), clock: { now: () => Date.now() }, opener: async () => {}, logger: createFileLogger(dataDir) });
  try {
    const serve = testClient(rt, SERVE_CONTEXT);
    const r = await serve.callResult('offboard.run', { clientId: 'zapier-connector', yes: true });
    assert.equal(r.ok, false);
    assert.match(r.error!.message, /only accepted on the command line/);
    const cli = testClient(rt, CLI_CONTEXT);
    const own = await cli.callResult('offboard.preview', { clientId: 'grantdesk-desktop' });
    assert.equal(own.ok, false);
    assert.match(own.error!.message, /Grantdesk's own OAuth client/);
    const none = await cli.callResult('offboard.run', { clientId: 'zapier-connector', yes: true });
    assert.equal(none.error?.code, 'not_found', 'nothing cached: nothing is offboarded');
    const two = await cli.callResult('offboard.preview', { clientId: 'a', staff: 'b' } as never);
    assert.equal(two.error?.code, 'invalid_input');
  } finally {
    await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
