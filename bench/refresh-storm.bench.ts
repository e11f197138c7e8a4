// Bench: the refresh storm (200 workspaces × 10 concurrent calls, every access token expired) against a real sandbox in
// its own process (a real platform is not on the app's event loop). Goal: ≤ 2 s with exactly 200 refreshes, counted at
// the sandbox (the refresh tokens it spent). Same run: the same storm with session-only memory secrets (what the
// keychain costs), the keychain's own per-write cost, and the no-single-flight baseline (10 concurrent refreshes per
// workspace with one refresh token: what single-flight prevents). The real keychain is used when a D-Bus session is
// present (npm run bench runs inside scripts/with-keyring.sh).
import { createKeytarSecretStore } from '../src-main/adapters/keytar-secret-store.ts';
import { runStorm, secretWriteCost, type StormResult } from '../test/support/refresh-storm.ts';

const WORKSPACES = 200;
const CALLS = 10;

function line(label: string, r: StormResult): string {
  return `${label}: ${r.workspaces} × ${r.callsPerWorkspace} calls in ${Math.round(r.stormMs)} ms, ${r.sandboxRefreshes} refreshes at the sandbox (${r.refreshPosts} sent), ${r.invalidGrant} reuse detections, ${r.failedCalls} failed calls (${r.backend})`;
}

export async function run(): Promise<{ name: string; figures: Record<string, number | string> }> {
  const keychain = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS) && process.env.GRANTDESK_TEST_NO_KEYRING !== '1';
  const main = await runStorm({ workspaces: WORKSPACES, calls: CALLS, keychain, sandbox: 'child', baseline: true });
  console.log(`refresh-storm ${line('storm', main)}; goal ≤ 2000 ms with exactly ${WORKSPACES}`);
  const memory = keychain ? await runStorm({ workspaces: WORKSPACES, calls: CALLS, keychain: false, sandbox: 'child' }) : null;
  if (memory) console.log(`refresh-storm ${line('same storm, session-only memory secrets', memory)}`);
  const cost = keychain ? await secretWriteCost(createKeytarSecretStore({ timeoutMs: 60_000 }), 40) : null;
  if (cost) {
    console.log(
      `refresh-storm keychain: one grant write ${cost.perWriteMs.toFixed(1)} ms (40 in a row); 40 at once ${Math.round(cost.concurrentMs)} ms — the Secret Service writes one item at a time, so ${WORKSPACES} rotated grants persisted before use take ≈ ${Math.round(cost.perWriteMs * WORKSPACES)} ms by themselves`,
    );
  }
  const b = main.baseline!;
  console.log(
    `refresh-storm baseline without single-flight: ${b.posts} refresh POSTs (${CALLS} per workspace, one refresh token each) in ${Math.round(b.ms)} ms: ${b.accepted} answered with tokens, ${b.invalidGrant} invalid_grant (reuse detected: the grant is revoked), ${b.failed} failed, ${b.sandboxRefreshes} refresh tokens spent at the sandbox`,
  );
  const figures: Record<string, number | string> = {
    workspaces: main.workspaces,
    concurrentCallsPerWorkspace: main.callsPerWorkspace,
    stormMs: Math.round(main.stormMs),
    sandboxRefreshes: main.sandboxRefreshes,
    refreshPostsSent: main.refreshPosts,
    reuseDetections: main.invalidGrant,
    failedCalls: main.failedCalls,
    connectAllMs: Math.round(main.connectMs),
    secretStore: main.backend,
    memoryStormMs: memory ? Math.round(memory.stormMs) : 'n/a',
    keychainWriteMs: cost ? Number(cost.perWriteMs.toFixed(1)) : 'n/a',
    baselinePosts: b.posts,
    baselineInvalidGrant: b.invalidGrant,
    baselineMs: Math.round(b.ms),
  };
  return { name: 'refresh-storm', figures };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
