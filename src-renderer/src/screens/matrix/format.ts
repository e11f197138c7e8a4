// Small display helpers for the inventory screens.
import type { CredentialLifecycle, CredentialType } from '../../../../src-common/contract/index.ts';

export const TYPE_LABEL: Record<CredentialType, string> = {
  api_key: 'API key',
  app: 'OAuth app',
  machine_client: 'Machine client',
  service_token: 'Service token',
};

export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(s)) return 'unknown';
  if (s < 0) return `in ${until(iso, now)}`;
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export function until(iso: string, now = Date.now()): string {
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (s < 5400) return `${Math.max(1, Math.round(s / 60))} min`;
  if (s < 129600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

export function ageText(seconds: number | null): string {
  if (seconds === null) return 'never synced';
  if (seconds < 90) return `${seconds} s old`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min old`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)} h old`;
  return `${Math.round(seconds / 86400)} days old`;
}

/** local date and time, e.g. "2 Dec 2026, 15:42" */
export function dateText(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? 'unknown date' : d.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}

/** local wall-clock time, e.g. "15:42" (a time later today or tomorrow) */
export function clockText(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export const LIFECYCLE_LABEL: Record<CredentialLifecycle['state'], string> = {
  active: 'Active',
  expiring: 'Expiring',
  expired: 'Expired',
  revoked: 'Revoked',
  disabled: 'Disabled',
  in_grace: 'In grace',
};

/** the status badge's words: "Active", "Expires in 5 days", "Expired 14 days ago", "In grace until 3 Dec, 10:00" */
export function lifecycleText(l: CredentialLifecycle, now = Date.now()): string {
  if (l.state === 'expiring' && l.at) return `Expires in ${until(l.at, now)}`;
  if (l.state === 'expired' && l.at) return `Expired ${ago(l.at, now)}`;
  if (l.state === 'in_grace' && l.at) return `In grace, ends in ${until(l.at, now)}`;
  return LIFECYCLE_LABEL[l.state];
}

/** an expiry in words: "in 5 days", "expired 14 days ago", "never" */
export function expiryText(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return 'unknown';
  return t > now ? `in ${until(iso, now)}` : `expired ${ago(iso, now)}`;
}
