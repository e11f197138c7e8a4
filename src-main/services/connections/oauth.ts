// oauth4webapi plumbing: the platform's metadata as an AuthorizationServer, the public client, and request options that
// route every exchange through the limited fetch (undici, total deadline, decoded-byte cap, no retries).
import * as o from 'oauth4webapi';
import type { LimitedFetch } from '../../ports/http.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { PlatformRow } from './repo.ts';

export const TOKEN_LIMITS = { deadlineMs: 15_000, maxBytes: 64 * 1024 };
export const DISCOVERY_LIMITS = { deadlineMs: 10_000, maxBytes: 256 * 1024 };

/** Plain http is allowed only for loopback issuers (the sandbox, tests); everything else must be https. */
export function isLoopbackHttp(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]');
}

type AnyRequestOptions = o.TokenEndpointRequestOptions & o.DeviceAuthorizationRequestOptions & o.RevocationRequestOptions & o.DiscoveryRequestOptions;

export function requestOptions(fetch: LimitedFetch, issuer: string, limits = TOKEN_LIMITS, signal?: AbortSignal): AnyRequestOptions {
  const customFetch = (url: string, init: o.CustomFetchOptions<string, unknown>) =>
    fetch(url, { method: init.method, headers: init.headers as unknown as Record<string, string>, body: init.body as string | URLSearchParams | null, signal: init.signal, redirect: 'manual' }, limits);
  const opts = { [o.customFetch]: customFetch, signal } as AnyRequestOptions;
  if (isLoopbackHttp(issuer)) opts[o.allowInsecureRequests] = true;
  return opts;
}

export function authServer(p: PlatformRow): o.AuthorizationServer {
  return JSON.parse(p.metadata) as o.AuthorizationServer;
}
export function publicClient(p: PlatformRow): o.Client {
  return { client_id: p.client_id, token_endpoint_auth_method: 'none' };
}

/** RFC 8414 discovery, falling back to OpenID discovery; the issuer in the document must match exactly. */
export async function discover(issuerUrl: string, fetch: LimitedFetch): Promise<o.AuthorizationServer> {
  const issuer = new URL(issuerUrl);
  let lastErr: unknown;
  for (const algorithm of ['oauth2', 'oidc'] as const) {
    try {
      const res = await o.discoveryRequest(issuer, { ...requestOptions(fetch, issuerUrl, DISCOVERY_LIMITS), algorithm });
      const as = await o.processDiscoveryResponse(issuer, res);
      if (!as.authorization_endpoint || !as.token_endpoint) throw new AppError('invalid_response', 'The platform metadata lacks an authorization or token endpoint');
      if (as.code_challenge_methods_supported && !as.code_challenge_methods_supported.includes('S256')) {
        throw new AppError('invalid_response', 'The platform does not support PKCE S256');
      }
      return as;
    } catch (err) {
      if (err instanceof AppError && err.code !== 'invalid_response') throw err;
      lastErr = err;
    }
  }
  if (lastErr instanceof AppError) throw lastErr;
  throw new AppError('invalid_response', `Discovery at ${issuer.origin} failed: ${describeOAuthError(lastErr)}`);
}

export function describeOAuthError(err: unknown): string {
  if (err instanceof o.ResponseBodyError) return `${err.error}${err.error_description ? `: ${err.error_description.slice(0, 200)}` : ''}`;
  if (err instanceof o.AuthorizationResponseError) return `${err.error}${err.error_description ? `: ${err.error_description.slice(0, 200)}` : ''}`;
  if (err instanceof o.OperationProcessingError) return `${err.code ?? 'processing_error'}: ${err.message.slice(0, 200)}`;
  if (err instanceof AppError) return err.message;
  return 'unexpected response';
}
