// How a wave reads in the contract (wave.*): its rows, counts and the batch it is on. No secret is ever in these rows.
import type { Wave, WaveItem } from '../../../src-common/contract/index.ts';
import type { WaveItemRow, WaveRow } from './wave-repo.ts';

/** an instant in an evidence sentence: main does not know the reader's time zone, so UTC, to the second ("2026-12-02 15:10:15 UTC") */
export function utc(v: string | number | null): string {
  if (v === null) return 'an unknown time';
  const ms = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC` : 'an unknown time';
}

export function itemView(r: WaveItemRow): WaveItem {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    workspaceName: r.workspace_name,
    keyName: r.key_name,
    oldKeyId: r.old_key_id,
    oldKeyLabel: r.old_key_label,
    newKeyId: r.new_key_id,
    newKeyLabel: r.new_key_label,
    batch: r.batch,
    state: r.state,
    rotatedAt: r.rotated_at,
    cutOverAt: r.cut_over_at,
    evidence: r.evidence,
  };
}

/** the first batch with an item that has not cut over (the last batch when all have) */
export function currentBatch(items: readonly WaveItemRow[]): number {
  const open = items.filter((i) => i.state !== 'cut_over').map((i) => i.batch);
  return open.length ? Math.min(...open) : Math.max(1, ...items.map((i) => i.batch));
}

export function waveView(w: WaveRow, items: readonly WaveItemRow[]): Wave {
  const n = (states: readonly string[]) => items.filter((i) => states.includes(i.state)).length;
  return {
    id: w.id,
    match: w.match,
    batchSize: w.batch_size,
    graceDays: w.grace_days,
    quietMinutes: w.quiet_minutes,
    deliveryTarget: w.delivery_target,
    deliveryCommand: w.deliver_cmd !== null,
    state: w.state,
    currentBatch: currentBatch(items),
    batches: Math.max(1, ...items.map((i) => i.batch)),
    reason: w.reason,
    counts: {
      total: items.length,
      cutOver: n(['cut_over']),
      rotated: n(['rotated', 'delivered']),
      pending: n(['pending', 'rotating']),
      failed: n(['failed', 'undelivered', 'gate_failed']),
    },
    createdAt: w.created_at,
    updatedAt: w.updated_at,
    items: items.map(itemView),
  };
}
