// The one write-action gate: a control for a contract command disables itself in review mode when main would refuse
// that command, with the read-only title so the disabled control says why. `command` is a CommandName from the
// contract, so a typo is a type error (a write control can never stay enabled by a misspelt name).
// <WriteButton> for buttons, <WriteSelect> for the one select that writes (the baseline); both use useWriteGate.
import type { ButtonHTMLAttributes, SelectHTMLAttributes } from 'react';
import type { CommandName } from '../../../src-common/contract/index.ts';
import { READ_ONLY_TITLE, useReviewMode } from '../app/use-review-mode.ts';

/** disabled/title for a control that runs `command`, merged with the control's own disabled/title */
export function useWriteGate(command: CommandName, disabled: boolean | undefined, title: string | undefined): { disabled: boolean; title: string | undefined } {
  const blocked = useReviewMode().blocked(command);
  return { disabled: !!disabled || blocked, title: blocked ? READ_ONLY_TITLE : title };
}

export interface WriteButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** the contract command this button runs */
  command: CommandName;
}

export function WriteButton({ command, disabled, title, type = 'button', ...rest }: WriteButtonProps) {
  const gate = useWriteGate(command, disabled, title);
  return <button type={type} {...rest} disabled={gate.disabled} title={gate.title} />;
}

export interface WriteSelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  /** the contract command a change runs */
  command: CommandName;
}

export function WriteSelect({ command, disabled, title, ...rest }: WriteSelectProps) {
  const gate = useWriteGate(command, disabled, title);
  return <select {...rest} disabled={gate.disabled} title={gate.title} />;
}
