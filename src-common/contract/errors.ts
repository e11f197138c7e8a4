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
  step_up_required: 'The platform asks for a fresh multi-factor sign-in before this change, which Grantdesk cannot start here; make the change from your own (operator) Grantdesk, outside a review.',
  step_up_refused: 'Nothing was changed. Try again and finish the sign-in in your browser with your authenticator code; if your platform account has no MFA yet, set it up on the platform first.',
  tamper_detected: 'Something changed after it was recorded (an audit event, or a review file against the platform\'s record); keep it as evidence and contact the platform or whoever sent it.',
  io_error: 'Grantdesk could not read or write its data directory; check disk space and permissions.',
  cancelled: 'The operation was cancelled; nothing after the cancel point was written.',
  cli_only: 'Run this from the grantdesk command line on this machine: the app window and browser tabs may only name a delivery target set up there (grantdesk delivery add).',
  internal: 'Something unexpected happened; the log in the data directory has details.',
} as const;

export type ErrorCode = keyof typeof ERROR_REMEDIES;
export const ERROR_CODES = Object.keys(ERROR_REMEDIES) as [ErrorCode, ...ErrorCode[]];

/** One rejected input field, in words: `field` is the input key path (for the UI to find its control), `label` the
 * field's name for people, `message` what is wrong ("Must be at least 30 seconds."). */
export const fieldIssueSchema = z.object({ field: z.string(), label: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

export const appErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  /** a sentence a person reads: what happened (and for invalid_input, each field's label and what is wrong) */
  message: z.string(),
  remedy: z.string(),
  /** invalid_input from the contract's validation: the rejected fields */
  fields: z.array(fieldIssueSchema).optional(),
});
export type AppErrorData = z.infer<typeof appErrorSchema>;

export function errorData(code: ErrorCode, message: string, fields?: FieldIssue[]): AppErrorData {
  return fields && fields.length > 0 ? { code, message, remedy: ERROR_REMEDIES[code], fields } : { code, message, remedy: ERROR_REMEDIES[code] };
}

/** Labels for input keys whose camelCase words do not read well on their own. */
export const FIELD_LABEL_OVERRIDES: Readonly<Record<string, string>> = {
  refreshLeadSeconds: 'Refresh lead',
  syncConcurrency: 'Workspaces synced at once',
  insightsWindowDays: 'Insights window',
  workspaceId: 'Workspace',
  credentialId: 'Credential',
  clientId: 'Client ID',
  apiBase: 'API base URL',
  ttl: 'Lifetime',
  out: 'Output file',
  ipAllowlist: 'IP allowlist',
  sinceDays: 'Look-back',
};
const UNIT_WORDS = new Set(['seconds', 'minutes', 'hours', 'days', 'ms']);
const WORD_OVERRIDES: Readonly<Record<string, string>> = { id: 'ID', ids: 'IDs', url: 'URL', uri: 'URI', csv: 'CSV', api: 'API', oauth: 'OAuth', pkce: 'PKCE', mcp: 'MCP' };

/** A person's name for an input key, and its unit when the key ends in one: refreshLeadSeconds -> Refresh lead, seconds. */
export function fieldLabel(key: string): { label: string; unit: string | null } {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
  const last = words[words.length - 1] ?? '';
  const unit = words.length > 1 && UNIT_WORDS.has(last) ? (last === 'ms' ? 'milliseconds' : last) : null;
  // own keys only: an input key such as __proto__ or constructor must not reach Object.prototype's members
  const override = Object.hasOwn(FIELD_LABEL_OVERRIDES, key) ? FIELD_LABEL_OVERRIDES[key] : undefined;
  if (override) return { label: override, unit };
  const base = (unit ? words.slice(0, -1) : words).map((w) => (Object.hasOwn(WORD_OVERRIDES, w) ? WORD_OVERRIDES[w]! : w));
  if (base.length === 0) return { label: 'Input', unit };
  const first = base[0]!;
  base[0] = first === first.toUpperCase() ? first : first[0]!.toUpperCase() + first.slice(1);
  return { label: base.join(' '), unit };
}

/** What every transport returns for a call: a value, or an error as data. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };
