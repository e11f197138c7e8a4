// Accessible dialog on Radix Dialog: labelled by its title, described by its description, focus trapped, Escape and
// the close button dismiss, focus returns to the trigger. The backdrop is our own element: Radix's Overlay locks scrolling
// by injecting a <style> tag, which the strict CSP (style-src 'self') refuses. The frame never scrolls the body anyway.
import * as RadixDialog from '@radix-ui/react-dialog';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';

export interface DialogProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  description: string;
  children?: ReactNode;
  /** buttons; rendered right-aligned under the body */
  footer?: ReactNode;
  testId?: string;
  size?: 'small' | 'medium' | 'large';
}

export function Dialog({ open, onOpenChange, title, description, children, footer, testId, size = 'medium' }: DialogProps) {
  // Radix returns focus to its Trigger; our dialogs are often opened by shortcuts or other code, so remember what had
  // focus when the dialog opened and put it back on close.
  const returnFocus = useRef<HTMLElement | null>(null);
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <div className="dialog-backdrop" aria-hidden="true" />
        <RadixDialog.Content
          className={`dialog dialog-${size}`}
          data-testid={testId}
          // a toast (components/Toast.tsx) can be read, followed or dismissed without closing the dialog under it
          onInteractOutside={(e) => {
            if (e.target instanceof Element && (e.target === document.body || e.target.closest('.toast-region'))) e.preventDefault();
          }}
          onOpenAutoFocus={() => {
            returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          }}
          onCloseAutoFocus={(e) => {
            const el = returnFocus.current;
            returnFocus.current = null;
            if (el?.isConnected) {
              e.preventDefault();
              el.focus();
            }
          }}
        >
          <div className="dialog-header">
            <RadixDialog.Title className="dialog-title">{title}</RadixDialog.Title>
            <RadixDialog.Close className="icon-button" aria-label="Close" data-testid={testId ? `${testId}-close` : undefined}>
              <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true" focusable="false">
                <path d="M6 6l12 12M18 6L6 18" />
              </svg>
            </RadixDialog.Close>
          </div>
          <RadixDialog.Description className="dialog-description">{description}</RadixDialog.Description>
          {children !== undefined && <div className="dialog-body">{children}</div>}
          {footer !== undefined && <div className="dialog-footer">{footer}</div>}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

export interface ConfirmDialogProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  description: string;
  /** the exact word (e.g. a workspace name) the user types before the confirm button enables */
  confirmText: string;
  confirmLabel: string;
  destructive?: boolean;
  /** resolve to close; throw or return false to keep the dialog open (the caller shows its error) */
  onConfirm(): Promise<boolean | void> | boolean | void;
  children?: ReactNode;
  testId?: string;
}

/** Type-to-confirm: for actions that cannot be undone (revoke, reset). */
export function ConfirmDialog({ open, onOpenChange, title, description, confirmText, confirmLabel, destructive = true, onConfirm, children, testId }: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const hintId = useId();
  useEffect(() => {
    if (open) setTyped('');
  }, [open]);
  const matches = typed === confirmText;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!matches || busy) return;
    setBusy(true);
    try {
      const r = await onConfirm();
      if (r !== false) onOpenChange(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onOpenChange={(o) => !busy && onOpenChange(o)} title={title} description={description} testId={testId} size="small">
      <form onSubmit={submit} noValidate>
        {children}
        <label className="field-label" htmlFor={inputId}>
          Type <code className="confirm-word">{confirmText}</code> to confirm
        </label>
        <input
          id={inputId}
          className="input"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={hintId}
          data-testid={testId ? `${testId}-input` : undefined}
        />
        <p id={hintId} className="field-hint">
          This cannot be undone.
        </p>
        <div className="dialog-footer">
          <RadixDialog.Close className="button" type="button" disabled={busy}>
            Cancel
          </RadixDialog.Close>
          <button type="submit" className={`button ${destructive ? 'button-danger' : 'button-primary'}`} disabled={!matches || busy} data-testid={testId ? `${testId}-confirm` : undefined}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
