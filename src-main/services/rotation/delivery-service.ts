// Secrets-manager delivery: a new key or client secret goes to a command's stdin instead of the screen.
//
// Who may run what (architecture rule 7, the renderer and serve tabs are hostile): only a caller whose capabilities say
// commandExecution 'any' (the user's own shell, the CLI) may give a command line or set up a target; every other caller
// may only NAME a target the CLI set up. The request is checked (plan) BEFORE the platform issues anything, so a bad
// target never costs a rotation. After the platform issued the secret (hand): delivered → the output has no secret;
// failed → the platform has already rotated, so the secret must not be lost: it is returned (shown once) only when the
// caller asked (showSecretOnFailure), otherwise held in main memory for HOLD_MS for delivery.reveal / delivery.retry.
// The secret is never logged: log lines carry the target's name, the reason and the exit code.
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_DELIVERY_TIMEOUT_SECONDS,
  type Delivered,
  type DeliveryFailure,
  type DeliveryRequest,
  type DeliveryTarget,
} from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { Logger } from '../../ports/logger.ts';
import type { DeliveryResult, SecretDelivery } from '../../ports/secret-delivery.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import { shellWords } from './delivery-shell-words.ts';
import { createDeliveryTargetRepo, type TargetRow } from './delivery-targets.ts';

/** how long an undelivered secret is held for delivery.reveal / delivery.retry */
export const HOLD_MS = 15 * 60 * 1000;
const MAX_HELD = 50;

export interface DeliveryPlan {
  /** the target's name, or the program of a --deliver-cmd */
  readonly target: string;
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  readonly showOnFailure: boolean;
}

/** What a command that issued a secret returns about it: at most one of delivered / deliveryFailed. */
export interface HandOver {
  secret?: string;
  delivered?: Delivered;
  deliveryFailed?: DeliveryFailure;
}

/** What became of a held secret later: the issuer (a rotation wizard) records it. */
export type Settled = { how: 'delivered'; delivered: Delivered } | { how: 'shown' } | { how: 'discarded' };

interface Held {
  secret: string;
  until: number;
  onSettled?: (s: Settled) => void;
}

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  delivery: SecretDelivery;
}

const CLI_ONLY_CMD = 'A delivery command can only be given on the grantdesk command line; here, choose a delivery target set up with grantdesk delivery add.';

function words(command: string, label: string): string[] {
  const r = shellWords(command);
  if (!r.ok) throw new AppError('invalid_input', `${label}: ${r.problem}`);
  return r.argv;
}

function targetOf(row: TargetRow): DeliveryTarget {
  const parsed = shellWords(row.command);
  return { name: row.name, command: row.command, argv: parsed.ok ? parsed.argv : [], timeoutSeconds: row.timeout_seconds, createdAt: row.created_at };
}

const program = (argv: readonly string[]) => (argv[0] ?? '').split(/[\\/]/).pop()!.slice(0, 64) || 'command';

/** The failure in one sentence, without the secret-handling part (the caller adds what became of the secret). */
function failureSentence(target: string, r: Exclude<DeliveryResult, { kind: 'exited'; exitCode: 0 }>, timeoutMs: number): { reason: DeliveryFailure['reason']; exitCode: number | null; text: string; stderrTail: string } {
  switch (r.kind) {
    case 'exited':
      return { reason: 'exit_code', exitCode: r.exitCode, stderrTail: r.stderrTail, text: `Delivery to ${target} failed: the command exited with code ${r.exitCode}.` };
    case 'signal':
      return { reason: 'signal', exitCode: null, stderrTail: r.stderrTail, text: `Delivery to ${target} failed: the command was stopped by ${r.signal}.` };
    case 'timeout':
      return { reason: 'timeout', exitCode: null, stderrTail: r.stderrTail, text: `Delivery to ${target} failed: the command did not finish within ${Math.round(timeoutMs / 1000)} second${Math.round(timeoutMs / 1000) === 1 ? '' : 's'} and was stopped.` };
    case 'not_started':
      return { reason: 'not_started', exitCode: null, stderrTail: '', text: `Delivery to ${target} failed: ${r.detail}.` };
  }
}

export function createDeliveryService(deps: DeliveryDeps) {
  const targets = createDeliveryTargetRepo(deps.db);
  const held = new Map<string, Held>();
  const nowIso = () => new Date(deps.clock.now()).toISOString();

  function heldEntry(id: string): Held | null {
    const h = held.get(id);
    if (!h) return null;
    if (h.until <= Date.now()) {
      held.delete(id);
      return null;
    }
    return h;
  }
  const gone = () =>
    new AppError('not_found', 'That secret is no longer held: it was shown, delivered or forgotten, 15 minutes passed, or Grantdesk restarted. Issue a new one (rotate again).');

  function hold(secret: string, onSettled?: (s: Settled) => void): { id: string; until: number } {
    while (held.size >= MAX_HELD) held.delete(held.keys().next().value!);
    const id = `pd_${randomUUID().replaceAll('-', '')}`;
    const until = Date.now() + HOLD_MS;
    held.set(id, { secret, until, onSettled });
    return { id, until };
  }

  function requireCli(caps: Capabilities, what: string): void {
    if (caps.commandExecution !== 'any') throw new AppError('cli_only', `${what} can only be done on the grantdesk command line: the app window and browser tabs may not choose commands this machine runs.`);
  }

  /** Checks a delivery request before anything is issued; null: no delivery (the secret is shown once). */
  function plan(req: DeliveryRequest, caps: Capabilities): DeliveryPlan | null {
    const showOnFailure = req.showSecretOnFailure === true;
    if (req.deliverTo !== undefined && req.deliverCmd !== undefined) throw new AppError('invalid_input', 'Give a delivery target or a delivery command, not both.');
    if (req.deliverCmd !== undefined) {
      if (caps.commandExecution !== 'any') throw new AppError('cli_only', CLI_ONLY_CMD);
      const argv = words(req.deliverCmd, 'Delivery command');
      return { target: program(argv), argv, timeoutMs: DEFAULT_DELIVERY_TIMEOUT_SECONDS * 1000, showOnFailure };
    }
    if (req.deliverTo !== undefined) {
      const row = targets.get(req.deliverTo);
      if (!row) throw new AppError('invalid_input', `Delivery target: there is no delivery target named "${req.deliverTo}"; grantdesk delivery list shows them, grantdesk delivery add sets one up.`);
      return { target: row.name, argv: words(row.command, `Delivery target ${row.name}`), timeoutMs: row.timeout_seconds * 1000, showOnFailure };
    }
    return null;
  }

  async function run(p: DeliveryPlan, secret: string, what: string): Promise<{ delivered: Delivered } | { failure: ReturnType<typeof failureSentence> }> {
    const r = await deps.delivery.run({ argv: p.argv, secret, deadlineMs: p.timeoutMs });
    if (r.kind === 'exited' && r.exitCode === 0) {
      deps.logger.info('delivery.delivered', { target: p.target, what });
      return { delivered: { target: p.target, exitCode: 0, at: nowIso() } };
    }
    const failure = failureSentence(p.target, r as Exclude<DeliveryResult, { kind: 'exited'; exitCode: 0 }>, p.timeoutMs);
    deps.logger.warn('delivery.failed', { target: p.target, what, reason: failure.reason, exitCode: failure.exitCode });
    return { failure };
  }

  return {
    plan,

    /**
     * After the platform issued `secret`: deliver it per the plan. `what` names the credential in logs (ids, never the
     * secret); `onSettled` hears what became of a held secret later (shown once, delivered on retry, forgotten).
     */
    async hand(p: DeliveryPlan | null, secret: string, what: string, onSettled?: (s: Settled) => void): Promise<HandOver> {
      if (!p) return { secret };
      const out = await run(p, secret, what);
      if ('delivered' in out) return { delivered: out.delivered };
      const f = out.failure;
      const base = { target: p.target, reason: f.reason, exitCode: f.exitCode, stderrTail: f.stderrTail };
      if (p.showOnFailure) {
        return { secret, deliveryFailed: { ...base, message: `${f.text} The new secret is shown once instead, as asked.`, pendingId: null, heldUntil: null } };
      }
      const h = hold(secret, onSettled);
      return {
        deliveryFailed: {
          ...base,
          message: `${f.text} The new secret was not shown.`,
          pendingId: h.id,
          heldUntil: new Date(h.until).toISOString(),
        },
      };
    },

    /** whether a held secret is still there (never the secret) */
    isHeld: (id: string | null): boolean => id !== null && heldEntry(id) !== null,
    /** until when a secret is held (ISO), null when it is not */
    heldUntil(id: string | null): string | null {
      const h = id === null ? null : heldEntry(id);
      return h ? new Date(h.until).toISOString() : null;
    },

    reveal(input: { pendingId: string }): { secret: string } {
      const h = heldEntry(input.pendingId);
      if (!h) throw gone();
      held.delete(input.pendingId);
      deps.logger.info('delivery.revealed', { pending: input.pendingId });
      h.onSettled?.({ how: 'shown' });
      return { secret: h.secret };
    },

    async retry(input: { pendingId: string; deliverTo?: string; deliverCmd?: string }, caps: Capabilities): Promise<{ delivered?: Delivered; deliveryFailed?: DeliveryFailure }> {
      const p = plan(input, caps);
      if (!p) throw new AppError('invalid_input', 'Delivery target: choose where to deliver the secret.');
      const h = heldEntry(input.pendingId);
      if (!h) throw gone();
      const out = await run(p, h.secret, input.pendingId);
      if ('delivered' in out) {
        held.delete(input.pendingId);
        h.onSettled?.({ how: 'delivered', delivered: out.delivered });
        return { delivered: out.delivered };
      }
      const f = out.failure;
      return {
        deliveryFailed: {
          target: p.target,
          reason: f.reason,
          exitCode: f.exitCode,
          stderrTail: f.stderrTail,
          message: `${f.text} The secret is still held, not shown.`,
          pendingId: input.pendingId,
          heldUntil: new Date(h.until).toISOString(),
        },
      };
    },

    discard(input: { pendingId: string }): { discarded: boolean } {
      const h = heldEntry(input.pendingId);
      held.delete(input.pendingId);
      if (h) h.onSettled?.({ how: 'discarded' });
      return { discarded: h !== null };
    },

    list(): { targets: DeliveryTarget[] } {
      return { targets: targets.list().map(targetOf) };
    },

    add(input: { name: string; cmd: string; timeoutSeconds?: number; replace?: boolean }, caps: Capabilities): { target: DeliveryTarget } {
      requireCli(caps, 'Setting up a delivery target');
      words(input.cmd, 'Command');
      if (targets.get(input.name) && !input.replace) throw new AppError('conflict', `A delivery target named ${input.name} already exists; add --replace to change its command.`);
      targets.put({ name: input.name, command: input.cmd, timeout_seconds: input.timeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT_SECONDS, created_at: nowIso() });
      deps.logger.info('delivery.target_set', { name: input.name });
      return { target: targetOf(targets.get(input.name)!) };
    },

    remove(input: { name: string }, caps: Capabilities): { name: string; removed: boolean } {
      requireCli(caps, 'Removing a delivery target');
      if (!targets.remove(input.name)) throw new AppError('not_found', `There is no delivery target named ${input.name}; grantdesk delivery list shows them.`);
      deps.logger.info('delivery.target_removed', { name: input.name });
      return { name: input.name, removed: true };
    },
  };
}
export type DeliveryService = ReturnType<typeof createDeliveryService>;
