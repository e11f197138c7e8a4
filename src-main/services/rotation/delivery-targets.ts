// SQL of the delivery targets (rot_delivery_targets): a name and the command line it runs. Set up from the CLI only
// (the delivery service checks the caller's capabilities); the command is not a secret, a secret never reaches this table.
import type { Db } from '../../ports/db.ts';

export interface TargetRow {
  name: string;
  command: string;
  timeout_seconds: number;
  created_at: string;
}

export function createDeliveryTargetRepo(db: Db) {
  const all = db.prepare<[], TargetRow>('SELECT name, command, timeout_seconds, created_at FROM rot_delivery_targets ORDER BY name');
  const one = db.prepare<[string], TargetRow>('SELECT name, command, timeout_seconds, created_at FROM rot_delivery_targets WHERE name = ?');
  const upsert = db.prepare(
    `INSERT INTO rot_delivery_targets (name, command, timeout_seconds, created_at) VALUES (@name, @command, @timeout_seconds, @created_at)
     ON CONFLICT(name) DO UPDATE SET command = excluded.command, timeout_seconds = excluded.timeout_seconds, created_at = excluded.created_at`,
  );
  const del = db.prepare<[string]>('DELETE FROM rot_delivery_targets WHERE name = ?');
  return {
    list: (): TargetRow[] => all.all(),
    get: (name: string): TargetRow | null => one.get(name) ?? null,
    put: (row: TargetRow): void => void upsert.run(row),
    remove: (name: string): boolean => del.run(name).changes === 1,
  };
}
