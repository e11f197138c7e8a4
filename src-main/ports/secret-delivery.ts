/**
 * Hands a freshly issued secret to a command on its stdin (a secrets manager's CLI: vault, aws, doppler, op, gh,
 * secret-tool, pass). The adapter (adapters/deliver-command.ts) runs argv WITHOUT a shell, with a minimal environment,
 * the secret on stdin followed by EOF (never in argv or the environment), and a deadline after which the command's
 * whole process group is killed. What the command writes is size-capped and comes back with the secret redacted.
 */
export interface DeliveryRun {
  /** the program and its arguments, already split into words (services/rotation/delivery-shell-words.ts) */
  readonly argv: readonly string[];
  readonly secret: string;
  readonly deadlineMs: number;
}

export type DeliveryResult =
  | { readonly kind: 'exited'; readonly exitCode: number; readonly stderrTail: string }
  | { readonly kind: 'signal'; readonly signal: string; readonly stderrTail: string }
  | { readonly kind: 'timeout'; readonly stderrTail: string }
  /** the program could not be started (not found, not executable); `detail` names why in words, never the secret */
  | { readonly kind: 'not_started'; readonly detail: string };

export interface SecretDelivery {
  run(req: DeliveryRun): Promise<DeliveryResult>;
}
