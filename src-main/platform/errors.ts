// The one mapping from a platform answer to an AppError. Every management-API response goes through platformError
// (src-main/platform/workspace-api.ts); the OAuth token endpoint speaks RFC 6749 §5.2 errors instead, mapped once by
// tokenEndpointError. The platform is untrusted input: every field read from its body is a string capped at 300 chars.
import type { z } from 'zod';
import { rateLimitedFrom, type HttpResponse } from '../ports/http.ts';
import { AppError } from '../rpc/app-error.ts';

/** A string field of a JSON error body (capped), or undefined when the body is not an object or the field not a string. */
export function errorField(json: unknown, key: string): string | undefined {
  if (json && typeof json === 'object' && !Array.isArray(json) && Object.hasOwn(json, key)) {
    const v = (json as Record<string, unknown>)[key];
    return typeof v === 'string' ? v.slice(0, 300) : undefined;
  }
  return undefined;
}

/** A scope name as the platform writes them (`contacts:read`); anything else in required_scope is not repeated. */
const SCOPE_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * A non-2xx management-API answer as a typed AppError: 403 insufficient_scope (naming the required scope when the
 * platform sends one), 404 not_found, 409 conflict, 429 rate_limited with the Retry-After wait as a typed field
 * (RateLimitedError), 400/422 invalid_input, anything else platform_error. `what` names the call ("GET /v1/api-keys").
 */
export function platformError(res: HttpResponse, what: string, now: number = Date.now()): AppError {
  const code = errorField(res.json, 'error');
  const desc = errorField(res.json, 'error_description');
  const detail = `${what} answered ${res.status}${code ? ` ${code}` : ''}${desc ? `: ${desc}` : ''}`;
  if (res.status === 403) {
    const scope = errorField(res.json, 'required_scope');
    return new AppError('insufficient_scope', scope && SCOPE_NAME.test(scope) ? `${what} needs the scope ${scope}` : detail);
  }
  // an RFC 9470 step-up challenge that reached the mapping (WorkspaceApi steps up itself; any other caller cannot)
  if (res.status === 401 && code === 'insufficient_user_authentication') return new AppError('step_up_required', `${what}: the platform asks for a fresh multi-factor sign-in first; nothing was changed`);
  if (res.status === 404) return new AppError('not_found', detail);
  if (res.status === 409) return new AppError('conflict', detail);
  // the wait is a typed field read from the Retry-After header (delta-seconds or HTTP-date), never from message text
  if (res.status === 429) return rateLimitedFrom(res, what, now);
  if (res.status === 400 || res.status === 422) return new AppError('invalid_input', detail);
  return new AppError('platform_error', detail);
}

/** A 2xx body that does not match the endpoint's schema. */
export function invalidResponse(what: string, error: z.ZodError): AppError {
  const issue = error.issues[0];
  return new AppError('invalid_response', `${what} returned data that does not match its contract (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema'})`);
}

/**
 * A non-200 answer of an OAuth token endpoint (RFC 6749 §5.2): `invalid_grant` means the grant is gone (needs_reconsent),
 * a 429 is the typed rate limit, anything else platform_error. `what` names the grant ("the review grant").
 */
export function tokenEndpointError(res: HttpResponse, what: string, now: number = Date.now()): AppError {
  if (res.status === 429) return rateLimitedFrom(res, `The token endpoint (${what})`, now);
  const code = errorField(res.json, 'error') ?? String(res.status);
  return new AppError(code === 'invalid_grant' ? 'needs_reconsent' : 'platform_error', `The token endpoint refused ${what} (${code})`);
}
