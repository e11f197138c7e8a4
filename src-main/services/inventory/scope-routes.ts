// The platform's route → scope table as last synced with the scope catalogue (inv_scope_routes), in the platform's matching
// order. Replaced whole on each catalogue sync; read by the guardrails dry run through the inventory read model.
import type { Db } from '../../ports/db.ts';

export interface ScopeRoute {
  method: string;
  /** a path template: `{param}` stands for one path segment */
  path: string;
  /** null: the route needs no scope */
  scope: string | null;
}

export function createScopeRoutesRepo(db: Db) {
  const st = {
    all: db.prepare<[], ScopeRoute>('SELECT method, path, scope FROM inv_scope_routes ORDER BY ord'),
    clear: db.prepare('DELETE FROM inv_scope_routes'),
    insert: db.prepare('INSERT INTO inv_scope_routes (ord, method, path, scope) VALUES (?, ?, ?, ?)'),
  };
  return {
    all: (): ScopeRoute[] => st.all.all(),
    replace: (routes: readonly ScopeRoute[]) => db.transaction(() => {
      st.clear.run();
      routes.forEach((r, i) => st.insert.run(i, r.method.toUpperCase(), r.path, r.scope));
    })(),
  };
}
