// Contract commands `platforms.*`: the platforms (issuers) Grantdesk connects workspaces on. Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';
import { oauthClientIdSchema, platformRefSchema } from './ids.ts';

export const platformSchema = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  apiBase: z.string(),
  /** seconds during which the platform still accepts the previous refresh token (RFC 9700 §4.14.2 grace) */
  reuseLeewaySeconds: z.number().int().min(0).max(300),
  deviceFlow: z.boolean(),
  revocation: z.boolean(),
  addedAt: z.string(),
  workspaceCount: z.number().int(),
});
export type Platform = z.infer<typeof platformSchema>;

export const platformsCommands = {
  'platforms.add': command({
    input: z
      .object({
        issuer: z.string().url().max(500),
        name: z.string().min(1).max(80).optional(),
        clientId: oauthClientIdSchema.optional(),
        /** https on the issuer's origin (or one its metadata names); http only for a loopback issuer; checked again by the service */
        apiBase: z
          .string()
          .url()
          .max(500)
          .refine((v) => /^https?:\/\//i.test(v), 'an https URL of the platform (plain http only for a loopback sandbox)')
          .optional(),
        reuseLeewaySeconds: z.number().int().min(0).max(300).optional(),
      })
      .strict(),
    output: platformSchema,
    mutates: true,
    cli: { words: ['platform', 'add'], positionals: ['issuer'], summary: 'Add a platform by issuer URL (RFC 8414 discovery), e.g. --name EU --client-id grantdesk-desktop' },
  }),
  'platforms.list': command({
    input: z.object({}).strict(),
    output: z.array(platformSchema),
    mutates: false,
    cli: { words: ['platform', 'list'], summary: 'List platforms' },
  }),
  'platforms.remove': command({
    input: z.object({ platform: platformRefSchema }).strict(),
    output: z.object({ removed: z.boolean() }),
    mutates: true,
    cli: { words: ['platform', 'remove'], positionals: ['platform'], summary: 'Remove a platform that has no connected workspaces' },
  }),
} as const;
