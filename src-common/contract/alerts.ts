// Contract commands `alerts.*`: problems that come to people instead of waiting on a screen — credentials, grants and
// reviews ending soon, grants needing re-consent, audit tamper or gaps, machine-client quota, policy violations. One
// alert per cause until the cause changes; snoozable; sent to a signed webhook (`grantdesk alerts run` for cron) and
// shown as OS / browser notifications by the app.
import { z } from 'zod';
import { command } from './define.ts';
import { alertIdSchema } from './ids.ts';

export const ALERT_KINDS = ['credential_expiring', 'grace_ending', 'review_ending', 'grant_needs_reconsent', 'chain_tamper', 'chain_gap', 'quota_high', 'policy_violation'] as const;
export const alertSchema = z.object({
  /** the cause: stable while the same thing is wrong */
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(['warning', 'critical']),
  workspaceId: z.string(),
  workspaceName: z.string(),
  /** one line a person reads first ("API key “Nightly sync” in Acme expires in 3 days") */
  title: z.string(),
  /** what to do about it */
  detail: z.string(),
  /** when the problem bites (an expiry), if it has a time */
  dueAt: z.string().nullable(),
  firstSeenAt: z.string(),
  snoozedUntil: z.string().nullable(),
  /** the app screen that fixes it, for a link: e.g. credentials / rotation / audit / reviews / workspaces */
  screen: z.enum(['credentials', 'rotation', 'audit', 'reviews', 'workspaces', 'clients', 'matrix']),
});
export type Alert = z.infer<typeof alertSchema>;

const webhookStatusSchema = z.object({
  /** the webhook's host only: the full URL can carry a token (Slack's does) and lives in the keychain */
  host: z.string().nullable(),
  configured: z.boolean(),
});

export const alertsCommands = {
  'alerts.list': command({
    input: z.object({}).strict(),
    output: z.object({
      alerts: z.array(alertSchema),
      webhook: webhookStatusSchema,
      withinDays: z.number().int(),
      lastRunAt: z.string().nullable(),
      lastDigestAt: z.string().nullable(),
    }),
    mutates: false,
    cli: { words: ['alerts', 'list'], summary: 'Open alerts: credentials, grants and reviews ending soon, re-consent, tamper or gaps, quota, policy violations' },
  }),
  'alerts.run': command({
    input: z
      .object({
        /** also send the daily digest (at most once in 20 hours) */
        digest: z.boolean().optional(),
        /** ending within this many days counts (default 14) */
        withinDays: z.number().int().min(1).max(365).optional(),
        /** list what would be sent; send nothing and record nothing */
        dryRun: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      sent: z.array(alertSchema),
      /** open alerts already sent while their cause is unchanged */
      alreadySent: z.number().int(),
      snoozed: z.number().int(),
      digestSent: z.boolean(),
      /** each failed delivery, as a sentence; they are retried on the next run */
      failed: z.array(z.object({ alertId: z.string().nullable(), message: z.string() })),
      webhook: webhookStatusSchema,
    }),
    // it sends to a webhook outside this machine: not localOnly, so review mode refuses it
    mutates: true,
    cli: {
      words: ['alerts', 'run'],
      summary: 'Send what is due to the alert webhook and exit (for cron), e.g. --digest; exit 0 sent or nothing due, 1 a delivery failed, 3 no webhook set',
      exitCode: (o) => {
        const v = o as { failed: unknown[]; webhook: { configured: boolean } };
        return !v.webhook.configured ? 3 : v.failed.length ? 1 : 0;
      },
    },
  }),
  'alerts.snooze': command({
    input: z.object({ id: alertIdSchema, hours: z.number().int().min(1).max(720) }).strict(),
    output: alertSchema,
    mutates: true,
    cli: { words: ['alerts', 'snooze'], positionals: ['id'], summary: 'Snooze one alert, e.g. al_… --hours 24 (it comes back sooner if its cause changes)' },
  }),
  'alerts.webhook': command({
    input: z
      .object({
        url: z.string().min(1).max(2048).optional(),
        clear: z.boolean().optional(),
      })
      .strict()
      .refine((i) => (i.url === undefined) !== (i.clear === undefined), { message: 'give a webhook URL, or --clear' }),
    output: z.object({
      webhook: webhookStatusSchema,
      /** the signing secret for the receiver, shown once when a webhook is set; never stored outside the keychain */
      signingSecret: z.string().nullable(),
    }),
    mutates: true,
    cli: { words: ['alerts', 'webhook'], positionals: ['url'], summary: 'Send alerts to a webhook (Slack-compatible JSON, HMAC-signed); prints the signing secret once, or --clear' },
  }),
  'alerts.notify': command({
    input: z.object({}).strict(),
    output: z.object({ alerts: z.array(alertSchema) }),
    // the browser tab's notifications: each alert once per cause, then marked shown for every tab (this machine's state only)
    mutates: true,
    localOnly: true,
  }),
} as const;
