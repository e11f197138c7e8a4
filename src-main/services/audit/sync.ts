// Audit sync: a transactional state machine per workspace. Each page is validated (by the WorkspaceApi, against our schema),
// verified against the hash chain with our own JCS + SHA-256, and committed in ONE transaction with the cursor and chain head.
// Identical redelivery is a no-op; the same seq with different content is a tamper alarm (page rejected, cursor unchanged,
// workspace flagged at that seq); gaps are recorded and never skipped; a bounded pool runs many workspaces at once.
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { PlatformClient } from '../../platform/index.ts';
import { describeRetryAt, RETRY_AFTER_CAP_MS } from '../../ports/http.ts';
import { AppError } from '../../rpc/app-error.ts';
import { eventHash, GENESIS_HASH } from './jcs.ts';
import { MAX_PAGE, type PlatformEvent } from './platform-schema.ts';
import type { AuditRepo } from './repo.ts';
import { createProgressMeter } from '../progress-meter.ts';
import { abortableSleep as defaultSleep } from './abortable-sleep.ts';

export type SyncOutcome = 'ok' | 'tamper' | 'gap' | 'error' | 'rate_limited' | 'cancelled';
export interface SyncResult {
  workspaceId: string;
  outcome: SyncOutcome;
  inserted: number;
  cursorSeq: number;
  remoteHeadSeq: number | null;
  message: string | null;
  /** rate_limited: when the platform said to retry (ISO instant), if it said */
  retryAt: string | null;
}

export type PageOutcome =
  | { kind: 'applied'; inserted: number; cursor: number; head: string }
  | { kind: 'gap'; inserted: number; cursor: number; head: string; fromSeq: number; toSeq: number }
  | { kind: 'tamper'; seq: number; reason: string };

class Tamper extends Error {
  constructor(readonly seq: number, readonly reason: string, readonly received: PlatformEvent) {
    super(reason);
  }
}

export interface SyncEngineDeps {
  db: Db;
  repo: AuditRepo;
  platform: PlatformClient;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  pageSize?: number;
  /** injectable for tests; must honour the signal */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  maxRetries?: number;
}

/** The platform asked us to wait longer than one call may: this workspace stops here with its retry time. */
class RateLimitedStop extends Error {
  constructor(readonly retryAt: number | null, readonly text: string) {
    super(text);
  }
}

/**
 * The wait a 'rate_limited' error carries as a typed field (`retryAfterMs`, set by the WorkspaceApi from the Retry-After
 * HEADER; ports/http.ts RateLimitedError). Never parsed out of message text. undefined: not rate limited; null: rate
 * limited without a usable wait (back off normally).
 */
function rateLimitWait(err: unknown): number | null | undefined {
  if (!(err instanceof AppError) || err.code !== 'rate_limited') return undefined;
  const ms = (err as AppError & { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : null;
}

export function createSyncEngine(deps: SyncEngineDeps) {
  const { db, repo, bus, clock, logger } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const pageSize = Math.min(deps.pageSize ?? MAX_PAGE, MAX_PAGE);
  const maxRetries = deps.maxRetries ?? 4;
  const iso = () => new Date(clock.now()).toISOString();

  /** Verifies and commits one page; everything in it or nothing. Exposed for tests of page anomalies. */
  const applyPageTx = db.transaction((ws: string, events: readonly PlatformEvent[]): PageOutcome => {
    const st = repo.state(ws);
    const startCursor = st.cursor_seq;
    let cursor = startCursor;
    let head = st.head_hash;
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    const fresh: PlatformEvent[] = [];
    const freshParams: string[] = [];
    const jcsOut = { params: '' };
    const pageHashes = new Map<number, string>();
    let gap: { fromSeq: number; toSeq: number } | null = null;
    for (const e of sorted) {
      if (e.workspace_id !== ws) throw new AppError('invalid_response', `Audit page for ${ws} carried an event of another workspace`);
      jcsOut.params = '';
      const computed = eventHash(e.prev_hash, e, jcsOut);
      if (e.seq <= cursor) {
        const known = pageHashes.get(e.seq) ?? repo.hashAt(ws, e.seq);
        if (known === undefined) throw new Tamper(e.seq, 'event below the verified cursor is missing from the cache', e);
        if (computed !== e.hash) throw new Tamper(e.seq, 'redelivered event does not hash to its own hash', e);
        if (e.hash !== known) throw new Tamper(e.seq, 'redelivered event differs from the verified one', e);
        continue; // identical redelivery: no-op
      }
      if (e.seq > cursor + 1) {
        gap = { fromSeq: cursor + 1, toSeq: e.seq - 1 };
        break; // never skip: stop at the gap, keep the verified prefix
      }
      if (e.prev_hash !== head) throw new Tamper(e.seq, `prev_hash does not link to the hash of seq ${e.seq - 1}`, e);
      if (computed !== e.hash) throw new Tamper(e.seq, 'event content does not hash to its hash (JCS + SHA-256)', e);
      fresh.push(e);
      freshParams.push(jcsOut.params);
      pageHashes.set(e.seq, e.hash);
      cursor = e.seq;
      head = e.hash;
    }
    repo.append(ws, startCursor, fresh, freshParams);
    if (fresh.length) repo.resolveGaps(ws, cursor, iso());
    if (gap) {
      repo.recordGap(ws, gap.fromSeq, gap.toSeq, iso());
      return { kind: 'gap', inserted: fresh.length, cursor, head, ...gap };
    }
    return { kind: 'applied', inserted: fresh.length, cursor, head };
  });

  function applyPage(ws: string, events: readonly PlatformEvent[]): PageOutcome {
    try {
      return applyPageTx(ws, events);
    } catch (err) {
      if (!(err instanceof Tamper)) throw err;
      // The page was rolled back; the alarm is its own transaction so the evidence survives.
      db.transaction(() => {
        repo.state(ws);
        repo.recordTamper(ws, err.seq, err.reason, JSON.stringify(err.received), iso());
        repo.setOutcome(ws, 'tamper', `Tamper alarm at seq ${err.seq}: ${err.reason}`, iso());
      })();
      logger.warn('audit_tamper', { workspaceId: ws, seq: err.seq, reason: err.reason });
      return { kind: 'tamper', seq: err.seq, reason: err.reason };
    }
  }

  async function withRetry<T>(ws: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    // Retry-After waits of one call add up to at most the cap; a longer wait stops this workspace with its retry time.
    let waitBudget = RETRY_AFTER_CAP_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (signal?.aborted) throw new AppError('cancelled', 'Sync cancelled');
        const code = err instanceof AppError ? err.code : 'internal';
        const wait = rateLimitWait(err);
        if (wait !== undefined && (wait === null ? attempt >= maxRetries : wait > waitBudget || attempt >= maxRetries)) {
          const retryAt = wait === null ? null : clock.now() + wait;
          throw new RateLimitedStop(retryAt, `rate_limited: the platform rate limited this workspace; retry ${retryAt === null ? 'in a few minutes (it gave no usable retry time)' : describeRetryAt(retryAt, clock.now())}`);
        }
        const retryable = wait !== undefined || code === 'network_error' || code === 'timeout' || code === 'platform_error' || code === 'invalid_response';
        if (!retryable || attempt >= maxRetries) throw err;
        if (wait !== undefined && wait !== null) waitBudget -= wait;
        const backoff = wait ?? Math.min(8000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2);
        logger.info('audit_sync_retry', { workspaceId: ws, code, waitMs: Math.round(backoff), attempt: attempt + 1 });
        await sleep(backoff, signal);
        if (signal?.aborted) throw new AppError('cancelled', 'Sync cancelled');
      }
    }
  }

  interface Progress {
    add(done: number, total: number): void;
  }

  const running = new Set<string>();

  type AuditHead = { workspace_id: string; seq: number; hash: string };
  /** the remote head read up front (syncMany), or the error reading it gave */
  type PreHead = { head: AuditHead } | { error: unknown };

  async function readHead(ws: string, signal: AbortSignal | undefined): Promise<AuditHead> {
    const { platform } = deps;
    const head = await withRetry(ws, signal, () => platform.auditEvents.head(ws, { signal }));
    if (head.workspace_id !== ws) throw new AppError('invalid_response', 'Audit head is for another workspace');
    return head;
  }

  async function syncWorkspace(ws: string, signal: AbortSignal | undefined, progress: Progress, pre?: PreHead): Promise<SyncResult> {
    // single flight per workspace in this process; across processes the cursor guard in the page transaction decides
    if (running.has(ws)) return { workspaceId: ws, outcome: 'error', inserted: 0, cursorSeq: repo.state(ws).cursor_seq, remoteHeadSeq: null, message: 'A sync of this workspace is already running here; wait for it to finish.', retryAt: null };
    running.add(ws);
    try {
      return await syncWorkspaceOnce(ws, signal, progress, pre);
    } finally {
      running.delete(ws);
    }
  }

  async function syncWorkspaceOnce(ws: string, signal: AbortSignal | undefined, progress: Progress, pre?: PreHead): Promise<SyncResult> {
    const { platform } = deps;
    let inserted = 0;
    const st0 = repo.state(ws);
    let cursor = st0.cursor_seq;
    let remoteHead: number | null = null;
    const result = (outcome: SyncOutcome, message: string | null, retryAt: number | null = null): SyncResult => ({ workspaceId: ws, outcome, inserted, cursorSeq: cursor, remoteHeadSeq: remoteHead, message, retryAt: retryAt === null ? null : new Date(retryAt).toISOString() });
    try {
      if (pre && 'error' in pre) throw pre.error;
      let head = pre ? pre.head : await readHead(ws, signal);
      // A head read up front (syncMany) predates this cursor: another process may have synced past it since. Only a head
      // read after the cursor can prove the log shrank, so a stale one below the cursor is read again before judging.
      if (pre && head.seq < st0.cursor_seq) head = await readHead(ws, signal);
      remoteHead = head.seq;
      repo.setRemoteHead(ws, head.seq, head.hash);
      // syncMany counted this workspace's share of the total up front, from the same head
      if (!pre) progress.add(0, Math.max(0, head.seq - cursor));
      if (head.seq < st0.cursor_seq) {
        // The log only grows: a head below what we verified earlier means history was truncated or rewritten.
        const reason = `platform head seq ${head.seq} is behind the verified cursor ${st0.cursor_seq}`;
        repo.recordTamper(ws, head.seq + 1, reason, null, iso());
        repo.setOutcome(ws, 'tamper', `Tamper alarm: ${reason}`, iso());
        return result('tamper', `Tamper alarm: ${reason}`);
      }
      let gapRetried = false;
      type Page = Awaited<ReturnType<typeof platform.auditEvents.page>>;
      const fetchPage = (after: number): Promise<Page> => withRetry(ws, signal, () => platform.auditEvents.page(ws, { afterSeq: after, limit: pageSize }, { signal }));
      let prefetched: { after: number; page: Promise<Page> } | null = null;
      while (cursor < head.seq) {
        if (signal?.aborted) {
          repo.setOutcome(ws, 'behind', null, iso());
          return result('cancelled', 'Sync cancelled; the cursor is at the last committed page');
        }
        const after = cursor;
        const pending = prefetched?.after === after ? prefetched.page : fetchPage(after);
        prefetched = null;
        const page = await pending;
        if (page.workspace_id !== ws) throw new AppError('invalid_response', 'Audit page is for another workspace');
        // Bounded prefetch (one page ahead): the next page is asked for before this one is verified and stored, so the
        // platform prepares and sends it meanwhile. It is used only if this page moves the cursor exactly to where it
        // starts; otherwise (gap, tamper, short page) it is dropped.
        let last = after;
        for (const e of page.events) if (e.seq > last) last = e.seq;
        if (page.has_more && last > after && last < head.seq) {
          prefetched = { after: last, page: fetchPage(last) };
          prefetched.page.catch(() => undefined); // a dropped prefetch's failure is nobody's error; a used one rethrows
        }
        const out = applyPage(ws, page.events);
        if (out.kind === 'tamper') return result('tamper', `Tamper alarm at seq ${out.seq}: ${out.reason}`);
        inserted += out.inserted;
        // progress counts up to the head read up front: events appended since then do not overrun the total
        progress.add(Math.max(0, Math.min(out.cursor, head.seq) - Math.min(after, head.seq)), 0);
        cursor = out.cursor;
        if (out.kind === 'gap' || (out.inserted === 0 && cursor < head.seq)) {
          // Ask once more from the cursor (a reordered or short page heals here); a gap that persists stops this workspace.
          if (!gapRetried) {
            gapRetried = true;
            continue;
          }
          const from = out.kind === 'gap' ? out.fromSeq : cursor + 1;
          const to = out.kind === 'gap' ? out.toSeq : head.seq;
          if (out.kind !== 'gap') repo.recordGap(ws, from, to, iso());
          repo.setOutcome(ws, 'gap', `Events ${from}–${to} are missing from the platform's log; sync stopped at seq ${cursor}`, iso());
          return result('gap', `Gap ${from}–${to}; the cursor stays at ${cursor}`);
        }
        gapRetried = false;
        if (!page.has_more && cursor < head.seq) continue; // next loop asks again; an empty answer becomes a gap
      }
      // The head read before paging must lie on the verified chain (pages may go past it: the log keeps growing,
      // and on a platform that audits reads, our own page requests append events).
      if (head.seq > 0 && repo.hashAt(ws, head.seq) !== head.hash) {
        repo.recordTamper(ws, head.seq, 'platform head hash differs from the verified chain', null, iso());
        repo.setOutcome(ws, 'tamper', `Tamper alarm at seq ${head.seq}: the platform's head hash differs from the verified chain`, iso());
        return result('tamper', `Tamper alarm at seq ${head.seq}: head hash differs`);
      }
      const tampered = repo.tamper(ws).length > 0;
      repo.setOutcome(ws, tampered ? 'tamper' : 'ok', tampered ? 'Earlier tamper alarms are kept as evidence' : null, iso());
      return result(tampered ? 'tamper' : 'ok', null);
    } catch (err) {
      if (err instanceof RateLimitedStop) {
        // the pages committed so far stay; the workspace is marked with the retry time, not retried in place
        repo.setOutcome(ws, 'error', err.text, iso());
        logger.info('audit_sync_rate_limited', { workspaceId: ws, retryAt: err.retryAt === null ? null : new Date(err.retryAt).toISOString() });
        return result('rate_limited', err.text, err.retryAt);
      }
      const code = err instanceof AppError ? err.code : 'internal';
      if (code === 'cancelled') {
        repo.setOutcome(ws, 'behind', null, iso());
        return result('cancelled', 'Sync cancelled; the cursor is at the last committed page');
      }
      // a sentence a person reads on the Workspaces screen and in the CLI (the code stays out of it)
      const message = err instanceof AppError ? err.message : 'The sync stopped on an unexpected failure; the cursor is at the last committed page. Try again; if it persists, see the log.';
      if (!(err instanceof AppError)) logger.error('audit_sync_failed', { workspaceId: ws, error: err instanceof Error ? err.message : 'unknown' });
      repo.setOutcome(ws, 'error', message, iso());
      return result('error', message);
    }
  }

  /**
   * Syncs workspaces through a pool of `concurrency`, reporting `task.progress`. Every workspace's remote head is read
   * first, so the total (Σ head − cursor) is known before the first page and never grows; the rate is smoothed over a
   * sliding window and the ETA (remaining / rate) stays null until that rate is measurable.
   */
  async function syncMany(workspaces: readonly string[], opts: { concurrency: number; taskId: string; signal?: AbortSignal }): Promise<SyncResult[]> {
    const started = clock.now();
    let done = 0;
    let total: number | null = null;
    let headsRead = 0;
    let lastEmit = 0;
    const meter = createProgressMeter();
    const emit = (state: 'running' | 'done' | 'failed' | 'cancelled', message: string | null, force = false) => {
      const now = clock.now();
      if (total !== null) meter.sample(done, now);
      if (!force && now - lastEmit < 200) return;
      lastEmit = now;
      // running: the smoothed rate (null until measurable); finished: the whole run's average
      const rate = state === 'running' ? meter.rate() : done > 0 ? (done * 1000) / Math.max(1, now - started) : null;
      const eta = state === 'running' ? meter.etaSeconds(total) : 0;
      bus.emit('task.progress', {
        taskId: opts.taskId,
        kind: 'audit.sync',
        label: `Syncing audit events of ${workspaces.length} workspace${workspaces.length === 1 ? '' : 's'}`,
        done,
        total,
        ratePerSecond: rate === null ? null : Math.round(rate),
        etaSeconds: eta === null ? null : Math.round(eta),
        state,
        message: message ?? (total === null && state === 'running' ? `Reading the audit head of each workspace (${headsRead} of ${workspaces.length})` : null),
      });
    };
    const progress: Progress = {
      add(d, t) {
        done += d;
        if (t) total = (total ?? 0) + t;
        emit('running', null);
      },
    };
    emit('running', null, true);
    // fewer, larger WAL checkpoints while pages stream in (each one syncs the file); restored when the sync ends
    const autoCheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    db.pragma('wal_autocheckpoint = 16384');
    try {
      return await syncAll();
    } finally {
      db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(Number(autoCheckpoint) || 1000))}`);
    }
    async function syncAll(): Promise<SyncResult[]> {
    const pool = async (fn: (i: number) => Promise<void>) => {
      let next = 0;
      const worker = async () => {
        while (next < workspaces.length) await fn(next++);
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, workspaces.length)) }, worker));
    };
    // 1. every remote head first: the total is known before the first page
    const heads: Array<PreHead | undefined> = new Array(workspaces.length);
    let sum = 0;
    await pool(async (i) => {
      const ws = workspaces[i]!;
      if (running.has(ws) || opts.signal?.aborted) return; // syncWorkspace reports the conflict or the cancel
      try {
        const head = await readHead(ws, opts.signal);
        heads[i] = { head };
        sum += Math.max(0, head.seq - repo.state(ws).cursor_seq);
      } catch (error) {
        heads[i] = { error };
      }
      headsRead++;
      emit('running', null);
    });
    total = sum;
    emit('running', null, true);
    // 2. the pages
    const results: SyncResult[] = new Array(workspaces.length);
    await pool(async (i) => {
      const ws = workspaces[i]!;
      results[i] = await syncWorkspace(ws, opts.signal, progress, heads[i]);
      bus.emit('state.changed', { topic: 'audit', workspaceId: ws });
    });
    try {
      // keep the WAL from growing across long syncs; PASSIVE never waits for readers (an export may be reading)
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      /* a busy checkpoint is retried after the next sync */
    }
    const failed = results.filter((r) => r.outcome !== 'ok' && r.outcome !== 'cancelled').length;
    const state = opts.signal?.aborted ? 'cancelled' : failed ? 'failed' : 'done';
    emit(state, failed ? `${failed} workspace${failed === 1 ? '' : 's'} need attention` : null, true);
    return results;
    }
  }

  return { applyPage, syncWorkspace: (ws: string, signal?: AbortSignal) => syncWorkspace(ws, signal, { add() {} }), syncMany };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;
export { GENESIS_HASH };
