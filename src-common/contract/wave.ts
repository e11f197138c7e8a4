// Rotation waves (wave.*): one integration's API key rotated across many workspaces in batches. Each batch proceeds only
// when the audit log shows the previous batch cut over (new key seen, old key quiet for --quiet, no new 401/403); a
// failure pauses the wave with the evidence in words; `wave resume` continues after a pause, a crash or a restart
// without rotating anything twice (docs/rotation-waves.md). A new secret never crosses the contract: a wave requires a
// delivery target and never prints secrets.
import { z } from 'zod';
import { command } from './define.ts';
import { waveIdSchema } from './ids.ts';
import { deliveryCommandSchema, deliveryTargetNameSchema } from './secret-delivery.ts';

const daysSchema = z.string().max(4).regex(/^([0-9]|[12][0-9]|30)d$/, 'write the grace period as days from 0d to 30d, like 7d');
const quietSchema = z.string().max(6).regex(/^[1-9][0-9]{0,3}[mhd]$/, 'write the quiet time like 30m, 1h or 2d');

export const waveItemStateSchema = z.enum(['pending', 'rotating', 'rotated', 'delivered', 'cut_over', 'failed', 'undelivered', 'gate_failed']);
export type WaveItemState = z.infer<typeof waveItemStateSchema>;
export const waveStateSchema = z.enum(['running', 'waiting', 'paused', 'completed', 'cancelled']);
export type WaveState = z.infer<typeof waveStateSchema>;

export const waveItemSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  keyName: z.string(),
  oldKeyId: z.string(),
  oldKeyLabel: z.string(),
  newKeyId: z.string().nullable(),
  newKeyLabel: z.string().nullable(),
  /** 1-based */
  batch: z.number().int(),
  state: waveItemStateSchema,
  rotatedAt: z.string().nullable(),
  cutOverAt: z.string().nullable(),
  /** what the last gate check or failure showed, in words (never a secret) */
  evidence: z.string().nullable(),
});
export type WaveItem = z.infer<typeof waveItemSchema>;

export const waveSchema = z.object({
  id: z.string(),
  match: z.string(),
  batchSize: z.number().int(),
  graceDays: z.number().int(),
  quietMinutes: z.number().int(),
  /** where each new secret goes: a target's name or the program of the delivery command */
  deliveryTarget: z.string(),
  /** true when deliveryTarget is the program of a --deliver-cmd (not a target's name): the screen says "the delivery command node" */
  deliveryCommand: z.boolean(),
  state: waveStateSchema,
  /** 1-based batch the wave is on (the last one when completed) */
  currentBatch: z.number().int(),
  batches: z.number().int(),
  /** why it is paused or what it waits for, in words */
  reason: z.string().nullable(),
  counts: z.object({ total: z.number().int(), cutOver: z.number().int(), rotated: z.number().int(), pending: z.number().int(), failed: z.number().int() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  items: z.array(waveItemSchema),
});
export type Wave = z.infer<typeof waveSchema>;

function renderWave(o: unknown): string {
  const w = o as Wave;
  const lines = [
    `Wave ${w.id}: keys named "${w.match}", ${w.counts.total} workspace${w.counts.total === 1 ? '' : 's'} in ${w.batches} batch${w.batches === 1 ? '' : 'es'} of ${w.batchSize}, grace ${w.graceDays} d, quiet ${w.quietMinutes} min, delivered to ${w.deliveryTarget}`,
    `State: ${w.state}, batch ${w.currentBatch} of ${w.batches}; ${w.counts.cutOver} cut over, ${w.counts.rotated} rotated and waiting, ${w.counts.pending} not rotated yet, ${w.counts.failed} need attention`,
  ];
  if (w.reason) lines.push(w.reason);
  if (w.state === 'waiting') lines.push(`Run grantdesk wave resume ${w.id} later to check again and continue.`);
  if (w.state === 'paused') lines.push(`Fix what the reason says, then run grantdesk wave resume ${w.id}.`);
  for (const i of w.items) lines.push(`  batch ${i.batch}  ${i.workspaceName} (${i.workspaceId})  ${i.keyName} ${i.oldKeyLabel}${i.newKeyLabel ? ` → ${i.newKeyLabel}` : ''}  ${i.state.replace('_', ' ')}${i.evidence ? `: ${i.evidence}` : ''}`);
  return lines.join('\n') + '\n';
}
/** exit status of a wave command: 0 completed, 1 paused (needs a person), 3 waiting for time or traffic (run resume again) */
const waveExit = (o: unknown) => {
  const s = (o as Wave).state;
  return s === 'completed' || s === 'cancelled' ? 0 : s === 'paused' ? 1 : 3;
};

export const waveCommands = {
  'wave.rotate': command({
    input: z
      .object({
        /** the key name to rotate in every connected workspace; `*` matches any run of characters */
        match: z.string().min(1).max(200),
        batch: z.number().int().min(1).max(500),
        grace: daysSchema,
        quiet: quietSchema.optional(),
        deliverTo: deliveryTargetNameSchema.optional(),
        deliverCmd: deliveryCommandSchema.optional(),
      })
      .strict(),
    output: waveSchema,
    mutates: true,
    cli: {
      words: ['wave', 'rotate'],
      summary: 'Rotate the API key named --match in every workspace, --batch N at a time, each batch after the audit log shows the last one cut over (--quiet 1h); secrets to --deliver-to/--deliver-cmd; exit 0 done, 1 paused, 3 waiting',
      render: renderWave,
      exitCode: waveExit,
    },
  }),
  'wave.status': command({
    input: z.object({ id: waveIdSchema.optional() }).strict(),
    output: z.object({ waves: z.array(waveSchema) }),
    mutates: false,
    cli: {
      words: ['wave', 'status'],
      positionals: ['id'],
      summary: 'Show rotation waves and their progress per workspace',
      render: (o) => {
        const { waves } = o as { waves: Wave[] };
        return waves.length ? waves.map(renderWave).join('\n') : 'No rotation waves yet; grantdesk wave rotate starts one.\n';
      },
    },
  }),
  'wave.resume': command({
    input: z.object({ id: waveIdSchema }).strict(),
    output: waveSchema,
    mutates: true,
    cli: {
      words: ['wave', 'resume'],
      positionals: ['id'],
      summary: 'Check the audit log and advance a wave as far as the evidence allows (retries a failed rotation after a pause); exit 0 done, 1 paused, 3 waiting',
      render: renderWave,
      exitCode: waveExit,
    },
  }),
  'wave.cancel': command({
    input: z.object({ id: waveIdSchema }).strict(),
    output: waveSchema,
    mutates: true,
    cli: { words: ['wave', 'cancel'], positionals: ['id'], summary: 'Stop a wave: nothing more is rotated (keys already rotated stay rotated)', render: renderWave },
  }),
};
