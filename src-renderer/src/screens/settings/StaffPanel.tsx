// "You": the agency staff member using this Grantdesk. Recorded as "connected by" on a workspace you connect when the
// platform's sign-in (ID token) names nobody; offboarding a staff member goes by it.
import { useEffect, useId, useState } from 'react';
import { WriteButton } from '../../components/WriteButton.tsx';
import { selectSaving, selectSettings } from '../../stores/settings-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';

export function StaffPanel() {
  const { settings: store } = useStores();
  const settings = useSelect(store, selectSettings);
  const saving = useSelect(store, selectSaving);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const nameId = useId();
  const emailId = useId();
  useEffect(() => {
    if (!settings) return;
    setName(settings.staffName);
    setEmail(settings.staffEmail);
  }, [settings]);
  const changed = !!settings && (name.trim() !== settings.staffName || email.trim() !== settings.staffEmail);
  return (
    <div className="section">
      <h2 className="section-title">You</h2>
      <div className="panel">
        <p className="field-hint">Recorded as who connected a workspace when the platform’s sign-in does not name you. Offboarding a staff member goes by it.</p>
        <label className="field-label" htmlFor={nameId}>
          Your name
        </label>
        <input id={nameId} className="input" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} data-testid="settings-staff-name" />
        <label className="field-label" htmlFor={emailId}>
          Your email
        </label>
        <input id={emailId} className="input" type="email" value={email} maxLength={254} onChange={(e) => setEmail(e.target.value)} data-testid="settings-staff-email" />
        <div className="panel-actions">
          <WriteButton
            command="settings.set"
            className="button"
            disabled={!changed || saving}
            title={!settings ? 'Settings are loading' : changed ? undefined : 'Nothing changed'}
            onClick={() => void store.getState().save({ staffName: name.trim(), staffEmail: email.trim() })}
            data-testid="settings-staff-save"
          >
            Save
          </WriteButton>
        </div>
      </div>
    </div>
  );
}
