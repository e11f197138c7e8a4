// Secrets-manager delivery, the fields every command that issues a secret shares (keys.create, rotation.advance
// {action:'rotate'}, rotation.rotate, clients.create, clients.rotate, delivery.retry): which command receives the new
// secret on its stdin, and what happened. A delivered secret is never in the output; a failed delivery returns it only
// when the caller asked (showSecretOnFailure), otherwise main holds it briefly for delivery.reveal / delivery.retry.
// docs/secrets-delivery.md has the recipes and the rules (no shell, minimal environment, deadline, redaction).
import { z } from 'zod';

/** A delivery target's name: what the app window and `--deliver-to` name (the command stays in main). */
export const deliveryTargetNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a target name is letters, digits, ".", "_" and "-", starting with a letter or digit');

/** A command line such as `vault kv put secret/app key=-`: split into words without a shell (see docs/secrets-delivery.md). */
export const deliveryCommandSchema = z.string().min(1).max(2000);

/** How long a delivery command may run before it is stopped (its whole process group). */
export const deliveryTimeoutSchema = z.number().int().min(1).max(600);
export const DEFAULT_DELIVERY_TIMEOUT_SECONDS = 60;

/** Input fields of a command that issues a secret. Neither target: the secret is shown once, as before. */
export const deliveryRequestFields = {
  /** a delivery target set up with `grantdesk delivery add` (what the app window offers) */
  deliverTo: deliveryTargetNameSchema.optional(),
  /** a command line to pipe the secret to; only the grantdesk CLI may give one (the app window and tabs name a target) */
  deliverCmd: deliveryCommandSchema.optional(),
  /** if delivery fails, return the secret in this output (shown once) instead of holding it for delivery.reveal */
  showSecretOnFailure: z.boolean().optional(),
};
export type DeliveryRequest = { deliverTo?: string; deliverCmd?: string; showSecretOnFailure?: boolean };

export const deliveredSchema = z.object({
  /** the target's name, or the program of a --deliver-cmd */
  target: z.string(),
  exitCode: z.number().int(),
  at: z.string(),
});
export type Delivered = z.infer<typeof deliveredSchema>;

export const DELIVERY_FAILURE_REASONS = ['exit_code', 'signal', 'timeout', 'not_started'] as const;
export const deliveryFailureSchema = z.object({
  target: z.string(),
  reason: z.enum(DELIVERY_FAILURE_REASONS),
  /** the command's exit code (reason exit_code), else null */
  exitCode: z.number().int().nullable(),
  /** the end of what the command wrote to stderr: the secret (and its encodings) redacted, control characters removed */
  stderrTail: z.string(),
  /** a sentence: what failed, and whether the secret was shown */
  message: z.string(),
  /** the secret is held in main memory for delivery.reveal / delivery.retry until heldUntil; null when shown here or gone */
  pendingId: z.string().nullable(),
  heldUntil: z.string().nullable(),
});
export type DeliveryFailure = z.infer<typeof deliveryFailureSchema>;

/** Output fields of a command that issues a secret: at most one of them is present. */
export const deliveryOutcomeFields = {
  /** the command received the secret and exited 0; the output then carries no secret field */
  delivered: deliveredSchema.optional(),
  deliveryFailed: deliveryFailureSchema.optional(),
};

/** The CLI's exit status for a call that issued a secret: 1 when delivery failed (a script must not go on as if stored). */
export const deliveryExitCode = (output: unknown): number => (output && typeof output === 'object' && 'deliveryFailed' in output && (output as { deliveryFailed?: unknown }).deliveryFailed ? 1 : 0);
