// The one contract: every command the UI can call, across Electron IPC, serve mode and the CLI.
// Pure TypeScript: imports nothing from electron, node or react. Each domain adds its own map here.
import type { z } from 'zod';
// One file per command prefix: `x.verb` lives in `x.ts` (test/node/contract-layout.test.ts checks it); shared schemas
// live in files named for what they hold (ids.ts, grace.ts, secret-once.ts). The spread order is COMMAND_NAMES' order.
import { appCommands } from './app.ts';
import { settingsCommands } from './settings.ts';
import { platformsCommands } from './platforms.ts';
import { workspacesCommands } from './workspaces.ts';
import { inventoryCommands } from './inventory.ts';
import { auditCommands } from './audit.ts';
import { archiveCommands } from './archive.ts';
import { keysCommands } from './keys.ts';
import { rotationCommands } from './rotation.ts';
import { serviceTokensCommands } from './serviceTokens.ts';
import { clientsCommands } from './clients.ts';
import { bundlesCommands } from './bundles.ts';
import { deliveryCommands } from './delivery.ts';
import { reconsentCommands } from './reconsent.ts';
import { reviewCommands } from './review.ts';
import { insightsCommands } from './insights.ts';
import { syncCommands } from './sync.ts';
import { policyCommands } from './policy.ts';
import { alertsCommands } from './alerts.ts';
import { waveCommands } from './wave.ts';
import { incidentCommands } from './incident.ts';
import { offboardCommands } from './offboard.ts';

export const contract = {
  ...appCommands,
  ...settingsCommands,
  ...platformsCommands,
  ...workspacesCommands,
  ...inventoryCommands,
  ...auditCommands,
  ...archiveCommands,
  ...keysCommands,
  ...rotationCommands,
  ...serviceTokensCommands,
  ...clientsCommands,
  ...bundlesCommands,
  ...deliveryCommands,
  ...reconsentCommands,
  ...reviewCommands,
  ...insightsCommands,
  ...syncCommands,
  ...policyCommands,
  ...alertsCommands,
  ...waveCommands,
  ...incidentCommands,
  ...offboardCommands,
} as const;

export type Contract = typeof contract;
export type CommandName = keyof Contract;
export type Input<K extends CommandName> = z.input<Contract[K]['input']>;
export type Output<K extends CommandName> = z.output<Contract[K]['output']>;
export const COMMAND_NAMES = Object.keys(contract) as CommandName[];
export const MUTATING_COMMANDS = COMMAND_NAMES.filter((n) => contract[n].mutates);
/** mutating commands that touch only this machine's cache/files: still allowed in review mode */
export const LOCAL_ONLY_COMMANDS = MUTATING_COMMANDS.filter((n) => (contract[n] as { localOnly?: boolean }).localOnly === true);
/** what review mode refuses in main, whatever the UI shows */
export const REVIEW_BLOCKED_COMMANDS = MUTATING_COMMANDS.filter((n) => !LOCAL_ONLY_COMMANDS.includes(n));

/** 'workspaces.connect' -> 'workspacesConnect': the preload's named method for a command. */
type Camel<S extends string> = S extends `${infer A}.${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
export type MethodName<K extends CommandName> = Camel<K>;
export function methodName(name: string): string {
  return name.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export * from './errors.ts';
export * from './events.ts';
export * from './ids.ts';
export * from './grace.ts';
export * from './secret-once.ts';
export * from './secret-delivery.ts';
export * from './app.ts';
export * from './settings.ts';
export * from './platforms.ts';
export * from './workspaces.ts';
export * from './inventory.ts';
export * from './audit.ts';
export * from './archive.ts';
export * from './keys.ts';
export * from './rotation.ts';
export * from './rotation-due.ts';
export * from './serviceTokens.ts';
export * from './clients.ts';
export * from './bundles.ts';
export * from './guardrails.ts';
export * from './delivery.ts';
export * from './reconsent.ts';
export * from './review.ts';
export * from './insights.ts';
export * from './sync.ts';
export * from './policy.ts';
export * from './credential-words.ts';
export * from './alerts.ts';
export * from './wave.ts';
export * from './incident.ts';
export * from './offboard.ts';
export type { CommandDef, CliSpec } from './define.ts';
