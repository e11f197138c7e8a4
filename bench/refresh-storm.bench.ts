// Bench: the refresh storm (200 workspaces × 10 concurrent calls with expired access tokens) against a real sandbox.
// Uses the real keychain when a D-Bus session is present (npm test's with-keyring), else session-only memory (reported).
import { runStorm } from '../test/support/refresh-storm.ts';

export async function run(): Promise<{ name: string; figures: Record<string, number | string> }> {
  const keychain = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS) && process.env.GRANTDESK_TEST_NO_KEYRING !== '1';
  const r = await runStorm({ workspaces: 200, calls: 10, keychain });
  const figures = {
    workspaces: r.workspaces,
    concurrentCallsPerWorkspace: r.callsPerWorkspace,
    stormMs: Math.round(r.stormMs),
    refreshCount: r.refreshPosts,
    reuseDetections: r.invalidGrant,
    failedCalls: r.failedCalls,
    connectAllMs: Math.round(r.connectMs),
    secretStore: r.backend,
  };
  console.log(`refresh-storm: ${r.workspaces} workspaces × ${r.callsPerWorkspace} calls in ${figures.stormMs} ms, ${r.refreshPosts} refreshes, ${r.invalidGrant} reuse detections (${r.backend})`);
  // Baselines from the same run: single-flight's ideal is one refresh per workspace; without it every expired call
  // would refresh on its own (calls per workspace), and all but one of those would trip reuse detection.
  console.log(`refresh-storm: refreshes per workspace ${(r.refreshPosts / r.workspaces).toFixed(2)} (ideal 1.00; without single-flight ${r.callsPerWorkspace.toFixed(2)}), storm time per workspace ${(figures.stormMs / r.workspaces).toFixed(1)} ms vs connect time per workspace ${(figures.connectAllMs / r.workspaces).toFixed(1)} ms`);
  return { name: 'refresh-storm', figures };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
