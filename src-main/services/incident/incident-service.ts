// Leaked-secret response (issue 16): identify → activity → contain (revoke, or rotate with zero grace) → evidence pack.
// The incident domain owns only its record (incident_cases, incident_actions); everything else is another domain's, reached
// through the ports composition.ts passes in: the inventory's credentials and revocation, the audit sync, summaries and
// export, rotation's rotate-now with its delivery. MFA step-up needs nothing here: the dispatcher scopes every command and
// the platform client steps up when the platform asks (services/connections/step-up.ts).
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditFilter, AuditSummary, DeliveryRequest, Incident, IncidentActivity, Output, RevokePreview, RevokeResult, Wizard, WorkspaceAuditStatus } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { HttpClient } from '../../ports/http.ts';
import type { WorkspaceDirectory } from '../../ports/platform.ts';
import { AppError } from '../../rpc/app-error.ts';
import { INTERNAL_CAPABILITIES, type CallContext, type Capabilities } from '../../rpc/handlers.ts';
import { claimOutputPath } from '../output-path.ts';
import type { InventoryCredential } from '../inventory/index.ts';
import type { Usage } from '../audit/index.ts';
import { incidentActivity } from './activity.ts';
import { classifySecret, confirmCandidate, type Candidate } from './identify.ts';
import { buildIncidentPack } from './pack.ts';
import { createIncidentRepo } from './repo.ts';

/** one workspace's audit sync result, as audit.sync answers it */
type SyncResult = Output<'audit.sync'>['results'][number];

export interface IncidentDeps {
  db: Db;
  clock: Clock;
  dataDir: string;
  appVersion: string;
  /** calls made with the pasted secret (never a stored grant) */
  http: HttpClient;
  apiBase: (workspaceId: string) => Promise<string>;
  workspaces: WorkspaceDirectory;
  credentials: () => InventoryCredential[];
  /** re-reads every connected workspace's inventory (a key newer than the cache); a failure leaves the cache as it was */
  syncInventory: () => Promise<void>;
  syncAudit: (workspaceIds: string[]) => Promise<SyncResult[]>;
  summary: (f: AuditFilter & { top?: number }) => AuditSummary;
  usage: (workspaceId: string, credentialId: string, sinceMs: number, limit?: number) => Usage;
  coverageUntil: (workspaceId: string) => string | null;
  auditStatus: (workspaceIds: string[]) => { workspaces: WorkspaceAuditStatus[] };
  auditExport: (f: AuditFilter & { out: string; format: 'jsonl'; bom: false }, caps: Capabilities) => Promise<{ manifestPath: string }>;
  revokePreview: (i: { workspace: string; credentialId: string }) => RevokePreview;
  revoke: (i: { workspace: string; credentialId: string; confirm?: string; yes?: boolean }, ctx: CallContext) => Promise<RevokeResult>;
  rotate: (i: { workspace: string; keyId: string; grace: number } & DeliveryRequest, caps: Capabilities) => Promise<{ wizard: Wizard; secret?: string | null } & Pick<Output<'incident.rotate'>, 'delivered' | 'deliveryFailed'>>;
}

export function createIncidentService(d: IncidentDeps) {
  const repo = createIncidentRepo(d.db);
  const now = () => d.clock.now();
  const must = (id: string): Incident => {
    const inc = repo.get(id);
    if (!inc) throw new AppError('not_found', `No incident ${id} here: open one by pasting the secret (grantdesk incident)`);
    return inc;
  };
  const sinceMsOf = (inc: Incident, since: string | undefined) => {
    if (since === undefined) return Date.parse(inc.lastRotationAt);
    const ms = Date.parse(since);
    if (!Number.isFinite(ms)) throw new AppError('invalid_input', `since: "${since.slice(0, 40)}" is not a date or time (e.g. 2026-11-01 or 2026-11-01T09:00:00Z)`);
    return ms;
  };
  const credentialOf = (inc: Incident) => d.credentials().find((c) => c.workspaceId === inc.match.workspaceId && c.id === inc.match.credentialId) ?? null;
  const confirmText = (inc: Incident, confirm: string | undefined, yes: boolean | undefined, caps: Capabilities) => {
    if (yes === true && (confirm === undefined || confirm === '')) {
      if (caps.confirmation !== 'flag') throw new AppError('invalid_input', 'Confirmation by flag is only accepted on the command line; type the workspace name');
    } else if ((confirm ?? '').trim() !== inc.match.workspaceName) throw new AppError('invalid_input', `confirm: type the workspace name exactly ("${inc.match.workspaceName}") to confirm`);
  };

  function candidatesFor(prefix: string, lastFour: string, connected: Set<string>): Candidate[] {
    return d
      .credentials()
      .filter((c) => c.type === 'api_key' && c.prefix === prefix && c.lastFour === lastFour && connected.has(c.workspaceId))
      .map((c) => ({ workspaceId: c.workspaceId, workspaceName: c.workspaceName ?? c.workspaceId, credentialId: c.id, credentialName: c.name, status: c.status, prefix, lastFour }));
  }

  async function identify(input: { secret?: string; secretFile?: string }, caps: Capabilities): Promise<Output<'incident.identify'>> {
    let secret = input.secret;
    if (input.secretFile !== undefined) {
      // a path only from a caller with file access anywhere (the CLI); never read for anyone else
      if (caps.fileAccess !== 'anywhere') throw new AppError('invalid_input', 'secretFile: only the command line may name a file; paste the secret instead');
      let size: number;
      try {
        size = statSync(input.secretFile).size;
      } catch (e) {
        throw new AppError('invalid_input', `secretFile: cannot read ${input.secretFile.slice(0, 200)} (${(e as NodeJS.ErrnoException).code ?? 'error'}); name the file that holds the secret`);
      }
      if (size > 4096) throw new AppError('invalid_input', 'secretFile: the file is larger than any secret (4 KiB); name the file that holds only the secret');
      secret = readFileSync(input.secretFile, 'utf8');
    }
    const shape = classifySecret(secret ?? '');
    // from here on only the trimmed secret is used: a pasted newline never reaches a header
    secret = shape.kind === 'api_key' ? shape.secret : undefined;
    const connected = d.workspaces.list().filter((w) => w.status === 'connected');
    const none = (sentence: string) => ({ incident: null, candidates: 0, workspacesSearched: connected.length, sentence });
    if (shape.kind === 'other') return none(shape.sentence);
    const ids = new Set(connected.map((w) => w.id));
    let candidates = candidatesFor(shape.prefix, shape.lastFour, ids);
    let resynced = false;
    if (candidates.length === 0 && connected.length > 0) {
      // the key may be newer than the cache: read every connected workspace's credentials once more, then match again
      await d.syncInventory().catch(() => undefined);
      resynced = true;
      candidates = candidatesFor(shape.prefix, shape.lastFour, ids);
    }
    const display = `${shape.prefix}…${shape.lastFour}`;
    const searched = `${connected.length} connected workspace${connected.length === 1 ? '' : 's'}${resynced ? ' (inventory re-read just now)' : ''}`;
    if (candidates.length === 0)
      return none(`No credential matches this secret: no API key shown as ${display} in any of the ${searched}. It is not a key of a workspace Grantdesk is connected to; the secret was not sent anywhere.`);
    let confirmed: { match: NonNullable<Awaited<ReturnType<typeof confirmCandidate>>['match']>; platform: Record<string, unknown> } | null = null;
    const refused: string[] = [];
    for (const c of candidates) {
      const r = await confirmCandidate(d.http, await d.apiBase(c.workspaceId), secret!, c);
      if (r.match && !confirmed) confirmed = { match: r.match, platform: { call: 'GET /v1/workspace', ...r.platform } };
      else if (!r.match) refused.push(`${c.credentialName} in ${c.workspaceName} (${r.why ?? 'not recognised'})`);
    }
    // the secret is not needed past this point: nothing below holds it (nor does anything above keep it)
    secret = undefined;
    if (!confirmed)
      return {
        ...none(`No credential matches this secret: ${candidates.length} API key${candidates.length === 1 ? '' : 's'} shown as ${display} in the ${searched}, but the platform did not confirm the secret for ${refused.join('; ')}. The secret was sent only to ${candidates.length === 1 ? 'that workspace' : 'those workspaces'}.`),
        candidates: candidates.length,
      };
    const m = confirmed.match;
    const cred = credentialOf({ match: m } as Incident);
    const lastRotationMs = Date.parse(cred?.createdAt ?? '') || now();
    const id = `inc_${randomBytes(8).toString('hex')}`;
    repo.open(id, now(), m, lastRotationMs);
    repo.addAction(id, { atMs: now(), action: 'identified', ok: true, sentence: `Identified ${m.credentialName} (${m.display}) in ${m.workspaceName}. ${m.confirmationSentence}`, platform: confirmed.platform });
    // what it did comes from the cache: bring the affected workspace's audit log up to date first
    const synced = await d.syncAudit([m.workspaceId]).catch((e: unknown) => [{ workspaceId: m.workspaceId, outcome: 'error' as const, inserted: 0, cursorSeq: 0, remoteHeadSeq: null, message: e instanceof AppError ? e.message : 'the audit sync failed', retryAt: null }]);
    const s = synced[0];
    repo.addAction(id, {
      atMs: now(),
      action: 'synced',
      ok: s?.outcome === 'ok',
      sentence: s?.outcome === 'ok' ? `Synced the audit log of ${m.workspaceName}: ${s.inserted} new events, up to seq ${s.cursorSeq}.` : `The audit log of ${m.workspaceName} could not be synced (${s?.message ?? s?.outcome ?? 'no answer'}); the activity shows the cache as it was.`,
      platform: s ? { outcome: s.outcome, inserted: s.inserted, cursorSeq: s.cursorSeq, remoteHeadSeq: s.remoteHeadSeq } : null,
    });
    const others = candidates.length - 1 - refused.length;
    return {
      incident: must(id),
      candidates: candidates.length,
      workspacesSearched: connected.length,
      sentence: `The secret is ${m.credentialName} (${m.display}) in workspace ${m.workspaceName}. ${m.confirmationSentence}${others > 0 ? ` ${others} other key${others === 1 ? '' : 's'} with the same display also answered; check them too.` : ''}`,
    };
  }

  function activity(input: { incidentId: string; since?: string }): IncidentActivity {
    const inc = must(input.incidentId);
    return incidentActivity(d, {
      incidentId: inc.id,
      workspaceId: inc.match.workspaceId,
      credentialId: inc.match.credentialId,
      ipAllowlist: credentialOf(inc)?.ipAllowlist ?? [],
      sinceMs: sinceMsOf(inc, input.since),
      ownCheckAtMs: Date.parse(inc.actions.find((a) => a.action === 'identified')?.at ?? '') || null,
    });
  }

  return {
    identify,
    activity,
    list: () => ({ incidents: repo.list() }),
    containPreview(input: { incidentId: string; action: 'revoke' | 'rotate' }): Output<'incident.containPreview'> {
      const inc = must(input.incidentId);
      const preview = d.revokePreview({ workspace: inc.match.workspaceId, credentialId: inc.match.credentialId });
      const sentence =
        input.action === 'revoke'
          ? `Revoking ${inc.match.credentialName} stops the leaked secret at once. ${preview.statement}`
          : `Rotating ${inc.match.credentialName} with zero grace stops the leaked secret at once and issues a replacement with the same scopes and guardrails; its callers need the new secret. ${preview.statement}`;
      return { action: input.action, preview, sentence };
    },
    async revoke(input: { incidentId: string; confirm?: string; yes?: boolean }, ctx: CallContext): Promise<Output<'incident.revoke'>> {
      const inc = must(input.incidentId);
      confirmText(inc, input.confirm, input.yes, ctx.capabilities);
      const result = await d.revoke({ workspace: inc.match.workspaceId, credentialId: inc.match.credentialId, ...(input.confirm ? { confirm: input.confirm } : { yes: input.yes }) }, ctx);
      const row = result.results[0];
      const ok = row?.outcome === 'revoked' || row?.outcome === 'already_revoked';
      repo.addAction(inc.id, {
        atMs: now(),
        action: 'revoked',
        ok,
        sentence: ok ? `Revoked ${inc.match.credentialName} in ${inc.match.workspaceName}: ${row!.effect.replace(/^\p{Lu}(?!\p{Lu})/u, (c) => c.toLowerCase()).replace(/([^.!?])$/, '$1.')}` : `Revoking ${inc.match.credentialName} failed: ${row?.error?.message ?? 'no answer'}`,
        platform: row ? { call: `POST revoke ${inc.match.credentialId}`, outcome: row.outcome, revocationId: row.revocationId, finishedAt: row.finishedAt, error: row.error?.code ?? null } : null,
      });
      if (ok) repo.setState(inc.id, 'revoked');
      return { incident: must(inc.id), result };
    },
    async rotate(input: { incidentId: string; confirm?: string; yes?: boolean } & DeliveryRequest, ctx: CallContext): Promise<Output<'incident.rotate'>> {
      const inc = must(input.incidentId);
      confirmText(inc, input.confirm, input.yes, ctx.capabilities);
      const { deliverTo, deliverCmd, showSecretOnFailure } = input;
      const r = await d.rotate({ workspace: inc.match.workspaceId, keyId: inc.match.credentialId, grace: 0, deliverTo, deliverCmd, showSecretOnFailure }, ctx.capabilities);
      const w = r.wizard;
      const ok = w.newKeyId !== null && w.lastError === null;
      repo.addAction(inc.id, {
        atMs: now(),
        action: 'rotated',
        ok,
        sentence: ok
          ? `Rotated ${inc.match.credentialName} with zero grace: the leaked secret stopped at ${w.rotatedAt ?? 'once'}; the replacement is ${w.newKeyLabel ?? w.newKeyId}${r.delivered ? `, delivered to ${r.delivered.target}` : r.deliveryFailed ? `; delivery failed: ${r.deliveryFailed.message}` : ', shown once'}.`
          : `Rotating ${inc.match.credentialName} did not finish: ${w.lastError?.message ?? `it stopped at step ${w.step}`}`,
        platform: { call: `POST /v1/api-keys/${inc.match.credentialId}/rotate`, graceDays: w.graceDays, newKeyId: w.newKeyId, rotatedAt: w.rotatedAt, graceEndsAt: w.graceEndsAt, step: w.step, verification: w.verification ? { ok: w.verification.ok, status: w.verification.status } : null, delivered: r.delivered?.target ?? null },
      });
      if (ok) repo.setState(inc.id, 'rotated');
      return { incident: must(inc.id), wizard: w, ...(r.secret !== undefined ? { secret: r.secret } : {}), ...(r.delivered ? { delivered: r.delivered } : {}), ...(r.deliveryFailed ? { deliveryFailed: r.deliveryFailed } : {}) };
    },
    async pack(input: { incidentId: string; out?: string; since?: string }, caps: Capabilities): Promise<Output<'incident.pack'>> {
      const inc = must(input.incidentId);
      const sinceMs = sinceMsOf(inc, input.since);
      const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
      const dir = claimOutputPath(caps, { out: input.out, folder: join(d.dataDir, 'exports'), defaultName: `incident-${inc.id}-${stamp}`, kind: 'folder' }).path;
      repo.addAction(inc.id, { atMs: now(), action: 'pack', ok: true, sentence: `Wrote the evidence pack to ${dir}.`, platform: null });
      const final = must(inc.id);
      const act = activity({ incidentId: inc.id, since: new Date(sinceMs).toISOString() });
      const ws = inc.match.workspaceId;
      const r = await buildIncidentPack({
        dir,
        incident: final,
        activity: act,
        createdAt: new Date(now()).toISOString(),
        appVersion: d.appVersion,
        extract: async (file) => (await d.auditExport({ workspaces: [ws], credential: inc.match.credentialId, from: new Date(sinceMs).toISOString(), out: file, format: 'jsonl', bom: false }, INTERNAL_CAPABILITIES)).manifestPath,
        chainStatus: d.auditStatus([ws]),
      });
      return { path: dir, manifestPath: r.manifestPath, files: r.files, sentence: `The evidence pack holds ${r.files + 1} files (${r.files} listed in its manifest, and the manifest) with ${act.calls} audit event${act.calls === 1 ? '' : 's'}; check it with grantdesk verify ${r.manifestPath}.` };
    },
  };
}
export type IncidentService = ReturnType<typeof createIncidentService>;
