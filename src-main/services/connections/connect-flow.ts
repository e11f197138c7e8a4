// Authorization code + PKCE (S256) through the system browser and a one-shot loopback listener (RFC 8252), and the device
// flow (RFC 8628) for headless hosts. state carries 256 random bits, is single-use, and is checked (with iss, RFC 9207)
// before anything talks to the token endpoint.
import { randomBytes } from 'node:crypto';
import * as o from 'oauth4webapi';
import type { CallbackListenerFactory } from '../../ports/callback.ts';
import type { LimitedFetch } from '../../ports/http.ts';
import type { Opener } from '../../ports/opener.ts';
import { AppError } from '../../rpc/app-error.ts';
import { authServer, checkPlatformUrl, describeOAuthError, publicClient, requestOptions } from './oauth.ts';
import type { PlatformRow } from './repo.ts';

export const CONNECT_TIMEOUT_MS = 5 * 60_000;
/** A device code is polled for at most 30 minutes, whatever expires_in the platform sends. */
export const DEVICE_MAX_EXPIRES_S = 30 * 60;
/** Poll interval bounds (seconds): RFC 8628's 5 s default; a hostile interval cannot stall past a minute per poll. */
export const DEVICE_INTERVAL_S = { min: 1, max: 60 };

/** The poll interval in ms for what the platform asked (seconds), clamped to DEVICE_INTERVAL_S. */
export function clampInterval(seconds: unknown): number {
  const s = typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : 5;
  return Math.min(DEVICE_INTERVAL_S.max, Math.max(DEVICE_INTERVAL_S.min, s)) * 1000;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface FlowDeps {
  fetch: LimitedFetch;
  opener: Opener;
  callbackListener: CallbackListenerFactory;
  /** test seam: the time the listener waits */
  connectTimeoutMs?: number;
  /** the app clock (device-code deadline); Date.now without one */
  now?: () => number;
}

export interface FlowResult {
  tokens: o.TokenEndpointResponse;
}

/** 256 bits from the CSPRNG, base64url (RFC 6749 §10.10 asks for ≥128). */
export function newState(): string {
  return randomBytes(32).toString('base64url');
}

export function buildAuthorizationUrl(
  as: o.AuthorizationServer,
  p: PlatformRow,
  v: { redirectUri: string; scope: string; state: string; challenge: string; workspace: string; extra?: Readonly<Record<string, string>> },
): URL {
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', p.client_id);
  url.searchParams.set('redirect_uri', v.redirectUri);
  url.searchParams.set('scope', v.scope);
  url.searchParams.set('state', v.state);
  url.searchParams.set('code_challenge', v.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('workspace', v.workspace);
  url.searchParams.set('prompt', 'consent');
  // a step-up (step-up-flow.ts) adds acr_values / max_age and asks for prompt=login instead
  for (const [k, x] of Object.entries(v.extra ?? {})) url.searchParams.set(k, x);
  return url;
}

export async function runCodeFlow(
  d: FlowDeps,
  p: PlatformRow,
  v: {
    scope: string;
    workspace: string;
    onUrl?: (url: string) => void;
    signal?: AbortSignal;
    /** more authorization parameters (a step-up's acr_values, max_age, prompt) */
    extra?: Readonly<Record<string, string>>;
    /** false for a step-up: its token is short-lived on purpose, and a refresh token is not expected */
    requireRefreshToken?: boolean;
    /** oauth4webapi's ID token checks (a step-up's max_age: auth_time must be recent enough) */
    idToken?: { maxAge?: number };
  },
): Promise<FlowResult> {
  const as = authServer(p);
  const client = publicClient(p);
  const verifier = o.generateRandomCodeVerifier();
  const challenge = await o.calculatePKCECodeChallenge(verifier);
  const state = newState();
  let used = false;
  const listener = await d.callbackListener({
    timeoutMs: d.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    signal: v.signal,
    // Only our state, once. Anything else (missing, wrong, foreign, replayed, injected codes) is ignored.
    accept(url) {
      if (used || url.searchParams.get('state') !== state || url.searchParams.getAll('state').length !== 1) return 'ignore';
      used = true;
      return 'accept';
    },
  });
  let callback: URL;
  try {
    const authUrl = buildAuthorizationUrl(as, p, { redirectUri: listener.redirectUri, scope: v.scope, state, challenge, workspace: v.workspace, extra: v.extra });
    v.onUrl?.(authUrl.href);
    await d.opener(authUrl.href);
    callback = await listener.result;
  } finally {
    listener.close();
  }
  let params: URLSearchParams;
  try {
    params = o.validateAuthResponse(as, client, callback, state);
  } catch (err) {
    if (err instanceof o.AuthorizationResponseError) {
      // the platform's own words stay on the error (cause) for a caller that shows them (a step-up's refusal)
      if (err.error === 'access_denied') throw new AppError('cancelled', 'The authorization was denied in the browser', { cause: err });
      if (err.error === 'invalid_scope') throw new AppError('invalid_input', `scopes: the platform does not allow them for this client (${describeOAuthError(err)})`);
      throw new AppError('platform_error', `The platform refused the authorization: ${describeOAuthError(err)}`);
    }
    throw new AppError('invalid_response', `The sign-in response failed validation (${describeOAuthError(err)}); no token was requested`);
  }
  let res: Response;
  try {
    res = await o.authorizationCodeGrantRequest(as, client, o.None(), params, listener.redirectUri, verifier, requestOptions(d.fetch, p.issuer));
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('network_error', `Token request failed: ${describeOAuthError(err)}`);
  }
  const idOpts = v.idToken?.maxAge !== undefined ? { maxAge: v.idToken.maxAge } : undefined;
  return { tokens: await processTokens(() => o.processAuthorizationCodeResponse(as, client, res, idOpts), v.requireRefreshToken ?? true) };
}

async function processTokens(f: () => Promise<o.TokenEndpointResponse>, requireRefreshToken = true): Promise<o.TokenEndpointResponse> {
  try {
    const t = await f();
    if (requireRefreshToken && !t.refresh_token) throw new AppError('platform_error', 'The platform issued no refresh token (is offline_access allowed for this client?)');
    return t;
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof o.ResponseBodyError) throw new AppError('platform_error', `Token endpoint: ${describeOAuthError(err)}`);
    throw new AppError('invalid_response', `Token response rejected: ${describeOAuthError(err)}`);
  }
}

export async function runDeviceFlow(
  d: FlowDeps,
  p: PlatformRow,
  v: { scope: string; workspace: string; onCode: (c: { userCode: string; verificationUri: string; expiresIn: number }) => void; signal?: AbortSignal },
): Promise<FlowResult> {
  const as = authServer(p);
  const client = publicClient(p);
  if (!as.device_authorization_endpoint) throw new AppError('invalid_input', `Platform ${p.name} does not offer the device flow`);
  let da: o.DeviceAuthorizationResponse;
  try {
    const res = await o.deviceAuthorizationRequest(as, client, o.None(), { scope: v.scope, workspace: v.workspace }, requestOptions(d.fetch, p.issuer));
    da = await o.processDeviceAuthorizationResponse(as, client, res);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('platform_error', `Device authorization failed: ${describeOAuthError(err)}`);
  }
  // The platform is untrusted input: what we show and open must be an https URL (http only for a loopback issuer), and
  // every wait it asks for is bounded.
  const verificationUri = checkPlatformUrl(da.verification_uri, 'The device verification_uri', p.issuer).href;
  const openUri = da.verification_uri_complete === undefined ? verificationUri : checkPlatformUrl(da.verification_uri_complete, 'The device verification_uri_complete', p.issuer).href;
  if (!Number.isFinite(da.expires_in) || da.expires_in <= 0) throw new AppError('invalid_response', 'The device authorization has no usable expires_in; no code was shown');
  const expiresIn = Math.min(da.expires_in, DEVICE_MAX_EXPIRES_S);
  if (typeof da.user_code !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(da.user_code)) throw new AppError('invalid_response', 'The device user_code is not a short printable code; nothing was shown');
  v.onCode({ userCode: da.user_code, verificationUri: openUri, expiresIn });
  await d.opener(openUri);
  let interval = clampInterval(da.interval ?? 5);
  const now = d.now ?? Date.now;
  const until = now() + expiresIn * 1000;
  while (now() < until) {
    await sleep(Math.min(interval, Math.max(0, until - now())), v.signal);
    if (v.signal?.aborted) throw new AppError('cancelled', 'Device sign-in cancelled');
    if (now() >= until) break;
    const res = await o.deviceCodeGrantRequest(as, client, o.None(), da.device_code, requestOptions(d.fetch, p.issuer));
    try {
      const t = await o.processDeviceCodeResponse(as, client, res);
      if (!t.refresh_token) throw new AppError('platform_error', 'The platform issued no refresh token');
      return { tokens: t };
    } catch (err) {
      const code = err instanceof o.ResponseBodyError ? err.error : undefined;
      if (code === 'authorization_pending') continue;
      if (code === 'slow_down') {
        interval = clampInterval(interval / 1000 + 5); // RFC 8628 §3.5, still within the bounds
        continue;
      }
      if (code === 'access_denied') throw new AppError('cancelled', 'The device authorization was denied');
      if (err instanceof AppError) throw err;
      throw new AppError('platform_error', `Device token request: ${describeOAuthError(err)}`);
    }
  }
  throw new AppError('timeout', 'The device code expired before it was approved');
}
