// Events main pushes to the UI. Payloads are validated in main before they are sent.
import { z } from 'zod';

export const eventSchemas = {
  'task.progress': z.object({
    taskId: z.string(),
    kind: z.string(),
    label: z.string(),
    done: z.number(),
    total: z.number().nullable(),
    ratePerSecond: z.number().nullable(),
    etaSeconds: z.number().nullable(),
    state: z.enum(['running', 'done', 'failed', 'cancelled']),
    message: z.string().nullable(),
  }),
  /** MFA step-up (RFC 9470): a workspace asked for a fresh multi-factor sign-in before a change; the browser is open for it */
  'stepUp.status': z.object({
    id: z.string(),
    workspaceId: z.string(),
    workspaceName: z.string(),
    /** what is being done, in words: "creating an API key" */
    action: z.string(),
    state: z.enum(['waiting', 'done', 'failed']),
    /** the sentence to show: why the browser opened, or how it ended */
    message: z.string(),
  }),
  'state.changed': z.object({
    topic: z.enum(['health', 'settings', 'workspaces', 'platforms', 'inventory', 'audit', 'exports', 'rotation', 'review', 'policy', 'alerts']),
    workspaceId: z.string().nullable(),
  }),
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
export const EVENT_NAMES = Object.keys(eventSchemas) as EventName[];
