// The offboarding preview's and results' sentences: what stops working, and each row's result (a failure with what to do).
import type { AppErrorData, BlastRadius } from '../../../src-common/contract/index.ts';
import type { OffboardLogRow } from './batch-log.ts';
import type { GrantPick } from './select.ts';

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function useOf(b: Pick<BlastRadius, 'auditState' | 'callsInWindow' | 'endpoints' | 'callers'>, days: number): string {
  if (b.auditState === 'not_synced') return "Recent use is unknown: this workspace's audit log is not synced.";
  if (b.callsInWindow === 0) return `No calls by it in the last ${days} days in the audit log.`;
  const top = [...b.endpoints].sort((x, y) => y.calls - x.calls).slice(0, 3).map((e) => `${e.method} ${e.endpoint}`);
  return `${plural(b.callsInWindow, 'call')} in the last ${days} days from ${plural(b.callers, 'caller IP')} (${top.join(', ')}) stop.`;
}

export function credentialStops(b: BlastRadius, days: number): string {
  const what =
    b.type === 'app'
      ? `The app "${b.credentialName}" loses its grant: refresh stops at once; access tokens already issued work until about ${b.tokenTail ? hhmm(b.tokenTail.until) : 'their expiry'}.`
      : b.type === 'machine_client'
        ? `The machine client "${b.credentialName}" is disabled: its tokens are refused at once.`
        : `The API key "${b.credentialName}" is revoked: it is refused from its next request.`;
  return `${what} ${useOf(b, days)}`;
}

export function grantStops(p: GrantPick): string {
  const by = p.grant.connectedBy;
  const who = by ? (by.name && by.email ? `${by.name} (${by.email})` : (by.name ?? by.email)) : 'an unknown person';
  return `Grantdesk's own access to ${p.workspaceName}, connected by ${who}, ends: its refresh token is revoked at the platform and removed from this machine's keychain. Sync, the audit log, rotation and revocations in ${p.workspaceName} stop until someone reconnects it. Platform credentials there are not touched.`;
}

export function successSentence(r: OffboardLogRow, outcome: 'revoked' | 'already_revoked' | 'disconnected', effect?: string): string {
  if (outcome === 'disconnected') return `Grantdesk's grant into ${r.workspace_name} was revoked at the platform and removed from this machine.`;
  if (outcome === 'already_revoked') return `"${r.credential_name}" was already ${r.action === 'disable' ? 'disabled' : 'revoked'}; nothing changed.`;
  const done = r.action === 'disable' ? 'Disabled' : 'Revoked';
  return `${done} "${r.credential_name}" in ${r.workspace_name}.${effect ? ` ${effect}.` : ''}`.replace(/\.\.$/, '.');
}

export function failureSentence(r: OffboardLogRow, e: AppErrorData | null): string {
  const what = r.kind === 'grant' ? `Grantdesk's grant into ${r.workspace_name}` : `"${r.credential_name}" in ${r.workspace_name}`;
  const why = e ? e.message.replace(/\.$/, '') : 'no answer';
  return `${what} was not ${r.action === 'disconnect' ? 'revoked' : r.action === 'disable' ? 'disabled' : 'revoked'}: ${why}. ${e?.remedy ?? 'Retry it.'} Then retry the failed rows.`;
}
