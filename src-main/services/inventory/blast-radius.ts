// What a revocation would do, before it runs: per target the blast radius (recent endpoints and caller IPs from the audit
// domain's read model, the same app installed elsewhere, access tokens that outlive the revocation) and, for the batch,
// the statement and typed confirmation the user answers. Reads the cache only; never calls the platform.
import type { BlastRadius, CredentialSummary, RevokePreview } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { WorkspaceRef } from '../../ports/platform.ts';
import type { AuditReadModel } from '../audit/index.ts';
import type { CachedCredential, InventoryRepository } from './repository.ts';
import { DOCUMENTED_ACCESS_TOKEN_TTL_SECONDS, previewTailSentence } from './revocation-tail.ts';

export const BLAST_WINDOW_DAYS = 30;
export { DOCUMENTED_ACCESS_TOKEN_TTL_SECONDS };
const DAY = 86_400_000;

export interface BlastRadiusDeps {
  repo: InventoryRepository;
  audit: Pick<AuditReadModel, 'usageByCredential'>;
  clock: Clock;
  summaryOf: (c: CachedCredential) => CredentialSummary;
  cachedCredential: (ws: WorkspaceRef, credentialId: string) => CachedCredential;
  findWorkspace: (id: string) => WorkspaceRef | null;
  knownWorkspaces: () => WorkspaceRef[];
}

export function createBlastRadius(d: BlastRadiusDeps) {
  const { repo, audit, summaryOf, cachedCredential, findWorkspace, knownWorkspaces } = d;
  /** `${workspaceId}\u0000${credentialId}` of a revocation's targets: "stays installed elsewhere" is counted over them */
  type TargetKeys = ReadonlySet<string>;
  const keyOf = (workspaceId: string, credentialId: string) => `${workspaceId}\u0000${credentialId}`;

  /** the other active installs of an app (same client id) that a revocation of `targets` leaves in place */
  function installsKept(clientId: string, targets: TargetKeys): CachedCredential[] {
    return repo.credentials().filter((o) => o.type === 'app' && o.clientId === clientId && o.status !== 'revoked' && o.status !== 'disabled' && !targets.has(keyOf(o.workspaceId, o.id)));
  }
  const distinctWorkspaces = (list: CachedCredential[]) => {
    const by = new Map<string, { workspaceId: string; workspaceName: string }>();
    for (const o of list) if (!by.has(o.workspaceId)) by.set(o.workspaceId, { workspaceId: o.workspaceId, workspaceName: findWorkspace(o.workspaceId)?.name ?? o.workspaceId });
    return [...by.values()].sort((a, b) => a.workspaceName.localeCompare(b.workspaceName));
  };

  function blastRadius(ws: WorkspaceRef, c: CachedCredential, targets: TargetKeys): BlastRadius {
    const nowMs = d.clock.now();
    const usage = audit.usageByCredential(ws.id, c.id, nowMs - BLAST_WINDOW_DAYS * DAY);
    const s = summaryOf(c);
    let reason: string | null = null;
    if (c.type === 'service_token') reason = `Service tokens cannot be revoked on this platform; this one expires at ${c.expiresAt ?? 'an unknown time'}`;
    else if (c.status === 'revoked') reason = 'Already revoked';
    else if (c.status === 'disabled') reason = 'Already disabled';
    const sameAppElsewhere = c.type === 'app' && c.clientId ? distinctWorkspaces(installsKept(c.clientId, targets).filter((o) => o.workspaceId !== ws.id)) : [];
    // API keys stop at the next request, and a disabled machine client's tokens are refused at once (docs §4.4); an app
    // grant's issued access tokens stay alive until they expire
    const tokenTail =
      s.revocable && c.type === 'app'
        ? { until: new Date(nowMs + DOCUMENTED_ACCESS_TOKEN_TTL_SECONDS * 1000).toISOString(), ttlSeconds: DOCUMENTED_ACCESS_TOKEN_TTL_SECONDS, basis: 'documented_default' as const }
        : null;
    return {
      workspaceId: ws.id,
      workspaceName: ws.name,
      credentialId: c.id,
      credentialName: c.name,
      type: c.type,
      label: s.label,
      scopes: c.scopes,
      action: c.type === 'machine_client' ? 'disable' : 'revoke',
      revocable: s.revocable,
      reason,
      isGrantdesk: s.isGrantdesk,
      lastUsedAt: c.lastUsedAt,
      auditState: usage.state,
      auditCoverageUntil: usage.coverageUntil,
      endpoints: usage.endpoints,
      callerIps: usage.callerIps,
      sameAppElsewhere,
      callsInWindow: usage.endpoints.reduce((a, e) => a + e.calls, 0),
      callers: usage.callerIps.length,
      tokenTail,
    };
  }

  function previewOf(targets: { ws: WorkspaceRef; credentialId: string }[], bulk: boolean): RevokePreview {
    const keys: TargetKeys = new Set(targets.map((t) => keyOf(t.ws.id, t.credentialId)));
    const creds = targets.map((t) => cachedCredential(t.ws, t.credentialId));
    const radius = targets.map((t, i) => blastRadius(t.ws, creds[i]!, keys));
    const touched = new Set(targets.map((t) => t.ws.id));
    const apps = new Map<string, string>();
    for (const c of creds) if (c.type === 'app' && c.clientId && !apps.has(c.clientId)) apps.set(c.clientId, c.name);
    const keptElsewhere = [...apps].map(([clientId, appName]) => ({
      clientId,
      appName,
      workspaces: distinctWorkspaces(installsKept(clientId, keys).filter((o) => !touched.has(o.workspaceId))).map((w) => ({ id: w.workspaceId, name: w.workspaceName })),
    }));
    const tails = radius.map((r) => r.tokenTail?.until).filter((u): u is string => !!u).sort();
    const untouched = knownWorkspaces()
      .filter((w) => !touched.has(w.id))
      .map((w) => ({ id: w.id, name: w.name }));
    const names = [...new Set(targets.map((t) => t.ws.name))];
    const confirmText = bulk ? String(targets.length) : targets[0]!.ws.name;
    const what = targets.length === 1 ? `1 credential (${radius[0]!.credentialName})` : `${targets.length} credentials`;
    const statement =
      `Revokes ${what} in ${names.length === 1 ? names[0] : `${names.length} workspaces`}, each workspace separately. ` +
      `${untouched.length} other workspace${untouched.length === 1 ? ' is' : 's are'} not touched.`;
    return {
      targets: radius,
      untouchedWorkspaces: untouched,
      confirmText,
      statement,
      windowDays: BLAST_WINDOW_DAYS,
      workspaces: touched.size,
      keptElsewhere,
      tokenTailUntil: tails.length ? tails[tails.length - 1]! : null,
      tailSentence: previewTailSentence(tails.length ? tails[tails.length - 1]! : null, d.clock.now(), radius.filter((r) => r.revocable).length),
    };
  }

  return { previewOf, installsKept };
}
