// Shared set-up for the connections tests: a real sandbox over loopback, a temp data dir, the real keychain (inside
// scripts/with-keyring.sh) and the real composition root. The "browser" follows redirects (auto-consent).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxOptions, type SandboxHandle } from '../../../sandbox/server.ts';
import { processClock } from '../../../sandbox/clock.ts';
import { createApp, type AppPorts, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createKeytarSecretStore } from '../../../src-main/adapters/keytar-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import type { Clock } from '../../../src-main/ports/clock.ts';
import type { SecretStore } from '../../../src-main/ports/secret-store.ts';
import { follow } from '../../support/fake-browser.mjs';
import { testClient, type TestClient } from '../../support/test-client.ts';

export const NO_KEYRING_REASON =
  process.env.GRANTDESK_TEST_NO_KEYRING === '1'
    ? 'GRANTDESK_TEST_NO_KEYRING=1: no Secret Service here; run inside scripts/with-keyring.sh (apt-get install dbus gnome-keyring)'
    : !process.env.DBUS_SESSION_BUS_ADDRESS
      ? 'no D-Bus session: run inside scripts/with-keyring.sh so the real keychain is used'
      : false;

export const ROOT = join(import.meta.dirname, '..', '..', '..');

/** The harness is the typed test client (IPC's capabilities; `h.as(CLI_CONTEXT)` for the shell's) over its current app. */
export interface Harness extends TestClient {
  sandbox: SandboxHandle;
  dataDir: string;
  store: SecretStore;
  app: AppRuntime;
  clock: Clock & { advance(ms: number): void };
  reopen(extra?: Partial<AppPorts>): Promise<void>;
  close(): Promise<void>;
}

export function fakeClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => (offset += ms) };
}

export async function startHarness(opts: { sandbox?: SandboxOptions; ports?: Partial<AppPorts>; addPlatform?: boolean } = {}): Promise<Harness> {
  const sandbox = await startSandbox({ workspaces: 5, events: 0, seed: 1, autoConsent: true, admin: true, clock: processClock(), log: () => undefined, ...opts.sandbox });
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-conn-'));
  const store = createKeytarSecretStore({ timeoutMs: 10_000 });
  const clock = fakeClock();
  const build = (extra: Partial<AppPorts> = {}) =>
    createApp({
      dataDir,
      db: openCache(dataDir),
      secretStore: store,
      clock,
      opener: async (url) => {
        void follow(url);
      },
      logger: createFileLogger(dataDir),
      ...opts.ports,
      ...extra,
    });
  const h: Harness = {
    ...testClient(() => h.app),
    sandbox,
    dataDir,
    store,
    app: build(),
    clock,
    async reopen(extra) {
      await h.app.close();
      h.app = build(extra);
    },
    async close() {
      await h.app.close().catch(() => undefined);
      await cleanupKeychain(store, dataDir);
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (opts.addPlatform !== false) await h.call('platforms.add', { issuer: sandbox.issuer, name: 'Sandbox' });
  return h;
}

/** Removes this data dir's keychain items (accounts carry the profile id, so parallel tests never collide). */
export async function cleanupKeychain(store: SecretStore, dataDir: string): Promise<void> {
  try {
    const db = openCache(dataDir);
    const row = db.prepare("SELECT value FROM connection_meta WHERE key = 'profile_id'").get() as { value: string } | undefined;
    db.close();
    if (!row) return;
    for (const a of await store.list()) if (a.includes(`:${row.value}:`)) await store.delete(a);
  } catch {
    // best effort
  }
}

export async function sandboxState(sb: SandboxHandle, workspace?: string): Promise<{ workspaces: Array<{ id: string; credentials: Array<{ type: string; status: string; client_id: string | null }> }> }> {
  const res = await fetch(`${sb.issuer}/__admin/state${workspace ? `?workspace=${workspace}` : ''}`, { headers: { authorization: `Bearer ${sb.adminToken}` } });
  return (await res.json()) as never;
}

/** Grants of the desktop client in the sandbox, by workspace: how many are active vs revoked. */
export async function desktopGrants(sb: SandboxHandle): Promise<Map<string, { active: number; revoked: number }>> {
  const st = await sandboxState(sb);
  const out = new Map<string, { active: number; revoked: number }>();
  for (const w of st.workspaces) {
    const g = { active: 0, revoked: 0 };
    for (const c of w.credentials) if (c.type === 'user_grant' && c.client_id === 'grantdesk-desktop') c.status === 'active' ? g.active++ : g.revoked++;
    out.set(w.id, g);
  }
  return out;
}
