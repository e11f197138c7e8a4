// Test-only: a real access token for one sandbox workspace via the auto-consent PKCE flow (oauth4webapi), and a minimal
// WorkspaceApi that calls the sandbox with that bearer. The app's real WorkspaceApi lives in the connections domain.
import * as oauth from 'oauth4webapi';
import type { WorkspaceApi } from '../../src-main/ports/platform.ts';
import { createFetchWorkspaceApi } from './fetch-workspace-api.ts';

export const CLIENT_ID = 'grantdesk-desktop';

export async function sandboxToken(issuerUrl: string, workspaceId: string, scope = 'offline_access audit:read credentials:read'): Promise<{ accessToken: string; refreshToken?: string }> {
  const issuer = new URL(issuerUrl);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
  const client: oauth.Client = { client_id: CLIENT_ID };
  const redirectUri = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/callback`;
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authUrl = new URL(as.authorization_endpoint!);
  authUrl.search = new URLSearchParams({ client_id: CLIENT_ID, response_type: 'code', redirect_uri: redirectUri, scope, state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', workspace: workspaceId }).toString();
  // Follow redirects by hand (cookies kept) until the 302 to the loopback redirect carrying code + iss.
  const jar = new Map<string, string>();
  let url = authUrl.href;
  for (let i = 0; i < 10 && !url.startsWith(redirectUri); i++) {
    const r = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of r.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const j = kv!.indexOf('=');
      jar.set(kv!.slice(0, j), kv!.slice(j + 1));
    }
    const loc = r.headers.get('location');
    if (!loc) throw new Error(`authorization flow stopped at ${r.status} ${url.replace(issuerUrl, '')}`);
    url = new URL(loc, url).href;
  }
  if (!url.startsWith(redirectUri)) throw new Error('authorization flow never reached the loopback redirect');
  const params = oauth.validateAuthResponse(as, client, new URL(url), state);
  const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, { [oauth.allowInsecureRequests]: true });
  const tok = await oauth.processAuthorizationCodeResponse(as, client, res);
  return { accessToken: tok.access_token, refreshToken: tok.refresh_token };
}

/** A WorkspaceApi over the sandbox for the given workspaces (tokens obtained once, up front). */
export async function sandboxWorkspaceApi(issuerUrl: string, workspaceIds: readonly string[]): Promise<WorkspaceApi> {
  const tokens = new Map<string, string>();
  for (const ws of workspaceIds) tokens.set(ws, (await sandboxToken(issuerUrl, ws)).accessToken);
  return createFetchWorkspaceApi({
    baseUrl: () => issuerUrl.endsWith('/') ? issuerUrl : `${issuerUrl}/`,
    token: (ws) => {
      const t = tokens.get(ws);
      if (!t) throw new Error(`no sandbox token for ${ws}`);
      return t;
    },
  });
}
