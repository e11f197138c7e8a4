// Toasts when background work finishes (sync, export, bulk actions): one region, announced with aria-live, each toast
// auto-dismissed after a while (kept while hovered or focused), with a link to the result. Fed by the tasks store.
import { useCallback, useEffect, useState } from 'react';
import './toast.css';
import { selectToasts, type TaskToast } from '../stores/tasks-store.ts';
import { useSelect, useStores } from '../stores/use-store.ts';

const DISMISS_MS = 8000;

function ToastItem({ toast }: { toast: TaskToast }) {
  const { tasks } = useStores();
  const onDismiss = useCallback(() => tasks.getState().dismissToast(toast.id), [tasks, toast.id]);
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (held) return;
    const t = setTimeout(onDismiss, toast.tone === 'success' ? DISMISS_MS : DISMISS_MS * 2);
    return () => clearTimeout(t);
  }, [held, onDismiss, toast.tone]);
  return (
    <div className={`toast toast-${toast.tone}`} data-testid="toast" data-tone={toast.tone} onMouseEnter={() => setHeld(true)} onMouseLeave={() => setHeld(false)} onFocus={() => setHeld(true)} onBlur={() => setHeld(false)}>
      <div className="toast-body">
        <p className="toast-title" data-testid="toast-title">
          {toast.title}
        </p>
        {toast.detail && <p className="toast-detail">{toast.detail}</p>}
        {toast.link && (
          <a className="toast-link" href={toast.link.href} onClick={onDismiss} data-testid="toast-link">
            {toast.link.text}
          </a>
        )}
      </div>
      {/* mousedown does not move focus here: a dialog under the toast keeps its focus and stays open */}
      <button type="button" className="toast-close" aria-label="Dismiss" onMouseDown={(e) => e.preventDefault()} onClick={onDismiss} data-testid="toast-dismiss">
        ×
      </button>
    </div>
  );
}

export function Toaster() {
  const { tasks } = useStores();
  const toasts = useSelect(tasks, selectToasts);
  return (
    // a press on a toast is not a press "outside" an open dialog: it must not close the dialog under it
    <div className="toast-region" role="status" aria-live="polite" aria-label="Notifications" data-testid="toast-region" onPointerDown={(e) => e.stopPropagation()}>
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
