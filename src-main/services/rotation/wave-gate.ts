// The gate between batches of a rotation wave: did this workspace's integration cut over to its new key? Read from the
// audit domain's read model (after the wave synced the batch's audit logs), judged on the PLATFORM's clock: "now" is the
// time of the last cached event of the workspace (the sync's own calls are audited, so a fresh sync reaches the
// platform's present), never this machine's clock. An API key rotation creates a new key id (docs/platform-api.md §5.1),
// so the audit log tells the old secret from the new one by `credential_id`: calls by the old key id after the rotation
// are the old secret (it still works during grace), calls by the new key id are the new secret.
//   passed:  the new key made a successful call since the rotation, the old key made none for `quiet` (since its last
//            call or the rotation), and neither made a 401/403 since the gate's baseline;
//   failed:  a 401/403 by either key since the baseline, or, when the old key's grace period ended, the old key still in
//            use or the new key never used;
//   waiting: otherwise (the audit log does not reach past the rotation yet, the new key is not seen yet, or the quiet
//            time has not passed), with what it waits for.
import type { RotationDeps } from './deps.ts';
import type { WaveItemRow } from './wave-repo.ts';
import { utc } from './wave-view.ts';

export type GateVerdict = { kind: 'passed'; evidence: string } | { kind: 'failed'; evidence: string } | { kind: 'waiting'; evidence: string };

const minutesText = (m: number) => (m % 1440 === 0 && m > 0 ? `${m / 1440} d` : m % 60 === 0 && m > 0 ? `${m / 60} h` : m > 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`);

export function judgeCutover(audit: RotationDeps['audit'], it: WaveItemRow, quietMinutes: number): GateVerdict {
  const since = it.rotated_ms;
  if (since === null || !it.new_key_id) return { kind: 'waiting', evidence: 'The key is not rotated yet.' };
  const cov = audit.coverage(it.workspace_id);
  if (!cov || cov.untilMs < since) return { kind: 'waiting', evidence: `The audit log has no events after the rotation (${utc(it.rotated_at)}) yet; it is synced again on the next resume.` };
  const platformNow = cov.untilMs;
  const baseline = Math.max(since, it.gate_since_ms ?? since);
  let newOk = 0;
  let newFirstOk: string | null = null;
  const refused: Array<{ key: string; at: string; status: number; what: string; ip: string | null }> = [];
  audit.forEachCall(it.workspace_id, it.new_key_id, since, (c) => {
    if (c.status !== null && c.status >= 200 && c.status < 300) {
      newOk++;
      newFirstOk ??= c.occurredAt;
    }
    if ((c.status === 401 || c.status === 403) && c.occurredMs >= baseline) refused.push({ key: 'new', at: c.occurredAt, status: c.status, what: `${c.method ?? '?'} ${c.endpoint ?? '?'}`, ip: c.callerIp });
  });
  let oldCalls = 0;
  let oldLast: { ms: number; at: string; ip: string | null } | null = null;
  audit.forEachCall(it.workspace_id, it.old_key_id, since, (c) => {
    oldCalls++;
    if (!oldLast || c.occurredMs >= oldLast.ms) oldLast = { ms: c.occurredMs, at: c.occurredAt, ip: c.callerIp };
    if ((c.status === 401 || c.status === 403) && c.occurredMs >= baseline) refused.push({ key: 'old', at: c.occurredAt, status: c.status, what: `${c.method ?? '?'} ${c.endpoint ?? '?'}`, ip: c.callerIp });
  });
  const reach = `the audit log reaches ${utc(cov.untilAt)}`;
  if (refused.length) {
    const last = refused[refused.length - 1]!;
    return {
      kind: 'failed',
      evidence: `${refused.length} call${refused.length === 1 ? ' was' : 's were'} refused (not authorised or forbidden) since ${utc(baseline)}: the latest, ${last.what} with the ${last.key} key${last.ip ? ` from ${last.ip}` : ''}, got ${last.status} at ${utc(last.at)}. Fix the integration's credentials, then resume (only newer refusals count).`,
    };
  }
  const old = oldLast as { ms: number; at: string; ip: string | null } | null;
  const graceEnd = it.grace_ends_at ? Date.parse(it.grace_ends_at) : null;
  if (old && graceEnd !== null && platformNow >= graceEnd && old.ms >= graceEnd - quietMinutes * 60_000)
    return { kind: 'failed', evidence: `The old key was still used at ${utc(old.at)}${old.ip ? ` from ${old.ip}` : ''} and its grace period ended ${utc(it.grace_ends_at)}: the integration did not cut over.` };
  if (newOk === 0 && graceEnd !== null && platformNow >= graceEnd)
    return { kind: 'failed', evidence: `The new key ${it.new_key_label ?? it.new_key_id} was not used before the old key's grace period ended (${utc(it.grace_ends_at)}): the integration did not pick up its new secret. Check that it reads the secrets manager, then resume.` };
  if (newOk === 0) return { kind: 'waiting', evidence: `Waiting for the new key ${it.new_key_label ?? it.new_key_id} to be used (no successful call by it since the rotation; ${reach}).` };
  const quietFrom = Math.max(since, old?.ms ?? since);
  const quietFor = platformNow - quietFrom;
  if (quietFor < quietMinutes * 60_000)
    return {
      kind: 'waiting',
      evidence: old
        ? `The old key was last used at ${utc(old.at)}${old.ip ? ` from ${old.ip}` : ''} (${oldCalls} call${oldCalls === 1 ? '' : 's'} since the rotation); waiting until it has been quiet for ${minutesText(quietMinutes)}, at ${utc(quietFrom + quietMinutes * 60_000)} (${reach}).`
        : `The new key is in use; waiting until the old key has been quiet for ${minutesText(quietMinutes)} since the rotation, at ${utc(quietFrom + quietMinutes * 60_000)} (${reach}).`,
    };
  return {
    kind: 'passed',
    evidence: `The new key made ${newOk} successful call${newOk === 1 ? '' : 's'} (the first at ${utc(newFirstOk)}), the old key ${old ? `quiet since ${utc(old.at)}` : 'unused since the rotation'} (${minutesText(Math.floor(quietFor / 60_000))}), no call refused.`,
  };
}
