// Errors cross every transport as data: a closed set of codes, each with a one-line remedy the UI shows.
import { z } from 'zod';

export const ERROR_REMEDIES = {
  unknown_command: 'Update Grantdesk: this command is not part of the contract the app knows.',
  invalid_input: 'Check the values you entered; the message names the field that was rejected.',
  invalid_output: 'Report this: a service returned data that does not match the contract.',
  forbidden_sender: 'Only the Grantdesk window may call the app; reload the window.',
  unauthorized: 'Open the URL printed by `grantdesk serve` again; it carries this launch\'s token.',
  not_found: 'The item no longer exists; refresh the list.',
  conflict: 'Another change got there first; refresh and try again.',
  review_mode_read_only: 'This Grantdesk is in a read-only auditor review; ask an operator to make the change.',
  keychain_unavailable: 'Install and start a Secret Service (e.g. gnome-keyring) or choose session-only mode in Settings.',
  keychain_locked: 'Unlock your login keyring (e.g. with Seahorse or by logging in again), then retry.',
  keychain_timeout: 'The keychain did not answer in time; check for a pending unlock prompt, then retry.',
  network_error: 'Check your connection to the platform; Grantdesk works offline from its cache meanwhile.',
  timeout: 'The platform did not answer before the deadline; retry later.',
  rate_limited: 'The platform asked us to slow down; Grantdesk retries after the time it gave.',
  platform_error: 'The platform returned an error; the message has its details.',
  invalid_response: 'The platform sent data that does not match its contract; nothing was stored.',
  needs_reconsent: 'The workspace grant is no longer valid; reconnect the workspace to grant access again.',
  insufficient_scope: 'The grant lacks a scope this action needs; reconnect with that scope.',
  tamper_detected: 'Something changed after it was recorded (an audit event, or a review file against the platform\'s record); keep it as evidence and contact the platform or whoever sent it.',
  io_error: 'Grantdesk could not read or write its data directory; check disk space and permissions.',
  cancelled: 'The operation was cancelled; nothing after the cancel point was written.',
  internal: 'Something unexpected happened; the log in the data directory has details.',
} as const;

export type ErrorCode = keyof typeof ERROR_REMEDIES;
export const ERROR_CODES = Object.keys(ERROR_REMEDIES) as [ErrorCode, ...ErrorCode[]];

export const appErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  remedy: z.string(),
});
export type AppErrorData = z.infer<typeof appErrorSchema>;

export function errorData(code: ErrorCode, message: string): AppErrorData {
  return { code, message, remedy: ERROR_REMEDIES[code] };
}

/** What every transport returns for a call: a value, or an error as data. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };
