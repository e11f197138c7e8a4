// What the CLI adds (on stderr) when a secret's delivery failed. The one-shot CLI process ends right after the call, so
// a secret held in its memory ends with it: the CLI prints an undelivered secret only when the person asked for it up
// front (--show-secret-on-failure), never after the fact and never by prompting (a prompt in a script would hang, and
// piped input could answer it). The exit status is 1 either way (the contract's deliveryExitCode).
import type { DeliveryFailure } from '../../src-common/contract/index.ts';

export function deliveryFailedHint(value: unknown): string | null {
  const v = value as { deliveryFailed?: DeliveryFailure; secret?: unknown; clientSecret?: unknown } | null;
  const f = v && typeof v === 'object' ? v.deliveryFailed : undefined;
  if (!f) return null;
  const shown = v!.secret !== undefined && v!.secret !== null ? true : v!.clientSecret !== undefined;
  const lines = [`delivery failed: ${f.message}`];
  if (f.stderrTail) lines.push(`  the command's stderr (secret redacted):`, ...f.stderrTail.split('\n').map((l) => `    ${l}`));
  if (!shown) {
    lines.push(
      '  The secret was not printed and is gone when this command ends. Fix the delivery, then issue it again:',
      '  `grantdesk rotate <workspace> <key>` again re-issues a rotated key (the never-shown key is rotated with no grace);',
      '  a new key or client secret: rotate it. Add --show-secret-on-failure to have it printed once if delivery fails.',
    );
  }
  return lines.join('\n');
}
