// The rotation wizard's side of secrets-manager delivery: after the platform rotated, deliver the new secret per the
// plan and record what happened on the wizard row (delivery_json: target, exit code, redacted stderr tail, the hold's
// id; never the secret). A failed delivery whose secret was not shown marks the rotation's secret as lost
// (secret_lost = 1) at once, so a Grantdesk that exits (a one-shot CLI) or restarts leaves the wizard's re-issue path
// ("rotate again": the never-shown key is rotated with no grace); showing the held secret once or delivering it on a
// retry clears the mark.
import type { WizardDelivery } from '../../../src-common/contract/index.ts';
import type { DeliveryPlan, DeliveryService, HandOver, Settled } from './delivery-service.ts';
import { parseJson, type WizardRepo, type WizardRow } from './wizard-repo.ts';

type StoredDelivery = Omit<WizardDelivery, 'secretHeld' | 'heldUntil'>;

export function createWizardDelivery(repo: WizardRepo, delivery: DeliveryService, nowIso: () => string, changed: (workspaceId: string) => void) {
  const stored = (r: WizardRow) => parseJson<StoredDelivery>(r.delivery_json);

  /** a held secret was shown, delivered on retry or forgotten: only while the wizard is still on that new key */
  function settle(wizardId: string, newKeyId: string, s: Settled): void {
    const r = repo.get(wizardId);
    const d = r ? stored(r) : null;
    if (!r || !d || r.new_key_id !== newKeyId) return;
    const t = nowIso();
    if (s.how === 'delivered') {
      const next: StoredDelivery = { ...d, target: s.delivered.target, ok: true, at: s.delivered.at, exitCode: 0, reason: null, stderrTail: '', message: `Delivered to ${s.delivered.target} (exit code 0) on a retry.`, pendingId: null };
      repo.update(r.id, { delivery_json: JSON.stringify(next), secret_lost: 0, updated_at: t }, `delivered to ${s.delivered.target} on a retry`, 'rotated');
    } else if (s.how === 'shown') {
      const next: StoredDelivery = { ...d, message: `${d.message.replace(/ The new secret was not shown.*$/, '')} The new secret was then shown once instead.`, pendingId: null };
      repo.update(r.id, { delivery_json: JSON.stringify(next), secret_lost: 0, updated_at: t }, 'undelivered secret shown once', 'rotated');
    } else {
      repo.update(r.id, { delivery_json: JSON.stringify({ ...d, pendingId: null }), updated_at: t }, 'undelivered secret forgotten; rotate again to re-issue');
    }
    changed(r.workspace_id);
  }

  return {
    view(r: WizardRow): WizardDelivery | null {
      const d = stored(r);
      if (!d) return null;
      const until = delivery.heldUntil(d.pendingId);
      return { ...d, secretHeld: until !== null, heldUntil: until };
    },

    /** before a (re-)rotation: a secret held from the previous one is superseded */
    supersede(r: WizardRow): void {
      const d = stored(r);
      if (d?.pendingId) delivery.discard({ pendingId: d.pendingId });
    },

    /** `r` is the row just after the rotation (new_key_id set). Returns what the output says about the secret. */
    async deliver(r: WizardRow, plan: DeliveryPlan | null, secret: string): Promise<HandOver> {
      const t = nowIso();
      if (!plan) {
        if (r.delivery_json) repo.update(r.id, { delivery_json: null, updated_at: t }, 'new secret shown once');
        return { secret };
      }
      const keyId = r.new_key_id ?? '';
      const out = await delivery.hand(plan, secret, `wizard ${r.id} key ${keyId}`, (s) => settle(r.id, keyId, s));
      const at = nowIso();
      if (out.delivered) {
        const d: StoredDelivery = { target: out.delivered.target, ok: true, at, exitCode: 0, reason: null, stderrTail: '', message: `Delivered to ${out.delivered.target} (exit code 0).`, pendingId: null };
        repo.update(r.id, { delivery_json: JSON.stringify(d), updated_at: at }, `new secret delivered to ${d.target}`);
      } else if (out.deliveryFailed) {
        const f = out.deliveryFailed;
        const d: StoredDelivery = { target: f.target, ok: false, at, exitCode: f.exitCode, reason: f.reason, stderrTail: f.stderrTail, message: f.message, pendingId: f.pendingId };
        const shown = out.secret !== undefined;
        repo.update(r.id, { delivery_json: JSON.stringify(d), secret_lost: shown ? 0 : 1, updated_at: at }, `delivery to ${f.target} failed (${f.reason}${f.exitCode === null ? '' : ` ${f.exitCode}`}); secret ${shown ? 'shown once instead' : 'held, not shown'}`);
      }
      return out;
    },
  };
}
