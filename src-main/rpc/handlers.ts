import type { z } from 'zod';
import type { CommandName, Contract, Output } from '../../src-common/contract/index.ts';

export type Transport = 'ipc' | 'serve' | 'cli';

/**
 * What the caller behind a transport may do. Transports state these; services read them and never look at the
 * transport's name (the name is kept only to label log rows).
 */
export interface Capabilities {
  /**
   * 'anywhere': the caller is the user's own shell, so paths it names are the user's and resolve against the cwd;
   * 'exports-folder': the caller may be a hostile tab, so it names plain files inside the data dir's folders only
   * and may never make main read a path it chose.
   */
  readonly fileAccess: 'anywhere' | 'exports-folder';
  /** 'flag': a destructive action may be confirmed by a flag the person typed (--yes); 'typed': the confirmation text must be typed. */
  readonly confirmation: 'flag' | 'typed';
  /** true where a failed check should surface as an error exit (a shell script), false where a screen shows every check. */
  readonly failsOnFailedCheck: boolean;
  /**
   * 'any': the caller is the user's own shell, so it may name a command line for main to run (a secret's --deliver-cmd)
   * and set up delivery targets; 'configured-targets': the caller may be a hostile tab, so it may only NAME a delivery
   * target the CLI set up (any command it sent would be code execution on this machine).
   */
  readonly commandExecution: 'any' | 'configured-targets';
}

export interface CallContext {
  readonly transport: Transport;
  readonly capabilities: Capabilities;
}

/** The user's own shell: full file access, confirmation by flag. */
export const CLI_CONTEXT: CallContext = Object.freeze({
  transport: 'cli',
  capabilities: Object.freeze({ fileAccess: 'anywhere', confirmation: 'flag', failsOnFailedCheck: true, commandExecution: 'any' }),
});
/** The Electron renderer: treated as a hostile tab. */
export const IPC_CONTEXT: CallContext = Object.freeze({
  transport: 'ipc',
  capabilities: Object.freeze({ fileAccess: 'exports-folder', confirmation: 'typed', failsOnFailedCheck: false, commandExecution: 'configured-targets' }),
});
/** A browser tab on the loopback serve port: as hostile as the renderer. */
export const SERVE_CONTEXT: CallContext = Object.freeze({
  transport: 'serve',
  capabilities: Object.freeze({ fileAccess: 'exports-folder', confirmation: 'typed', failsOnFailedCheck: false, commandExecution: 'configured-targets' }),
});
/** Main calling another service with a path main itself resolved (e.g. the evidence package's fresh export). */
export const INTERNAL_CAPABILITIES: Capabilities = Object.freeze({ fileAccess: 'anywhere', confirmation: 'typed', failsOnFailedCheck: false, commandExecution: 'configured-targets' });
export const CONTEXTS: Readonly<Record<Transport, CallContext>> = Object.freeze({ cli: CLI_CONTEXT, ipc: IPC_CONTEXT, serve: SERVE_CONTEXT });

export type ParsedInput<K extends CommandName> = z.output<Contract[K]['input']>;
/** One handler per contract command: thin, it calls a service. Domains export partial maps merged in handlers/index.ts. */
export type Handler<K extends CommandName> = (input: ParsedInput<K>, ctx: CallContext) => Promise<Output<K>> | Output<K>;
export type Handlers = { [K in CommandName]: Handler<K> };
export type HandlerMap<K extends CommandName> = { [P in K]: Handler<P> };
