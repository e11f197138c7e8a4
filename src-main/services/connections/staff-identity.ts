// Who connected a workspace: the agency staff member's name and email, from the ID token the platform issues when the
// connection asked for `openid profile email` (only the identity scopes its metadata lists), else from Settings. The
// platform is untrusted input: a claim is kept only when it is a short printable string (an email must look like one).
import * as o from 'oauth4webapi';
import type { ConnectedBy, PlatformRow } from './repo.ts';
import { authServer } from './oauth.ts';

/** the OpenID Connect scopes that ask for the signed-in person's identity; never stored as a grant's API scopes */
export const IDENTITY_SCOPES = ['openid', 'profile', 'email'] as const;
const IDENTITY = new Set<string>(IDENTITY_SCOPES);
/** a grant's API scopes: without offline_access and the identity scopes */
export const apiScopesOf = (scope: string): string[] => scope.split(' ').filter((s) => s && s !== 'offline_access' && !IDENTITY.has(s));

/** the identity scopes to add to an authorization request: those the platform's metadata offers, and only with openid */
export function identityScopesFor(p: PlatformRow): string[] {
  const supported = authServer(p).scopes_supported;
  if (!Array.isArray(supported) || !supported.includes('openid')) return [];
  return IDENTITY_SCOPES.filter((s) => supported.includes(s));
}

/** `scope` plus the identity scopes the platform offers (each once) */
export function withIdentityScopes(p: PlatformRow, scope: string): string {
  const have = new Set(scope.split(' ').filter(Boolean));
  return [...have, ...identityScopesFor(p).filter((s) => !have.has(s))].join(' ');
}

const printable = (v: unknown, max: number): string | null =>
  typeof v === 'string' && v.trim().length > 0 && v.length <= max && !/[\u0000-\u001f\u007f]/.test(v) ? v.trim() : null;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/** name/email of a settings value or claim set, validated; null when neither is usable */
export function staffOf(v: { name?: unknown; email?: unknown }, source: ConnectedBy['source']): ConnectedBy | null {
  const name = printable(v.name, 200);
  const rawEmail = printable(v.email, 254);
  const email = rawEmail && EMAIL.test(rawEmail) ? rawEmail.toLowerCase() : null;
  return name === null && email === null ? null : { name, email, source };
}

/** the staff member from a processed token response's ID token (oauth4webapi validated it), or null */
export function staffFromTokens(t: o.TokenEndpointResponse): ConnectedBy | null {
  let claims: o.IDToken | undefined;
  try {
    claims = o.getValidatedIdTokenClaims(t);
  } catch {
    return null;
  }
  return claims ? staffOf({ name: claims.name, email: claims.email }, 'id_token') : null;
}
