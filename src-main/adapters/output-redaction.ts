// What a delivery command wrote, made safe to show: a hostile or chatty command may echo the secret it was given
// (`tee /dev/stderr`, `set -x`, a store's error that quotes the value). Before any of it is shown or kept:
//  - the secret and its common encodings (base64, base64url, hex, percent-encoding, JSON escaping) are redacted;
//  - so is any run of REDACT_RUN or more consecutive characters of the secret, so a half-printed secret, or one cut
//    by the size cap, leaves no usable piece;
//  - control characters (ANSI escapes that could rewrite a terminal, NUL, CR) are removed;
//  - only the tail is kept (the last MAX_TAIL_LINES lines, at most MAX_TAIL_CHARS characters).
// A command that transforms the secret in other ways (reversed, encrypted) is not caught: redaction is a backstop for
// output that is shown; a delivery target is a command the user chose from the CLI.

export const REDACTED = '[REDACTED]';
/** a run this long of the secret's characters is treated as a leak */
export const REDACT_RUN = 8;
export const MAX_TAIL_CHARS = 1000;
export const MAX_TAIL_LINES = 20;

function encodings(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  const forms = [secret, b.toString('base64'), b.toString('base64').replace(/=+$/, ''), b.toString('base64url'), b.toString('hex'), b.toString('hex').toUpperCase(), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  return [...new Set(forms.filter((f) => f.length > 0))];
}

/** Marks every occurrence of `needle` in `text`. */
function mark(text: string, needle: string, hit: Uint8Array): void {
  if (!needle) return;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) hit.fill(1, i, i + needle.length);
}

/** `text` with the secret, its encodings and every REDACT_RUN-character piece of them replaced by [REDACTED]. */
export function redactSecret(text: string, secret: string): string {
  if (!secret || !text) return text;
  const hit = new Uint8Array(text.length);
  for (const form of encodings(secret)) {
    mark(text, form, hit);
    if (form.length > REDACT_RUN) for (let i = 0; i + REDACT_RUN <= form.length; i++) mark(text, form.slice(i, i + REDACT_RUN), hit);
  }
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (hit[i]) {
      while (i < text.length && hit[i]) i++;
      out += REDACTED;
    } else out += text[i++];
  }
  return out;
}

/** Removes terminal control sequences and control characters (keeps newlines and tabs). */
export function stripControl(text: string): string {
  return text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, '')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** The part of a command's output that may be shown: redacted first (on the whole captured text), then cleaned and cut. */
export function safeTail(captured: string, secret: string): string {
  const clean = stripControl(redactSecret(captured, secret)).trimEnd();
  const lines = clean.split('\n').slice(-MAX_TAIL_LINES).join('\n');
  return lines.length > MAX_TAIL_CHARS ? `…${lines.slice(-MAX_TAIL_CHARS)}` : lines;
}
