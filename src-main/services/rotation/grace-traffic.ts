// The evidence that an old API key has gone quiet after a rotation: its calls and the new key's since the rotation, from
// the audit domain's read model (buckets, caller IPs, endpoints), and the platform's own last-used time. "Quiet" is a
// claim about the time after the rotation, so only audit data that reaches past the rotation can make it.
import type { GraceTraffic } from '../../../src-common/contract/index.ts';
import type { ApiKey } from '../../platform/index.ts';
import { iso, type RotationDeps } from './deps.ts';
import type { WizardRow } from './wizard-repo.ts';

export const QUIET_HOURS = 24;
const DAY = 86_400_000;

export async function graceTraffic(deps: RotationDeps, r: WizardRow, listKeys: (ws: string) => Promise<ApiKey[]>): Promise<GraceTraffic> {
  const nowMs = deps.clock.now();
  let oldKeyLastUsedAt: string | null = null;
  let oldKeyStatus: string | null = null;
  try {
    const old = (await listKeys(r.workspace_id)).find((k) => k.id === r.old_key_id);
    oldKeyLastUsedAt = old?.last_used_at ?? null;
    oldKeyStatus = old?.status ?? null;
  } catch {
    /* offline: the audit cache alone speaks */
  }
  const since = r.rotated_ms;
  const graceEnd = r.grace_ends_at ? Date.parse(r.grace_ends_at) : nowMs;
  const base: GraceTraffic = {
    wizardId: r.id,
    auditState: 'not_synced',
    auditCoverageUntil: null,
    auditEndsBeforeRotation: false,
    since: r.rotated_at,
    oldKeyLastUsedAt,
    oldKeyStatus,
    quiet: false,
    quietHours: QUIET_HOURS,
    buckets: [],
    bucketHours: 24,
    byCallerIp: [],
    byEndpoint: [],
    oldKeyCalls: 0,
    newKeyCalls: 0,
  };
  let lastOldAudit: number | null = null;
  let auditUntilMs: number | null = null;
  // the audit domain's read model: no cached event for the workspace is 'not_synced', never "quiet"
  const cov = since !== null ? deps.audit.coverage(r.workspace_id) : null;
  if (cov && since !== null) {
    base.auditState = 'synced';
    base.auditCoverageUntil = cov.untilAt;
    auditUntilMs = cov.untilMs;
    base.auditEndsBeforeRotation = cov.untilMs < since;
    const span = Math.max(0, Math.min(nowMs, Math.max(graceEnd, since)) - since);
    const bucketHours = span <= 2 * DAY ? 1 : 24;
    const bucketMs = bucketHours * 3_600_000;
    const n = Math.min(60, Math.max(1, Math.ceil(span / bucketMs)));
    base.bucketHours = bucketHours;
    base.buckets = Array.from({ length: n }, (_v, i) => ({ start: iso(since + i * bucketMs), oldKeyCalls: 0, newKeyCalls: 0 }));
    const t = deps.audit.graceTraffic(r.workspace_id, { oldId: r.old_key_id, newId: r.new_key_id, sinceMs: since, bucketMs });
    for (const s of t.series) {
      const b = base.buckets[Math.min(n - 1, Math.max(0, Math.floor(s.bucket)))]!;
      if (s.credentialId === r.old_key_id) {
        b.oldKeyCalls += s.calls;
        base.oldKeyCalls += s.calls;
      } else {
        b.newKeyCalls += s.calls;
        base.newKeyCalls += s.calls;
      }
    }
    base.byCallerIp = t.oldByCallerIp.map((x) => ({ ip: x.ip ?? '(unknown)', calls: x.calls, lastAt: x.lastAt }));
    base.byEndpoint = t.oldByEndpoint.map((x) => ({ method: x.method ?? '?', endpoint: x.endpoint ?? '?', calls: x.calls, lastAt: x.lastAt }));
    lastOldAudit = t.oldLastUseMs;
  }
  const platformLast = oldKeyLastUsedAt ? Date.parse(oldKeyLastUsedAt) : null;
  const lastUse = Math.max(lastOldAudit ?? -Infinity, platformLast ?? -Infinity);
  // "quiet" is a claim about the time after the rotation: only audit data newer than the rotation can make it, and only
  // as far as that data reaches (a cache that ends before the rotation, or none, is never "quiet")
  const seenUntil = auditUntilMs === null ? null : Math.min(nowMs, auditUntilMs);
  base.quiet = since !== null && seenUntil !== null && seenUntil >= since && (!Number.isFinite(lastUse) || lastUse < since || seenUntil - lastUse >= QUIET_HOURS * 3_600_000);
  return base;
}
