// Per-workspace revocation: the typed confirmation, one platform call per target (each workspace separately, workspaces
// in parallel, bounded), the durable record before and after the call, and the revocation tail: an OAuth revocation's
// outstanding access tokens keep working until the end the platform reports (or, when its answer is missing or not
// believable, the documented default), and the record says when the revocation became fully effective — checked
// against the cached audit log (revocation-tail.ts).
import { mapPool } from '../pool.ts';
import { randomUUID } from 'node:crypto';
import {
  errorData,
  type AppErrorData,
  type Input,
  type Output,
  type RevocationRecord,
  type RevocationTail,
  type RevokePreview,
  type RevokeResult,
  type RevokeRow,
} from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { Logger } from '../../ports/logger.ts';
import type { WorkspaceRef } from '../../ports/platform.ts';
import type { PlatformClient } from '../../platform/index.ts';
import { AppError, toErrorData } from '../../rpc/app-error.ts';
import type { CallContext, Transport } from '../../rpc/handlers.ts';
import type { AuditReadModel } from '../audit/index.ts';
import type { InventoryRepository } from './repository.ts';
import { createRevocationLog, type RevocationLogRow } from './revocation-log.ts';
import { effectOf, effectShort, rowEffect, tailFromPlatform, tailSentence } from './revocation-tail.ts';

const REVOKE = { deadlineMs: 20_000, maxBytes: 1024 * 1024 };

export interface RevocationDeps {
  db: Db;
  repo: InventoryRepository;
  platform: PlatformClient;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  actor: string;
  audit: Pick<AuditReadModel, 'usageByCredential'>;
  concurrency: () => number;
  /** the preview of these targets (blast-radius.ts): what the typed confirmation is checked against */
  previewOf: (targets: Target[], bulk: boolean) => RevokePreview;
  targetsOf: (input: { workspace?: string; credentialId?: string; targets?: { workspace: string; credentialId: string }[] }) => Target[];
  resolve: (ref: string) => WorkspaceRef;
}
export interface Target {
  ws: WorkspaceRef;
  credentialId: string;
}



export function createRevocation(d: RevocationDeps) {
  const { repo } = d;
  const log = createRevocationLog(d.db);

  async function revokeOne(t: Target, batchId: string, transport: Transport): Promise<RevokeRow> {
    const c = repo.credential(t.ws.id, t.credentialId);
    const requestedMs = d.clock.now();
    const id = repo.recordRevocationStart({
      batchId,
      actor: d.actor,
      transport,
      requestedAt: new Date(requestedMs).toISOString(),
      workspaceId: t.ws.id,
      workspaceName: t.ws.name,
      credentialId: t.credentialId,
      credentialName: c?.name ?? t.credentialId,
      type: c?.type ?? null,
      scopes: c?.scopes ?? [],
    });
    const finish = (outcome: RevokeRow['outcome'], error: AppErrorData | null, tail: RevocationTail | null = null): RevokeRow => {
      const finishedMs = d.clock.now();
      const finishedAt = new Date(finishedMs).toISOString();
      log.finish(id, { outcome, finishedAt, errorCode: error?.code ?? null, errorMessage: error?.message ?? null, tail });
      return {
        revocationId: id,
        workspaceId: t.ws.id,
        workspaceName: t.ws.name,
        credentialId: t.credentialId,
        credentialName: c?.name ?? t.credentialId,
        type: c?.type ?? null,
        outcome,
        error,
        finishedAt,
        tail,
        effect: rowEffect(c?.type ?? null, outcome, tail, finishedMs, finishedMs),
      };
    };
    if (!c) return finish('failed', errorData('not_found', 'This credential is not in the cached inventory; sync the workspace first'));
    if (c.type === 'service_token') return finish('failed', errorData('invalid_input', 'Service tokens cannot be revoked on this platform; they expire on their own (at most 60 minutes)'));
    const wasInactive = c.status === 'revoked' || c.status === 'disabled';
    try {
      // API keys stop at the next request and a disabled machine client's tokens are refused at once (docs §4.4); an
      // app grant's issued access tokens live out their lifetime, until the end the platform reports
      const p = d.platform;
      let tail: RevocationTail | null = null;
      let status: string;
      if (c.type === 'app') {
        const r = await p.apps.revoke(t.ws.id, c.id, REVOKE);
        status = r.status;
        tail = tailFromPlatform(r.access_tokens_valid_until, { requestedMs, finishedMs: d.clock.now(), nowMs: d.clock.now() });
      } else {
        // a machine client is disabled (the platform has no revoke for it): the same call as the clients screen's disable
        status = (c.type === 'api_key' ? await p.apiKeys.revoke(t.ws.id, c.id, REVOKE) : await p.machineClients.setEnabled(t.ws.id, c.id, false, REVOKE)).status;
      }
      repo.setCredentialStatus(t.ws.id, c.id, status, d.clock.now());
      d.bus.emit('state.changed', { topic: 'inventory', workspaceId: t.ws.id });
      return finish(wasInactive ? 'already_revoked' : 'revoked', null, tail);
    } catch (err) {
      const e = toErrorData(err);
      d.logger.warn('inventory_revoke_failed', { workspaceId: t.ws.id, credentialId: c.id, code: e.code });
      return finish('failed', e);
    }
  }

  function recordOf(r: RevocationLogRow, nowMs: number): RevocationRecord {
    const ok = r.outcome === 'revoked' || r.outcome === 'already_revoked';
    const tail = r.tail_until && r.tail_basis ? { until: r.tail_until, basis: r.tail_basis, note: r.tail_note } : null;
    const finishedMs = r.finished_at ? Date.parse(r.finished_at) : NaN;
    const effect = ok && Number.isFinite(finishedMs) ? effectOf({ workspaceId: r.workspace_id, workspaceName: r.workspace_name, credentialId: r.credential_id, finishedMs, tail }, nowMs, d.audit) : null;
    return {
      id: r.id,
      batchId: r.batch_id,
      actor: r.actor,
      transport: r.transport,
      requestedAt: r.requested_at,
      finishedAt: r.finished_at,
      workspaceId: r.workspace_id,
      workspaceName: r.workspace_name,
      credentialId: r.credential_id,
      credentialName: r.credential_name,
      type: r.type,
      scopes: JSON.parse(r.scopes_json) as string[],
      outcome: r.outcome,
      errorCode: r.error_code,
      errorMessage: r.error_message,
      tailUntil: r.tail_until,
      tailBasis: r.tail_basis,
      tailNote: r.tail_note,
      effect,
      effectShort: effectShort(effect, r.outcome, nowMs),
    };
  }

  return {
    async revoke(input: Input<'inventory.revoke'>, ctx: CallContext): Promise<RevokeResult> {
      const targets = d.targetsOf(input);
      const bulk = input.targets !== undefined;
      const preview = d.previewOf(targets, bulk);
      if (input.yes === true && (input.confirm === undefined || input.confirm === '')) {
        if (ctx.capabilities.confirmation !== 'flag') throw new AppError('invalid_input', 'Confirmation by flag is only accepted on the command line; type the confirmation text');
      } else if ((input.confirm ?? '').trim() !== preview.confirmText) {
        throw new AppError('invalid_input', `confirm: type ${bulk ? 'the number of credentials' : 'the workspace name'} exactly ("${preview.confirmText}") to confirm`);
      }
      const batchId = randomUUID();
      // Each workspace separately, one at a time per workspace; workspaces in parallel (bounded). A failure stays in its row.
      const byWs = new Map<string, Target[]>();
      for (const t of targets) byWs.set(t.ws.id, [...(byWs.get(t.ws.id) ?? []), t]);
      const groups = await mapPool([...byWs.values()], d.concurrency(), async (group) => {
        const rows: RevokeRow[] = [];
        for (const t of group) rows.push(await revokeOne(t, batchId, ctx.transport));
        return rows;
      });
      const order = new Map(targets.map((t, i) => [`${t.ws.id}\u0000${t.credentialId}`, i]));
      const results = groups.flat().sort((a, b) => order.get(`${a.workspaceId}\u0000${a.credentialId}`)! - order.get(`${b.workspaceId}\u0000${b.credentialId}`)!);
      const failed = results.filter((r) => r.outcome === 'failed').length;
      const tails = results.filter((r) => r.outcome !== 'failed' && r.tail).map((r) => r.tail!);
      const lastFinish = Math.max(...results.map((r) => Date.parse(r.finishedAt)));
      const tokenTailUntil = tails.length ? tails.map((t) => t.until).sort().at(-1)! : null;
      return {
        batchId,
        results,
        succeeded: results.length - failed,
        failed,
        untouchedWorkspaces: preview.untouchedWorkspaces.length,
        tokenTailUntil,
        tailSentence: tailSentence(tails, lastFinish, d.clock.now(), results.length - failed),
      };
    },

    revocations(input: Input<'inventory.revocations'>): Output<'inventory.revocations'> {
      const wsId = input.workspace ? d.resolve(input.workspace).id : null;
      const nowMs = d.clock.now();
      return { revocations: log.list(wsId, input.limit ?? 200).map((r) => recordOf(r, nowMs)) };
    },

    revocation(input: Input<'inventory.revocation'>): RevocationRecord {
      const r = log.one(input.id);
      if (!r) throw new AppError('not_found', `No revocation ${input.id} is recorded on this machine; list them with \`grantdesk revocations\``);
      return recordOf(r, d.clock.now());
    },

    /** a credential's latest successful revocation, with its effect (the credential drawer) */
    latestOf(workspaceId: string, credentialId: string): RevocationRecord | null {
      const r = log.latestOf(workspaceId, credentialId);
      return r ? recordOf(r, d.clock.now()) : null;
    },
  };
}
export type Revocation = ReturnType<typeof createRevocation>;
