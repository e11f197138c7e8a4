// The one way an error reaches a person: its sentence (what happened) and the code's remedy (what to do); the code and
// the rejected fields sit behind a "Details" disclosure. Text only, never HTML. ErrorInline is the same for a table cell.
import type { AppErrorData } from '../../../src-common/contract/index.ts';

function ErrorDetails({ error, testId }: { error: AppErrorData; testId: string }) {
  return (
    <details className="error-details" data-testid={`${testId}-details`}>
      <summary>Details</summary>
      <dl className="error-details-list">
        <dt>Code</dt>
        <dd>
          <code className="error-code" data-testid={`${testId}-code`}>
            {error.code}
          </code>
        </dd>
        {error.fields?.map((f) => (
          <div key={f.field} className="error-details-field">
            <dt>{f.label}</dt>
            <dd>
              {f.message} <code className="muted">{f.field}</code>
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function ErrorBanner({ error, onDismiss, id, testId = 'error-banner' }: { error: AppErrorData; onDismiss?: () => void; id?: string; testId?: string }) {
  return (
    <div className="banner banner-error" role="alert" id={id} data-testid={testId} data-error-code={error.code}>
      <svg className="banner-icon" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="9" />
        <path d="M12 7v6M12 16.5v.5" />
      </svg>
      <div className="banner-text">
        <p className="banner-title" data-testid={`${testId}-message`}>
          {error.message}
        </p>
        <p className="banner-remedy" data-testid={`${testId}-remedy`}>
          {error.remedy}
        </p>
        <ErrorDetails error={error} testId={testId} />
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

/** An error inside a row or a cell: the sentence, the remedy on hover, the code behind "Details". */
export function ErrorInline({ error, prefix, testId = 'error-inline' }: { error: AppErrorData; prefix?: string; testId?: string }) {
  return (
    <span className="error-inline" data-testid={testId} data-error-code={error.code} title={error.remedy}>
      <span data-testid={`${testId}-message`}>
        {prefix}
        {error.message}
      </span>
      <ErrorDetails error={error} testId={testId} />
    </span>
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
