// SQL of rotation waves (rot_waves, rot_wave_items; migration 042). Ids, labels, timestamps and evidence sentences only:
// never a secret. Every item state change is a conditional UPDATE (… WHERE state IN expected): two processes resuming
// the same wave cannot both move an item to 'rotating', so only one of them ever calls the platform for it.
import type { Db } from '../../ports/db.ts';
import type { WaveItemState, WaveState } from '../../../src-common/contract/index.ts';

export interface WaveRow {
  id: string;
  match: string;
  batch_size: number;
  grace_days: number;
  quiet_minutes: number;
  deliver_to: string | null;
  deliver_cmd: string | null;
  delivery_target: string;
  state: WaveState;
  reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface WaveItemRow {
  id: string;
  wave_id: string;
  ord: number;
  batch: number;
  workspace_id: string;
  workspace_name: string;
  key_name: string;
  old_key_id: string;
  old_key_label: string;
  state: WaveItemState;
  intent_at: string | null;
  new_key_id: string | null;
  new_key_label: string | null;
  rotated_at: string | null;
  rotated_ms: number | null;
  grace_ends_at: string | null;
  gate_since_ms: number | null;
  cut_over_at: string | null;
  evidence: string | null;
  updated_at: string;
}

const ITEM_COLS = new Set(['state', 'intent_at', 'new_key_id', 'new_key_label', 'rotated_at', 'rotated_ms', 'grace_ends_at', 'gate_since_ms', 'cut_over_at', 'evidence', 'updated_at']);
const WAVE_COLS = new Set(['state', 'reason', 'updated_at']);

export function createWaveRepo(db: Db) {
  const insertWave = db.prepare(`INSERT INTO rot_waves (id, match, batch_size, grace_days, quiet_minutes, deliver_to, deliver_cmd, delivery_target, state, reason, created_at, updated_at)
    VALUES (@id, @match, @batch_size, @grace_days, @quiet_minutes, @deliver_to, @deliver_cmd, @delivery_target, @state, @reason, @created_at, @updated_at)`);
  const insertItem = db.prepare(`INSERT INTO rot_wave_items (id, wave_id, ord, batch, workspace_id, workspace_name, key_name, old_key_id, old_key_label, state, updated_at)
    VALUES (@id, @wave_id, @ord, @batch, @workspace_id, @workspace_name, @key_name, @old_key_id, @old_key_label, 'pending', @updated_at)`);
  const byId = db.prepare('SELECT * FROM rot_waves WHERE id = ?');
  const items = db.prepare('SELECT * FROM rot_wave_items WHERE wave_id = ? ORDER BY ord');
  const item = db.prepare('SELECT * FROM rot_wave_items WHERE id = ?');
  const openForKey = db.prepare(
    `SELECT i.wave_id FROM rot_wave_items i JOIN rot_waves w ON w.id = i.wave_id WHERE w.state NOT IN ('completed','cancelled') AND i.workspace_id = ? AND i.old_key_id = ? LIMIT 1`,
  );
  const purgeItems = db.prepare<[string]>('DELETE FROM rot_wave_items WHERE workspace_id = ?');
  const purgeEmpty = db.prepare(`DELETE FROM rot_waves WHERE id NOT IN (SELECT wave_id FROM rot_wave_items)`);

  function update(table: 'rot_waves' | 'rot_wave_items', cols: Set<string>, id: string, patch: Record<string, unknown>, from?: readonly string[]): boolean {
    const keys = Object.keys(patch).filter((k) => cols.has(k));
    const params: Record<string, unknown> = { id };
    for (const k of keys) params[k] = patch[k];
    const guard = from?.length ? ` AND state IN (${from.map((_s, i) => `@from${i}`).join(', ')})` : '';
    from?.forEach((s, i) => (params[`from${i}`] = s));
    return db.prepare(`UPDATE ${table} SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id${guard}`).run(params).changes === 1;
  }

  return {
    create(w: WaveRow, rows: Array<Omit<WaveItemRow, 'state' | 'intent_at' | 'new_key_id' | 'new_key_label' | 'rotated_at' | 'rotated_ms' | 'grace_ends_at' | 'gate_since_ms' | 'cut_over_at' | 'evidence'>>): void {
      db.transaction(() => {
        insertWave.run(w);
        for (const r of rows) insertItem.run(r);
      })();
    },
    get: (id: string) => (byId.get(id) as WaveRow | undefined) ?? null,
    list: (): WaveRow[] => db.prepare('SELECT * FROM rot_waves ORDER BY created_at DESC, id LIMIT 200').all() as WaveRow[],
    items: (waveId: string) => items.all(waveId) as WaveItemRow[],
    item: (id: string) => (item.get(id) as WaveItemRow | undefined) ?? null,
    /** the open wave (not completed or cancelled) that already holds this key, if any */
    openWaveFor: (workspaceId: string, keyId: string) => (openForKey.get(workspaceId, keyId) as { wave_id: string } | undefined)?.wave_id ?? null,
    /** with `from`: only when the item is still in one of those states (false otherwise) */
    updateItem: (id: string, patch: Partial<WaveItemRow>, from?: readonly WaveItemState[]) => update('rot_wave_items', ITEM_COLS, id, patch as Record<string, unknown>, from),
    updateWave: (id: string, patch: Partial<WaveRow>, from?: readonly WaveState[]) => update('rot_waves', WAVE_COLS, id, patch as Record<string, unknown>, from),
    /** an auditor review's purge: these workspaces' wave items, and waves left without items */
    purgeWorkspaces(ids: readonly string[]): void {
      db.transaction(() => {
        for (const ws of ids) purgeItems.run(ws);
        purgeEmpty.run();
      })();
    },
  };
}
export type WaveRepo = ReturnType<typeof createWaveRepo>;
