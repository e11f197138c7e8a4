// Which credential a pasted secret is. The platform documents no introspection for API keys (RFC 7662 introspection,
// docs/platform-api.md §4.5, answers for OAuth access tokens only) and never shows a key's hash, so the match is the most
// conservative one possible: the platform's own display (prefix + last four, from the inventory cache) picks the
// candidates, then the platform confirms each with ONE call made with the pasted secret — GET /v1/workspace, the call
// every valid token may make and which changes nothing — at that candidate's own API base and nowhere else. The secret is
// never sent to a workspace that has no candidate, and never leaves this function's callers' memory otherwise.
import type { HttpClient, HttpResponse } from '../../ports/http.ts';
import { probeWorkspace } from '../../platform/index.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { IncidentMatch } from '../../../src-common/contract/index.ts';

/** The shape of a pasted secret, judged by its format alone (docs/platform-api.md §5: token formats). */
export type SecretKind = { kind: 'api_key'; prefix: 'sk_live_' | 'sk_test_'; lastFour: string; secret: string } | { kind: 'other'; sentence: string };

export function classifySecret(raw: string): SecretKind {
  // the whitespace around a paste (a terminal's or a file's newline) is not part of the secret; the trimmed value is the
  // one the platform is asked about, so no newline ever reaches a header
  const s = raw.trim();
  const m = /^(sk_live_|sk_test_)[A-Za-z0-9]{40}$/.exec(s);
  if (m) return { kind: 'api_key', prefix: m[1] as 'sk_live_' | 'sk_test_', lastFour: s.slice(-4), secret: s };
  // a secret inside other text (a JSON blob from a ticket, a log line): never extracted, the operator pastes it alone
  if (/sk_(live|test)_[A-Za-z0-9]{40}/.test(s))
    return { kind: 'other', sentence: 'This is not an API key secret on its own: the paste holds one (sk_live_… or sk_test_…) with other text around it. Paste only the secret, from sk_ to its last character.' };
  if (/^mcs_[A-Za-z0-9]{20,}$/.test(s))
    return { kind: 'other', sentence: 'This looks like a machine-client secret (mcs_…). The platform shows no last four for those, so Grantdesk cannot tell which client it belongs to without sending it to every client; rotate the machine clients you suspect (grantdesk clients rotate).' };
  if (/^gst_[A-Za-z0-9]{20,}$/.test(s))
    return { kind: 'other', sentence: 'This looks like a service token (gst_…). Service tokens live at most 60 minutes and cannot be revoked; it stops working on its own within the hour.' };
  return { kind: 'other', sentence: 'This is not an API key secret: those start with sk_live_ or sk_test_ followed by 40 letters and digits. Check that the whole secret was pasted.' };
}

export interface Candidate {
  workspaceId: string;
  workspaceName: string;
  credentialId: string;
  credentialName: string;
  status: string;
  prefix: string;
  lastFour: string;
}

/** The platform's answer to the confirming call, reduced to what the incident records (never the secret). */
export interface Confirmation {
  match: IncidentMatch | null;
  /** what the platform said, for the incident's record (status 0: no usable answer) */
  platform: { status: number; error: string | null; workspaceId: string | null };
  /** when there is no match: why, in words ("the platform does not know this secret") */
  why: string | null;
}

const DEADLINE_MS = 15_000;
const MAX_BYTES = 64 * 1024;

/** A refusal in words: the operator reads why each candidate was ruled out, never a bare status or error code. */
function whyNot(status: number, error: string | null, answeredWs: string | null): string {
  if (status === 200) return answeredWs === null ? 'the platform accepted it but its answer named no workspace' : 'the platform answered for a different workspace';
  if (status === 401 && error === 'invalid_token') return 'the platform does not know this secret';
  if (status === 401) return 'the platform refused it';
  if (status === 429) return 'the platform asked to slow down; try again in a minute';
  if (status >= 500) return `the platform failed to answer (HTTP ${status}); try again later`;
  return `the platform refused the call (HTTP ${status})`;
}

const errorOf = (r: HttpResponse) => {
  const b = r.json && typeof r.json === 'object' ? (r.json as { error?: unknown }) : {};
  return typeof b.error === 'string' ? b.error.slice(0, 40) : null;
};

/** One call with the pasted secret at the candidate's API base; the answer decides whether the candidate is the credential. */
export async function confirmCandidate(http: HttpClient, apiBase: string, secret: string, c: Candidate): Promise<Confirmation> {
  let res: HttpResponse;
  try {
    res = await probeWorkspace(http, apiBase, secret, { deadlineMs: DEADLINE_MS, maxBytes: MAX_BYTES });
  } catch (e) {
    // a hostile or broken platform (no answer, an endless or oversized body, a dropped connection) rules this candidate
    // out in words; the other candidates are still asked and identify still answers
    const code = e instanceof AppError ? e.code : 'network';
    const msg = e instanceof Error ? e.message : '';
    const why =
      code === 'timeout' || /did not answer within/.test(msg)
        ? `the platform did not answer within ${DEADLINE_MS / 1000} seconds`
        : /exceeded \d+ decoded bytes/.test(msg)
          ? `its answer was larger than any workspace answer (over ${MAX_BYTES / 1024} KB)`
          : 'the platform could not be reached';
    return { match: null, platform: { status: 0, error: code.slice(0, 40), workspaceId: null }, why };
  }
  const error = errorOf(res);
  const body = res.json && typeof res.json === 'object' ? (res.json as { id?: unknown }) : {};
  const answeredWs = typeof body.id === 'string' && /^[A-Za-z0-9_.:-]{1,200}$/.test(body.id) ? body.id : null;
  const platform = { status: res.status, error, workspaceId: answeredWs };
  const display = `${c.prefix}…${c.lastFour}`;
  const base = { workspaceId: c.workspaceId, workspaceName: c.workspaceName, credentialId: c.credentialId, credentialName: c.credentialName, credentialType: 'api_key', display, status: c.status };
  if (res.status === 200) {
    if (answeredWs !== c.workspaceId) return { match: null, platform, why: whyNot(200, error, answeredWs) };
    return { match: { ...base, confirmation: 'platform', confirmationSentence: `The platform accepted the secret for workspace ${c.workspaceName}: the key is live, and whoever holds the secret can call with it.` }, platform, why: null };
  }
  // the platform looks the key up by its secret before it checks the caller's IP, revocation or expiry (§5.1, §4.5): these
  // answers name a key that exists, while an unknown secret answers invalid_token
  if (res.status === 401 && error === 'ip_not_allowed')
    return { match: { ...base, confirmation: 'platform_refused_ip', confirmationSentence: `The platform recognised the secret and refused this machine's IP address: the key is live for the addresses in its IP allowlist.` }, platform, why: null };
  if (res.status === 401 && error === 'token_revoked')
    return { match: { ...base, confirmation: 'platform_revoked', confirmationSentence: 'The platform recognised the secret as a revoked key: it no longer works.' }, platform, why: null };
  if (res.status === 401 && error === 'token_expired')
    return { match: { ...base, confirmation: 'platform_expired', confirmationSentence: 'The platform recognised the secret as a key that expired, or was rotated and its grace period ended: it no longer works.' }, platform, why: null };
  return { match: null, platform, why: whyNot(res.status, error, answeredWs) };
}
