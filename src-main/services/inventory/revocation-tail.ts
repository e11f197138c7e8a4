// The revocation tail, in numbers and in words. Revoking an OAuth grant stops its refresh tokens at once, while the access
// tokens it already issued keep working until they expire (docs/platform-api.md §4.5). The platform's revoke answer says
// until when (`access_tokens_valid_until`); the platform is hostile input, so that answer is believed only when it is a
// time between the revocation and the longest lifetime an access token could plausibly have. Otherwise Grantdesk uses
// the documented default lifetime and says why. Once the tail is over, the cached audit log shows whether the credential
// really stopped: calls by it after the end are stated, never hidden.
import type { RevocationEffect, RevocationTail, TailBasis } from '../../../src-common/contract/index.ts';
import type { AuditReadModel } from '../audit/index.ts';

/**
 * OAuth access tokens already issued outlive a revocation until they expire. The platform's published docs: "Active OAuth
 * access tokens live up to their TTL (default 60 minutes)" (our contract, docs/platform-api.md §4.1: 3600 s). The app
 * list does not return another app's token lifetime, so the preview uses this documented default and says "up to"; the
 * revoke answer then says the real end (access_tokens_valid_until, revocation-tail.ts).
 */
export const DOCUMENTED_ACCESS_TOKEN_TTL_SECONDS = 3600;

/**
 * The latest plausible end of a tail: a day after the revocation. No OAuth platform we know issues day-long access
 * tokens; a later answer (a hostile or broken platform saying "2036") is not believed.
 */
export const MAX_TAIL_SECONDS = 24 * 3600;
/** the platform's clock may run a little behind ours: an end this much before the revocation still counts as "already over" */
const SKEW_MS = 60_000;
/**
 * An audit event's time is when the call finished: a call that started just before the end may be logged a moment after
 * it. Calls later than this after the end are counted against the revocation.
 */
export const AUDIT_GRACE_MS = 2_000;

const MINUTES = Math.round(DOCUMENTED_ACCESS_TOKEN_TTL_SECONDS / 60);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** "14:32" today, "Dec 5, 14:32" another day this year, "Dec 5, 2027, 14:32" otherwise (local time) */
export function clockWords(ms: number, nowMs: number): string {
  const d = new Date(ms);
  const n = new Date(nowMs);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate()) return hm;
  const md = d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
  return d.getFullYear() === n.getFullYear() ? `${md}, ${hm}` : `${md}, ${d.getFullYear()}, ${hm}`;
}

/** the documented default tail of a revocation that finished at `finishedMs` */
export const documentedTail = (finishedMs: number, note: string | null): RevocationTail => ({
  until: new Date(finishedMs + DOCUMENTED_ACCESS_TOKEN_TTL_SECONDS * 1000).toISOString(),
  basis: 'documented_default',
  note,
});

/**
 * The tail of an OAuth revocation from the platform's answer (`raw`: the revoke response's access_tokens_valid_until,
 * `undefined` when absent). null means "no access token was outstanding": the tail ends when the revocation finished.
 */
export function tailFromPlatform(raw: unknown, at: { requestedMs: number; finishedMs: number; nowMs: number }): RevocationTail {
  const fallback = (why: string) => documentedTail(at.finishedMs, `${why}; Grantdesk assumes the platform's documented ${MINUTES}-minute access-token lifetime.`);
  if (raw === undefined) return fallback('The platform did not say when the outstanding access tokens expire');
  if (raw === null) return { until: new Date(at.finishedMs).toISOString(), basis: 'platform', note: null };
  if (typeof raw !== 'string' || raw.length > 40 || !ISO.test(raw) || !Number.isFinite(Date.parse(raw))) return fallback('The platform answered something that is not a time for when the outstanding access tokens expire');
  const ms = Date.parse(raw);
  if (ms < at.requestedMs - SKEW_MS) return fallback(`The platform said the outstanding access tokens expire at ${clockWords(ms, at.nowMs)}, before the revocation`);
  if (ms > at.finishedMs + MAX_TAIL_SECONDS * 1000) return fallback(`The platform said the outstanding access tokens expire at ${clockWords(ms, at.nowMs)}, later than any access token lives`);
  // already over (or over while the revocation call ran): fully effective when the call finished
  return { until: new Date(Math.max(ms, at.finishedMs)).toISOString(), basis: 'platform', note: null };
}

const BASIS_WORDS: Record<TailBasis, string> = { platform: "the platform's answer", documented_default: `the platform's documented ${MINUTES}-minute access-token lifetime` };

/** one result row's effect in words */
export function rowEffect(type: string | null, outcome: 'revoked' | 'already_revoked' | 'failed', tail: RevocationTail | null, finishedMs: number, nowMs: number): string {
  if (outcome === 'failed') return 'Not revoked';
  if (!tail) return type === 'machine_client' ? 'Disabled at once' : 'Stopped at once';
  const until = Date.parse(tail.until);
  if (until <= finishedMs) return 'No access token was outstanding: fully effective at once';
  return `Outstanding access tokens work until ${tail.basis === 'platform' ? '' : 'about '}${clockWords(until, nowMs)}`;
}

/** the batch's tail in words: the latest end among the rows, and where it comes from (null: nothing was revoked) */
export function tailSentence(tails: RevocationTail[], finishedMs: number, nowMs: number, revoked: number): string | null {
  if (!tails.length) return revoked > 0 ? 'Stopped at once: nothing outlives this revocation (API keys and machine clients have no access-token tail).' : null;
  const last = [...tails].sort((a, b) => Date.parse(a.until) - Date.parse(b.until)).at(-1)!;
  const until = Date.parse(last.until);
  if (until <= finishedMs) return 'No access token was outstanding: the revocation was fully effective at once; refresh tokens stopped at once.';
  const notes = [...new Set(tails.map((t) => t.note).filter((n): n is string => !!n))];
  return (
    `Outstanding access tokens work until ${last.basis === 'platform' ? '' : 'about '}${clockWords(until, nowMs)} (${BASIS_WORDS[last.basis]}); refresh tokens stopped at once.` +
    (notes.length ? ` ${notes.join(' ')}` : '')
  );
}

/** the preview's tail in words (before the revocation: always the documented default, "up to"); null: nothing is revocable */
export function previewTailSentence(untilIso: string | null, nowMs: number, revocable: number): string | null {
  if (!untilIso) return revocable > 0 ? 'Nothing outlives this revocation: it stops at the next request (API keys and machine clients have no access-token tail).' : null;
  return `Outstanding access tokens work until about ${clockWords(Date.parse(untilIso), nowMs)} (up to ${MINUTES} minutes, the platform's documented access-token lifetime; the platform says the exact time when it revokes); refresh tokens stop at once.`;
}

/**
 * Whether a successful revocation is fully effective yet. `since` is the tail's end (or, for one that stopped at once,
 * when it finished). After it, the cached audit log is asked for calls by the credential; they are stated when found.
 */
export function effectOf(
  r: { workspaceId: string; workspaceName: string; credentialId: string; finishedMs: number; tail: RevocationTail | null },
  nowMs: number,
  audit: Pick<AuditReadModel, 'usageByCredential'>,
): RevocationEffect {
  const sinceMs = r.tail ? Date.parse(r.tail.until) : r.finishedMs;
  const since = new Date(sinceMs).toISOString();
  const at = clockWords(sinceMs, nowMs);
  if (nowMs < sinceMs) {
    const basis = r.tail ? BASIS_WORDS[r.tail.basis] : '';
    return {
      state: 'tail',
      since,
      callsAfter: null,
      lastCallAfter: null,
      auditCheckedUntil: null,
      sentence: `Revoked at ${clockWords(r.finishedMs, nowMs)}. Outstanding access tokens work until ${r.tail?.basis === 'platform' ? '' : 'about '}${at} (${basis}); it is fully effective then.`,
    };
  }
  const usage = audit.usageByCredential(r.workspaceId, r.credentialId, sinceMs + AUDIT_GRACE_MS, 1000);
  const checked = usage.coverageUntil;
  const head = r.tail && Date.parse(r.tail.until) > r.finishedMs ? `Fully effective since ${at}` : `Fully effective since ${at} (nothing outlived the revocation)`;
  if (usage.state === 'not_synced' || !checked) {
    return { state: 'fully_effective', since, callsAfter: null, lastCallAfter: null, auditCheckedUntil: null, sentence: `${head}. Not checked against the audit log: the audit log of ${r.workspaceName} is not synced; sync it to check for calls after ${at}.` };
  }
  const calls = usage.endpoints.reduce((a, e) => a + e.calls, 0);
  const last = usage.endpoints.reduce<string | null>((a, e) => (a === null || e.lastAt > a ? e.lastAt : a), null);
  if (calls > 0) {
    return {
      state: 'calls_after',
      since,
      callsAfter: calls,
      lastCallAfter: last,
      auditCheckedUntil: checked,
      sentence: `Not fully effective at ${at} as expected: the audit log shows ${calls} call${calls === 1 ? '' : 's'} by this credential after it (the last at ${clockWords(Date.parse(last!), nowMs)}). Something still holds a working token; find the caller in the audit log.`,
    };
  }
  if (Date.parse(checked) < sinceMs) {
    return { state: 'fully_effective', since, callsAfter: null, lastCallAfter: null, auditCheckedUntil: checked, sentence: `${head}. Not checked against the audit log yet: the cached log reaches only ${clockWords(Date.parse(checked), nowMs)}; sync the audit log to check for calls after ${at}.` };
  }
  return { state: 'fully_effective', since, callsAfter: 0, lastCallAfter: null, auditCheckedUntil: checked, sentence: `${head}. No calls by this credential after it in the audit log (checked up to ${clockWords(Date.parse(checked), nowMs)}).` };
}

/** the effect in a few words, for a list */
export function effectShort(e: RevocationEffect | null, outcome: string, nowMs: number): string {
  if (!e) return outcome === 'failed' ? 'not revoked' : outcome === 'pending' ? 'not finished' : '-';
  const at = clockWords(Date.parse(e.since), nowMs);
  if (e.state === 'tail') return `tokens work until ${at}`;
  if (e.state === 'calls_after') return `${e.callsAfter} call${e.callsAfter === 1 ? '' : 's'} after ${at}!`;
  return e.callsAfter === 0 ? `fully effective since ${at}` : `effective since ${at}, unchecked`;
}
