// Contract commands `app.*`: health (version, data dir, keychain, online state). Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';

export const keychainStatusSchema = z.object({
  backend: z.enum(['keytar', 'memory-session', 'unavailable']),
  state: z.enum(['ok', 'unavailable', 'locked', 'session-only']),
  detail: z.string(),
  remedy: z.string().nullable(),
});
export type KeychainStatus = z.infer<typeof keychainStatusSchema>;

export const healthSchema = z.object({
  version: z.string(),
  dataDir: z.string(),
  keychain: keychainStatusSchema,
  online: z.boolean(),
  reviewMode: z.boolean(),
  transport: z.enum(['ipc', 'serve', 'cli']),
});
export type Health = z.infer<typeof healthSchema>;

export const appCommands = {
  'app.health': command({
    input: z.object({}).strict(),
    output: healthSchema,
    mutates: false,
    cli: { words: ['health'], summary: 'Show version, data dir, keychain status and online state' },
  }),
} as const;
