// Contract commands `settings.*`: the app's settings. Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';

export const settingsSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  refreshLeadSeconds: z.number().int().min(30).max(3600),
  syncConcurrency: z.number().int().min(1).max(16),
  insightsWindowDays: z.number().int().min(1).max(365),
  sessionOnlySecrets: z.boolean(),
  /** audit events older than this stay in the cache only until `grantdesk archive` moves them into Parquet files */
  cacheRetentionDays: z.number().int().min(30).max(3650),
  /**
   * who you are (agency staff): recorded as "connected by" on a workspace you connect when the platform's ID token names
   * nobody (offboarding tells one person's grants apart by it); empty: not set
   */
  staffName: z.string().max(200),
  staffEmail: z.union([z.literal(''), z.string().max(254).email()]),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  refreshLeadSeconds: 300,
  syncConcurrency: 4,
  insightsWindowDays: 90,
  sessionOnlySecrets: false,
  cacheRetentionDays: 400,
  staffName: '',
  staffEmail: '',
};

export const settingsCommands = {
  'settings.get': command({
    input: z.object({}).strict(),
    output: settingsSchema,
    mutates: false,
    cli: { words: ['settings', 'get'], summary: 'Show settings' },
  }),
  'settings.set': command({
    input: settingsSchema.partial().strict(),
    output: settingsSchema,
    mutates: true,
    cli: { words: ['settings', 'set'], summary: 'Change settings, e.g. --theme dark --refresh-lead-seconds 600' },
  }),
} as const;
