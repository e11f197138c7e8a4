// Contract commands `serviceTokens.*`: short-lived service tokens, printed once and never stored. Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';
import { scopeListSchema, workspaceRefSchema } from './ids.ts';
import { secretOnce } from './secret-once.ts';

/** `15m`, `15` (minutes) or `1h`; 5–60 minutes. */
export const ttlSchema = z
  .union([z.number().int().min(5).max(60), z.string().regex(/^\d{1,2}m?$|^1h$/, 'ttl is 5–60 minutes, e.g. 15m')])
  .transform((v) => (typeof v === 'number' ? v : v === '1h' ? 60 : Number(v.replace(/m$/, ''))))
  .refine((n) => n >= 5 && n <= 60, { message: 'ttl must be 5–60 minutes' });

export const serviceTokensCommands = {
  'serviceTokens.mint': command({
    input: z.object({ workspace: workspaceRefSchema, scopes: scopeListSchema, ttl: ttlSchema, name: z.string().min(1).max(200).optional() }).strict(),
    output: z.object({ workspaceId: z.string(), id: z.string(), scopes: z.array(z.string()), expiresAt: z.string(), ttlMinutes: z.number(), token: secretOnce('the service token, shown once') }),
    mutates: true,
    cli: { words: ['service-token', 'mint'], positionals: ['workspace'], summary: 'Mint a short-lived service token (--scopes a,b --ttl 15m); printed once, never stored' },
  }),
} as const;
