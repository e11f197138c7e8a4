// API keys and the resumable rotation wizard.
//
// The wizard is a state machine persisted in SQLite (rot_wizards) without secrets:
//   chosen → reviewed → rotating (intent recorded BEFORE the POST) → rotated (new key id) → acknowledged → verified → grace
//   → finished | ended_early  (or cancelled before rotating).
// Idempotency: a step change is a conditional UPDATE (… WHERE step = expected), so two callers cannot both rotate. After a
// crash in `rotating`, the platform's key list is the truth: a key whose rotated_from is the key we were rotating means the
// rotation happened (adopt it; its secret is lost and is re-issued by rotating that brand-new, never-shown key with grace 0);
// none means it did not (back to `reviewed`). Nothing ever rotates twice by accident.
// The new secret lives only in `secrets` (main memory) between rotate and verify, then is dropped.
import { randomUUID } from 'node:crypto';
import type { AppErrorData, ApiKeySummary, DeliveryRequest, Guardrails, GraceTraffic, Verification, Wizard, WizardStep } from '../../../src-common/contract/index.ts';
import { AppError, toErrorData } from '../../rpc/app-error.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import type { DeliveryService, HandOver } from './delivery-service.ts';
import { createWizardDelivery } from './delivery-wizard.ts';
import { rotateNow, type RotateNowInput } from './rotate-now.ts';
import { nextActions } from './wizard-steps.ts';
import { HttpError } from '../../ports/http.ts';
import { checkCidr, invalidCidrs } from './cidr.ts';
import { graceTraffic, QUIET_HOURS } from './grace-traffic.ts';
import { createKeysCommands, guardrailsFor, keySummary, listKeys as listKeysOf } from './keys.ts';
import { iso, resolveWorkspace, type RotationDeps } from './deps.ts';
import { probeWorkspace, type ApiKey as PApiKey } from '../../platform/index.ts';
import { createWizardRepo, parseJson, TERMINAL, type WizardRow } from './wizard-repo.ts';
import { z } from 'zod';

const SECRET_TTL_MS = 15 * 60 * 1000;
const DAY = 86_400_000;

export function createRotationService(deps: RotationDeps, delivery: DeliveryService) {
  const repo = createWizardRepo(deps.db);
  const secrets = new Map<string, { secret: string; until: number }>();
  const inflight = new Set<string>();
  const chains = new Map<string, Promise<unknown>>();
  const now = () => deps.clock.now();
  const nowIso = () => iso(now());
  const changed = (workspaceId: string) => deps.bus.emit('state.changed', { topic: 'rotation', workspaceId });
  const wizardDelivery = createWizardDelivery(repo, delivery, nowIso, changed);

  function serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = chains.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    chains.set(key, tail);
    void tail.then(() => {
      if (chains.get(key) === tail) chains.delete(key);
    });
    return run;
  }

  function secretFor(id: string): string | null {
    const s = secrets.get(id);
    if (!s) return null;
    if (s.until <= Date.now()) {
      secrets.delete(id);
      return null;
    }
    return s.secret;
  }

  function toWizard(r: WizardRow): Wizard {
    return {
      id: r.id,
      workspaceId: r.workspace_id,
      workspaceName: r.workspace_name,
      keyName: r.key_name,
      oldKeyId: r.old_key_id,
      oldKeyLabel: r.old_key_label,
      step: r.step,
      graceDays: r.grace_days,
      guardrails: parseJson<Guardrails>(r.guardrails_json),
      newKeyId: r.new_key_id,
      newKeyLabel: r.new_key_label,
      rotatedAt: r.rotated_at,
      graceEndsAt: r.grace_ends_at,
      secretLost: r.secret_lost === 1,
      secretInMemory: secretFor(r.id) !== null,
      acknowledgedAt: r.acknowledged_at,
      delivery: wizardDelivery.view(r),
      verification: parseJson<Verification>(r.verification_json),
      endedAt: r.ended_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      next: nextActions(r),
      lastError: parseJson<AppErrorData>(r.last_error_json),
    };
  }

  const listKeys = (workspaceId: string) => listKeysOf(deps, workspaceId);
  const traffic = (r: WizardRow) => graceTraffic(deps, r, listKeys);
  async function getKey(workspaceId: string, keyId: string): Promise<PApiKey> {
    const k = (await listKeys(workspaceId)).find((x) => x.id === keyId);
    if (!k) throw new AppError('not_found', `No API key ${keyId} in this workspace`);
    return k;
  }

  function mustGet(id: string): WizardRow {
    const r = repo.get(id);
    if (!r) throw new AppError('not_found', `No rotation wizard ${id}`);
    return r;
  }

  /** After a restart half-way through `rotating`: read the platform's key list to learn whether the POST happened. */
  async function reconcile(r: WizardRow): Promise<WizardRow> {
    if (r.step !== 'rotating' || inflight.has(r.id) || !r.rotate_from_id) return r;
    const keys = await listKeys(r.workspace_id);
    const done = keys.find((k) => k.rotated_from === r.rotate_from_id);
    const t = nowIso();
    if (done) {
      const from = keys.find((k) => k.id === r.rotate_from_id);
      const first = r.rotate_from_id === r.old_key_id;
      repo.update(
        r.id,
        {
          step: 'rotated',
          new_key_id: done.id,
          new_key_label: keySummary(done).label,
          rotated_at: r.rotated_at ?? done.created_at,
          rotated_ms: r.rotated_ms ?? Date.parse(done.created_at),
          grace_ends_at: first ? (from?.grace_ends_at ?? r.grace_ends_at) : r.grace_ends_at,
          secret_lost: 1,
          updated_at: t,
        },
        `resumed: the platform shows ${done.id} rotated from ${r.rotate_from_id}; its secret was never shown and must be re-issued`,
        'rotating',
      );
    } else {
      const back: WizardStep = r.rotate_from_id === r.old_key_id ? 'reviewed' : 'rotated';
      repo.update(r.id, { step: back, updated_at: t }, `resumed: no rotation of ${r.rotate_from_id} on the platform; back to ${back}`, 'rotating');
    }
    return mustGet(r.id);
  }

  async function review(r: WizardRow, input: { graceDays?: number; ipAllowlist?: string[]; rateLimitPerMinute?: number | null }): Promise<WizardRow> {
    if (r.step !== 'chosen' && r.step !== 'reviewed') throw new AppError('conflict', `The wizard is at step ${r.step}; guardrails can only be reviewed before rotating`);
    const patch: Record<string, unknown> = {};
    if (input.ipAllowlist !== undefined) {
      const bad = invalidCidrs(input.ipAllowlist);
      if (bad.length) throw new AppError('invalid_input', `ipAllowlist: ${bad.map((b) => b.problem).join('; ')}`);
      patch.ip_allowlist = input.ipAllowlist.map((c) => checkCidr(c).normalized);
    }
    if (input.rateLimitPerMinute !== undefined) patch.rate_limit_per_minute = input.rateLimitPerMinute;
    let key: PApiKey;
    if (Object.keys(patch).length) {
      key = await deps.platform.apiKeys.patch(r.workspace_id, r.old_key_id, patch);
    } else key = await getKey(r.workspace_id, r.old_key_id);
    if (key.status !== 'active') throw new AppError('conflict', `The key is ${key.status}; only active keys can be rotated`);
    const grace = input.graceDays ?? r.grace_days;
    const g = guardrailsFor(key, grace, now());
    if (!repo.update(r.id, { step: 'reviewed', grace_days: grace, guardrails_json: JSON.stringify(g), last_error_json: null, updated_at: nowIso() }, `guardrails reviewed, grace ${grace} d`, ['chosen', 'reviewed']))
      throw new AppError('conflict', 'The wizard changed meanwhile; refresh');
    return mustGet(r.id);
  }

  async function rotate(r: WizardRow): Promise<{ row: WizardRow; secret: string }> {
    const recovering = r.step === 'rotated' && r.secret_lost === 1;
    if (r.step !== 'reviewed' && !recovering) throw new AppError('conflict', `The wizard is at step ${r.step}; it rotates only after the guardrails are reviewed`);
    const fromId = recovering ? r.new_key_id! : r.old_key_id;
    const graceDays = recovering ? 0 : r.grace_days;
    const t = nowIso();
    // The intent is durable before the request leaves: a crash after this line is resolved by reconcile(), never by rotating again.
    if (!repo.update(r.id, { step: 'rotating', rotate_from_id: fromId, intent_at: t, updated_at: t }, `intent: rotate ${fromId} with grace ${graceDays} d`, r.step))
      throw new AppError('conflict', 'Another window is already rotating this key; refresh');
    inflight.add(r.id);
    try {
      const k = await deps.platform.apiKeys.rotate(r.workspace_id, fromId, { grace_days: graceDays });
      const doneAt = nowIso();
      secrets.set(r.id, { secret: k.secret, until: Date.now() + SECRET_TTL_MS });
      const graceEnds = recovering ? r.grace_ends_at : (k.previous?.grace_ends_at ?? iso(now() + graceDays * DAY));
      repo.update(
        r.id,
        {
          step: 'rotated',
          new_key_id: k.id,
          new_key_label: `${k.prefix ?? ''}…${k.last_four ?? ''}`,
          rotated_at: r.rotated_at ?? doneAt,
          rotated_ms: r.rotated_ms ?? now(),
          grace_ends_at: graceEnds,
          secret_lost: 0,
          last_error_json: null,
          updated_at: doneAt,
        },
        recovering ? `re-issued: ${fromId} rotated with grace 0 to ${k.id}` : `rotated: new key ${k.id}`,
        'rotating',
      );
      deps.logger.info('rotation.rotated', { wizard: r.id, workspace: r.workspace_id, oldKey: r.old_key_id, newKey: k.id, recovering });
      return { row: mustGet(r.id), secret: k.secret };
    } catch (err) {
      const data = toErrorData(err);
      const unknownOutcome = err instanceof HttpError ? err.outcome === 'unknown' : data.code === 'timeout' || data.code === 'network_error' || data.code === 'internal';
      inflight.delete(r.id);
      if (unknownOutcome) {
        // The platform may have rotated: ask it instead of guessing. If even that fails, stay in `rotating` (resolved on resume).
        try {
          const after = await reconcile(mustGet(r.id));
          repo.update(r.id, { last_error_json: JSON.stringify(data), updated_at: nowIso() }, `rotate failed (${data.code}); reconciled to ${after.step}`);
        } catch {
          repo.update(r.id, { last_error_json: JSON.stringify(data), updated_at: nowIso() }, `rotate outcome unknown (${data.code}); will reconcile on resume`);
        }
      } else {
        repo.update(r.id, { step: r.step, last_error_json: JSON.stringify(data), updated_at: nowIso() }, `rotate refused (${data.code})`, 'rotating');
      }
      throw err;
    } finally {
      inflight.delete(r.id);
      changed(r.workspace_id);
    }
  }

  async function verify(r: WizardRow): Promise<WizardRow> {
    if (r.step !== 'acknowledged') throw new AppError('conflict', `The wizard is at step ${r.step}; verify comes after acknowledging the new secret`);
    const secret = secretFor(r.id);
    let v: Verification;
    const metadataCheck = async (why: string): Promise<Verification> => {
      const k = await getKey(r.workspace_id, r.new_key_id!);
      const ok = k.status === 'active';
      return { ok, method: 'metadata', at: nowIso(), status: null, detail: `${why} The platform lists ${keySummary(k).label} as ${k.status}${k.last_used_at ? `, last used ${k.last_used_at}` : ', not used yet'}.` };
    };
    if (secret) {
      const { http, endpoints } = deps;
      const ep = await endpoints(r.workspace_id);
      const res = await probeWorkspace(http, ep.apiBase, secret, { deadlineMs: 15_000, maxBytes: 64 * 1024 });
      const body = (res.json && typeof res.json === 'object' ? res.json : {}) as { error?: unknown; id?: unknown };
      const errCode = typeof body.error === 'string' ? body.error.slice(0, 40) : null;
      if (res.status >= 200 && res.status < 300) {
        const wsOk = body.id === undefined || body.id === r.workspace_id;
        v = { ok: wsOk, method: 'direct', at: nowIso(), status: res.status, detail: wsOk ? 'GET /v1/workspace with the new key succeeded.' : 'The new key answered for a different workspace.' };
      } else if (res.status === 401 && errCode === 'ip_not_allowed') {
        v = await metadataCheck("The key's IP allowlist does not include this machine, so a direct call was refused (as it should be).");
      } else {
        v = { ok: false, method: 'direct', at: nowIso(), status: res.status, detail: `GET /v1/workspace with the new key failed: ${res.status}${errCode ? ` ${errCode}` : ''}.` };
      }
    } else {
      v = await metadataCheck('The new secret is no longer in memory (Grantdesk restarted or 15 minutes passed), so it was not used directly.');
    }
    if (v.ok) secrets.delete(r.id);
    repo.update(
      r.id,
      { step: v.ok ? 'verified' : 'acknowledged', verification_json: JSON.stringify(v), last_error_json: v.ok ? null : JSON.stringify({ code: 'platform_error', message: v.detail, remedy: 'Check the new key\'s IP allowlist and status, then verify again.' }), updated_at: nowIso() },
      `verify (${v.method}): ${v.ok ? 'ok' : 'failed'}`,
      'acknowledged',
    );
    return mustGet(r.id);
  }

  return {
    ...createKeysCommands(deps, delivery),

    async start(input: { workspace: string; keyId: string; graceDays?: number }): Promise<Wizard> {
      const ws = resolveWorkspace(deps, input.workspace);
      return serialize(`${ws.id}/${input.keyId}`, async () => {
        const open = repo.openFor(ws.id, input.keyId);
        if (open) return toWizard(await reconcile(open));
        const key = await getKey(ws.id, input.keyId);
        if (key.status !== 'active') throw new AppError('conflict', `The key is ${key.status}; only active keys can be rotated`);
        const grace = input.graceDays ?? 7;
        const id = `rw_${randomUUID()}`;
        repo.create({
          id,
          workspace_id: ws.id,
          workspace_name: ws.name,
          key_name: key.name,
          old_key_id: key.id,
          old_key_label: keySummary(key).label,
          grace_days: grace,
          guardrails_json: JSON.stringify(guardrailsFor(key, grace, now())),
          created_at: nowIso(),
        });
        changed(ws.id);
        return toWizard(mustGet(id));
      });
    },

    async advance(
      input: { wizardId: string; action: 'review' | 'rotate' | 'acknowledge' | 'verify' | 'watch' | 'finish' | 'cancel'; graceDays?: number; ipAllowlist?: string[]; rateLimitPerMinute?: number | null } & DeliveryRequest,
      caps: Capabilities,
    ): Promise<{ wizard: Wizard; secret?: string | null } & Omit<HandOver, 'secret'>> {
      mustGet(input.wizardId);
      // a delivery target is checked before anything rotates: a refused or unknown one costs no rotation
      const plan = input.action === 'rotate' ? delivery.plan(input, caps) : null;
      return serialize(input.wizardId, async () => {
        let r = await reconcile(mustGet(input.wizardId));
        let secret: string | null = null;
        let outcome: Omit<HandOver, 'secret'> = {};
        const t = nowIso();
        switch (input.action) {
          case 'review':
            r = await review(r, input);
            break;
          case 'rotate': {
            wizardDelivery.supersede(r);
            const out = await rotate(r);
            const { secret: shown, ...rest } = await wizardDelivery.deliver(out.row, plan, out.secret);
            r = mustGet(r.id);
            secret = shown ?? null;
            outcome = rest;
            break;
          }
          case 'acknowledge':
            if (r.secret_lost) throw new AppError('conflict', 'The secret of this rotation was never shown; rotate again to re-issue it');
            if (!repo.update(r.id, { step: 'acknowledged', acknowledged_at: t, updated_at: t }, 'secret acknowledged as stored', 'rotated'))
              throw new AppError('conflict', `The wizard is at step ${r.step}`);
            r = mustGet(r.id);
            break;
          case 'verify':
            r = await verify(r);
            break;
          case 'watch':
            if (!repo.update(r.id, { step: 'grace', updated_at: t }, 'watching the grace period', 'verified')) throw new AppError('conflict', `The wizard is at step ${r.step}; verify the new key first`);
            r = mustGet(r.id);
            break;
          case 'finish': {
            if (r.step !== 'grace') throw new AppError('conflict', `The wizard is at step ${r.step}`);
            const old = (await listKeys(r.workspace_id)).find((k) => k.id === r.old_key_id);
            const over = !old || old.status === 'expired' || old.status === 'revoked';
            if (!over) throw new AppError('conflict', `The old key still works until ${r.grace_ends_at ?? 'the end of its grace period'}; end the grace period now to finish early`);
            repo.update(r.id, { step: 'finished', ended_at: t, updated_at: t }, `finished: old key ${old?.status ?? 'gone'}`, 'grace');
            r = mustGet(r.id);
            break;
          }
          case 'cancel':
            if (!repo.update(r.id, { step: 'cancelled', ended_at: t, updated_at: t }, 'cancelled before rotating', ['chosen', 'reviewed']))
              throw new AppError('conflict', 'The key is already rotated; the wizard can no longer be cancelled (end the grace period or let it run out)');
            r = mustGet(r.id);
            break;
        }
        changed(r.workspace_id);
        // a delivered (or held) secret is not in the output at all
        if (outcome.delivered || (outcome.deliveryFailed && secret === null)) return { wizard: toWizard(r), ...outcome };
        return { wizard: toWizard(r), secret, ...outcome };
      });
    },

    async status(input: { wizardId?: string; workspace?: string; includeFinished?: boolean }): Promise<{ wizards: Wizard[]; traffic: GraceTraffic | null }> {
      if (input.wizardId) {
        let r = mustGet(input.wizardId);
        try {
          r = await serialize(r.id, () => reconcile(mustGet(r.id)));
        } catch {
          /* offline: show the persisted step */
        }
        const showTraffic = r.rotated_ms !== null && (r.step === 'grace' || r.step === 'verified' || r.step === 'acknowledged' || r.step === 'ended_early' || r.step === 'finished');
        return { wizards: [toWizard(r)], traffic: showTraffic ? await traffic(r) : null };
      }
      const wsId = input.workspace ? resolveWorkspace(deps, input.workspace).id : undefined;
      return { wizards: repo.list({ workspaceId: wsId, includeFinished: input.includeFinished }).map(toWizard), traffic: null };
    },

    async endGrace(input: { wizardId: string; force?: boolean }): Promise<{ wizard: Wizard; method: string }> {
      mustGet(input.wizardId);
      return serialize(input.wizardId, async () => {
        const r = mustGet(input.wizardId);
        if (r.step !== 'grace' && r.step !== 'verified') throw new AppError('conflict', `The wizard is at step ${r.step}; the grace period can be ended after the new key is verified`);
        const tr = await traffic(r);
        if (!tr.quiet && !input.force) {
          if (tr.auditState === 'not_synced' || tr.auditEndsBeforeRotation)
            throw new AppError('conflict', `The audit cache has no events after the rotation, so it cannot show that the old key is quiet; sync the workspace's audit log and try again, or force`);
          const who = tr.byCallerIp[0] ? ` (most from ${tr.byCallerIp[0].ip})` : '';
          throw new AppError('conflict', `The old key was still used ${tr.oldKeyLastUsedAt ?? 'recently'}${who}; wait until it is quiet for ${QUIET_HOURS} h, or force`);
        }
        // POST /v1/api-keys/{id}/end-grace: the old secret stops working now and the key reads as expired (not revoked).
        await deps.platform.apiKeys.endGrace(r.workspace_id, r.old_key_id);
        const t = nowIso();
        repo.update(r.id, { step: 'ended_early', ended_at: t, updated_at: t }, `grace of ${r.old_key_id} ended early${input.force ? ' (forced)' : ''}`, ['grace', 'verified']);
        changed(r.workspace_id);
        return { wizard: toWizard(mustGet(r.id)), method: 'end_grace' };
      });
    },

    /** `grantdesk rotate <ws> <key> --grace 7d`: the whole wizard in one go (rotate-now.ts). */
    rotateNow(input: RotateNowInput, caps: Capabilities) {
      return rotateNow(this, input, caps);
    },

    /** Test and diagnostics: whether a wizard's secret is still held (never the secret itself). */
    holdsSecret(wizardId: string): boolean {
      return secretFor(wizardId) !== null;
    },
    history: (id: string) => repo.history(id),
  };
}
export type RotationService = ReturnType<typeof createRotationService>;
void z;
