// The one URL policy for what a platform (or a user, for apiBase) hands the connections domain. No network: pure checks,
// including the non-loopback issuer cases the loopback sandbox cannot play (issue 11 rows 2 and 6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as o from 'oauth4webapi';
import { checkApiBase, checkMetadataUrls, checkPlatformUrl } from '../../../src-main/services/connections/oauth.ts';
import { AppError } from '../../../src-main/rpc/app-error.ts';

const HTTPS_ISSUER = 'https://login.platform.example';
const LOOPBACK_ISSUER = 'http://127.0.0.1:4100';

const refused = (f: () => unknown, code: string) =>
  assert.throws(f, (e: unknown) => e instanceof AppError && e.code === code && /https/.test(e.message), 'refused with a sentence naming https');

test('platform URLs: https only; plain http only on loopback for a loopback issuer', () => {
  for (const bad of ['--renderer-cmd-prefix=x', '-x', 'javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'http://evil.example/device', 'ftp://platform.example/', '//platform.example/x', 'https://user:pw@platform.example/', 'https://platform.example/#frag', '', 'x'.repeat(3000)]) {
    refused(() => checkPlatformUrl(bad, 'verification_uri', LOOPBACK_ISSUER), 'invalid_response');
    refused(() => checkPlatformUrl(bad, 'verification_uri', HTTPS_ISSUER), 'invalid_response');
  }
  // http to loopback: only when the issuer itself is a loopback http issuer
  for (const host of ['127.0.0.1:4100', 'localhost:4100', '[::1]:4100']) {
    assert.equal(checkPlatformUrl(`http://${host}/device`, 'verification_uri', LOOPBACK_ISSUER).protocol, 'http:');
    refused(() => checkPlatformUrl(`http://${host}/device`, 'verification_uri', HTTPS_ISSUER), 'invalid_response');
  }
  assert.equal(checkPlatformUrl('https://login.platform.example/device?user_code=AB-CD', 'verification_uri', HTTPS_ISSUER).href, 'https://login.platform.example/device?user_code=AB-CD');
  refused(() => checkPlatformUrl(42, 'verification_uri', HTTPS_ISSUER), 'invalid_response');
});

test('discovery endpoints pass the same policy', () => {
  const as = { issuer: HTTPS_ISSUER, authorization_endpoint: `${HTTPS_ISSUER}/auth`, token_endpoint: `${HTTPS_ISSUER}/token` } as o.AuthorizationServer;
  checkMetadataUrls(as);
  for (const [k, v] of [['token_endpoint', 'http://login.platform.example/token'], ['revocation_endpoint', 'javascript:x'], ['introspection_endpoint', 'http://127.0.0.1/i'], ['jwks_uri', 'file:///k']] as const) {
    assert.throws(() => checkMetadataUrls({ ...as, [k]: v }), (e: unknown) => e instanceof AppError && e.code === 'invalid_response' && e.message.includes(k));
  }
});

test('apiBase: the issuer origin or one the metadata names; never cleartext or foreign', () => {
  const as = { issuer: HTTPS_ISSUER, authorization_endpoint: `${HTTPS_ISSUER}/auth`, token_endpoint: 'https://tokens.platform.example/token' } as o.AuthorizationServer;
  assert.equal(checkApiBase(`${HTTPS_ISSUER}/`, as), HTTPS_ISSUER);
  assert.equal(checkApiBase('https://tokens.platform.example/api/', as), 'https://tokens.platform.example/api');
  for (const bad of ['http://login.platform.example', 'http://203.0.113.5:8080', 'file:///etc', 'https://api.evil.example', 'http://127.0.0.1:4100', `${HTTPS_ISSUER}/?x=1`]) {
    assert.throws(() => checkApiBase(bad, as), (e: unknown) => e instanceof AppError && e.code === 'invalid_input' && /apiBase/.test(e.message), bad);
  }
  const loop = { issuer: LOOPBACK_ISSUER, authorization_endpoint: `${LOOPBACK_ISSUER}/auth`, token_endpoint: `${LOOPBACK_ISSUER}/token` } as o.AuthorizationServer;
  assert.equal(checkApiBase(LOOPBACK_ISSUER, loop), LOOPBACK_ISSUER);
  assert.throws(() => checkApiBase('http://127.0.0.1:4101', loop), (e: unknown) => e instanceof AppError && e.code === 'invalid_input' && /origin/.test(e.message));
});

test('rotation and reviews get a stored platform only through the same policy: a foreign apiBase or token endpoint in an old row is refused', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openCache } = await import('../../../src-main/adapters/sqlite.ts');
  const { createDirectoryReadModel } = await import('../../../src-main/services/connections/directory-read-model.ts');
  const db = openCache(mkdtempSync(join(tmpdir(), 'gd-urlpolicy-')));
  try {
    const meta = (token: string) => JSON.stringify({ issuer: HTTPS_ISSUER, authorization_endpoint: `${HTTPS_ISSUER}/auth`, token_endpoint: token });
    const put = (id: string, apiBase: string, token: string) => {
      db.prepare("INSERT INTO platforms (id, name, issuer, client_id, api_base, metadata, added_at) VALUES (?, ?, ?, 'grantdesk-desktop', ?, ?, 'now')").run(`p_${id}`, id, HTTPS_ISSUER, apiBase, meta(token));
      db.prepare("INSERT INTO workspaces (id, name, platform_id, status, role, scopes, updated_at) VALUES (?, ?, ?, 'connected', 'operator', '[]', 0)").run(`ws_${id}`, id, `p_${id}`);
    };
    put('good', HTTPS_ISSUER, `${HTTPS_ISSUER}/token`);
    put('foreignapi', 'https://api.evil.example', `${HTTPS_ISSUER}/token`);
    put('cleartextapi', 'http://203.0.113.5:8080', `${HTTPS_ISSUER}/token`);
    put('badtoken', HTTPS_ISSUER, 'http://tokens.evil.example/token');
    const read = createDirectoryReadModel(db);
    assert.deepEqual(await read.platformEndpoints('ws_good'), { apiBase: HTTPS_ISSUER, tokenEndpoint: `${HTTPS_ISSUER}/token` });
    for (const ws of ['ws_foreignapi', 'ws_cleartextapi', 'ws_badtoken']) {
      await assert.rejects(read.platformEndpoints(ws), (e: unknown) => e instanceof AppError && (e.code === 'invalid_input' || e.code === 'invalid_response'), ws);
    }
  } finally {
    db.close();
  }
});
