// The alert webhook: Slack-compatible JSON (`text` + `blocks`, and Grantdesk's own `grantdesk` object), signed with
// HMAC-SHA-256 over "<timestamp>.<body>" (header X-Grantdesk-Signature: v1=<hex>, X-Grantdesk-Timestamp: <unix s>) so a
// receiver can refuse forgeries and replays. Sent with a deadline and bounded retries; the body never holds a token or a
// secret (alerts carry names, ids and sentences only).
import { createHmac } from 'node:crypto';
import type { Alert } from '../../../src-common/contract/alerts.ts';
import type { LimitedFetch } from '../../ports/http.ts';
import { AppError } from '../../rpc/app-error.ts';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** https anywhere; http only to this machine (a local relay, a test receiver). No credentials in the authority. */
export function checkWebhookUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new AppError('invalid_input', 'The webhook address is not a URL; paste the full https:// address your chat tool gave you.');
  }
  if (u.username || u.password) throw new AppError('invalid_input', 'The webhook address must not carry a user name or password.');
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return u;
  throw new AppError('invalid_input', 'The webhook must be an https:// address (http:// only to 127.0.0.1 or localhost), so alerts are not sent in clear text.');
}

export function signBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function alertPayload(alerts: readonly Alert[], digest: boolean): unknown {
  const line = (a: Alert) => `${a.severity === 'critical' ? ':red_circle:' : ':warning:'} ${a.title} — ${a.detail}`;
  const text = digest ? `Grantdesk daily digest: ${alerts.length} open alert${alerts.length === 1 ? '' : 's'}` : `Grantdesk: ${alerts[0]!.title}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      ...alerts.slice(0, 45).map((a) => ({ type: 'section', text: { type: 'mrkdwn', text: line(a) } })),
      ...(alerts.length > 45 ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${alerts.length - 45} more in Grantdesk (Alerts).` }] }] : []),
    ],
    grantdesk: {
      kind: digest ? 'digest' : 'alert',
      alerts: alerts.map((a) => ({ id: a.id, kind: a.kind, severity: a.severity, workspace_id: a.workspaceId, workspace_name: a.workspaceName, title: a.title, detail: a.detail, due_at: a.dueAt })),
    },
  };
}

export interface WebhookDeps {
  fetch: LimitedFetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const ATTEMPTS = 4;
const LIMITS = { deadlineMs: 10_000, maxBytes: 64 * 1024 };

/** POSTs one signed body; retries network errors, 429 and 5xx up to 4 attempts (1 s, 2 s, 4 s; Retry-After ≤ 30 s honoured). */
export async function postSigned(d: WebhookDeps, url: string, secret: string, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  let last = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const ts = Math.floor(d.now() / 1000);
    let wait = 1000 * 2 ** (attempt - 1);
    try {
      const res = await d.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-grantdesk-timestamp': String(ts), 'x-grantdesk-signature': signBody(secret, ts, body) }, body, redirect: 'manual' }, LIMITS);
      if (res.status >= 200 && res.status < 300) return;
      last = `the webhook answered HTTP ${res.status}`;
      if (res.status !== 429 && res.status < 500) throw new AppError('platform_error', `${last}; check the webhook address (a 4xx is not retried).`);
      const ra = Number(res.headers.get('retry-after'));
      if (Number.isFinite(ra) && ra >= 0 && ra <= 30) wait = ra * 1000;
    } catch (e) {
      if (e instanceof AppError && e.code === 'platform_error') throw e;
      last = e instanceof AppError ? e.message : 'the webhook could not be reached';
    }
    if (attempt < ATTEMPTS) await d.sleep(wait);
  }
  throw new AppError('network_error', `Alert delivery failed after ${ATTEMPTS} attempts: ${last}. It is retried on the next run.`);
}
