// oauth4webapi plumbing: the platform's metadata as an AuthorizationServer, the public client, and request options that
// route every exchange through the limited fetch (undici, total deadline, decoded-byte cap, no retries).
import * as o from 'oauth4webapi';
import type { LimitedFetch } from '../../ports/http.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { PlatformRow } from './repo.ts';

export const TOKEN_LIMITS = { deadlineMs: 15_000, maxBytes: 64 * 1024 };
export const DISCOVERY_LIMITS = { deadlineMs: 10_000, maxBytes: 256 * 1024 };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plain http is allowed only for loopback issuers (the sandbox, tests); everything else must be https. */
export function isLoopbackHttp(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
}

/**
 * The one URL policy for everything a platform (or a user, for apiBase) hands us: an absolute https URL without
 * credentials or fragment; plain http only when the issuer itself is a loopback http issuer AND the URL is loopback too.
 * `javascript:`, `file:`, `data:`, a bare `--flag`, cleartext to another host: all refused. Returns the parsed URL.
 */
export function checkPlatformUrl(value: unknown, what: string, issuer: string, code: 'invalid_input' | 'invalid_response' = 'invalid_response'): URL {
  const refuse = (why: string) =>
    new AppError(code, `${what} ${why}; Grantdesk only uses https URLs (plain http only on this machine for a loopback issuer). ${code === 'invalid_input' ? 'Enter an https URL on the platform\'s own origin.' : 'Nothing was opened or sent; ask the platform operator to fix its metadata.'}`);
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) throw refuse('is missing or too long');
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) throw refuse('is not an absolute URL');
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw refuse('is not a valid URL');
  }
  if (u.username || u.password) throw refuse('carries credentials');
  if (u.hash) throw refuse('carries a fragment');
  if (u.protocol === 'https:') return u;
  if (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname) && isLoopbackHttp(issuer)) return u;
  throw refuse(u.protocol === 'http:' ? `is cleartext http to ${u.host}` : `uses the ${u.protocol} scheme`);
}

/** Every endpoint URL in the discovery metadata must pass the URL policy (the token endpoint receives refresh tokens). */
export function checkMetadataUrls(as: o.AuthorizationServer): void {
  for (const [k, v] of Object.entries(as)) {
    if ((k.endsWith('_endpoint') || k === 'jwks_uri') && v !== undefined) checkPlatformUrl(v, `The platform metadata's ${k}`, as.issuer);
  }
}

/**
 * The management API base: https on the issuer's origin or on an origin the (checked) discovery metadata names; plain http
 * only for a loopback issuer. Checked when the platform is added AND before each bearer token is sent (rows stored by older
 * versions were not checked).
 */
export function checkApiBase(apiBase: string, as: o.AuthorizationServer): string {
  const u = checkPlatformUrl(apiBase, `apiBase ${JSON.stringify(apiBase.slice(0, 200))}`, as.issuer, 'invalid_input');
  if (u.search) throw new AppError('invalid_input', 'apiBase must not carry a query string; enter the base URL of the platform\'s management API.');
  const allowed = new Set([new URL(as.issuer).origin]);
  for (const [k, v] of Object.entries(as)) if (k.endsWith('_endpoint') && typeof v === 'string') allowed.add(new URL(v).origin);
  if (!allowed.has(u.origin)) {
    throw new AppError('invalid_input', `apiBase ${u.origin} is not the issuer's origin (${new URL(as.issuer).origin}) nor one its metadata names; bearer tokens are only sent to the platform itself. Leave apiBase out, or use the issuer's origin.`);
  }
  return u.href.replace(/\/$/, '');
}

/** The checked API base of a stored platform (refuses a row an older version stored without the policy). */
export function apiBaseOf(p: PlatformRow): string {
  return checkApiBase(p.api_base, authServer(p));
}

type AnyRequestOptions = o.TokenEndpointRequestOptions & o.DeviceAuthorizationRequestOptions & o.RevocationRequestOptions & o.DiscoveryRequestOptions;

export function requestOptions(fetch: LimitedFetch, issuer: string, limits = TOKEN_LIMITS, signal?: AbortSignal): AnyRequestOptions {
  const customFetch = (url: string, init: o.CustomFetchOptions<string, unknown>) =>
    fetch(url, { method: init.method, headers: init.headers as unknown as Record<string, string>, body: init.body as string | URLSearchParams | null, signal: init.signal, redirect: 'manual' }, limits);
  const opts = { [o.customFetch]: customFetch, signal } as AnyRequestOptions;
  if (isLoopbackHttp(issuer)) opts[o.allowInsecureRequests] = true;
  return opts;
}

/** The stored metadata, re-checked on every use (rows stored by older versions were never checked). */
export function authServer(p: PlatformRow): o.AuthorizationServer {
  const as = JSON.parse(p.metadata) as o.AuthorizationServer;
  checkMetadataUrls(as);
  return as;
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
      checkMetadataUrls(as);
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
