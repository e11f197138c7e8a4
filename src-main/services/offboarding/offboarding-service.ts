// Offboarding / emergency revoke: one integration or one staff member, in every workspace. The preview reads the cache
// only (the inventory's blast radius for credentials, the audit read model for Grantdesk's grants); the run checks the
// typed confirmation, records the batch, revokes the credentials through the inventory's revocation (durable rows,
// per-workspace calls, access-token tail) and disconnects the grants through the connections domain; retry re-runs only
// the rows that failed.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { AppErrorData, BlastRadius, Input, OffboardPreview, OffboardResult, OffboardRow, OffboardTarget, OffboardWorkspace, Output, RevokePreview, RevokeResult, Workspace } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { Logger } from '../../ports/logger.ts';
import { AppError, toErrorData } from '../../rpc/app-error.ts';
import type { CallContext } from '../../rpc/handlers.ts';
import type { AuditReadModel } from '../audit/index.ts';
import { mapPool } from '../pool.ts';
import { createBatchLog, type BatchRow, type NewRow, type OffboardLogRow } from './batch-log.ts';
import { coversSentence, select, type GrantPick, type SelectDeps, type Selection } from './select.ts';
import { grantStops, credentialStops, failureSentence, successSentence } from './words.ts';

const WINDOW_DAYS = 30;
const DAY = 86_400_000;

export interface OffboardingDeps extends SelectDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** who runs it (recorded locally); defaults to the OS user name */
  actor?: string;
  audit: Pick<AuditReadModel, 'usageByCredential'>;
  /** connected workspaces whose inventory was never synced (their credentials are unknown) */
  notSynced: () => { id: string; name: string }[];
  /** the inventory's blast radius and revocation of these credentials (composition: the inventory service) */
  revokePreview: (targets: { workspace: string; credentialId: string }[]) => RevokePreview;
  revoke: (targets: { workspace: string; credentialId: string }[], confirm: string, ctx: CallContext) => Promise<RevokeResult>;
  /** the connections domain: end Grantdesk's grant into a workspace, retry revocations still pending, one grant's state */
  disconnect: (workspaceId: string) => Promise<Workspace>;
  retryPendingRevocations: () => Promise<unknown>;
  grantState: (workspaceId: string) => Workspace | null;
  concurrency: () => number;
}

export function createOffboardingService(d: OffboardingDeps) {
  const log = createBatchLog(d.db);
  const actor = d.actor ?? safeUser();
  const iso = (ms: number) => new Date(ms).toISOString();

  function targetsOfCredentials(sel: Selection) {
    return sel.picks.flatMap((p) => (p.kind === 'credential' ? [{ workspace: p.workspaceId, credentialId: p.credential.id }] : []));
  }

  function grantTarget(p: GrantPick): OffboardTarget {
    const usage = p.credential ? d.audit.usageByCredential(p.workspaceId, p.credential.id, d.clock.now() - WINDOW_DAYS * DAY) : null;
    const callers = [...(usage?.callerIps ?? [])].sort((a, b) => b.lastAt.localeCompare(a.lastAt)).slice(0, 5);
    const endpoints = [...(usage?.endpoints ?? [])].sort((a, b) => b.calls - a.calls).slice(0, 5);
    return {
      kind: 'grant',
      workspaceId: p.workspaceId,
      workspaceName: p.workspaceName,
      credentialId: p.credential?.id ?? null,
      credentialName: "Grantdesk's grant",
      type: 'app',
      action: 'disconnect',
      stopsWorking: grantStops(p),
      lastUsedAt: p.credential?.lastUsedAt ?? null,
      auditState: usage?.state ?? 'not_synced',
      callsInWindow: (usage?.endpoints ?? []).reduce((a, e) => a + e.calls, 0),
      callers,
      endpoints,
      tokenTailUntil: null,
    };
  }

  function credentialTarget(b: BlastRadius): OffboardTarget {
    return {
      kind: 'credential',
      workspaceId: b.workspaceId,
      workspaceName: b.workspaceName,
      credentialId: b.credentialId,
      credentialName: b.credentialName,
      type: b.type,
      action: b.action,
      stopsWorking: credentialStops(b, WINDOW_DAYS),
      lastUsedAt: b.lastUsedAt,
      auditState: b.auditState,
      callsInWindow: b.callsInWindow,
      callers: [...b.callerIps].sort((x, y) => y.lastAt.localeCompare(x.lastAt)).slice(0, 5),
      endpoints: [...b.endpoints].sort((x, y) => y.calls - x.calls).slice(0, 5),
      tokenTailUntil: b.tokenTail?.until ?? null,
    };
  }

  function preview(input: Input<'offboard.preview'>): OffboardPreview {
    const sel = select(d, input);
    const credTargets = targetsOfCredentials(sel);
    const radius = credTargets.length ? d.revokePreview(credTargets).targets : [];
    const targets: OffboardTarget[] = [...radius.map(credentialTarget), ...sel.picks.flatMap((p) => (p.kind === 'grant' ? [grantTarget(p)] : []))];
    const by = new Map<string, OffboardWorkspace>();
    const slot = (id: string, name: string) => {
      let w = by.get(id);
      if (!w) by.set(id, (w = { workspaceId: id, workspaceName: name, targets: [], skipped: [] }));
      return w;
    };
    for (const t of targets) slot(t.workspaceId, t.workspaceName).targets.push(t);
    for (const s of sel.skipped) slot(s.workspaceId, s.workspaceName).skipped.push({ credentialId: s.credentialId, credentialName: s.credentialName, reason: s.reason });
    const workspaces = [...by.values()].sort((a, b) => a.workspaceName.localeCompare(b.workspaceName) || a.workspaceId.localeCompare(b.workspaceId));
    const touched = new Set(targets.map((t) => t.workspaceId));
    const known = new Set([...d.ownGrants().map((g) => g.workspaceId), ...d.credentials().map((c) => c.workspaceId)]);
    const notSynced = d.notSynced();
    const n = targets.length;
    const statement =
      n === 0
        ? `Nothing to offboard for ${sel.selector.description}: no active match in the cached inventory of ${known.size} workspace${known.size === 1 ? '' : 's'}.`
        : `Offboards ${sel.selector.description}: ${n} ${sel.selector.kind === 'staff' ? `grant${n === 1 ? '' : 's'}` : `credential${n === 1 ? '' : 's'}`} in ${touched.size} workspace${touched.size === 1 ? '' : 's'}, each workspace separately. ${known.size - touched.size} other workspace${known.size - touched.size === 1 ? ' is' : 's are'} not touched.`;
    const stale = notSynced.length ? ` ${notSynced.length} connected workspace${notSynced.length === 1 ? ' was' : 's were'} never synced, so ${notSynced.length === 1 ? 'its' : 'their'} credentials are not covered; sync first.` : '';
    return {
      selector: sel.selector,
      workspaces,
      targets: n,
      skipped: sel.skipped.length,
      untouchedWorkspaces: known.size - touched.size,
      notSynced,
      confirmText: String(n),
      statement: statement + stale,
      covers: coversSentence(sel.selector.kind),
      windowDays: WINDOW_DAYS,
    };
  }

  function confirmOrThrow(input: { confirm?: string | undefined; yes?: boolean | undefined }, expected: string, ctx: CallContext) {
    if (input.yes === true && (input.confirm === undefined || input.confirm === '')) {
      if (ctx.capabilities.confirmation !== 'flag') throw new AppError('invalid_input', 'Confirmation by flag is only accepted on the command line; type the confirmation text');
    } else if ((input.confirm ?? '').trim() !== expected) {
      throw new AppError('invalid_input', `confirm: type the number of targets exactly ("${expected}") to confirm; the preview may be out of date, so preview again`);
    }
  }

  function resultOf(b: BatchRow): OffboardResult {
    const rows = log.rows(b.id).map(rowOf);
    const failed = rows.filter((r) => r.outcome === 'failed').length;
    const ok = rows.length - failed;
    const sentence =
      failed === 0
        ? `All ${rows.length} row${rows.length === 1 ? '' : 's'} done: ${sentenceCounts(rows)}.`
        : `${ok} of ${rows.length} done, ${failed} failed; each failed row says why. Retry only the failed rows with \`grantdesk offboard retry ${b.id}\` (or Retry failed in the Offboarding screen).`;
    return {
      batchId: b.id,
      selector: { kind: b.selector_kind, value: b.selector_value, description: b.description },
      createdAt: b.created_at,
      actor: b.actor,
      rows,
      succeeded: ok,
      failed,
      sentence,
    };
  }

  function rowOf(r: OffboardLogRow): OffboardRow {
    const error: AppErrorData | null = r.error_code ? toErrorData(new AppError(r.error_code as AppErrorData['code'], r.error_message ?? '')) : null;
    return {
      rowId: r.id,
      kind: r.kind,
      workspaceId: r.workspace_id,
      workspaceName: r.workspace_name,
      credentialId: r.credential_id,
      credentialName: r.credential_name,
      type: (r.type as OffboardRow['type']) ?? null,
      action: r.action,
      // a row still pending was interrupted (the app stopped mid-run): it counts as failed and can be retried
      outcome: r.outcome === 'pending' ? 'failed' : r.outcome,
      error: r.outcome === 'pending' ? toErrorData(new AppError('cancelled', 'Interrupted before the platform answered')) : error,
      sentence: r.outcome === 'pending' ? 'Interrupted before the platform answered; retry it.' : r.sentence,
      attempts: r.attempts,
      finishedAt: r.finished_at,
    };
  }

  /** runs these rows: credentials through the inventory's revocation, then grants through the connections domain */
  async function runRows(rows: OffboardLogRow[], ctx: CallContext, retry: boolean, staff: string | null): Promise<void> {
    const creds = rows.filter((r) => r.kind === 'credential');
    if (creds.length) {
      const targets = creds.map((r) => ({ workspace: r.workspace_id, credentialId: r.credential_id! }));
      let res: RevokeResult | null = null;
      try {
        res = await d.revoke(targets, String(targets.length), ctx);
      } catch (err) {
        const e = toErrorData(err);
        for (const r of creds) finish(r, 'failed', e, null);
      }
      if (res) {
        const byKey = new Map(res.results.map((x) => [`${x.workspaceId}\u0000${x.credentialId}`, x]));
        for (const r of creds) {
          const x = byKey.get(`${r.workspace_id}\u0000${r.credential_id}`);
          if (!x) finish(r, 'failed', toErrorData(new AppError('not_found', 'The inventory did not revoke this credential')), null);
          else finish(r, x.outcome, x.error, x.revocationId, x.effect);
        }
      }
    }
    const grants = rows.filter((r) => r.kind === 'grant');
    // a retry first asks the platform again for the revocations still pending (Grantdesk also retries them in the background)
    if (retry && grants.some((r) => d.grantState(r.workspace_id)?.status === 'disconnected')) await d.retryPendingRevocations().catch(() => undefined);
    await mapPool(grants, d.concurrency(), async (r) => {
      try {
        const before = d.grantState(r.workspace_id);
        // a retry never ends a grant someone else connected since: the workspace was reconnected by another person
        const by = before?.connectedBy;
        if (retry && staff !== null && before && before.status !== 'disconnected' && by && by.email?.toLowerCase() !== staff && by.name?.toLowerCase() !== staff) {
          log.finish(r.id, { outcome: 'already_revoked', errorCode: null, errorMessage: null, sentence: `${r.workspace_name} was reconnected by ${by.name ?? by.email} since; that grant is not this person's and was not touched.`, revocationId: null, finishedAt: iso(d.clock.now()) });
          return;
        }
        const w = before && before.status !== 'disconnected' ? await d.disconnect(r.workspace_id) : before;
        if (!w) throw new AppError('not_found', `Workspace ${r.workspace_name} is no longer known to Grantdesk`);
        if (w.revocation === 'pending') throw new AppError('platform_error', `Disconnected here, but the platform has not confirmed revoking the grant yet (${w.revocationError ?? 'no answer'})`);
        finish(r, 'disconnected', null, null);
      } catch (err) {
        d.logger.warn('offboard_disconnect_failed', { workspaceId: r.workspace_id, code: toErrorData(err).code });
        finish(r, 'failed', toErrorData(err), null);
      }
    });
  }

  function finish(r: OffboardLogRow, outcome: 'revoked' | 'already_revoked' | 'disconnected' | 'failed', error: AppErrorData | null, revocationId: number | null, effect?: string) {
    log.finish(r.id, {
      outcome,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      sentence: outcome === 'failed' ? failureSentence(r, error) : successSentence(r, outcome, effect),
      revocationId,
      finishedAt: iso(d.clock.now()),
    });
  }

  return {
    preview,

    async run(input: Input<'offboard.run'>, ctx: CallContext): Promise<OffboardResult> {
      // a flag instead of the typed count is refused before anything is read: only the user's own shell may confirm so
      if (input.yes === true && !input.confirm && ctx.capabilities.confirmation !== 'flag') throw new AppError('invalid_input', 'Confirmation by flag is only accepted on the command line; type the confirmation text');
      const sel = select(d, input);
      if (sel.picks.length === 0) throw new AppError('not_found', `Nothing to offboard for ${sel.selector.description} in the cached inventory; sync first (\`grantdesk sync\`) if it was added recently`);
      confirmOrThrow(input, String(sel.picks.length), ctx);
      const b: BatchRow = {
        id: `ofb_${randomUUID()}`,
        created_at: iso(d.clock.now()),
        actor,
        transport: ctx.transport,
        selector_kind: sel.selector.kind,
        selector_value: sel.selector.value,
        description: sel.selector.description,
      };
      const rows: NewRow[] = sel.picks.map((p) =>
        p.kind === 'credential'
          ? { kind: 'credential', workspace_id: p.workspaceId, workspace_name: p.workspaceName, credential_id: p.credential.id, credential_name: p.credential.name, type: p.credential.type, action: p.credential.type === 'machine_client' ? 'disable' : 'revoke' }
          : { kind: 'grant', workspace_id: p.workspaceId, workspace_name: p.workspaceName, credential_id: p.credential?.id ?? null, credential_name: "Grantdesk's grant", type: 'app', action: 'disconnect' },
      );
      await runRows(log.start(b, rows), ctx, false, null);
      return resultOf(b);
    },

    async retry(input: Input<'offboard.retry'>, ctx: CallContext): Promise<OffboardResult> {
      const b = log.batch(input.batch);
      if (!b) throw new AppError('not_found', `No offboarding batch ${input.batch} is recorded on this machine; list them with \`grantdesk offboard history\``);
      const failed = log.rows(b.id).filter((r) => r.outcome === 'failed' || r.outcome === 'pending');
      if (failed.length === 0) throw new AppError('conflict', 'No row of this batch failed; there is nothing to retry');
      await runRows(failed, ctx, true, b.selector_kind === 'staff' ? b.selector_value.toLowerCase() : null);
      return resultOf(b);
    },

    batch(input: Input<'offboard.batch'>): OffboardResult {
      const b = log.batch(input.batch);
      if (!b) throw new AppError('not_found', `No offboarding batch ${input.batch} is recorded on this machine; list them with \`grantdesk offboard history\``);
      return resultOf(b);
    },

    history(input: Input<'offboard.history'>): Output<'offboard.history'> {
      return {
        batches: log.recent(input.limit ?? 50).map((b) => {
          const r = resultOf(b);
          return { batchId: b.id, selector: r.selector, createdAt: b.created_at, actor: b.actor, rows: r.rows.length, succeeded: r.succeeded, failed: r.failed };
        }),
      };
    },
  };
}
export type OffboardingService = ReturnType<typeof createOffboardingService>;

function sentenceCounts(rows: OffboardRow[]): string {
  const c = (o: OffboardRow['outcome']) => rows.filter((r) => r.outcome === o).length;
  return [
    c('revoked') ? `${c('revoked')} revoked or disabled` : '',
    c('already_revoked') ? `${c('already_revoked')} already revoked` : '',
    c('disconnected') ? `${c('disconnected')} grant${c('disconnected') === 1 ? '' : 's'} revoked and disconnected` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

function safeUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
