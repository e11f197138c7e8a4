// MFA step-up on the sandbox platform (RFC 9470): which management calls need a fresh multi-factor sign-in on which plan,
// the challenge a call without one gets, and the per-workspace TOTP (RFC 6238) the sign-in page checks.
//
// Plans: free and starter protect nothing. Pro protects creating an API key, rotating an API key and revoking an OAuth
// app: the caller's sign-in must have been multi-factor (acr urn:sabnode:mfa), however long ago. Enterprise protects every
// credentials:write call and also bounds the age of that sign-in with the workspace's rebind window (max_age, default 300 s,
// set per workspace through the admin API). Only user sign-ins are bound by the policy: an access token with an account
// behind it. API keys, service tokens and machine clients are no users; their own scopes govern them.
import { createHmac, randomBytes } from 'node:crypto';
import type { DB } from './db.ts';
import { ApiError } from './management-input.ts';
import { now } from './clock.ts';

export const ACR_MFA = 'urn:sabnode:mfa';
export const ACR_PWD = 'urn:sabnode:pwd';
export const PLANS = ['free', 'starter', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];
export const DEFAULT_REBIND_SECONDS = 300;
/** the rebind windows an enterprise workspace may set (seconds) */
export const REBIND_RANGE = { min: 30, max: 86_400 } as const;
export const TOTP = { periodSeconds: 30, digits: 6, window: 1 } as const;
/** wrong authenticator codes one sign-in may take before the platform ends it with access_denied */
export const MAX_TOTP_ATTEMPTS = 3;

/** Pro: the three calls the platform's documentation names ("METHOD route") */
const PRO_PROTECTED = new Set(['POST /v1/api-keys', 'POST /v1/api-keys/{id}/rotate', 'POST /v1/apps/{id}/revoke']);

/** What a protected call is, in words, for the challenge's error_description. */
const ACTIONS: Record<string, string> = {
  'POST /v1/api-keys': 'creating an API key',
  'POST /v1/api-keys/{id}/rotate': 'rotating an API key',
  'POST /v1/apps/{id}/revoke': 'revoking an OAuth app',
  'PATCH /v1/api-keys/{id}': 'changing an API key',
  'POST /v1/api-keys/{id}/revoke': 'revoking an API key',
  'POST /v1/api-keys/{id}/end-grace': "ending an API key's grace period",
  'POST /v1/machine-clients': 'creating a machine client',
  'PATCH /v1/machine-clients/{id}': 'changing a machine client',
  'POST /v1/machine-clients/{id}/rotate': "rotating a machine client's secret",
  'POST /v1/machine-clients/{id}/disable': 'disabling a machine client',
  'POST /v1/machine-clients/{id}/enable': 'enabling a machine client',
  'POST /v1/service-tokens': 'creating a service token',
  'POST /v1/scope-bundles': 'creating a scope bundle',
  'PATCH /v1/scope-bundles/{id}': 'changing a scope bundle',
  'DELETE /v1/scope-bundles/{id}': 'deleting a scope bundle',
  'POST /v1/reviews': 'issuing an auditor review',
  'POST /v1/reviews/{id}/revoke': 'revoking an auditor review',
};

export interface MfaCaller {
  workspaceId: string;
  /** an access token with an account behind it (a person signed in); false for API keys, service tokens, machine clients */
  user: boolean;
  acr: string | null;
  /** epoch seconds of the sign-in behind the token */
  authTime: number | null;
}

export interface Requirement {
  acr: string;
  /** seconds; null: any multi-factor sign-in will do (pro) */
  maxAge: number | null;
  action: string;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export function base32(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
export function fromBase32(s: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    const i = B32.indexOf(c);
    if (i < 0) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (HMAC-SHA-1, 30 s steps, 6 digits) of a base32 secret at a time step. */
export function totpAtStep(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', fromBase32(secret)).update(counter).digest();
  const off = h[h.length - 1]! & 0x0f;
  const bin = ((h[off]! & 0x7f) << 24) | (h[off + 1]! << 16) | (h[off + 2]! << 8) | h[off + 3]!;
  return String(bin % 10 ** TOTP.digits).padStart(TOTP.digits, '0');
}
export const stepAt = (ms: number) => Math.floor(ms / 1000 / TOTP.periodSeconds);
/** the code an authenticator app shows at `ms` (default: the sandbox clock) */
export function totp(secret: string, ms: number = now()): string {
  return totpAtStep(secret, stepAt(ms));
}

const quote = (s: string) => s.replace(/["\\]/g, '');

export function createMfa(db: DB) {
  db.exec(`CREATE TABLE IF NOT EXISTS mfa_workspaces (
    workspace_id TEXT PRIMARY KEY, totp_secret TEXT NOT NULL, rebind_seconds INTEGER NOT NULL, last_step INTEGER NOT NULL DEFAULT -1
  )`);
  const q = {
    plan: db.prepare('SELECT plan FROM workspaces WHERE id = ?').pluck(true),
    setPlan: db.prepare('UPDATE workspaces SET plan = ? WHERE id = ?'),
    row: db.prepare('SELECT * FROM mfa_workspaces WHERE workspace_id = ?'),
    ins: db.prepare('INSERT OR IGNORE INTO mfa_workspaces (workspace_id, totp_secret, rebind_seconds) VALUES (?, ?, ?)'),
    setRebind: db.prepare('UPDATE mfa_workspaces SET rebind_seconds = ? WHERE workspace_id = ?'),
    setStep: db.prepare('UPDATE mfa_workspaces SET last_step = ? WHERE workspace_id = ? AND last_step < ?'),
    all: db.prepare('SELECT id FROM workspaces ORDER BY ord').pluck(true),
  };
  // every workspace gets its own authenticator secret once (kept across restarts on a --data dir)
  for (const id of q.all.all() as string[]) q.ins.run(id, base32(randomBytes(20)), DEFAULT_REBIND_SECONDS);

  const settings = (ws: string) => q.row.get(ws) as { totp_secret: string; rebind_seconds: number; last_step: number } | undefined;
  const planOf = (ws: string) => (q.plan.get(ws) as Plan | undefined) ?? 'free';

  function requirement(ws: string, method: string, route: string, scope: string | null): Requirement | null {
    const key = `${method} ${route}`;
    const plan = planOf(ws);
    if (plan === 'pro' && PRO_PROTECTED.has(key)) return { acr: ACR_MFA, maxAge: null, action: ACTIONS[key]! };
    if (plan === 'enterprise' && scope === 'credentials:write') {
      return { acr: ACR_MFA, maxAge: settings(ws)?.rebind_seconds ?? DEFAULT_REBIND_SECONDS, action: ACTIONS[key] ?? `${method} ${route}` };
    }
    return null;
  }

  return {
    planOf,
    requirement,
    /** throws the RFC 9470 challenge when the caller's sign-in does not meet the workspace's policy for this call */
    check(caller: MfaCaller, method: string, route: string, scope: string | null): void {
      if (!caller.user) return;
      const r = requirement(caller.workspaceId, method, route, scope);
      if (!r) return;
      const plan = planOf(caller.workspaceId);
      const mfa = caller.acr === r.acr;
      const age = caller.authTime === null ? Infinity : Math.floor(now() / 1000) - caller.authTime;
      if (mfa && (r.maxAge === null || age <= r.maxAge)) return;
      const why = !mfa
        ? `${r.action} in a ${plan} workspace requires a multi-factor sign-in (acr ${r.acr}); this token's sign-in was ${caller.acr ?? 'of unknown strength'}`
        : `${r.action} in an enterprise workspace requires a multi-factor sign-in within the last ${r.maxAge} s; this token's was ${age} s ago`;
      const parts = [`error="insufficient_user_authentication"`, `error_description="${quote(why)}"`, `acr_values="${r.acr}"`];
      if (r.maxAge !== null) parts.push(`max_age="${r.maxAge}"`);
      throw new ApiError(401, 'insufficient_user_authentication', why, { acr_values: r.acr, ...(r.maxAge === null ? {} : { max_age: r.maxAge }) }, { 'www-authenticate': `Bearer ${parts.join(', ')}` });
    },
    /** one authenticator code for the workspace: ±1 step, each step accepted once (a replayed code is refused) */
    verifyTotp(ws: string, code: string): boolean {
      const s = settings(ws);
      if (!s || !/^\d{6}$/.test(code)) return false;
      const cur = stepAt(now());
      for (let d = -TOTP.window; d <= TOTP.window; d++) {
        const step = cur + d;
        if (step > s.last_step && totpAtStep(s.totp_secret, step) === code) return q.setStep.run(step, ws, step).changes === 1;
      }
      return false;
    },
    totpSecret: (ws: string) => settings(ws)?.totp_secret ?? null,
    /** the admin API's view and setter (plan, rebind window) */
    describe(ws: string) {
      const s = settings(ws);
      const plan = planOf(ws);
      return {
        workspace: ws,
        plan,
        acr_values: plan === 'pro' || plan === 'enterprise' ? ACR_MFA : null,
        max_age: plan === 'enterprise' ? (s?.rebind_seconds ?? DEFAULT_REBIND_SECONDS) : null,
        protects: plan === 'pro' ? [...PRO_PROTECTED] : plan === 'enterprise' ? ['every credentials:write call'] : [],
        rebind_seconds: s?.rebind_seconds ?? DEFAULT_REBIND_SECONDS,
        totp_secret: s?.totp_secret ?? null,
      };
    },
    set(ws: string, b: { plan?: unknown; rebind_seconds?: unknown }): void {
      if (b.plan !== undefined) {
        if (typeof b.plan !== 'string' || !(PLANS as readonly string[]).includes(b.plan)) throw new Error(`plan must be one of ${PLANS.join(', ')}`);
        q.setPlan.run(b.plan, ws);
      }
      if (b.rebind_seconds !== undefined) {
        const v = Number(b.rebind_seconds);
        if (!Number.isInteger(v) || v < REBIND_RANGE.min || v > REBIND_RANGE.max) throw new Error(`rebind_seconds must be an integer in ${REBIND_RANGE.min}..${REBIND_RANGE.max}`);
        q.setRebind.run(v, ws);
      }
    },
  };
}
export type Mfa = ReturnType<typeof createMfa>;
