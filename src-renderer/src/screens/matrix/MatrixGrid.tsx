// The scope matrix grid: rows are workspaces expanding into credentials, columns are catalogue scopes grouped by
// resource. Rows are virtualized (@tanstack/react-virtual); the header row and the name column stay sticky.
// Keyboard: the grid is one tab stop; arrows move the active cell (aria-activedescendant), Home/End, PageUp/PageDown,
// Ctrl+Home/End; Enter expands a workspace, opens a credential's drawer, or filters by a column from its header;
// Space selects a credential for bulk revoke.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { CredentialSummary, Matrix, MatrixWorkspace } from '../../../../src-common/contract/index.ts';
import { lifecycleText, TYPE_LABEL } from './format.ts';
import { selKey } from '../../stores/inventory-store.ts';
import { PolicyMark, ruleWords, type PolicyMarks } from '../../components/PolicyMarks.tsx';

export const ROW_H = 30;
const NAME_W = 300;
const CELL_W = 34;
const TOTAL_W = 56;

const FIRST_PAINT = { elementtiming: 'matrix-first-row' } as Record<string, string>;

export type GridRow = { kind: 'ws'; ws: MatrixWorkspace; open: boolean } | { kind: 'cred'; ws: MatrixWorkspace; cred: CredentialSummary };

export interface MatrixGridProps {
  matrix: Matrix;
  expanded: (workspaceId: string) => boolean;
  activeScopes: string[];
  selected: Set<string>;
  onToggleWorkspace(id: string): void;
  onOpenCredential(workspaceId: string, credentialId: string): void;
  onToggleSelected(workspaceId: string, credentialId: string): void;
  onColumn(scope: string): void;
  /** the followed policy file's violations: marked on workspace rows, credential rows and the failing cells */
  marks?: PolicyMarks | null;
}

export function flattenRows(matrix: Matrix, expanded: (id: string) => boolean): GridRow[] {
  const rows: GridRow[] = [];
  for (const ws of matrix.workspaces) {
    const open = expanded(ws.id);
    rows.push({ kind: 'ws', ws, open });
    if (open) for (const cred of ws.credentials) rows.push({ kind: 'cred', ws, cred });
  }
  return rows;
}

export function MatrixGrid({ matrix, expanded, activeScopes, selected, onToggleWorkspace, onOpenCredential, onToggleSelected, onColumn, marks }: MatrixGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => flattenRows(matrix, expanded), [matrix, expanded]);
  const cols = matrix.columns;
  const lastCol = cols.length + 1;
  const [active, setActive] = useState<{ row: number; col: number }>({ row: 0, col: 0 });
  const groups = useMemo(() => {
    const g: { resource: string; span: number }[] = [];
    for (const c of cols) {
      const last = g[g.length - 1];
      if (last && last.resource === c.resource) last.span++;
      else g.push({ resource: c.resource, span: 1 });
    }
    return g;
  }, [cols]);
  // the filtered columns stay in view: sticky to the left (after the name column) and to the right edge, in order
  const pinned = useMemo(() => {
    const idx = cols.map((c, i) => (activeScopes.includes(c.scope) ? i : -1)).filter((i) => i >= 0);
    return new Map(idx.map((i, k) => [i, { left: NAME_W + k * CELL_W, right: (idx.length - 1 - k) * CELL_W }]));
  }, [cols, activeScopes]);
  const pin = (i: number) => pinned.get(i);
  // a few rows of overscan, not a screenful: the first paint lays out only the rows in view (fresh-page renders are
  // interpreted code, so every row costs; the grid is measured in the first commit and filled before it is painted)
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 4 });
  const width = NAME_W + cols.length * CELL_W + TOTAL_W;

  useLayoutEffect(() => {
    // first render with data: the bench reads this mark
    performance.mark('grantdesk:matrix-rendered');
  }, [matrix]);

  useEffect(() => {
    setActive((a) => ({ row: Math.min(a.row, Math.max(0, rows.length - 1)), col: Math.min(a.col, lastCol) }));
  }, [rows.length, lastCol]);

  const move = useCallback(
    (row: number, col: number) => {
      const r = Math.max(-1, Math.min(rows.length - 1, row));
      const c = Math.max(0, Math.min(lastCol, col));
      setActive({ row: r, col: c });
      if (r >= 0) virtualizer.scrollToIndex(r, { align: 'auto' });
      else if (scrollRef.current) scrollRef.current.scrollTop = 0;
      // keep the active column in view horizontally (the name column is sticky)
      const el = scrollRef.current;
      if (el && c > 0) {
        const left = NAME_W + (c - 1) * CELL_W;
        if (left < el.scrollLeft + NAME_W) el.scrollLeft = Math.max(0, left - NAME_W);
        else if (left + CELL_W > el.scrollLeft + el.clientWidth) el.scrollLeft = left + CELL_W - el.clientWidth;
      } else if (el && c === 0) el.scrollLeft = 0;
    },
    [rows.length, lastCol, virtualizer],
  );

  const activate = useCallback(() => {
    if (active.row === -1) {
      const col = cols[active.col - 1];
      if (col) onColumn(col.scope);
      return;
    }
    const row = rows[active.row];
    if (!row) return;
    if (row.kind === 'ws') onToggleWorkspace(row.ws.id);
    else onOpenCredential(row.ws.id, row.cred.id);
  }, [active, rows, cols, onColumn, onToggleWorkspace, onOpenCredential]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_H) - 2);
    const { row, col } = active;
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        move(row + 1, col);
        break;
      case 'ArrowUp':
        move(row - 1, col);
        break;
      case 'ArrowRight':
        move(row, col + 1);
        break;
      case 'ArrowLeft':
        move(row, col - 1);
        break;
      case 'Home':
        move(e.ctrlKey || e.metaKey ? 0 : row, 0);
        break;
      case 'End':
        move(e.ctrlKey || e.metaKey ? rows.length - 1 : row, lastCol);
        break;
      case 'PageDown':
        move(row + page, col);
        break;
      case 'PageUp':
        move(row - page, col);
        break;
      case 'Enter':
        activate();
        break;
      case ' ': {
        const r = rows[row];
        if (r?.kind === 'cred' && r.cred.revocable) onToggleSelected(r.ws.id, r.cred.id);
        else if (r?.kind === 'ws') onToggleWorkspace(r.ws.id);
        break;
      }
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  const activeId = active.row === -1 ? `mx-h-c${active.col}` : `mx-r${active.row}-c${active.col}`;
  const isActive = (r: number, c: number) => active.row === r && active.col === c;
  const items = virtualizer.getVirtualItems();

  return (
    <div
      className="matrix-scroll"
      ref={scrollRef}
      role="grid"
      aria-label="Scope matrix"
      aria-rowcount={rows.length + 2}
      aria-colcount={cols.length + 2}
      aria-activedescendant={activeId}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="matrix-grid"
    >
      <div className="matrix-inner" style={{ width }}>
        <div className="matrix-head" role="rowgroup">
          <div className="matrix-row matrix-group-row" role="row" aria-rowindex={1}>
            <div className="mx-name mx-corner" role="columnheader">
              Resource
            </div>
            {groups.map((g) => (
              <div key={g.resource} className="mx-group" role="columnheader" aria-colspan={g.span} style={{ width: g.span * CELL_W }} title={g.resource}>
                {g.resource}
              </div>
            ))}
            <div className="mx-total mx-group" role="columnheader" />
          </div>
          <div className="matrix-row matrix-col-row" role="row" aria-rowindex={2}>
            <div id="mx-h-c0" className={`mx-name mx-corner${isActive(-1, 0) ? ' mx-active' : ''}`} role="columnheader">
              Workspace / credential
            </div>
            {cols.map((c, i) => {
              const on = activeScopes.includes(c.scope);
              return (
                <div
                  key={c.scope}
                  id={`mx-h-c${i + 1}`}
                  role="columnheader"
                  className={`mx-col mx-act-${c.action}${on ? ' mx-col-filtered' : ''}${pin(i) ? ' mx-pinned' : ''}${c.inBaseline ? ' mx-col-baseline' : ''}${isActive(-1, i + 1) ? ' mx-active' : ''}`}
                  style={pin(i)}
                  title={`${c.scope}: ${c.description}. ${c.total} credentials. Click to ${on ? 'clear the filter' : 'show only credentials holding it'}.`}
                  aria-sort="none"
                  data-testid={`col-${c.scope}`}
                  onClick={() => onColumn(c.scope)}
                >
                  <span className="mx-col-action">{c.action.slice(0, 1).toUpperCase()}</span>
                  <span className="mx-col-total">{c.total}</span>
                </div>
              );
            })}
            <div id={`mx-h-c${lastCol}`} className={`mx-total${isActive(-1, lastCol) ? ' mx-active' : ''}`} role="columnheader">
              Total
            </div>
          </div>
        </div>
        <div className="matrix-body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((v) => {
            const row = rows[v.index]!;
            const r = v.index;
            if (row.kind === 'ws') {
              const ws = row.ws;
              return (
                <div
                  key={`w-${ws.id}`}
                  className={`matrix-row mx-ws-row${ws.hasDrift ? ' mx-row-drift' : ''}`}
                  role="row"
                  aria-rowindex={r + 3}
                  aria-expanded={row.open}
                  data-testid="matrix-ws-row"
                  data-workspace-id={ws.id}
                  style={{ top: v.start }}
                >
                  <div
                    id={`mx-r${r}-c0`}
                    role="rowheader"
                    className={`mx-name${isActive(r, 0) ? ' mx-active' : ''}`}
                    onClick={() => {
                      setActive({ row: r, col: 0 });
                      onToggleWorkspace(ws.id);
                    }}
                    title={ws.name}
                  >
                    <span className="mx-caret" aria-hidden="true">
                      {row.open ? '▾' : '▸'}
                    </span>
                    {/* Element Timing on the first row's name: when the grid is painted (bench/matrix-render.bench.ts) */}
                    <span className="mx-ws-name" {...(r === 0 ? FIRST_PAINT : undefined)}>
                      {ws.name}
                    </span>
                    <span className="mx-ws-meta">
                      {ws.credentialCount}
                      {ws.connection !== 'connected' ? ` · ${ws.connection}` : ''}
                      {ws.sync.state === 'failed' ? ' · sync failed' : ws.sync.state === 'never' ? ' · never synced' : ''}
                    </span>
                    {(marks?.byWorkspace.get(ws.id)?.length ?? 0) > 0 && (
                      <a className="tag tag-policy" href="#/policy" title={`Breaks the policy: ${ruleWords(marks!.byWorkspace.get(ws.id)!)}`} onClick={(e) => e.stopPropagation()} data-testid="matrix-ws-policy">
                        {marks!.byWorkspace.get(ws.id)!.length} policy
                      </a>
                    )}
                  </div>
                  {cols.map((c, i) => {
                    const n = ws.columnCounts[i] ?? 0;
                    return (
                      <div
                        key={c.scope}
                        id={`mx-r${r}-c${i + 1}`}
                        role="gridcell"
                        className={`mx-cell mx-count${n ? ' mx-has' : ''}${pin(i) ? ' mx-pinned' : ''}${isActive(r, i + 1) ? ' mx-active' : ''}`}
                        style={pin(i)}
                        aria-label={`${ws.name}, ${c.scope}: ${n} credential${n === 1 ? '' : 's'}`}
                      >
                        {n || ''}
                      </div>
                    );
                  })}
                  <div id={`mx-r${r}-c${lastCol}`} role="gridcell" className={`mx-total${isActive(r, lastCol) ? ' mx-active' : ''}`}>
                    {ws.total}
                  </div>
                </div>
              );
            }
            const cred = row.cred;
            const held = new Set(cred.scopes);
            const over = new Set(cred.overGrants);
            const drift = new Set(cred.drift);
            const k = selKey(row.ws.id, cred.id);
            return (
              <div
                key={`c-${row.ws.id}-${cred.id}`}
                className={`matrix-row mx-cred-row${cred.status === 'revoked' ? ' mx-revoked' : ''}${selected.has(k) ? ' mx-selected' : ''}`}
                role="row"
                aria-rowindex={r + 3}
                aria-selected={selected.has(k)}
                data-testid="matrix-cred-row"
                data-credential-id={cred.id}
                data-workspace-id={row.ws.id}
                style={{ top: v.start }}
              >
                <div
                  id={`mx-r${r}-c0`}
                  role="rowheader"
                  className={`mx-name mx-cred-name${isActive(r, 0) ? ' mx-active' : ''}`}
                  title={`${cred.name} (${TYPE_LABEL[cred.type]}${cred.label ? `, ${cred.label}` : ''})`}
                >
                  <input
                    type="checkbox"
                    className="mx-check"
                    tabIndex={-1}
                    checked={selected.has(k)}
                    disabled={!cred.revocable}
                    title={cred.revocable ? undefined : notRevocableReason(cred)}
                    aria-label={`Select ${cred.name} in ${row.ws.name} for bulk revoke`}
                    onChange={() => onToggleSelected(row.ws.id, cred.id)}
                  />
                  <button
                    type="button"
                    tabIndex={-1}
                    className="mx-cred-open"
                    onClick={() => {
                      setActive({ row: r, col: 0 });
                      onOpenCredential(row.ws.id, cred.id);
                    }}
                    data-testid="matrix-cred-open"
                  >
                    <span className={`type-badge type-${cred.type}`}>{TYPE_LABEL[cred.type]}</span>
                    <span className="mx-cred-label">{cred.name}</span>
                    {cred.isGrantdesk && <span className="tag">Grantdesk</span>}
                    {cred.expiringSoon && <span className="tag tag-warning">expiring</span>}
                    {cred.status !== 'active' && <span className="tag">{cred.status}</span>}
                  </button>
                  <PolicyMark violations={marks?.byCredential.get(`${row.ws.id}|${cred.id}`) ?? []} testId="matrix-policy-mark" compact />
                </div>
                {cols.map((c, i) => {
                  const g = held.has(c.scope);
                  const d = g && drift.has(c.scope);
                  const o = g && over.has(c.scope);
                  const pv = g ? marks?.byCell.get(`${row.ws.id}|${cred.id}|${c.scope}`) : undefined;
                  const state = `${!g ? 'not granted' : d ? 'granted, new since the last review' : o ? 'granted, not in the baseline' : 'granted'}${pv ? `; breaks the policy: ${ruleWords(pv)}` : ''}`;
                  return (
                    <div
                      key={c.scope}
                      id={`mx-r${r}-c${i + 1}`}
                      role="gridcell"
                      className={`mx-cell${g ? ` mx-granted mx-act-${c.action}` : ''}${o ? ' mx-over' : ''}${d ? ' mx-drift' : ''}${pv ? ' mx-policy' : ''}${pin(i) ? ' mx-pinned' : ''}${isActive(r, i + 1) ? ' mx-active' : ''}`}
                      style={pin(i)}
                      aria-label={`${cred.name}, ${c.scope}: ${state}`}
                      title={pv ? `${c.scope} breaks the policy: ${ruleWords(pv)}` : undefined}
                      data-scope={c.scope}
                      data-policy={pv ? pv.map((x) => x.rule).join(' ') : undefined}
                      data-state={!g ? 'none' : d ? 'drift' : o ? 'over' : 'granted'}
                    >
                      {g ? (d ? '◆' : '●') : ''}
                    </div>
                  );
                })}
                <div id={`mx-r${r}-c${lastCol}`} role="gridcell" className={`mx-total${isActive(r, lastCol) ? ' mx-active' : ''}`}>
                  {cred.scopes.length}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Why a credential's checkbox is disabled, in the drawer's words. */
function notRevocableReason(cred: CredentialSummary): string {
  return cred.type === 'service_token'
    ? 'Service tokens cannot be revoked; they expire on their own.'
    : `Nothing to revoke here: ${lifecycleText(cred.lifecycle).toLowerCase()}.`;
}
