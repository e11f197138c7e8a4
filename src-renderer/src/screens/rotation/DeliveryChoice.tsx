// Where a new secret goes (rotation wizard, machine-client create and rotate): one of the delivery targets set up on
// this machine's command line, or "Show the secret once instead". This window only NAMES a target: main runs the
// command the CLI set up (a command sent from here would be code execution, so main refuses it).
import { useEffect, useId } from 'react';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { selectDeliveryError, selectDeliveryLoaded, selectDeliveryTargets } from '../../stores/delivery-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';

export function DeliveryChoice({ value, onChange, testId = 'delivery-choice' }: { value: string | null; onChange(target: string | null): void; testId?: string }) {
  const { delivery: store } = useStores();
  const targets = useSelect(store, selectDeliveryTargets);
  const loaded = useSelect(store, selectDeliveryLoaded);
  const error = useSelect(store, selectDeliveryError);
  const name = useId();
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  // a target removed on the command line meanwhile falls back to showing the secret once, visibly
  useEffect(() => {
    if (loaded && value !== null && !targets.some((t) => t.name === value)) onChange(null);
  }, [loaded, targets, value, onChange]);

  return (
    <fieldset className="rot-delivery" data-testid={testId}>
      <legend className="field-label">Where the new secret goes</legend>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId={`${testId}-error`} />}
      {targets.map((t) => (
        <label key={t.name} className="rot-delivery-option" data-testid={`${testId}-target`} data-target={t.name}>
          <input type="radio" name={name} checked={value === t.name} onChange={() => onChange(t.name)} />
          <span>
            Deliver to <strong>{t.name}</strong>
            <code className="rot-delivery-cmd" title={`Runs without a shell, the secret on its standard input; stopped after ${t.timeoutSeconds} seconds`}>
              {t.command}
            </code>
          </span>
        </label>
      ))}
      <label className="rot-delivery-option" data-testid={`${testId}-show-once`}>
        <input type="radio" name={name} checked={value === null} onChange={() => onChange(null)} />
        <span>Show the secret once instead (you copy it to where your integration reads it)</span>
      </label>
      {loaded && targets.length === 0 && !error && (
        <p className="muted" data-testid={`${testId}-none`}>
          No delivery targets are set up on this machine. Set one up on the command line, for example <code>grantdesk delivery add vault-app --cmd &apos;vault kv put secret/app key=-&apos;</code>; it then appears here.
        </p>
      )}
    </fieldset>
  );
}
