// The background work of the connections domain (desktop app and serve mode): settle refreshes interrupted by a dead
// process, retry unsaved ones, refresh every connected grant ahead of its expiry (four at a time), and retry pending
// revocations at most once a minute.
import type { Clock } from '../../ports/clock.ts';
import type { ConnectionsRepo } from './repo.ts';
import type { TokenManager } from './token-manager.ts';

export function createRefreshScheduler(d: { repo: ConnectionsRepo; tokens: TokenManager; clock: Clock; refreshLeadSeconds: () => number; retryRevocations: () => Promise<unknown> }) {
  const { repo, tokens } = d;
  const retryRevocations = d.retryRevocations;
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  let lastRevocationTry = 0;
  async function tick() {
    if (ticking) return;
    ticking = true;
    try {
      await tokens.recoverAll();
      await tokens.retryUnsaved();
      const leadMs = d.refreshLeadSeconds() * 1000;
      const now = d.clock.now();
      const due = repo
        .listWorkspaces()
        .filter((w) => w.status === 'connected' && w.access_expires_at !== null && w.access_expires_at - leadMs <= now && (w.cooldown_until ?? 0) <= now);
      const queue = [...due];
      const worker = async () => {
        for (let w = queue.shift(); w; w = queue.shift()) {
          try {
            await tokens.accessToken(w.id, { minValidityMs: leadMs });
          } catch {
            // the workspace row carries the reason
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      if (now - lastRevocationTry > 60_000 && repo.pendingRevocations().length > 0) {
        lastRevocationTry = now;
        await retryRevocations();
      }
    } finally {
      ticking = false;
    }
  }

  /** background work: refresh ahead of expiry, settle interrupted refreshes, retry pending revocations */
  function start(intervalMs = 30_000) {
    if (timer) return;
    const first = setTimeout(() => void tick(), 1_000);
    first.unref();
    timer = setInterval(() => void tick(), intervalMs);
    timer.unref();
  }
  function stop() {
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  return { tick, start, stop };
}
