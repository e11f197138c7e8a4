// The incident domain's SQL (tables incident_cases and incident_actions, migration 080). No column holds the pasted
// secret or anything derived from it.
import type { Db } from '../../ports/db.ts';
import type { Incident, IncidentAction, IncidentMatch } from '../../../src-common/contract/index.ts';

interface CaseRow {
  id: string;
  opened_ms: number;
  workspace_id: string;
  credential_id: string;
  match_json: string;
  last_rotation_ms: number;
  state: Incident['state'];
}
interface ActionRow {
  incident_id: string;
  n: number;
  at_ms: number;
  action: IncidentAction['action'];
  ok: number;
  sentence: string;
  platform_json: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createIncidentRepo(db: Db) {
  const q = {
    insert: db.prepare<[string, number, string, string, string, number]>(
      `INSERT INTO incident_cases (id, opened_ms, workspace_id, credential_id, match_json, last_rotation_ms, state) VALUES (?, ?, ?, ?, ?, ?, 'open')`,
    ),
    one: db.prepare<[string], CaseRow>('SELECT * FROM incident_cases WHERE id = ?'),
    all: db.prepare<[], CaseRow>('SELECT * FROM incident_cases ORDER BY opened_ms DESC, id'),
    state: db.prepare<[string, string]>('UPDATE incident_cases SET state = ? WHERE id = ?'),
    actions: db.prepare<[string], ActionRow>('SELECT * FROM incident_actions WHERE incident_id = ? ORDER BY n'),
    addAction: db.prepare<[string, string, number, string, number, string, string | null]>(
      `INSERT INTO incident_actions (incident_id, n, at_ms, action, ok, sentence, platform_json)
       VALUES (?, (SELECT COALESCE(MAX(n), 0) + 1 FROM incident_actions WHERE incident_id = ?), ?, ?, ?, ?, ?)`,
    ),
  };
  const toIncident = (r: CaseRow): Incident => ({
    id: r.id,
    openedAt: iso(r.opened_ms),
    match: JSON.parse(r.match_json) as IncidentMatch,
    lastRotationAt: iso(r.last_rotation_ms),
    state: r.state,
    actions: q.actions.all(r.id).map((a) => ({
      at: iso(a.at_ms),
      action: a.action,
      ok: a.ok === 1,
      sentence: a.sentence,
      platform: a.platform_json === null ? null : (JSON.parse(a.platform_json) as Record<string, unknown>),
    })),
  });
  return {
    open(id: string, nowMs: number, match: IncidentMatch, lastRotationMs: number): void {
      q.insert.run(id, nowMs, match.workspaceId, match.credentialId, JSON.stringify(match), lastRotationMs);
    },
    get(id: string): Incident | null {
      const r = q.one.get(id);
      return r ? toIncident(r) : null;
    },
    list: (): Incident[] => q.all.all().map(toIncident),
    setState(id: string, state: Incident['state']): void {
      q.state.run(state, id);
    },
    addAction(id: string, a: { atMs: number; action: IncidentAction['action']; ok: boolean; sentence: string; platform: Record<string, unknown> | null }): void {
      q.addAction.run(id, id, a.atMs, a.action, a.ok ? 1 : 0, a.sentence, a.platform === null ? null : JSON.stringify(a.platform));
    },
  };
}
export type IncidentRepo = ReturnType<typeof createIncidentRepo>;
