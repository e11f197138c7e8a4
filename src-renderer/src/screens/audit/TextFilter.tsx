// A text filter of the audit explorer: applies after a short pause or on Enter; a refused value stays with its sentence.
import { useEffect, useRef, useState } from 'react';
import type { FilterKey } from '../../stores/audit-store.ts';

const TEXT_DELAY_MS = 400;

/** A text filter: applies after a short pause or on Enter; a refused value stays in the box with its sentence. */
export function TextFilter({ field, label, value, placeholder, error, onApply, testId, wide }: { field: FilterKey; label: string; value: string; placeholder: string; error: string | null; onApply(field: FilterKey, v: string): void; testId: string; wide?: boolean }) {
  const [text, setText] = useState(value);
  const last = useRef(value);
  useEffect(() => {
    if (value !== last.current) {
      last.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => {
    if (text.trim() === last.current.trim()) return;
    const t = setTimeout(() => {
      last.current = text.trim();
      onApply(field, text.trim());
    }, TEXT_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, field, onApply]);
  const id = `audit-f-${field}`;
  return (
    <div className={`audit-field${wide ? ' audit-field-wide' : ''}`}>
      <label htmlFor={id} className="audit-field-label">
        {label}
      </label>
      <input
        id={id}
        className="input"
        type={field === 'q' ? 'search' : 'text'}
        value={text}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            last.current = text.trim();
            onApply(field, text.trim());
          }
        }}
        data-testid={testId}
      />
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert" data-testid={`${testId}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
