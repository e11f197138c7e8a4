// The guardrails dry run: a credential (and the keys it was rotated from, whose callers moved to it) replayed from the
// audit cache against a proposal, with what the cache can and cannot tell (coverage, the route → scope table). Reads the
// audit and inventory caches through their read models only: it never calls the platform.
import type { CredentialReplay, GuardrailSet, GuardrailsDryRun } from '../../../src-common/contract/index.ts';
import type { WorkspaceRef } from '../../ports/platform.ts';
import type { InventoryCredential } from '../inventory/index.ts';
import { compileRouteScopes, replayCredential } from './guardrails-replay.ts';
import type { RotationDeps } from './deps.ts';

const DAY = 86_400_000;
const DATE = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/** The credential's rotation predecessors in the cache (newest first), at most 10, never a cycle. */
function predecessors(all: readonly InventoryCredential[], c: InventoryCredential): InventoryCredential[] {
  const byId = new Map(all.filter((x) => x.workspaceId === c.workspaceId).map((x) => [x.id, x]));
  const out: InventoryCredential[] = [];
  const seen = new Set([c.id]);
  let cur = c.rotatedFrom ? byId.get(c.rotatedFrom) : undefined;
  while (cur && !seen.has(cur.id) && out.length < 10) {
    out.push(cur);
    seen.add(cur.id);
    cur = cur.rotatedFrom ? byId.get(cur.rotatedFrom) : undefined;
  }
  return out;
}

export interface DryRunRequest {
  ws: WorkspaceRef;
  cred: InventoryCredential;
  type: GuardrailsDryRun['credentialType'];
  current: GuardrailSet;
  proposed: GuardrailSet;
  changes: string[];
  sinceDays: number;
}

export function runDryRun(deps: Pick<RotationDeps, 'audit' | 'inventory' | 'clock'>, r: DryRunRequest): GuardrailsDryRun {
  const nowMs = deps.clock.now();
  const sinceMs = nowMs - r.sinceDays * DAY;
  const warnings: string[] = [];
  const cov = deps.audit.coverage(r.ws.id);
  if (cov === null) warnings.push(`The audit cache holds no calls of ${r.ws.name} yet: sync the audit log first; no call could be judged.`);
  else if (cov.fromMs > sinceMs + DAY)
    warnings.push(`The audit cache starts ${DATE.format(cov.fromMs)}: only the last ${Math.max(0, Math.floor((nowMs - cov.fromMs) / DAY))} of the ${r.sinceDays} days asked for could be judged.`);
  const routes = deps.inventory.scopeRoutes();
  const scopeOf = routes.length ? compileRouteScopes(routes) : null;
  if (!scopeOf) warnings.push("The platform's table of which scope each route needs is not in the cache: sync the inventory; calls the proposed scopes would refuse were not judged.");

  const proposal = { scopes: r.proposed.scopes, ipAllowlist: r.proposed.ipAllowlist, rateLimitPerMinute: r.proposed.rateLimitPerMinute, scopeOf };
  const targets: Array<{ c: InventoryCredential; relation: CredentialReplay['relation'] }> = [
    { c: r.cred, relation: 'this' },
    ...(r.type === 'api_key' ? predecessors(deps.inventory.credentials(), r.cred).map((c) => ({ c, relation: 'predecessor' as const })) : []),
  ];
  const credentials = targets.map(({ c, relation }) =>
    replayCredential((visit) => deps.audit.forEachCall(r.ws.id, c.id, sinceMs, visit), proposal, { credentialId: c.id, credentialName: c.name, relation }),
  );
  const refused = { scope: 0, ip: 0, rate: 0, total: 0 };
  let calls = 0;
  let newlyRefused = 0;
  for (const c of credentials) {
    calls += c.calls;
    newlyRefused += c.newlyRefused;
    for (const k of ['scope', 'ip', 'rate', 'total'] as const) refused[k] += c.refused[k];
  }
  return {
    workspaceId: r.ws.id,
    workspaceName: r.ws.name,
    credentialId: r.cred.id,
    credentialName: r.cred.name,
    credentialType: r.type,
    current: r.current,
    proposed: r.proposed,
    changes: r.changes,
    sinceDays: r.sinceDays,
    since: new Date(sinceMs).toISOString(),
    cacheUntil: cov?.untilAt ?? null,
    warnings,
    scopesJudged: scopeOf !== null,
    credentials,
    totals: { calls, refused, newlyRefused },
    catalogue: deps.inventory.scopeCatalogue().map((s) => ({ name: s.name, description: s.description })),
  };
}
