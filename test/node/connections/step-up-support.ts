/* eslint-disable @typescript-eslint/no-explicit-any -- sandbox rows and admin JSON */
// Test-only pieces for the MFA step-up tests: a scripted system browser that follows, denies, or fills the sandbox's
// sign-in pages (password, consent, authenticator code), the sandbox's step-up tokens read from its own database (canaries
// for "never in SQLite, logs, outputs"), and the admin calls that pin a workspace's plan.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { SandboxHandle } from '../../../sandbox/server.ts';
import { follow } from '../../support/fake-browser.mjs';

export async function adminCall(sb: SandboxHandle, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(`${sb.issuer}/__admin${path}`, {
    method,
    headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

/** pins a workspace's plan (and an enterprise rebind window) through the admin API */
export async function setPlan(sb: SandboxHandle, workspace: string, plan: 'free' | 'starter' | 'pro' | 'enterprise', rebindSeconds?: number): Promise<void> {
  const r = await adminCall(sb, 'POST', '/mfa', { workspace, plan, ...(rebindSeconds === undefined ? {} : { rebind_seconds: rebindSeconds }) });
  if (r.status !== 200) throw new Error(`admin /mfa answered ${r.status}: ${JSON.stringify(r.body)}`);
}

export async function credentialsOf(sb: SandboxHandle, workspace: string): Promise<any[]> {
  return (await adminCall(sb, 'GET', `/state?workspace=${workspace}`)).body.workspaces[0].credentials;
}

/** Every access token the sandbox issued with a multi-factor sign-in (the step-up tokens), read from its own database. */
export function stepUpTokens(sb: SandboxHandle): string[] {
  const db = new Database(join(sb.dataDir, 'sandbox.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT id, payload FROM oidc WHERE model = 'AccessToken'").all() as Array<{ id: string; payload: string }>;
    return rows.filter((r) => JSON.parse(r.payload).extra?.acr === 'urn:sabnode:mfa').map((r) => r.id);
  } finally {
    db.close();
  }
}

/** the statuses the sandbox's audit log recorded for one endpoint of a workspace, in order (read from its own database) */
export function auditStatuses(sb: SandboxHandle, workspace: string, method: string, endpoint: string): number[] {
  const db = new Database(join(sb.dataDir, 'sandbox.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT json FROM audit_events WHERE workspace_id = ? ORDER BY seq').all(workspace) as Array<{ json: Buffer }>;
    return rows.map((r) => JSON.parse(r.json.toString('utf8'))).filter((e) => e.method === method && e.endpoint === endpoint).map((e) => e.status);
  } finally {
    db.close();
  }
}

export type BrowserMode = 'follow' | 'deny' | { code: () => string };

/**
 * The system browser as the opener: records every URL it is asked to open, then follows it (auto-consent), denies at the
 * sandbox's interaction page, or — on a sandbox without auto-consent — fills the password, consent and authenticator
 * pages. `hold` (when set) is awaited before anything is followed, so a test can look at the UI while the browser is open.
 */
export function scriptedBrowser(initial: BrowserMode = 'follow') {
  const b = {
    urls: [] as string[],
    mode: initial,
    hold: null as Promise<void> | null,
    /** per URL: overrides `mode` (e.g. deny one workspace's step-up only) */
    decide: null as ((url: URL) => BrowserMode | null) | null,
    done: [] as Promise<unknown>[],
    opener: async (url: string) => {
      b.urls.push(url);
      const mode = b.decide?.(new URL(url)) ?? b.mode;
      const hold = b.hold;
      // like a real browser: the app does not wait for the page, only for the loopback redirect
      b.done.push(
        (async () => {
          if (hold) await hold;
          if (mode === 'follow') return follow(url);
          if (mode === 'deny') return follow(url, { deny: true });
          return interactive(url, mode.code);
        })().catch(() => undefined),
      );
    },
    stepUps: () => b.urls.filter((u) => new URL(u).searchParams.has('acr_values')),
  };
  return b;
}

/** Drives the sandbox's own pages like a person: sign in, allow for the workspace the request names, type the code. */
export async function interactive(startUrl: string, code: () => string): Promise<void> {
  const jar = new Map<string, string>();
  const ws = new URL(startUrl).searchParams.get('workspace') ?? '';
  let url = startUrl;
  let method = 'GET';
  let form: Record<string, string> | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers: Record<string, string> = cookie ? { cookie } : {};
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const r = await fetch(url, { method, redirect: 'manual', headers, body: form ? new URLSearchParams(form).toString() : undefined });
    for (const c of r.headers.getSetCookie()) {
      const kv = c.split(';')[0]!;
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
    const loc = r.headers.get('location');
    const body = await r.text();
    method = 'GET';
    form = undefined;
    if (loc && r.status >= 300 && r.status < 400) {
      url = new URL(loc, url).href;
      continue;
    }
    const action = /action="(\/interaction\/[^"]+\/(mfa|login|confirm))"/.exec(body);
    if (!action) return; // the loopback callback answered (or a page with nothing to submit)
    const base = new URL(url).origin;
    url = base + action[1];
    method = 'POST';
    form = action[2] === 'mfa' ? { login: 'admin@sandbox.test', password: 'sandbox', code: code() } : action[2] === 'login' ? { login: 'admin@sandbox.test', password: 'sandbox' } : { workspace: ws };
  }
  throw new Error('too many hops');
}
