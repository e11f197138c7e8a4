// Settings and About: live health from app.health (refreshed on state.changed), preferences saved with settings.set.
// Validation is main's: the form sends what was typed and shows the contract's error as words (each rejected field's
// message under the field; the code behind Details). Save is enabled only when a value differs from what is stored.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { DEFAULT_SETTINGS, settingsSchema, type AppErrorData, type Health, type Settings } from '../../../../src-common/contract/index.ts';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { selectHealth } from '../../stores/health-store.ts';
import { selectSavedAt, selectSaving, selectSettings, selectSettingsError } from '../../stores/settings-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { KeychainPanel } from './KeychainPanel.tsx';
import { StaffPanel } from './StaffPanel.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import './settings.css';

type NumericKey = 'refreshLeadSeconds' | 'syncConcurrency' | 'insightsWindowDays';
const NUMERIC_FIELDS: Array<{ key: NumericKey; label: string; unit: string; help: string }> = [
  { key: 'refreshLeadSeconds', label: 'Refresh lead', unit: 'seconds', help: 'How long before a grant expires Grantdesk refreshes it.' },
  { key: 'syncConcurrency', label: 'Workspaces synced at once', unit: 'workspaces', help: 'Higher is faster; lower is gentler on the platform’s rate limits.' },
  { key: 'insightsWindowDays', label: 'Insights window', unit: 'days', help: 'How far back Insights looks when it computes trends.' },
];
function bounds(key: NumericKey): { min: number | null; max: number | null } {
  const s = settingsSchema.shape[key];
  return { min: s.minValue, max: s.maxValue };
}

const THEMES: Array<{ value: Settings['theme']; label: string }> = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

type Draft = Record<NumericKey, string>;
const toDraft = (s: Settings): Draft => ({
  refreshLeadSeconds: String(s.refreshLeadSeconds),
  syncConcurrency: String(s.syncConcurrency),
  insightsWindowDays: String(s.insightsWindowDays),
});
/** main validates; an empty or non-numeric field goes as null and comes back as invalid_input naming the field */
const toNumber = (v: string): number | null => (v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v));
/** the contract's words for this field when main rejected it */
const fieldError = (error: AppErrorData | null, key: string): string | null => (error?.code === 'invalid_input' ? (error.fields?.find((f) => f.field === key)?.message ?? null) : null);

const BACKEND_WORDS: Record<Health['keychain']['backend'], string> = { keytar: 'OS keychain', 'memory-session': 'Memory only (this session)', unavailable: 'None available' };
const STATE_WORDS: Record<Health['keychain']['state'], string> = { ok: 'Working', locked: 'Locked', unavailable: 'Unavailable', 'session-only': 'Session-only (memory)' };
const TRANSPORT_WORDS: Record<Health['transport'], string> = { ipc: 'Desktop window', serve: 'Browser tab (grantdesk serve)', cli: 'Command line' };

function HealthPanel({ health, onRefresh }: { health: Health | null; onRefresh(): void }) {
  if (!health) {
    return (
      <div className="panel" aria-busy="true">
        <p className="muted">Reading health…</p>
      </div>
    );
  }
  const k = health.keychain;
  const rows: Array<[string, string, string]> = [
    ['Version', health.version, 'health-version'],
    ['Data directory', health.dataDir, 'health-data-dir'],
    ['Keychain backend', BACKEND_WORDS[k.backend], 'health-keychain-backend'],
    ['Keychain state', STATE_WORDS[k.state], 'health-keychain-state'],
    ['Keychain detail', k.detail, 'health-keychain-detail'],
    ...(k.remedy !== null ? ([['Keychain remedy', k.remedy, 'health-keychain-remedy']] as Array<[string, string, string]>) : []),
    ['Platform connection', health.online ? 'Online' : 'Offline', 'health-online'],
    ['Connection to Grantdesk', TRANSPORT_WORDS[health.transport], 'health-transport'],
    ['Review mode', health.reviewMode ? 'On — read-only auditor review' : 'Off', 'health-review-mode'],
  ];
  return (
    <div className="panel" data-testid="health-panel">
      <dl className="kv">
        {rows.map(([label, value, testId]) => (
          <div className="kv-row" key={testId}>
            <dt>{label}</dt>
            <dd data-testid={testId} className={testId === 'health-data-dir' || testId === 'health-version' ? 'mono' : undefined}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <div className="panel-actions">
        <button type="button" className="button" onClick={onRefresh} data-testid="health-refresh">
          Refresh
        </button>
      </div>
    </div>
  );
}

export function SettingsScreen() {
  const { health: healthStore, settings: settingsStore } = useStores();
  const health = useSelect(healthStore, selectHealth);
  const settings = useSelect(settingsStore, selectSettings);
  const error = useSelect(settingsStore, selectSettingsError);
  const saving = useSelect(settingsStore, selectSaving);
  const savedAt = useSelect(settingsStore, selectSavedAt);
  const [draft, setDraft] = useState<Draft | null>(settings ? toDraft(settings) : null);
  const [resetOpen, setResetOpen] = useState(false);
  const [saved, setSaved] = useState(false);
  const errorId = useId();
  const themeName = useId();

  useEffect(() => {
    if (settings) setDraft(toDraft(settings));
  }, [settings]);
  useEffect(() => {
    setSaved(savedAt > 0);
  }, [savedAt]);
  // a new error scrolls its banner into view: the form may be far below it
  useEffect(() => {
    if (error) document.getElementById(errorId)?.scrollIntoView({ block: 'nearest' });
  }, [error, errorId]);

  // changed = a value that is not what main stores (an empty or non-number field counts: main says why it is wrong)
  const dirty = settings !== null && draft !== null && NUMERIC_FIELDS.some((f) => toNumber(draft[f.key]) !== settings[f.key]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft || !dirty) return;
    setSaved(false);
    // JSON carries null for a field that is not a number; main answers with invalid_input naming it.
    await settingsStore.getState().save({
      refreshLeadSeconds: toNumber(draft.refreshLeadSeconds) as number,
      syncConcurrency: toNumber(draft.syncConcurrency) as number,
      insightsWindowDays: toNumber(draft.insightsWindowDays) as number,
    });
  };

  return (
    <section className="screen screen-settings" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Settings
        </h1>
        <p className="screen-subtitle">Preferences for this Grantdesk, and what it knows about its own health.</p>
      </header>

      {error && (
        <ErrorBanner
          id={errorId}
          error={error}
          onDismiss={() => settingsStore.getState().dismissError()}
          testId="settings-error-banner"
        />
      )}

      <div className="section">
        <h2 className="section-title">Appearance</h2>
        <div className="panel">
          <fieldset className="segmented-field">
            <legend className="field-label">Theme</legend>
            <div className="segmented">
              {THEMES.map((t) => (
                <label key={t.value} className="segment">
                  <input
                    type="radio"
                    name={themeName}
                    value={t.value}
                    checked={settings?.theme === t.value}
                    disabled={!settings}
                    onChange={() => void settingsStore.getState().save({ theme: t.value })}
                    data-testid={`theme-${t.value}`}
                  />
                  <span>{t.label}</span>
                </label>
              ))}
            </div>
            <p className="field-hint">Applied immediately. System follows your operating system’s light or dark preference.</p>
          </fieldset>
        </div>
      </div>

      <div className="section">
        <h2 className="section-title">Sync and insights</h2>
        <form className="panel" onSubmit={save} noValidate data-testid="settings-form" aria-describedby={error ? errorId : undefined}>
          <div className="form-grid">
            {NUMERIC_FIELDS.map((f) => {
              const b = bounds(f.key);
              const problem = fieldError(error, f.key);
              const invalid = problem !== null;
              return (
                <div className="field" key={f.key}>
                  <label className="field-label" htmlFor={`setting-${f.key}`}>
                    {f.label}
                  </label>
                  <div className="input-with-unit">
                    <input
                      id={`setting-${f.key}`}
                      className="input"
                      type="number"
                      inputMode="numeric"
                      min={b.min ?? undefined}
                      max={b.max ?? undefined}
                      value={draft?.[f.key] ?? ''}
                      disabled={!draft}
                      aria-invalid={invalid || undefined}
                      aria-describedby={`setting-${f.key}-hint${invalid ? ` setting-${f.key}-error` : ''}`}
                      onChange={(e) => draft && setDraft({ ...draft, [f.key]: e.target.value })}
                      data-testid={`setting-${f.key}`}
                    />
                    <span className="unit">{f.unit}</span>
                  </div>
                  {problem !== null && (
                    <p className="field-error" id={`setting-${f.key}-error`} data-testid={`setting-${f.key}-error`}>
                      {problem}
                    </p>
                  )}
                  <p className="field-hint" id={`setting-${f.key}-hint`}>
                    {f.help} {b.min !== null && b.max !== null ? `Between ${b.min} and ${b.max}.` : ''}
                  </p>
                </div>
              );
            })}
          </div>
          <div className="panel-actions">
            <span className="save-state" role="status" data-testid="settings-saved">
              {saved && !dirty && !error ? 'Saved' : ''}
            </span>
            <button type="button" className="button" disabled={!dirty || saving} title={!dirty ? 'Nothing changed' : undefined} onClick={() => settings && setDraft(toDraft(settings))}>
              Discard
            </button>
            <WriteButton
              command="settings.set"
              type="submit"
              className="button button-primary"
              disabled={!draft || saving || !dirty}
              title={draft && !dirty && !saving ? 'Nothing changed' : undefined}
              data-testid="settings-save"
            >
              {saving ? 'Saving…' : 'Save changes'}
            </WriteButton>
          </div>
        </form>
      </div>

      <StaffPanel />

      <div className="section">
        <h2 className="section-title">Keychain</h2>
        <KeychainPanel keychain={health?.keychain ?? null} onRecheck={() => void healthStore.getState().refresh()} />
      </div>

      <div className="section">
        <h2 className="section-title">About</h2>
        <HealthPanel health={health} onRefresh={() => void healthStore.getState().refresh()} />
      </div>

      <div className="section">
        <h2 className="section-title">Reset</h2>
        <div className="panel panel-row">
          <div>
            <p className="strong">Reset preferences</p>
            <p className="muted">Puts theme, refresh, sync and insights settings back to their defaults. Grants are not touched.</p>
          </div>
          <WriteButton command="settings.set" className="button button-danger-outline" onClick={() => setResetOpen(true)} disabled={!settings} data-testid="settings-reset">
            Reset…
          </WriteButton>
        </div>
      </div>

      <ConfirmDialog
        open={resetOpen}
        onOpenChange={setResetOpen}
        title="Reset preferences?"
        description="Theme, token refresh, sync concurrency and the insights window go back to their defaults."
        confirmText="reset"
        confirmLabel="Reset preferences"
        testId="reset-dialog"
        onConfirm={() => {
          const { theme, refreshLeadSeconds, syncConcurrency, insightsWindowDays } = DEFAULT_SETTINGS;
          return settingsStore.getState().save({ theme, refreshLeadSeconds, syncConcurrency, insightsWindowDays });
        }}
      />
    </section>
  );
}
