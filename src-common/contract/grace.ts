// Grace periods: how long a rotated secret (API key or machine client) keeps working. Used by rotation.* and clients.*.
import { z } from 'zod';

/** `7d`, `7` (days) — the CLI's `--grace 7d`; 0–30 days. */
export const graceSchema = z
  .union([z.number().int().min(0).max(30), z.string().regex(/^(?:[0-9]|[12][0-9]|30)d?$/, 'grace is 0–30 days, e.g. 7d')])
  .transform((v) => (typeof v === 'number' ? v : Number(v.replace(/d$/, ''))));
