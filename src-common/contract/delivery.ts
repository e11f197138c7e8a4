// Contract commands `delivery.*`: delivery targets (a named command that receives a new secret on its stdin, set up from
// the CLI only) and what becomes of a secret whose delivery failed (show it once, try again, or forget it). Merged in
// index.ts. The request and outcome fields the issuing commands share live in secret-delivery.ts.
import { z } from 'zod';
import { command } from './define.ts';
import { idSchema } from './ids.ts';
import { secretOnce } from './secret-once.ts';
import { deliveryCommandSchema, deliveryExitCode, deliveryOutcomeFields, deliveryTargetNameSchema, deliveryTimeoutSchema } from './secret-delivery.ts';

export const deliveryTargetSchema = z.object({
  name: z.string(),
  /** the command line as it was set up (not a secret: the secret only ever reaches its stdin) */
  command: z.string(),
  /** the command's words as Grantdesk runs them (no shell) */
  argv: z.array(z.string()),
  timeoutSeconds: z.number().int(),
  createdAt: z.string(),
});
export type DeliveryTarget = z.infer<typeof deliveryTargetSchema>;

export const deliveryCommands = {
  'delivery.list': command({
    input: z.object({}).strict(),
    output: z.object({ targets: z.array(deliveryTargetSchema) }),
    mutates: false,
    cli: { words: ['delivery', 'list'], summary: 'Delivery targets: commands a new secret can be piped to (the app offers these by name)' },
  }),
  'delivery.add': command({
    input: z.object({ name: deliveryTargetNameSchema, cmd: deliveryCommandSchema, timeoutSeconds: deliveryTimeoutSchema.optional(), replace: z.boolean().optional() }).strict(),
    output: z.object({ target: deliveryTargetSchema }),
    mutates: true,
    cli: { words: ['delivery', 'add'], positionals: ['name'], summary: "Set up a delivery target (--cmd 'vault kv put secret/app key=-'); the secret goes to its stdin. CLI only" },
  }),
  'delivery.remove': command({
    input: z.object({ name: deliveryTargetNameSchema }).strict(),
    output: z.object({ name: z.string(), removed: z.boolean() }),
    mutates: true,
    cli: { words: ['delivery', 'remove'], positionals: ['name'], summary: 'Remove a delivery target. CLI only' },
  }),
  'delivery.reveal': command({
    input: z.object({ pendingId: idSchema }).strict(),
    output: z.object({ secret: secretOnce('a secret whose delivery failed, shown once') }),
    mutates: true,
    cli: { words: ['delivery', 'reveal'], positionals: ['pendingId'], summary: 'Show a secret whose delivery failed, once (held in memory for 15 minutes)' },
  }),
  'delivery.retry': command({
    input: z.object({ pendingId: idSchema, deliverTo: deliveryTargetNameSchema.optional(), deliverCmd: deliveryCommandSchema.optional() }).strict(),
    output: z.object(deliveryOutcomeFields),
    mutates: true,
    cli: { words: ['delivery', 'retry'], positionals: ['pendingId'], summary: 'Deliver a held secret again (--deliver-to NAME)', exitCode: deliveryExitCode },
  }),
  'delivery.discard': command({
    input: z.object({ pendingId: idSchema }).strict(),
    output: z.object({ discarded: z.boolean() }),
    mutates: true,
    cli: { words: ['delivery', 'discard'], positionals: ['pendingId'], summary: 'Forget a held secret without showing it' },
  }),
} as const;
