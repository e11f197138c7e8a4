// Generates N audit events directly into a Grantdesk cache (same schema as sync writes), in SQL for speed, then lets the
// audit indexer build full text, ix and the aggregates as it does behind a sync.
// Realistic shapes: 40 workspaces, 180 days, endpoints/IPs/status mixes, some hostile params.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache } from '../src-main/adapters/sqlite.ts';
import type { Db } from '../src-main/ports/db.ts';
import { csvPlain } from '../src-main/services/audit/repo.ts';
import { createAuditIndexer } from '../src-main/services/audit/indexer.ts';

export const WORKSPACES = 40;
export const END_MS = Date.parse('2026-01-01T00:00:00Z');
export const SPAN_MS = 180 * 86_400_000;

export function buildCache(n: number, label: string): { dir: string; db: Db; genMs: number } {
  const dir = mkdtempSync(join(tmpdir(), `gd-bench-${label}-`));
  const db = openCache(dir);
  db.pragma('cache_size = -262144');
  const t0 = performance.now();
  const perWs = Math.ceil(n / WORKSPACES);
  const step = Math.floor(SPAN_MS / perWs);
  const start = END_MS - SPAN_MS;
  // Bulk load without secondary indexes, then rebuild them from sqlite_master's own definitions (same schema as sync writes).
  const idx = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  db.exec('BEGIN');
  for (const i of idx) db.exec(`DROP INDEX ${i.name}`);
  // i = global index; ws = i % 40; seq = i / 40 + 1; time ascends with seq within each workspace, offset per workspace.
  db.prepare(`
    WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ?)
    INSERT INTO audit_events (workspace_id, seq, event_id, occurred_at, occurred_ms, credential_id, credential_type, caller_ip, method, endpoint,
      status, duration_ms, pii_accessed, params_json, prev_hash, hash, rid, ip_hex, extra_json)
    SELECT ws, seq, 'evt_' || lower(hex(randomblob(12))), strftime('%Y-%m-%dT%H:%M:%fZ', ms / 1000.0, 'unixepoch'), ms,
      'cred_' || (abs(random()) % 25), (CASE abs(random()) % 5 WHEN 0 THEN 'api_key' WHEN 1 THEN 'oauth_app' WHEN 2 THEN 'machine_client' WHEN 3 THEN 'service_token' ELSE 'user_grant' END),
      ip, (CASE abs(random()) % 4 WHEN 0 THEN 'POST' WHEN 1 THEN 'PATCH' ELSE 'GET' END),
      (CASE abs(random()) % 8 WHEN 0 THEN '/v1/contacts/export' WHEN 1 THEN '/v1/api-keys' WHEN 2 THEN '/v1/apps' WHEN 3 THEN '/v1/workspace' WHEN 4 THEN '/v1/machine-clients' WHEN 5 THEN '/v1/contacts/con_' || printf('%05d', abs(random()) % 20000) ELSE '/v1/contacts' END),
      (CASE abs(random()) % 10 WHEN 0 THEN 404 WHEN 1 THEN 403 WHEN 2 THEN 500 WHEN 3 THEN 201 WHEN 4 THEN 429 ELSE 200 END), abs(random()) % 900, abs(random()) % 3 = 0,
      (CASE WHEN i % 11 = 0 THEN '{"note":"=HYPERLINK(\\"http://evil.example\\",\\"x\\"), \\"quoted\\"\\nnew line","q":"+SUM(A1)"}'
            ELSE '{"cursor":"c' || (abs(random()) % 1000000) || '","fields":["name","email"],"limit":' || (abs(random()) % 500) || ',"query":"' || (CASE abs(random()) % 4 WHEN 0 THEN 'acme renewal' WHEN 1 THEN 'invoice overdue' WHEN 2 THEN 'newsletter signup' ELSE 'contact sync' END) || '"}' END),
      lower(hex(randomblob(32))), lower(hex(randomblob(32))), ms * 1024 + (i % 40), ip_hex, NULL
    FROM (SELECT i, 'ws_' || printf('%02d', i % ${WORKSPACES}) AS ws, i / ${WORKSPACES} + 1 AS seq, ${start} + (i / ${WORKSPACES}) * ${step} + (i % ${WORKSPACES}) * 7 AS ms,
      '10.' || (i % 7) || '.' || (abs(random()) % 256) || '.' || (abs(random()) % 256) AS ip, '00000000000000000000ffff0a0' || (i % 7) || printf('%04x', abs(random()) % 65536) AS ip_hex FROM c)
  `).run(n);
  // the same csv_plain rule sync applies per event (repo.csvPlain)
  db.function('csv_plain_row', { deterministic: true, varargs: true }, (...v: unknown[]) => (v.every((x) => csvPlain(x as string | null)) ? 1 : 0));
  db.exec('UPDATE audit_events SET csv_plain = csv_plain_row(workspace_id, event_id, occurred_at, credential_id, credential_type, caller_ip, method, endpoint) WHERE extra_json IS NULL');
  for (const i of idx) db.exec(i.sql);
  db.exec(`INSERT INTO audit_sync_state (workspace_id, cursor_seq, head_hash, event_count, state)
    SELECT workspace_id, max(seq), (SELECT hash FROM audit_events b WHERE b.workspace_id = a.workspace_id ORDER BY seq DESC LIMIT 1), count(*), 'ok' FROM audit_events a GROUP BY workspace_id`);
  db.exec('COMMIT');
  // the full-text index, ix and the aggregates exactly as the indexer builds them behind a sync: one batch per workspace
  createAuditIndexer(db).step(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { dir, db, genMs: performance.now() - t0 };
}

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
