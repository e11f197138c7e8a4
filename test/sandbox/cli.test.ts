/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// The CLI prints the issuer as the first stdout line, then one "ws_… TAB name" line per workspace, and stops on SIGTERM.
// Also covers the interactive (non --auto-consent) login + consent page with its workspace picker.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as oauth from 'oauth4webapi';
import { boot, Browser, DESKTOP, hidden, insecure, MGMT_SCOPES, api } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('cli', () => {
  test('prints issuer first, then workspaces; exits on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', '--workspaces', '3', '--events', '100', '--seed', '9', '--auto-consent'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const lines: string[] = [];
    const rl = createInterface({ input: child.stdout });
    for await (const line of rl) { lines.push(line); if (lines.length === 4) break; }
    try {
      assert.match(lines[0]!, /^http:\/\/127\.0\.0\.1:\d+$/);
      for (const l of lines.slice(1)) assert.match(l, /^ws_[a-z0-9]+\t.+$/);
      const meta = await (await fetch(`${lines[0]!}/.well-known/oauth-authorization-server`)).json() as any;
      assert.equal(meta.issuer, lines[0]!);
      assert.match(stderr, /AUTO-CONSENT/);
    } finally {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    }
  });
});

describe('interactive login and consent (no --auto-consent)', () => {
  test('login page, workspace picker pre-selected by the workspace parameter, code with iss', async () => {
    const { sb, as } = await boot({ autoConsent: false });
    try {
      const client: oauth.Client = { client_id: DESKTOP };
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const u = new URL(as.authorization_endpoint!);
      const redirectUri = 'http://127.0.0.1:53123/callback';
      u.search = new URLSearchParams({ client_id: DESKTOP, response_type: 'code', redirect_uri: redirectUri, scope: MGMT_SCOPES, state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', workspace: sb.workspaces[1]!.id }).toString();
      const b = new Browser();
      const loginPage = await b.request(u.href);
      assert.equal(loginPage.status, 200);
      assert.match(loginPage.body, /Sign in/);
      const action = /action="([^"]+\/login)"/.exec(loginPage.body)![1]!;
      const wrong = await b.request(new URL(action, sb.issuer).href, { method: 'POST', form: { login: 'admin@sandbox.test', password: 'nope' } });
      assert.equal(wrong.status, 401);
      const consentPage = await b.request(new URL(action, sb.issuer).href, { method: 'POST', form: { login: 'admin@sandbox.test', password: 'sandbox' } });
      assert.equal(consentPage.status, 200);
      assert.match(consentPage.body, new RegExp(`<option value="${sb.workspaces[1]!.id}" selected>`));
      for (const w of sb.workspaces) assert.ok(consentPage.body.includes(w.id));
      const confirm = /action="([^"]+\/confirm)"/.exec(consentPage.body)![1]!;
      const done = await b.request(new URL(confirm, sb.issuer).href, { method: 'POST', form: { workspace: sb.workspaces[1]!.id } });
      assert.ok(done.location?.startsWith(redirectUri));
      const params = oauth.validateAuthResponse(as, client, new URL(done.location!), state);
      const t = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, insecure));
      assert.equal((await api(sb, t.access_token, 'GET', '/v1/workspace')).body.id, sb.workspaces[1]!.id);
      void hidden;
    } finally { await sb.close(); }
  });
});
