// `grantdesk rotate <ws> <key> --grace 7d [--deliver-to NAME | --deliver-cmd CMD]`: the whole wizard in one go. The
// printed output is the one time the secret is shown, unless it went to a delivery target. When that delivery failed
// and the secret was not shown, it stops at `rotated` (the secret is not stored anywhere, so acknowledging would be a
// lie): the wizard then offers to re-issue it, which the same command does when run again.
import type { DeliveryRequest, Verification, Wizard } from '../../../src-common/contract/index.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import type { HandOver } from './delivery-service.ts';

export type RotateNowInput = { workspace: string; keyId: string; grace?: number } & DeliveryRequest;

interface Steps {
  start(input: { workspace: string; keyId: string; graceDays?: number }): Promise<Wizard>;
  advance(input: { wizardId: string; action: 'review' | 'rotate' | 'acknowledge' | 'verify' | 'watch' } & DeliveryRequest & { graceDays?: number }, caps: Capabilities): Promise<{ wizard: Wizard; secret?: string | null } & Omit<HandOver, 'secret'>>;
}

export async function rotateNow(s: Steps, input: RotateNowInput, caps: Capabilities): Promise<{ wizard: Wizard; secret?: string | null; verification: Verification | null } & Omit<HandOver, 'secret'>> {
  const { deliverTo, deliverCmd, showSecretOnFailure } = input;
  let w = await s.start({ workspace: input.workspace, keyId: input.keyId, graceDays: input.grace });
  let secret: string | null = null;
  let outcome: Omit<HandOver, 'secret'> = {};
  if (w.step === 'chosen' || w.step === 'reviewed') w = (await s.advance({ wizardId: w.id, action: 'review', graceDays: input.grace }, caps)).wizard;
  if (w.step === 'reviewed' || (w.step === 'rotated' && w.secretLost)) {
    const { wizard, secret: shown, ...rest } = await s.advance({ wizardId: w.id, action: 'rotate', deliverTo, deliverCmd, showSecretOnFailure }, caps);
    w = wizard;
    secret = shown ?? null;
    outcome = rest;
  }
  if (w.step === 'rotated' && !w.secretLost) w = (await s.advance({ wizardId: w.id, action: 'acknowledge' }, caps)).wizard;
  if (w.step === 'acknowledged') w = (await s.advance({ wizardId: w.id, action: 'verify' }, caps)).wizard;
  if (w.step === 'verified') w = (await s.advance({ wizardId: w.id, action: 'watch' }, caps)).wizard;
  if (outcome.delivered || (outcome.deliveryFailed && secret === null)) return { wizard: w, verification: w.verification, ...outcome };
  return { wizard: w, secret, verification: w.verification, ...outcome };
}
