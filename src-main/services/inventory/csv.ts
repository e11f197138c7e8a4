// The matrix as CSV: RFC 4180 (CRLF, quotes doubled, fields with , " CR LF quoted) and formula-safe
// (a cell starting with = + - @ TAB CR LF or NUL gets a leading apostrophe, OWASP CSV injection).
import type { Matrix } from '../../../src-common/contract/inventory.ts';

const FORMULA_START = /^[=+\-@\t\r\n\u0000]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: Array<string | number | boolean | null | undefined>): string {
  return cells.map(csvCell).join(',');
}

/** One row per credential; a scope cell is "granted", "over-grant" (granted, not in the baseline), "drift" (new since review) or empty. */
export function matrixToCsv(m: Matrix): string {
  const head = ['workspace_id', 'workspace', 'credential_id', 'type', 'name', 'label', 'status', 'expires_at', 'last_used_at', ...m.columns.map((c) => c.scope), 'total_scopes'];
  const lines = [csvLine(head)];
  for (const ws of m.workspaces) {
    for (const c of ws.credentials) {
      const held = new Set(c.scopes);
      const over = new Set(c.overGrants);
      const drift = new Set(c.drift);
      const cells = m.columns.map((col) => (!held.has(col.scope) ? '' : drift.has(col.scope) ? 'drift' : over.has(col.scope) ? 'over-grant' : 'granted'));
      lines.push(csvLine([ws.id, ws.name, c.id, c.type, c.name, c.label, c.status, c.expiresAt, c.lastUsedAt, ...cells, c.scopes.length]));
    }
  }
  lines.push(csvLine(['', 'TOTAL', '', '', '', '', '', '', '', ...m.columns.map((c) => c.total), m.totals.grants]));
  return lines.join('\r\n') + '\r\n';
}
