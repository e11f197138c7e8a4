// Rotation waves: one integration's API key (found by name in every connected workspace) rotated in batches; each batch
// starts only when the audit log shows the previous batch cut over (wave-gate.ts). A persistent state machine
// (wave-repo.ts), one item per workspace key:
//   pending → rotating (intent, durable BEFORE the POST) → rotated (new key id, durable AFTER it) → delivered (the new
//   secret reached the delivery target) → cut_over (the gate passed);   failed / undelivered / gate_failed pause the wave.
// Never twice: an item in `rotating` found on resume (Grantdesk died between the intent and the answer) is settled by the
// platform's key list, the idempotency handle being (workspace, old key id): a key whose `rotated_from` is the old key
// means the rotation happened (adopted, never repeated: its secret was never delivered, so the item is `undelivered`
// until the person re-issues it); none means it did not (back to `pending`, rotated once now). The same check runs
// before every rotation, so a key rotated by anyone since the wave began is never rotated again. One process at a time
// advances a wave (a cross-process lock per wave), so two resumes cannot both rotate the same key.
// Secrets: every new secret goes to the wave's delivery target and is never returned, logged or stored.
import { randomUUID } from 'node:crypto';
import type { Input, Wave } from '../../../src-common/contract/index.ts';
import { AppError, toErrorData } from '../../rpc/app-error.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import type { ApiKey } from '../../platform/index.ts';
import type { DeliveryPlan, DeliveryService } from './delivery-service.ts';
import { iso, type RotationDeps } from './deps.ts';
import { keySummary, listKeys } from './keys.ts';
import { judgeCutover } from './wave-gate.ts';
import { createWaveRepo, type WaveItemRow, type WaveRow } from './wave-repo.ts';
import { currentBatch, utc, waveView } from './wave-view.ts';

const DAY = 86_400_000;
/** a platform message as a sentence of its own, so the next sentence does not run into it; the client's "POST /v1/…
 * answered 500 server_error" becomes words (the wave's reason is read on the screen, where a REST path and a key id
 * answer nothing: the workspace and key are already named) */
const sentence = (m: string) => {
  const t = m.trim().replace(/^(?:GET|POST|PUT|PATCH|DELETE) \/\S+ answered (\d{3})(?: [a-z_]+)?/, (_all, st: string) => (Number(st) >= 500 ? `the platform failed (HTTP ${st})` : `the platform refused it (HTTP ${st})`));
  return /[.!?]$/.test(t) ? t : `${t}.`;
};
const NEEDS_DELIVERY =
  'A wave rotates keys in many workspaces at once and never prints their secrets: pass --deliver-to NAME (a target set up with grantdesk delivery add) or --deliver-cmd CMD so each new secret goes to your secrets manager.';

export function quietMinutesOf(q: string | undefined): number {
  const m = /^([0-9]+)([mhd])$/.exec(q ?? '1h')!;
  return Number(m[1]) * (m[2] === 'm' ? 1 : m[2] === 'h' ? 60 : 1440);
}

/** `*` matches any run of characters, everything else itself, case-insensitively, the whole name */
export function namePattern(p: string): RegExp {
  return new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}

export function createWaveService(deps: RotationDeps, delivery: DeliveryService) {
  const repo = createWaveRepo(deps.db);
  const nowIso = () => iso(deps.clock.now());
  const changed = (workspaceId: string) => deps.bus.emit('state.changed', { topic: 'rotation', workspaceId });
  // the lock's own refusal names its internal key; a person reads which wave is busy and what to do instead
  const withLock = async <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    if (!deps.lock) return fn();
    try {
      return await deps.lock.withLock(`wave-${id}`, fn);
    } catch (e) {
      if (e instanceof AppError && e.code === 'conflict' && /holds the lock for wave-/.test(e.message))
        throw new AppError('conflict', `Another Grantdesk (a terminal, a scheduled resume or another window) is working on this wave right now and did not finish within a minute; wait for it, then look at the wave again (grantdesk wave status ${id}).`);
      throw e;
    }
  };

  const view = (id: string): Wave => {
    const w = repo.get(id);
    if (!w) throw new AppError('not_found', `There is no rotation wave ${id}; grantdesk wave status lists them.`);
    return waveView(w, repo.items(id));
  };
  const setWave = (w: WaveRow, state: WaveRow['state'], reason: string | null) => {
    repo.updateWave(w.id, { state, reason, updated_at: nowIso() });
    deps.logger.info('wave.state', { wave: w.id, state });
  };
  const item = (id: string) => repo.item(id)!;
  const keyText = (it: WaveItemRow) => `${it.key_name} (${it.old_key_label}) in ${it.workspace_name}`;

  /** The delivery a wave was started with. A --deliver-cmd was given on the grantdesk command line when the wave began
   * (checked then); like a delivery target's command, it is kept and run again on resume, whoever resumes. */
  function planOf(w: WaveRow): DeliveryPlan {
    const p = w.deliver_cmd !== null ? delivery.plan({ deliverCmd: w.deliver_cmd }, { commandExecution: 'any' } as Capabilities) : delivery.plan({ deliverTo: w.deliver_to ?? '' }, { commandExecution: 'configured-targets' } as Capabilities);
    return p!;
  }

  /** After a restart with the item in `rotating`: the platform's key list says whether the POST happened. */
  async function settle(it: WaveItemRow, keys: ApiKey[], target: string, why = `Grantdesk stopped before its new secret reached ${target}`): Promise<void> {
    const done = keys.find((k) => k.rotated_from === it.old_key_id);
    const t = nowIso();
    if (done) {
      repo.updateItem(
        it.id,
        {
          state: 'undelivered',
          new_key_id: done.id,
          new_key_label: keySummary(done).label,
          rotated_at: done.created_at,
          rotated_ms: Date.parse(done.created_at),
          grace_ends_at: keys.find((k) => k.id === it.old_key_id)?.grace_ends_at ?? null,
          evidence: `The platform shows ${keyText(it)} rotated to ${keySummary(done).label} at ${utc(done.created_at)}, but ${why}, and the secret is held nowhere. Re-issue it with grantdesk rotate ${it.workspace_id} ${done.id} --grace 0 and your delivery, then resume the wave: it follows the re-issued key.`,
          updated_at: t,
        },
        ['rotating'],
      );
    } else {
      repo.updateItem(it.id, { state: 'pending', intent_at: null, evidence: `Resumed: the platform shows no rotation of ${it.old_key_label}, so it is rotated now.`, updated_at: t }, ['rotating']);
    }
  }

  /** One item: re-read the key, record the intent, rotate, record the new key, deliver. false: the wave must pause. */
  async function rotateItem(w: WaveRow, plan: DeliveryPlan, it: WaveItemRow): Promise<boolean> {
    const keys = await listKeys(deps, it.workspace_id);
    const already = keys.find((k) => k.rotated_from === it.old_key_id);
    const old = keys.find((k) => k.id === it.old_key_id);
    if (already) {
      repo.updateItem(it.id, { state: 'rotating', updated_at: nowIso() }, ['pending']);
      await settle(item(it.id), keys, plan.target);
      return false;
    }
    if (!old || old.status !== 'active') {
      repo.updateItem(it.id, { state: 'failed', evidence: `${keyText(it)} is ${old ? old.status : 'gone'} on the platform, so it cannot be rotated; cancel the wave or remove the key from it by rotating it by hand.`, updated_at: nowIso() }, ['pending']);
      return false;
    }
    // the intent is durable before the request leaves: a crash after this line is settled by the key list, never by rotating again
    if (!repo.updateItem(it.id, { state: 'rotating', intent_at: nowIso(), updated_at: nowIso() }, ['pending'])) return true;
    let k: Awaited<ReturnType<RotationDeps['platform']['apiKeys']['rotate']>>;
    try {
      k = await deps.platform.apiKeys.rotate(it.workspace_id, it.old_key_id, { grace_days: w.grace_days });
    } catch (err) {
      // Whatever failed — a refusal, a dropped connection, an answer cut short — the platform's key list decides whether
      // the rotation happened: a malformed 201 still rotated the key. If even the list cannot be read, the item stays
      // `rotating` and is settled on the next resume.
      const data = toErrorData(err);
      try {
        await settle(item(it.id), await listKeys(deps, it.workspace_id), plan.target, `its answer never arrived whole (${data.message.replace(/[.]$/, '')}), so the new secret did not reach ${plan.target}`);
      } catch {
        return false;
      }
      if (item(it.id).state === 'undelivered') return false;
      repo.updateItem(it.id, { state: 'failed', intent_at: null, evidence: `Rotating ${keyText(it)} failed at ${utc(deps.clock.now())}: ${sentence(data.message)} Nothing was rotated; resume to try it again.`, updated_at: nowIso() }, ['pending']);
      return false;
    }
    const label = `${k.prefix ?? ''}…${k.last_four ?? ''}`;
    const rotatedMs = Date.parse(k.created_at ?? '') || deps.clock.now();
    repo.updateItem(
      it.id,
      { state: 'rotated', new_key_id: k.id, new_key_label: label, rotated_at: iso(rotatedMs), rotated_ms: rotatedMs, grace_ends_at: k.previous?.grace_ends_at ?? iso(rotatedMs + w.grace_days * DAY), evidence: null, updated_at: nowIso() },
      ['rotating'],
    );
    deps.logger.info('wave.rotated', { wave: w.id, workspace: it.workspace_id, oldKey: it.old_key_id, newKey: k.id });
    changed(it.workspace_id);
    const out = await delivery.hand({ ...plan, showOnFailure: false }, k.secret, `key ${k.id}`);
    if (out.delivered) {
      repo.updateItem(it.id, { state: 'delivered', evidence: `New secret delivered to ${out.delivered.target} at ${utc(out.delivered.at)}; waiting for the integration to use it.`, updated_at: nowIso() }, ['rotated']);
      return true;
    }
    // a held secret would outlive a CLI run only as a promise nobody keeps: the evidence says how to re-issue instead
    if (out.deliveryFailed?.pendingId) delivery.discard({ pendingId: out.deliveryFailed.pendingId });
    repo.updateItem(
      it.id,
      { state: 'undelivered', evidence: `${out.deliveryFailed?.message ?? 'Delivery failed.'} ${keyText(it)} is rotated to ${label}; re-issue it with grantdesk rotate ${it.workspace_id} ${k.id} --grace 0 and a working delivery, then resume the wave.`, updated_at: nowIso() },
      ['rotated'],
    );
    return false;
  }

  /** on an explicit resume: an undelivered item whose new key was re-issued by hand follows the re-issued key */
  async function followReissue(it: WaveItemRow): Promise<void> {
    if (!it.new_key_id) return;
    const keys = await listKeys(deps, it.workspace_id);
    const re = keys.find((k) => k.rotated_from === it.new_key_id);
    if (!re) return;
    repo.updateItem(it.id, { state: 'delivered', new_key_id: re.id, new_key_label: keySummary(re).label, evidence: `Re-issued by hand as ${keySummary(re).label} at ${utc(re.created_at)}; waiting for the integration to use it.`, updated_at: nowIso() }, ['undelivered']);
  }

  async function advance(id: string, resume: boolean): Promise<Wave> {
    return withLock(id, async () => {
      const w0 = repo.get(id);
      if (!w0) throw new AppError('not_found', `There is no rotation wave ${id}; grantdesk wave status lists them.`);
      if (w0.state === 'completed' || w0.state === 'cancelled') return view(id);
      const plan = planOf(w0);
      if (resume) {
        for (const it of repo.items(id)) {
          if (it.state === 'failed') repo.updateItem(it.id, { state: 'pending', updated_at: nowIso() }, ['failed']);
          if (it.state === 'gate_failed') repo.updateItem(it.id, { state: 'delivered', gate_since_ms: deps.audit.coverage(it.workspace_id)?.untilMs ?? deps.clock.now(), updated_at: nowIso() }, ['gate_failed']);
          if (it.state === 'undelivered') await followReissue(it).catch(() => undefined);
        }
        setWave(w0, 'running', null);
      } else if (w0.state === 'paused') return view(id);
      const w = repo.get(id)!;
      // under the lock no other live process advances this wave: an item left in `rotated` was rotated by a process that
      // died before it recorded the delivery, so its secret is gone from Grantdesk (it may or may not have reached the target)
      for (const it of repo.items(id).filter((x) => x.state === 'rotated'))
        repo.updateItem(
          it.id,
          { state: 'undelivered', evidence: `Grantdesk stopped after ${keyText(it)} was rotated to ${it.new_key_label} and before it recorded the delivery to ${plan.target}: the new secret may not have arrived and is held nowhere. Re-issue it with grantdesk rotate ${it.workspace_id} ${it.new_key_id} --grace 0 and your delivery (or, if ${plan.target} has it, let the integration use it), then resume the wave.`, updated_at: nowIso() },
          ['rotated'],
        );
      for (;;) {
        let items = repo.items(id);
        for (const it of items.filter((x) => x.state === 'rotating')) {
          try {
            await settle(it, await listKeys(deps, it.workspace_id), plan.target);
          } catch (e) {
            setWave(w, 'paused', `Grantdesk stopped while rotating ${keyText(it)} and could not read the key back from the platform to see whether it rotated (${toErrorData(e).message}); resume when the workspace answers.`);
            return view(id);
          }
        }
        items = repo.items(id);
        const stuck = items.find((x) => x.state === 'failed' || x.state === 'undelivered' || x.state === 'gate_failed');
        if (stuck) {
          setWave(w, 'paused', `Paused at batch ${stuck.batch}: ${stuck.evidence ?? keyText(stuck)}`);
          return view(id);
        }
        if (items.every((x) => x.state === 'cut_over')) {
          setWave(w, 'completed', `All ${items.length} keys cut over.`);
          return view(id);
        }
        const b = currentBatch(items);
        for (const it of items.filter((x) => x.batch === b && x.state === 'pending')) {
          if (!(await rotateItem(w, plan, it))) break;
        }
        if (repo.items(id).some((x) => x.batch === b && ['failed', 'undelivered', 'rotating'].includes(x.state))) continue; // pause (or settle) above
        // the gate: sync the batch's audit logs, then judge each key from the cache
        const open = repo.items(id).filter((x) => x.batch === b && x.state === 'delivered');
        let syncNote = '';
        if (open.length && deps.syncAudit) {
          try {
            const res = await deps.syncAudit([...new Set(open.map((x) => x.workspace_id))]);
            const bad = res.results.filter((r) => r.outcome !== 'ok');
            if (bad.length) syncNote = ` The audit log of ${bad.length} workspace${bad.length === 1 ? '' : 's'} could not be synced (${bad[0]!.message ?? bad[0]!.outcome}).`;
          } catch (e) {
            syncNote = ` The audit logs could not be synced (${toErrorData(e).message}).`;
          }
        }
        const waits: string[] = [];
        for (const it of open) {
          const v = judgeCutover(deps.audit, it, w.quiet_minutes);
          if (v.kind === 'passed') repo.updateItem(it.id, { state: 'cut_over', cut_over_at: nowIso(), evidence: v.evidence, updated_at: nowIso() }, ['delivered']);
          else if (v.kind === 'failed') repo.updateItem(it.id, { state: 'gate_failed', evidence: v.evidence, updated_at: nowIso() }, ['delivered']);
          else {
            repo.updateItem(it.id, { evidence: v.evidence, updated_at: nowIso() }, ['delivered']);
            waits.push(`${it.workspace_name}: ${v.evidence}`);
          }
        }
        if (repo.items(id).some((x) => x.state === 'gate_failed')) continue; // pause above
        if (waits.length) {
          const batches = Math.max(...items.map((x) => x.batch));
          // how to continue is said by each surface (the CLI's render names the command; the screen has its button)
          setWave(w, 'waiting', `Batch ${b} of ${batches} waits for ${waits.length} workspace${waits.length === 1 ? '' : 's'} to cut over (the new key in use, the old one quiet). ${waits[0]}${waits.length > 1 ? ` (and ${waits.length - 1} more)` : ''}${syncNote}`);
          return view(id);
        }
      }
    });
  }

  return {
    async rotate(i: Input<'wave.rotate'>, caps: Capabilities): Promise<Wave> {
      if (i.deliverTo === undefined && i.deliverCmd === undefined) throw new AppError('invalid_input', NEEDS_DELIVERY);
      const plan = delivery.plan({ deliverTo: i.deliverTo, deliverCmd: i.deliverCmd }, caps)!;
      const graceDays = Number(i.grace.slice(0, -1));
      const quiet = quietMinutesOf(i.quiet);
      const re = namePattern(i.match);
      const workspaces = deps.workspaces.list().filter((w) => w.status === 'connected').sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      const found: Array<{ ws: (typeof workspaces)[number]; key: ApiKey }> = [];
      const unreadable: string[] = [];
      for (const ws of workspaces) {
        try {
          for (const key of await listKeys(deps, ws.id)) if (key.status === 'active' && re.test(key.name)) found.push({ ws, key });
        } catch (e) {
          unreadable.push(`${ws.name} (${toErrorData(e).message})`);
        }
      }
      if (unreadable.length) throw new AppError('platform_error', `Nothing was rotated: the keys of ${unreadable.length} workspace${unreadable.length === 1 ? '' : 's'} could not be read: ${unreadable.slice(0, 3).join('; ')}. Fix or disconnect ${unreadable.length === 1 ? 'it' : 'them'} and start the wave again.`);
      if (!found.length) throw new AppError('not_found', `No active API key named "${i.match}" in any of the ${workspaces.length} connected workspaces; grantdesk keys WORKSPACE lists a workspace's keys.`);
      for (const f of found) {
        const other = repo.openWaveFor(f.ws.id, f.key.id);
        if (other) throw new AppError('conflict', `The key ${f.key.name} in ${f.ws.name} is already in wave ${other}; finish or cancel that wave first.`);
      }
      const id = `wv_${randomUUID().replaceAll('-', '')}`;
      const t = nowIso();
      repo.create(
        { id, match: i.match, batch_size: i.batch, grace_days: graceDays, quiet_minutes: quiet, deliver_to: i.deliverTo ?? null, deliver_cmd: i.deliverCmd ?? null, delivery_target: plan.target, state: 'running', reason: null, created_at: t, updated_at: t },
        found.map((f, n) => ({ id: `wi_${randomUUID().replaceAll('-', '')}`, wave_id: id, ord: n, batch: Math.floor(n / i.batch) + 1, workspace_id: f.ws.id, workspace_name: f.ws.name, key_name: f.key.name, old_key_id: f.key.id, old_key_label: keySummary(f.key).label, updated_at: t })),
      );
      deps.logger.info('wave.created', { wave: id, keys: found.length, batch: i.batch });
      return advance(id, false);
    },
    status(i: { id?: string }): { waves: Wave[] } {
      if (i.id) return { waves: [view(i.id)] };
      return { waves: repo.list().map((w) => waveView(w, repo.items(w.id))) };
    },
    resume: (i: { id: string }) => advance(i.id, true),
    async cancel(i: { id: string }): Promise<Wave> {
      return withLock(i.id, async () => {
        const w = repo.get(i.id);
        if (!w) throw new AppError('not_found', `There is no rotation wave ${i.id}; grantdesk wave status lists them.`);
        if (w.state !== 'completed' && w.state !== 'cancelled') {
          const done = repo.items(i.id).filter((x) => x.new_key_id).length;
          setWave(w, 'cancelled', `Cancelled at ${utc(deps.clock.now())}: nothing more is rotated; ${done} key${done === 1 ? ' was rotated before and stays' : 's were rotated before and stay'} rotated.`);
        }
        return view(i.id);
      });
    },
    purgeWorkspaces: (ids: readonly string[]) => repo.purgeWorkspaces(ids),
  };
}
export type WaveService = ReturnType<typeof createWaveService>;
