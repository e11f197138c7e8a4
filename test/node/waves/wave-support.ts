// Shared by the wave tests (CLI and Chromium): a real sandbox (admin API, fault injection, test clock) with N workspaces
// that each hold an API key named "billing-sync" (and a decoy key), the real CLI as separate processes (so a test can
// SIGKILL one), a stand-in secrets manager (fixtures/store-secret.mjs) and the "integration" that cuts over: it calls the
// platform with every delivered secret, as a service reading its secrets manager would.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSandbox, type SandboxHandle } from '../../../sandbox/server.ts';
import { ROOT } from '../connections/harness.ts';

export interface TrueKey { id: string; type: string; name: string; status: string; effective_status: string; rotated_from: string | null; secret_sha256: string | null }

export interface WaveWorld {
  sb: SandboxHandle;
  home: string;
  vault: string;
  deliverCmd: string;
  /** workspace id → the original billing-sync key id, and the decoy's */
  keys: Map<string, { billing: string; decoy: string; billingSecret: string }>;
  /** workspaces in the wave's order (by name, as Grantdesk sorts them) */
  order: Array<{ id: string; name: string }>;
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  state(): Promise<Map<string, TrueKey[]>>;
  cli(args: string[], opts?: { onSpawn?: (pid: number) => void }): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
  /** `grantdesk serve` over the same data dir as a process of its own (so a test can SIGKILL it): its URL with the token */
  serve(): Promise<{ url: string; pid: number; exited: Promise<NodeJS.Signals | null> }>;
  /** the state of one workspace's wave item, read straight from the cache (readonly) */
  itemState(waveId: string, workspaceId: string): string | null;
  /** the integration reads its secrets manager and calls with each new secret; returns how many secrets it used */
  cutOver(): Promise<number>;
  delivered(): string[];
  /** a call with any bearer (an old or new key secret), as the integration makes it */
  call(secret: string, path: string): Promise<number>;
  env: NodeJS.ProcessEnv;
}

export async function startWaveWorld(n: number, seed = 44): Promise<WaveWorld> {
  // access tokens outlive the test clock's jumps (the sandbox judges expiry on its own, advanced clock)
  const sb = await startSandbox({ workspaces: n, events: 5, seed, autoConsent: true, admin: true, accessTokenTtl: 40 * 86400, log: () => undefined });
  const root = mkdtempSync(join(tmpdir(), 'gd-wave-'));
  const home = join(root, 'home');
  const vault = join(root, 'vault');
  mkdirSync(vault, { mode: 0o700 });
  const env = { ...process.env, GRANTDESK_HOME: home, GRANTDESK_BROWSER: join(ROOT, 'test', 'node', 'rotation', 'follow-auth.mjs') };
  const admin = async (method: string, path: string, body?: unknown) =>
    (await (await fetch(`${sb.issuer}/__admin${path}`, { method, headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json()) as Record<string, unknown>;
  const keys = new Map<string, { billing: string; decoy: string; billingSecret: string }>();
  for (const w of sb.workspaces) {
    // no MFA step-up in this test: the wave's rotations are Grantdesk's own grant on a plan that protects nothing
    await admin('POST', '/mfa', { workspace: w.id, plan: 'starter' });
    const { token } = (await admin('POST', '/tokens', { workspace: w.id, scopes: ['credentials:write', 'credentials:read'], ttl_minutes: 60 })) as { token: string };
    const create = async (name: string) => {
      const r = await fetch(`${sb.issuer}/v1/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name, scopes: ['contacts:read'] }) });
      return (await r.json()) as { id: string; secret: string };
    };
    const billing = await create('billing-sync');
    keys.set(w.id, { billing: billing.id, billingSecret: billing.secret, decoy: (await create('billing-sync-old-decoy')).id });
  }
  const order = [...sb.workspaces].map((w) => ({ id: w.id, name: w.name })).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const used = new Set<string>();
  const delivered = () => readdirSync(vault).sort().map((f) => readFileSync(join(vault, f), 'utf8'));
  return {
    sb,
    home,
    vault,
    env,
    deliverCmd: `${process.execPath} ${join(ROOT, 'test', 'node', 'waves', 'fixtures', 'store-secret.mjs')} ${vault}`,
    keys,
    order,
    admin,
    async state() {
      const s = (await admin('GET', '/state')) as { workspaces: Array<{ id: string; credentials: TrueKey[] }> };
      return new Map(s.workspaces.map((w) => [w.id, w.credentials.filter((c) => c.type === 'api_key')]));
    },
    cli(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const p = spawn(process.execPath, [join(ROOT, 'bin', 'grantdesk.mjs'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('error', reject);
        opts.onSpawn?.(p.pid!);
        p.on('exit', (code, signal) => resolve({ code, signal, out, err }));
      });
    },
    serve() {
      return new Promise((resolve, reject) => {
        const p = spawn(process.execPath, [join(ROOT, 'bin', 'grantdesk.mjs'), 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        const exited = new Promise<NodeJS.Signals | null>((r) => p.once('exit', (_c, sig) => r(sig)));
        p.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{20,})/.exec(out);
          if (m) resolve({ url: m[1]!, pid: p.pid!, exited });
        });
        p.stderr.on('data', (d: Buffer) => (out += d.toString()));
        p.once('exit', (c) => reject(new Error(`serve exited ${c}: ${out.slice(0, 500)}`)));
      });
    },
    itemState(waveId, workspaceId) {
      const d = new Database(join(home, 'cache.db'), { readonly: true, fileMustExist: true });
      try {
        return (d.prepare('SELECT state FROM rot_wave_items WHERE wave_id = ? AND workspace_id = ?').pluck().get(waveId, workspaceId) as string | undefined) ?? null;
      } finally {
        d.close();
      }
    },
    async cutOver() {
      let n = 0;
      for (const s of delivered()) {
        if (used.has(s)) continue;
        const r = await fetch(`${sb.issuer}/v1/workspace`, { headers: { authorization: `Bearer ${s}` } });
        await r.body?.cancel();
        if (r.status !== 200) throw new Error(`a delivered secret was refused: ${r.status}`);
        used.add(s);
        n++;
      }
      return n;
    },
    delivered,
    async call(secret, path) {
      const r = await fetch(`${sb.issuer}${path}`, { headers: { authorization: `Bearer ${secret}` } });
      await r.body?.cancel();
      return r.status;
    },
  };
}
