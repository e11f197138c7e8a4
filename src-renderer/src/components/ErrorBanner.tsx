// Shows an error as it crossed the contract: its code, its message and the code's remedy. Text only, never HTML.
import type { AppErrorData } from '../../../src-common/contract/index.ts';

export function ErrorBanner({ error, onDismiss, id, testId = 'error-banner' }: { error: AppErrorData; onDismiss?: () => void; id?: string; testId?: string }) {
  return (
    <div className="banner banner-error" role="alert" id={id} data-testid={testId} data-error-code={error.code}>
      <svg className="banner-icon" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="9" />
        <path d="M12 7v6M12 16.5v.5" />
      </svg>
      <div className="banner-text">
        <p className="banner-title">
          <code className="error-code" data-testid={`${testId}-code`}>
            {error.code}
          </code>
          <span data-testid={`${testId}-message`}>{error.message}</span>
        </p>
        <p className="banner-remedy" data-testid={`${testId}-remedy`}>
          {error.remedy}
        </p>
      </div>
      {onDismiss && (
        <button type="button" className="icon-button" onClick={onDismiss} aria-label="Dismiss error" data-testid={`${testId}-dismiss`}>
          <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true" focusable="false">
            <path d="M6 6l12 12M18 6L6 18" />
          </svg>
        </button>
      )}
    </div>
  );
}

/** A persistent notice (not an error): session-only mode, a locked keychain. */
export function NoticeBanner({ tone, title, detail, testId }: { tone: 'warning' | 'info'; title: string; detail: string | null; testId: string }) {
  return (
    <div className={`banner banner-${tone}`} role="status" data-testid={testId}>
      <svg className="banner-icon" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
        <path d="M12 3l9.5 17H2.5z" />
        <path d="M12 10v4M12 17v.5" />
      </svg>
      <div className="banner-text">
        <p className="banner-title">{title}</p>
        {detail !== null && <p className="banner-remedy">{detail}</p>}
      </div>
    </div>
  );
}
