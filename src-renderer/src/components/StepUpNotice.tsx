// The MFA step-up notice: while a workspace waits for a fresh multi-factor sign-in in the system browser, say which
// workspace asks, for which change, and what to do. Above a dialog's backdrop (the change was usually started from a
// dialog, which stays open behind it); it goes by itself when the sign-in ends. Fed by the step-up store.
import './step-up-notice.css';
import { selectWaitingStepUps } from '../stores/step-up-store.ts';
import { useSelect, useStores } from '../stores/use-store.ts';

/** how long Grantdesk waits for the sign-in (services/connections/connect-flow.ts CONNECT_TIMEOUT_MS) */
const WAIT_MINUTES = 5;

export function StepUpNotice() {
  const { stepUp } = useStores();
  const waiting = useSelect(stepUp, selectWaitingStepUps);
  if (waiting.length === 0) return null;
  return (
    <div className="step-up-region" role="status" aria-live="assertive" data-testid="step-up-notice">
      {waiting.map((w) => (
        <div className="step-up-notice" key={w.id} data-testid="step-up-item" data-workspace={w.workspaceId}>
          <p className="step-up-title">Fresh sign-in needed for {w.workspaceName}</p>
          <p className="step-up-message" data-testid="step-up-message">
            {w.message}
          </p>
          <p className="step-up-hint">
            Sign in with your authenticator code in the browser window that opened. Grantdesk goes on by itself once you have signed in, and gives up after {WAIT_MINUTES} minutes without
            changing anything.
          </p>
        </div>
      ))}
    </div>
  );
}
