// SQL of the rotation wizard. Holds ids, labels and timestamps only: never a secret.
import type { Db } from '../../ports/db.ts';
import type { AppErrorData, Guardrails, Verification, WizardStep } from '../../../src-common/contract/index.ts';

export interface WizardRow {
  id: string;
  workspace_id: string;
  workspace_name: string;
  key_name: string;
  old_key_id: string;
  old_key_label: string;
  step: WizardStep;
  grace_days: number;
  guardrails_json: string | null;
  rotate_from_id: string | null;
  intent_at: string | null;
  new_key_id: string | null;
  new_key_label: string | null;
  rotated_at: string | null;
  rotated_ms: number | null;
  grace_ends_at: string | null;
  secret_lost: number;
  acknowledged_at: string | null;
  verification_json: string | null;
  ended_at: string | null;
  last_error_json: string | null;
  /** WizardDelivery without secretHeld (migration 041); never the secret */
  delivery_json: string | null;
  created_at: string;
  updated_at: string;
}

export const TERMINAL: readonly WizardStep[] = ['finished', 'ended_early', 'cancelled'];

export type WizardPatch = Partial<Omit<WizardRow, 'id' | 'created_at'>>;

export function createWizardRepo(db: Db) {
  const byId = db.prepare('SELECT * FROM rot_wizards WHERE id = ?');
  const openFor = db.prepare(`SELECT * FROM rot_wizards WHERE workspace_id = ? AND old_key_id = ? AND step NOT IN ('finished','ended_early','cancelled')`);
  const log = db.prepare('INSERT INTO rot_wizard_log (wizard_id, at, step, detail) VALUES (?, ?, ?, ?)');
  const insert = db.prepare(`INSERT INTO rot_wizards (id, workspace_id, workspace_name, key_name, old_key_id, old_key_label, step, grace_days, guardrails_json, created_at, updated_at)
    VALUES (@id, @workspace_id, @workspace_name, @key_name, @old_key_id, @old_key_label, 'chosen', @grace_days, @guardrails_json, @created_at, @created_at)`);
  const COLS = new Set([
    'workspace_name', 'key_name', 'old_key_label', 'step', 'grace_days', 'guardrails_json', 'rotate_from_id', 'intent_at', 'new_key_id', 'new_key_label',
    'rotated_at', 'rotated_ms', 'grace_ends_at', 'secret_lost', 'acknowledged_at', 'verification_json', 'ended_at', 'last_error_json', 'delivery_json', 'updated_at',
  ]);
  const purgeLog = db.prepare<[string]>('DELETE FROM rot_wizard_log WHERE wizard_id IN (SELECT id FROM rot_wizards WHERE workspace_id = ?)');
  const purgeWizards = db.prepare<[string]>('DELETE FROM rot_wizards WHERE workspace_id = ?');
  return {
    /** Removes these workspaces' rotation wizards and their logs (an auditor review's purge; the caller runs it with secure_delete on). */
    purgeWorkspaces(ids: readonly string[]): void {
      db.transaction(() => {
        for (const ws of ids) {
          purgeLog.run(ws);
          purgeWizards.run(ws);
        }
      })();
    },
    get(id: string): WizardRow | null {
      return (byId.get(id) as WizardRow | undefined) ?? null;
    },
    openFor(workspaceId: string, keyId: string): WizardRow | null {
      return (openFor.get(workspaceId, keyId) as WizardRow | undefined) ?? null;
    },
    list(opts: { workspaceId?: string; includeFinished?: boolean }): WizardRow[] {
      const where: string[] = [];
      const args: unknown[] = [];
      if (opts.workspaceId) {
        where.push('workspace_id = ?');
        args.push(opts.workspaceId);
      }
      if (!opts.includeFinished) where.push(`step NOT IN ('finished','ended_early','cancelled')`);
      return db.prepare(`SELECT * FROM rot_wizards ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id LIMIT 500`).all(...args) as WizardRow[];
    },
    create(row: { id: string; workspace_id: string; workspace_name: string; key_name: string; old_key_id: string; old_key_label: string; grace_days: number; guardrails_json: string; created_at: string }) {
      db.transaction(() => {
        insert.run(row);
        log.run(row.id, row.created_at, 'chosen', 'wizard started');
      })();
    },
    /** Updates the row; with `fromStep`, only when the row is still in that step (returns false otherwise): the step guard across processes. */
    update(id: string, patch: WizardPatch, detail: string, fromStep?: WizardStep | readonly WizardStep[]): boolean {
      const keys = Object.keys(patch).filter((k) => COLS.has(k));
      const sets = keys.map((k) => `${k} = @${k}`).join(', ');
      const froms = fromStep === undefined ? [] : Array.isArray(fromStep) ? fromStep : [fromStep];
      const guard = froms.length ? ` AND step IN (${froms.map((_s, i) => `@from${i}`).join(', ')})` : '';
      const params: Record<string, unknown> = { id };
      for (const k of keys) params[k] = (patch as Record<string, unknown>)[k];
      froms.forEach((s, i) => (params[`from${i}`] = s));
      let changed = false;
      db.transaction(() => {
        changed = db.prepare(`UPDATE rot_wizards SET ${sets} WHERE id = @id${guard}`).run(params).changes === 1;
        if (changed) log.run(id, String(patch.updated_at ?? new Date().toISOString()), String(patch.step ?? 'update'), detail.slice(0, 500));
      })();
      return changed;
    },
    history(id: string): Array<{ at: string; step: string; detail: string }> {
      return db.prepare('SELECT at, step, detail FROM rot_wizard_log WHERE wizard_id = ? ORDER BY rowid').all(id) as Array<{ at: string; step: string; detail: string }>;
    },
  };
}
export type WizardRepo = ReturnType<typeof createWizardRepo>;

export const parseJson = <T>(s: string | null): T | null => (s ? (JSON.parse(s) as T) : null);
export type { Guardrails, Verification, AppErrorData };
