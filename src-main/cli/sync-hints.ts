// Read commands answer from the local cache. On a cache that was never synced their answer is empty, which reads like
// "nothing there": the CLI says instead which part was never synced and the one command that fills it.
import type { CommandName, Output } from '../../src-common/contract/index.ts';

/** Which part of the cache a read command answers from. */
const READS_FROM: Partial<Record<CommandName, 'audit' | 'inventory'>> = {
  'inventory.credentials': 'inventory',
  'inventory.matrix': 'inventory',
  'inventory.matrixCsv': 'inventory',
  'audit.query': 'audit',
  'audit.timeline': 'audit',
  'audit.export': 'audit',
  'audit.status': 'audit',
  'insights.list': 'audit',
  'rotation.calendar': 'inventory',
};

const PART = { audit: 'The audit log', inventory: 'The credential inventory' } as const;

/** A sentence naming `grantdesk sync`, or null when the part this command reads from has been synced for every workspace. */
export function neverSyncedHint(name: CommandName, health: Output<'sync.health'>): string | null {
  const part = READS_FROM[name];
  if (!part || health.workspaces.length === 0) return null;
  const never = health.workspaces.filter((w) => (part === 'audit' ? w.auditSyncedAt : w.inventorySyncedAt) === null).length;
  if (never === 0) return null;
  const total = health.workspaces.length;
  const which = never === total ? `${PART[part]} has not been synced yet` : `${PART[part]} of ${never} of ${total} workspaces has not been synced yet`;
  return `${which}: run \`grantdesk sync\`.`;
}
