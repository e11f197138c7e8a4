// The command palette (Ctrl/Cmd+K): type to filter, arrows to move, Enter to go, Esc to close. Jumps to a screen, a
// workspace or a credential by name, or runs an action (sync, connect, export, review, theme). Data comes from the
// stores (workspaces, inventory matrix); write actions are gated like <WriteButton> (disabled with the reason).
// The list is an ARIA combobox: focus stays in the input, aria-activedescendant names the highlighted option.
import * as RadixDialog from '@radix-ui/react-dialog';
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { CREDENTIAL_TYPE_WORDS, type CommandName } from '../../../src-common/contract/index.ts';
import { READ_ONLY_TITLE, useReviewMode } from '../app/use-review-mode.ts';
import { modLabel } from '../app/keys.ts';
import { SCREENS } from '../app/screens.ts';
import { selectMatrix, selectMatrixFilters } from '../stores/inventory-store.ts';
import { selectLoaded, selectWorkspaces } from '../stores/workspaces-store.ts';
import { useSelect, useStores } from '../stores/use-store.ts';

type Group = 'Screens' | 'Actions' | 'Workspaces' | 'Credentials';
const GROUPS: readonly Group[] = ['Screens', 'Actions', 'Workspaces', 'Credentials'];
/** per group, how many matches are listed (the header says how many there are in all) */
const GROUP_LIMIT = 40;

interface PaletteItem {
  key: string;
  group: Group;
  label: string;
  hint: string;
  /** extra words to match that are not shown */
  keywords?: string;
  command?: CommandName;
  run(): void;
}

export interface CommandPaletteProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  /** go to a screen (and optional route query); focus moves to `focus` (a selector in the screen) or its heading */
  onGo(screen: string, query?: string, focus?: string): void;
  onShowShortcuts(): void;
}


function matches(item: PaletteItem, tokens: string[]): number {
  if (tokens.length === 0) return 1;
  const label = item.label.toLowerCase();
  const hay = `${label} ${item.hint.toLowerCase()} ${item.keywords?.toLowerCase() ?? ''}`;
  if (!tokens.every((t) => hay.includes(t))) return 0;
  // rank: label starts with the query, then a word of the label does, then anywhere
  const q = tokens.join(' ');
  if (label.startsWith(q)) return 3;
  if (label.includes(` ${tokens[0]}`) || label.includes(q)) return 2;
  return 1;
}

export function CommandPalette({ open, onOpenChange, onGo, onShowShortcuts }: CommandPaletteProps) {
  const { workspaces: wsStore, inventory: invStore, audit: auditStore, settings: settingsStore } = useStores();
  const workspaces = useSelect(wsStore, selectWorkspaces);
  const wsLoaded = useSelect(wsStore, selectLoaded);
  const matrix = useSelect(invStore, selectMatrix);
  const matrixFilters = useSelect(invStore, selectMatrixFilters);
  // credentials come from the scope matrix: when it is filtered, the palette says so (it finds only those)
  const credentialsFiltered = Object.values(matrixFilters).some((v) => v !== undefined && v !== false && v !== '' && !(Array.isArray(v) && v.length === 0));
  const review = useReviewMode();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const optionId = (i: number) => `${listId}-opt-${i}`;
  const returnFocus = useRef<HTMLElement | null>(null);

  // names come from the stores: load what is not loaded yet when the palette opens
  useEffect(() => {
    if (!open) return;
    setQuery('');
    setActive(0);
    if (!wsLoaded) void wsStore.getState().load();
    if (!invStore.getState().matrix) void invStore.getState().load();
  }, [open, wsLoaded, wsStore, invStore]);

  const items = useMemo<PaletteItem[]>(() => {
    const out: PaletteItem[] = SCREENS.map((s) => ({ key: `screen:${s.id}`, group: 'Screens', label: s.label, hint: `${modLabel}${s.shortcut}`, keywords: 'screen', run: () => onGo(s.id) }));
    out.push(
      { key: 'action:sync-audit', group: 'Actions', label: 'Sync the audit log', hint: 'Audit explorer', keywords: 'sync refresh events', command: 'audit.sync', run: () => (void auditStore.getState().sync(), onGo('audit')) },
      { key: 'action:sync-inventory', group: 'Actions', label: 'Sync the credential inventory', hint: 'Scope matrix', keywords: 'sync refresh credentials scopes', command: 'inventory.sync', run: () => (void invStore.getState().sync(), onGo('scope-matrix')) },
      { key: 'action:connect', group: 'Actions', label: 'Connect a workspace', hint: 'Workspaces', keywords: 'add sign in grant oauth', command: 'workspaces.connect', run: () => onGo('workspaces') },
      { key: 'action:export', group: 'Actions', label: 'Export audit events', hint: 'Exports', keywords: 'csv jsonl download evidence', run: () => onGo('exports') },
      { key: 'action:review', group: 'Actions', label: 'Issue an auditor review', hint: 'Reviews', keywords: 'review auditor read-only share', command: 'review.create', run: () => onGo('reviews') },
      { key: 'action:shortcuts', group: 'Actions', label: 'Show keyboard shortcuts', hint: '?', keywords: 'keys help', run: () => onShowShortcuts() },
      ...(['light', 'dark', 'system'] as const).map<PaletteItem>((t) => ({
        key: `action:theme-${t}`,
        group: 'Actions',
        label: `Use the ${t === 'system' ? 'system' : t} theme`,
        hint: 'Settings',
        keywords: 'appearance theme colour color mode',
        command: 'settings.set',
        run: () => void settingsStore.getState().save({ theme: t }),
      })),
    );
    for (const w of workspaces) {
      // its row on the Workspaces screen (status, scopes, token, actions), focused and scrolled into view
      out.push({ key: `ws:${w.id}`, group: 'Workspaces', label: w.name, hint: w.platformName, keywords: w.id, run: () => onGo('workspaces', undefined, `[data-workspace="${CSS.escape(w.id)}"]`) });
    }
    const wsName = new Map(workspaces.map((w) => [w.id, w.name]));
    for (const mw of matrix?.workspaces ?? []) {
      for (const c of mw.credentials) {
        out.push({
          key: `cred:${mw.id}:${c.id}`,
          group: 'Credentials',
          label: c.name,
          // same-named credentials differ by their label (the key's masked form or the client id)
          hint: [CREDENTIAL_TYPE_WORDS[c.type], c.label, wsName.get(mw.id) ?? mw.name].filter(Boolean).join(' · '),
          keywords: `${c.id} ${c.label ?? ''}`,
          run: () => onGo('credentials', `workspace=${encodeURIComponent(mw.id)}&credential=${encodeURIComponent(c.id)}`),
        });
      }
    }
    return out;
  }, [workspaces, matrix, onGo, onShowShortcuts, auditStore, invStore, settingsStore]);

  const tokens = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const { shown, totals } = useMemo(() => {
    const totals: Record<Group, number> = { Screens: 0, Actions: 0, Workspaces: 0, Credentials: 0 };
    const byGroup: Record<Group, Array<{ item: PaletteItem; rank: number }>> = { Screens: [], Actions: [], Workspaces: [], Credentials: [] };
    for (const item of items) {
      // with nothing typed: screens and actions only (names appear as you type)
      if (tokens.length === 0 && (item.group === 'Workspaces' || item.group === 'Credentials')) continue;
      const rank = matches(item, tokens);
      if (rank === 0) continue;
      totals[item.group]++;
      byGroup[item.group].push({ item, rank });
    }
    const shown: PaletteItem[] = [];
    for (const g of GROUPS) {
      const list = byGroup[g];
      // with nothing typed, screens and actions keep their own order (the nav's); matches sort best first, then by name
      if (tokens.length > 0) list.sort((a, b) => b.rank - a.rank || a.item.label.localeCompare(b.item.label));
      shown.push(...list.slice(0, GROUP_LIMIT).map((x) => x.item));
    }
    return { shown, totals };
    // tokens is derived from query
  }, [items, query]);

  const activeIndex = Math.min(active, Math.max(0, shown.length - 1));
  useEffect(() => {
    document.getElementById(optionId(activeIndex))?.scrollIntoView({ block: 'nearest' });
    // optionId depends only on listId
  }, [activeIndex, shown]);

  const blockedReason = (item: PaletteItem) => (item.command && review.blocked(item.command) ? READ_ONLY_TITLE : null);
  const runItem = (item: PaletteItem | undefined) => {
    if (!item || blockedReason(item)) return;
    onOpenChange(false);
    item.run();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const n = shown.length;
    if (e.key === 'ArrowDown' && n > 0) setActive((activeIndex + 1) % n);
    else if (e.key === 'ArrowUp' && n > 0) setActive((activeIndex - 1 + n) % n);
    else if (e.key === 'PageDown' && n > 0) setActive(Math.min(n - 1, activeIndex + 8));
    else if (e.key === 'PageUp' && n > 0) setActive(Math.max(0, activeIndex - 8));
    else if (e.key === 'Enter') runItem(shown[activeIndex]);
    else return;
    e.preventDefault();
  };

  let lastGroup: Group | null = null;
  const waiting = tokens.length > 0 && (!wsLoaded || matrix === null);
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <div className="dialog-backdrop" aria-hidden="true" />
        <RadixDialog.Content
          className="palette"
          data-testid="command-palette"
          aria-describedby={undefined}
          onOpenAutoFocus={() => {
            returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          }}
          onCloseAutoFocus={(e) => {
            // a jump moves focus to the new screen's heading; otherwise focus goes back where it was
            const el = returnFocus.current;
            returnFocus.current = null;
            e.preventDefault();
            if (el?.isConnected && !document.activeElement?.closest('main')) el.focus();
          }}
        >
          <RadixDialog.Title className="sr-only">Command palette</RadixDialog.Title>
          <input
            type="search"
            className="palette-input"
            role="combobox"
            aria-label="Go to a screen, workspace or credential, or run an action"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={shown.length > 0 ? optionId(activeIndex) : undefined}
            placeholder="Jump to a screen, workspace, credential or action…"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
            onKeyDown={onKeyDown}
            autoComplete="off"
            spellCheck={false}
            data-testid="palette-input"
          />
          <ul className="palette-list" role="listbox" id={listId} aria-label="Results" data-testid="palette-list">
            {shown.map((item, i) => {
              const header =
                item.group !== lastGroup ? (
                  <li role="presentation" className="palette-group" key={`g:${item.group}`} data-testid={`palette-group-${item.group.toLowerCase()}`}>
                    {item.group}
                    {item.group === 'Credentials' && credentialsFiltered ? ' · in the filtered scope matrix' : ''}
                    {totals[item.group] > GROUP_LIMIT ? ` · first ${GROUP_LIMIT} of ${totals[item.group]}, keep typing to narrow` : ''}
                  </li>
                ) : null;
              lastGroup = item.group;
              const reason = blockedReason(item);
              return [
                header,
                <li
                  key={item.key}
                  id={optionId(i)}
                  role="option"
                  className="palette-item"
                  aria-selected={i === activeIndex}
                  aria-disabled={reason ? true : undefined}
                  title={reason ?? undefined}
                  data-testid="palette-item"
                  data-key={item.key}
                  onMouseMove={() => i !== activeIndex && setActive(i)}
                  onClick={() => runItem(item)}
                >
                  <span className="palette-item-label">{item.label}</span>
                  <span className="palette-item-hint">{reason ? 'Not available in a read-only review' : item.hint}</span>
                </li>,
              ];
            })}
          </ul>
          {shown.length === 0 && (
            <p className="palette-empty" role="status" data-testid="palette-empty">
              {waiting ? 'Loading workspace and credential names…' : `Nothing matches “${query.trim()}”. Try part of a workspace or credential name.`}
            </p>
          )}
          <div className="palette-footer" aria-hidden="true">
            <span>
              <kbd>↑</kbd> <kbd>↓</kbd> move
            </span>
            <span>
              <kbd>Enter</kbd> go
            </span>
            <span>
              <kbd>Esc</kbd> close
            </span>
          </div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
