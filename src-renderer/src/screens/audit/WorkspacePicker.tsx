// Workspace filter: names (ids secondary), a search box, multi-select; each tick applies at once. Virtualized list.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';

export interface PickerWorkspace {
  id: string;
  name: string;
}

/** a workspace group (policy group or local tag) whose members the picker can select at once */
export interface PickerGroup {
  key: string;
  label: string;
  members: ReadonlySet<string>;
}

export function WorkspacePicker({ workspaces, selected, onChange, groups = [] }: { workspaces: PickerWorkspace[]; selected: string[]; onChange(ids: string[]): void; groups?: readonly PickerGroup[] }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const boxRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const list = [...workspaces].sort((a, b) => a.name.localeCompare(b.name));
    return needle ? list.filter((w) => w.name.toLowerCase().includes(needle) || w.id.toLowerCase().includes(needle)) : list;
  }, [workspaces, q]);
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => listRef.current, estimateSize: () => 30, overscan: 8 });
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (boxRef.current && !boxRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  const sel = new Set(selected);
  const nameOf = (id: string) => workspaces.find((w) => w.id === id)?.name ?? id;
  const label = selected.length === 0 ? 'All workspaces' : selected.length === 1 ? nameOf(selected[0]!) : `${selected.length} workspaces`;
  const toggle = (id: string) => onChange(sel.has(id) ? selected.filter((x) => x !== id) : [...selected, id]);
  return (
    <div className="audit-picker" ref={boxRef} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button type="button" className="button audit-picker-button" aria-haspopup="listbox" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="audit-filter-workspaces" title={selected.map(nameOf).join(', ') || 'Every workspace in the cache'}>
        <span className="audit-ellipsis">{label}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="audit-picker-pop" role="dialog" aria-label="Choose workspaces">
          <input type="search" className="input" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Find a workspace by name" aria-label="Find a workspace" autoFocus data-testid="audit-workspace-search" />
          <div className="audit-picker-actions">
            <button type="button" className="link-button" onClick={() => onChange([...new Set([...selected, ...shown.map((w) => w.id)])])} disabled={shown.length === 0}>
              {q ? `Select ${shown.length} shown` : 'Select all'}
            </button>
            <button type="button" className="link-button" onClick={() => onChange([])} disabled={selected.length === 0} title={selected.length === 0 ? 'No workspace is selected' : undefined}>
              Clear
            </button>
            {groups.length > 0 && (
              <select
                className="input"
                aria-label="Select a group's workspaces"
                value=""
                onChange={(e) => {
                  const g = groups.find((x) => x.key === e.target.value);
                  if (g) onChange(workspaces.filter((w) => g.members.has(w.id)).map((w) => w.id));
                }}
                data-testid="audit-workspace-group"
              >
                <option value="">Select a group…</option>
                {groups.map((g) => (
                  <option key={g.key} value={g.key}>
                    {g.label}
                  </option>
                ))}
              </select>
            )}
          </div>
          <div className="audit-picker-list" ref={listRef} role="listbox" aria-multiselectable="true">
            {shown.length === 0 && <p className="muted">No workspace matches “{q}”.</p>}
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((v) => {
                const w = shown[v.index]!;
                return (
                  <label key={w.id} className="audit-picker-item" style={{ transform: `translateY(${v.start}px)` }} role="option" aria-selected={sel.has(w.id)} data-testid="audit-workspace-option">
                    <input type="checkbox" checked={sel.has(w.id)} onChange={() => toggle(w.id)} />
                    <span className="audit-ellipsis">{w.name}</span>
                    <span className="audit-sub mono">{w.id}</span>
                  </label>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
