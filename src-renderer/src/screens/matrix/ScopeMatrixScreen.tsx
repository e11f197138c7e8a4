// Scope matrix: who holds which permission in which workspace, from the local cache (readable offline, with its age).
// Two interactions to every holder of a scope: click its column header (or type it in the scope filter).
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useState } from 'react';
import { CREDENTIAL_TYPES, type CredentialType } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { ageText, ago, TYPE_LABEL } from './format.ts';
import {
  countsText,
  matrixCredentialFilterActive,
  selectCredentialCounts,
  selectExpanded,
  selectInventoryError,
  selectMatrix,
  selectLastReviewed,
  selectMatrixFilters,
  selectMatrixLoading,
  selectSelected,
  selectSyncing,
  selKey,
} from '../../stores/inventory-store.ts';
import { WriteButton, WriteSelect } from '../../components/WriteButton.tsx';
import { InventoryOverlays } from '../credentials/InventoryOverlays.tsx';
import { MatrixGrid } from './MatrixGrid.tsx';
import { BundlesDialog } from './BundlesDialog.tsx';
import { ReviewNotGranted, useNotGranted } from '../reviews/ReviewNotGranted.tsx';
import { GroupFilter, usePolicyGroups } from '../../components/GroupFilter.tsx';
import { groupBaseline, matrixForGroup } from './matrix-group.ts';
import './matrix.css';

export function ScopeMatrixScreen() {
  const { inventory: store } = useStores();
  const notGranted = useNotGranted('credentials');
  const fullMatrix = useSelect(store, selectMatrix);
  // the workspace group every screen shares: its workspaces only, judged against its baseline bundle when it has one
  const groups = usePolicyGroups();
  const baseline = useMemo(() => (fullMatrix && groups.selected ? groupBaseline(fullMatrix, groups.selected.name, groups.selected.baselineBundle) : null), [fullMatrix, groups.selected]);
  const matrix = useMemo(() => fullMatrix && matrixForGroup(fullMatrix, groups.members, baseline), [fullMatrix, groups.members, baseline]);
  const filters = useSelect(store, selectMatrixFilters);
  const loading = useSelect(store, selectMatrixLoading);
  const syncing = useSelect(store, selectSyncing);
  const error = useSelect(store, selectInventoryError);
  const expandedSet = useSelect(store, selectExpanded);
  const selected = useSelect(store, selectSelected);
  const counts = useSelect(store, selectCredentialCounts);
  const lastReviewed = useSelect(store, selectLastReviewed);
  const st = store.getState();
  // null: automatic (open while no filter is set, folded to one line of chips once one is)
  const [filtersOpen, setFiltersOpen] = useState<boolean | null>(null);
  const [bundlesOpen, setBundlesOpen] = useState(false);
  const [scopeText, setScopeText] = useState('');
  const [wsText, setWsText] = useState(filters.workspace ?? '');
  const scopeListId = useId();

  // a layout effect: the matrix request leaves before the empty screen is painted, not a frame after it
  useLayoutEffect(() => {
    const off = store.getState().connect();
    void store.getState().ensureFresh();
    return off;
  }, [store]);
  useEffect(() => {
    const t = setTimeout(() => {
      if ((store.getState().filters.workspace ?? '') !== wsText) store.getState().setFilters({ workspace: wsText || undefined });
    }, 200);
    return () => clearTimeout(t);
  }, [wsText, store]);

  // with a credential filter on, workspaces open by default (the expanded set then lists the collapsed ones)
  const auto = matrixCredentialFilterActive(filters);
  const expanded = useCallback((id: string) => (auto ? !expandedSet.has(id) : expandedSet.has(id)), [auto, expandedSet]);
  const activeScopes = filters.scopes ?? [];
  const toggleScope = useCallback(
    (scope: string) => {
      const cur = store.getState().filters.scopes ?? [];
      store.getState().setFilters({ scopes: cur.includes(scope) ? cur.filter((s) => s !== scope) : [...cur, scope] });
      store.getState().setAllExpanded(false);
    },
    [store],
  );
  const applyScopeText = () => {
    const v = scopeText.trim();
    if (!v) return;
    if (!activeScopes.includes(v)) toggleScope(v);
    setScopeText('');
  };
  const selectedTargets = useMemo(
    () =>
      matrix
        ? matrix.workspaces.flatMap((w) => w.credentials.filter((c) => selected.has(selKey(w.id, c.id))).map((c) => ({ workspace: w.id, credentialId: c.id })))
        : [],
    [matrix, selected],
  );
  const violatingTargets = useMemo(
    () => (matrix && groups.marks ? matrix.workspaces.flatMap((w) => w.credentials.filter((c) => c.revocable && groups.marks!.byCredential.has(`${w.id}|${c.id}`)).map((c) => ({ workspaceId: w.id, credentialId: c.id }))) : []),
    [matrix, groups.marks],
  );
  const never = matrix?.workspaces.filter((w) => w.sync.state === 'never').length ?? 0;
  const failed = matrix?.workspaces.filter((w) => w.sync.state === 'failed').length ?? 0;

  const exportCsv = async () => {
    const csv = await st.exportCsv();
    if (csv === null) return;
    // UTF-8 BOM so spreadsheet apps read the encoding; cells are already formula-safe
    const url = URL.createObjectURL(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `grantdesk-scope-matrix-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const toggle = (key: 'writeOrDelete' | 'overGrantsOnly' | 'driftOnly' | 'includeRevoked') => st.setFilters({ [key]: !filters[key] });
  const setType = (t: CredentialType, on: boolean) => {
    const cur = filters.types ?? [];
    st.setFilters({ types: on ? [...cur, t] : cur.filter((x) => x !== t) });
  };
  // every active filter as a removable chip (the folded filter bar is these, on one line)
  const chips: { key: string; label: string; remove(): void }[] = [
    ...activeScopes.map((s) => ({ key: `scope-${s}`, label: s, remove: () => toggleScope(s) })),
    ...(filters.workspace
      ? [
          {
            key: 'workspace',
            label: `workspace: ${filters.workspace}`,
            remove: () => {
              setWsText('');
              st.setFilters({ workspace: undefined });
            },
          },
        ]
      : []),
    ...(filters.types ?? []).map((t) => ({ key: `type-${t}`, label: TYPE_LABEL[t], remove: () => setType(t, false) })),
    ...(filters.writeOrDelete ? [{ key: 'wd', label: 'write or delete', remove: () => toggle('writeOrDelete') }] : []),
    ...(filters.expiringWithinDays !== undefined ? [{ key: 'exp', label: `expiring in ${filters.expiringWithinDays} days`, remove: () => st.setFilters({ expiringWithinDays: undefined }) }] : []),
    ...(filters.unusedForDays !== undefined ? [{ key: 'unused', label: `unused ${filters.unusedForDays} days`, remove: () => st.setFilters({ unusedForDays: undefined }) }] : []),
    ...(filters.overGrantsOnly ? [{ key: 'over', label: 'over-grants', remove: () => toggle('overGrantsOnly') }] : []),
    ...(filters.driftOnly ? [{ key: 'drift', label: 'drift', remove: () => toggle('driftOnly') }] : []),
    ...(filters.includeRevoked ? [{ key: 'revoked', label: 'including revoked', remove: () => toggle('includeRevoked') }] : []),
  ];
  const open = filtersOpen ?? chips.length === 0;
  const shown = matrix?.totals.credentials ?? 0;

  return (
    <section className="screen screen-matrix" aria-labelledby="screen-title" data-testid="scope-matrix-screen">
      <header className="screen-header matrix-header">
        <div>
          <h1 id="screen-title" tabIndex={-1}>
            Scope matrix
          </h1>
        </div>
        <div className="panel-actions matrix-actions">
          <button type="button" className="button matrix-sync" onClick={() => void st.sync()} disabled={syncing} title={syncing ? 'A sync is running' : undefined} data-testid="matrix-sync">
            {syncing ? 'Syncing…' : 'Sync now'}
          </button>
          <button type="button" className="button" onClick={() => void exportCsv()} data-testid="matrix-export-csv">
            Export CSV
          </button>
          <WriteButton command="inventory.markReviewed" className="button" onClick={() => void st.markReviewed(matrix?.workspaces.map((w) => w.id))} disabled={!matrix?.workspaces.length} title={!matrix?.workspaces.length ? 'No workspace is shown: change the filters first' : `Record the current grants of the ${matrix.workspaces.length} workspaces shown as reviewed (clears the “new since last review” marks)`} data-testid="matrix-mark-reviewed">
            {groups.selected ? `Mark ${groups.selected.name} reviewed (${matrix?.workspaces.length ?? 0})` : 'Mark reviewed'}
          </WriteButton>
          {groups.selected && groups.marks && (
            <button
              type="button"
              className="button"
              disabled={violatingTargets.length === 0}
              title={violatingTargets.length === 0 ? `No revocable credential of ${groups.selected.name} breaks the policy` : `Select the ${violatingTargets.length} revocable credentials of ${groups.selected.name} that break the policy, then revoke them together`}
              onClick={() => st.selectMany(violatingTargets)}
              data-testid="matrix-select-violating"
            >
              Select violating ({violatingTargets.length})
            </button>
          )}
          <WriteButton
            command="inventory.revoke"
            className="button button-danger matrix-revoke-selected"
            disabled={selectedTargets.length === 0}
            title={selectedTargets.length === 0 ? 'Select credentials with their checkboxes first' : undefined}
            onClick={() => st.openRevoke({ targets: selectedTargets, bulk: true })}
            data-testid="matrix-revoke-selected"
          >
            Revoke selected ({selectedTargets.length})
          </WriteButton>
        </div>
        <p className="screen-subtitle" data-testid="matrix-status">
          {matrix
            ? `Showing ${shown} credential${shown === 1 ? '' : 's'} in ${matrix.totals.workspaces} workspaces${filters.includeRevoked ? '' : ' (revoked hidden)'} · cache ${matrix.oldestSyncAt ? `from ${ago(matrix.oldestSyncAt)} (oldest workspace)` : 'empty'}${never ? ` · ${never} never synced` : ''}${failed ? ` · ${failed} failed to sync` : ''}`
            : loading
              ? 'Reading the cache…'
              : '\u00a0'}
        </p>
        <p className="screen-subtitle inv-counts" data-testid="inventory-counts" title="Every credential the cache holds, whatever its status; filters do not change this count">
          {counts ? countsText(counts) : '\u00a0'}
        </p>
        {lastReviewed && (
          <p className="screen-subtitle group-note" role="status" data-testid="matrix-reviewed-note">
            Marked {lastReviewed.count} workspace{lastReviewed.count === 1 ? '' : 's'} reviewed at {new Date(lastReviewed.at).toLocaleTimeString()}: scopes added after this show as new.
          </p>
        )}
        {baseline && (
          <p className="screen-subtitle group-note" data-testid="matrix-group-baseline">
            {baseline.scopes ? `Baseline: ${baseline.group}'s bundle “${baseline.bundle}” from the policy file (${baseline.scopes.length} scopes)` : `${baseline.group}'s baseline bundle “${baseline.bundle}” is in no workspace of the cache yet: push it from Scope bundles.`}
          </p>
        )}
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => st.dismissError()} testId="matrix-error" />}
      <ReviewNotGranted what="credentials" />

      <div className="matrix-filterbar" data-testid="active-filters">
        <GroupFilter groups={groups} testId="matrix-group-filter" className="input group-filter-inline" />
        <button type="button" className="button button-small" aria-expanded={open} aria-controls="matrix-filters" onClick={() => setFiltersOpen(!open)} data-testid="filters-toggle">
          {open ? '▾' : '▸'} Filters{chips.length ? ` (${chips.length})` : ''}
        </button>
        <div className="matrix-chips">
          {chips.length === 0 && (
            <span className="muted matrix-nofilter" data-testid="matrix-nofilter">
              {groups.selected ? `${groups.selected.key.startsWith('t:') ? 'Tag' : 'Group'} ${groups.selected.name} only: every credential of its workspaces` : 'No filter: every workspace and credential'}
              {filters.includeRevoked ? '' : ' (revoked hidden)'}. Click a column to see who holds a scope.
            </span>
          )}
          {chips.map((c) => (
            <button key={c.key} type="button" className="chip chip-button" onClick={c.remove} aria-label={`Remove filter ${c.label}`} title={`Remove filter ${c.label}`} data-testid={c.key.startsWith('scope-') ? `active-${c.key}` : `active-filter-${c.key}`}>
              {c.label} ×
            </button>
          ))}
        </div>
        {chips.length > 0 && (
          <button type="button" className="link-button" onClick={() => st.resetFilters()} data-testid="filter-reset">
            Clear all
          </button>
        )}
        <span className="matrix-rows-actions">
          <button type="button" className="link-button" onClick={() => st.setAllExpanded(!auto)}>
            Expand all
          </button>
          <button type="button" className="link-button" onClick={() => st.setAllExpanded(auto)}>
            Collapse all
          </button>
        </span>
      </div>
      <div className="matrix-filters" id="matrix-filters" role="search" aria-label="Matrix filters" hidden={!open} data-testid="matrix-filters">
        <label className="filter-field">
          <span className="field-label">Scope</span>
          <input
            className="input"
            list={scopeListId}
            value={scopeText}
            placeholder="e.g. contacts:delete"
            onChange={(e) => setScopeText(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && applyScopeText()}
            data-testid="filter-scope"
          />
          <datalist id={scopeListId}>
            {matrix?.columns.map((c) => <option key={c.scope} value={c.scope} />)}
          </datalist>
        </label>
        <label className="filter-field">
          <span className="field-label">Workspace</span>
          <input className="input" value={wsText} placeholder="name or id" onChange={(e) => setWsText(e.target.value)} data-testid="filter-workspace" />
        </label>
        <fieldset className="filter-types">
          <legend className="field-label">Type</legend>
          {CREDENTIAL_TYPES.map((t) => (
            <label key={t} className="check">
              <input type="checkbox" checked={filters.types?.includes(t) ?? false} onChange={(e) => setType(t, e.target.checked)} data-testid={`filter-type-${t}`} />
              {TYPE_LABEL[t]}
            </label>
          ))}
        </fieldset>
        <fieldset className="filter-types">
          <legend className="field-label">Show only</legend>
          <label className="check">
            <input type="checkbox" checked={!!filters.writeOrDelete} onChange={() => toggle('writeOrDelete')} data-testid="filter-write-delete" />
            Write or delete
          </label>
          <label className="check">
            <input type="checkbox" checked={filters.expiringWithinDays !== undefined} onChange={(e) => st.setFilters({ expiringWithinDays: e.target.checked ? 14 : undefined })} data-testid="filter-expiring" />
            Expiring in 14 days
          </label>
          <label className="check">
            <input type="checkbox" checked={filters.unusedForDays !== undefined} onChange={(e) => st.setFilters({ unusedForDays: e.target.checked ? 90 : undefined })} data-testid="filter-unused" />
            Unused 90 days
          </label>
          <label className="check">
            <input type="checkbox" checked={!!filters.overGrantsOnly} onChange={() => toggle('overGrantsOnly')} data-testid="filter-over" />
            Over-grants
          </label>
          <label className="check">
            <input type="checkbox" checked={!!filters.driftOnly} onChange={() => toggle('driftOnly')} data-testid="filter-drift" />
            Drift
          </label>
        </fieldset>
        <label className="filter-field">
          <span className="field-label">Baseline</span>
          <WriteSelect
            command="inventory.setBaseline"
            className="input"
            value={fullMatrix?.baseline?.name ?? ''}
            onChange={(e) => void st.setBaseline(e.target.value === '' ? null : e.target.value)}
            data-testid="filter-baseline"
          >
            <option value="">No baseline</option>
            {fullMatrix?.baseline && !fullMatrix.bundles.some((b) => b.name === fullMatrix.baseline?.name) && <option value={fullMatrix.baseline.name}>{fullMatrix.baseline.name}</option>}
            {matrix?.bundles.map((b) => (
              <option key={`${b.name}-${b.scopes.join(',')}`} value={b.name}>
                {b.name} ({b.scopes.length} scopes, {b.workspaces} ws)
              </option>
            ))}
          </WriteSelect>
        </label>
        <button type="button" className="link-button" onClick={() => setBundlesOpen(true)} data-testid="open-bundles">
          Scope bundles…
        </button>
      </div>
      <div className="matrix-legend muted" data-testid="matrix-legend" aria-label="Legend">
        <span className="legend-item">
          <span className="mx-legend mx-granted mx-act-read">●</span> granted
        </span>
        <span className="legend-item">
          <span className="mx-legend mx-granted mx-act-delete">●</span> granted, a delete scope
        </span>
        {matrix?.baseline && (
          <span className="legend-item">
            <span className="mx-legend mx-granted mx-over">●</span> not in the baseline
          </span>
        )}
        <span className="legend-item">
          <span className="mx-legend mx-granted mx-drift">◆</span> new since last review
        </span>
        <span className="legend-item">
          <span className="mx-legend mx-count mx-has">3</span> holders in the workspace
        </span>
        <span className="legend-item">
          <span className="mx-act-read">
            <span className="mx-legend mx-col-action">R</span>
          </span>
          <span className="mx-act-write">
            <span className="mx-legend mx-col-action">W</span>
          </span>
          <span className="mx-act-delete">
            <span className="mx-legend mx-col-action">D</span>
          </span>{' '}
          read / write / delete{matrix?.baseline ? ' (✓ in the baseline)' : ''}
        </span>
        {filters.includeRevoked && (
          <span className="legend-item">
            <span className="mx-legend mx-revoked">name</span> revoked
          </span>
        )}
        <span className="legend-item">
          <span className="mx-legend mx-legend-drift-bar" /> workspace with new scopes
        </span>
        <span className="legend-item">
          <span className="mx-legend mx-legend-selected" /> selected for revoke
        </span>
        <span className="legend-keys" title="Keyboard: arrows move, Enter opens, Space selects">
          ⌨ arrows, Enter, Space
        </span>
      </div>
      <div className="matrix-layout">
        {matrix && matrix.workspaces.length > 0 ? (
          <MatrixGrid
            matrix={matrix}
            expanded={expanded}
            activeScopes={activeScopes}
            selected={selected}
            onToggleWorkspace={(id) => st.toggleExpanded(id)}
            onOpenCredential={(workspaceId, credentialId) => st.openDrawer({ workspaceId, credentialId })}
            onToggleSelected={(w, c) => st.toggleSelected(w, c)}
            onColumn={toggleScope}
            marks={groups.marks}
          />
        ) : matrix ? (
          <div className="panel placeholder" data-testid="matrix-empty">
            <p className="placeholder-title">{Object.keys(filters).length ? 'Nothing matches these filters.' : 'No inventory yet.'}</p>
            <p className="muted">{Object.keys(filters).length ? 'Clear a filter to see more.' : (notGranted ?? 'Connect a workspace, then press Sync now.')}</p>
          </div>
        ) : null}
        <InventoryOverlays store={store} matrix={matrix} />
        <BundlesDialog
          open={bundlesOpen}
          onClose={() => setBundlesOpen(false)}
          workspaces={(matrix?.workspaces ?? []).filter((w) => w.connection === 'connected')}
          catalogue={matrix?.columns ?? []}
        />
      </div>
      {matrix && <p className="muted matrix-foot">{matrix.workspaces.some((w) => w.sync.ageSeconds !== null) ? `Newest data ${ageText(Math.min(...matrix.workspaces.map((w) => w.sync.ageSeconds ?? Infinity)))}.` : ''}</p>}
    </section>
  );
}
