// A stock node-oidc-provider configured in the test: standards only (discovery, PKCE S256, refresh rotation, RFC 7009,
// RFC 9207 iss), none of the sandbox's extensions (no management API, no workspace picker, no reuse leeway).
// Interactions auto-approve so a scripted browser can finish the flow. Counts token-endpoint requests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface StockProvider {
  issuer: string;
  tokenRequests: () => number;
  close(): Promise<void>;
}

export async function startStockProvider(): Promise<StockProvider> {
  let tokenRequests = 0;
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scopes = ['openid', 'offline_access', 'audit:read', 'credentials:read', 'credentials:write', 'credentials:delete', 'users:read'];
  const provider = new Provider(issuer, {
    // typed loosely on purpose: a stock configuration, read by oidc-provider at runtime
    clients: [
      {
        client_id: 'grantdesk-desktop',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: scopes.join(' '),
      },
    ],
    scopes,
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }, code: { scopes: Set<string> }) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  });
  provider.on('grant.success', () => undefined);
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    if (req.url?.startsWith('/token')) tokenRequests++;
    const m = /^\/interaction\/([^/?]+)/.exec(req.url ?? '');
    if (m) {
      // auto-approve: log in a fixed account and grant what was asked
      const details = await provider.interactionDetails(req, res);
      const grant = new provider.Grant({ accountId: 'stock-user', clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope ?? ''));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: 'stock-user' }, consent: { grantId } }, { mergeWithLastSubmission: false });
      return;
    }
    callback(req, res);
  });
  return {
    issuer,
    tokenRequests: () => tokenRequests,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
