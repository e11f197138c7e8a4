// Electron IPC without Electron: registration takes an IpcMainLike, so the router is tested in plain Node.
import { COMMAND_NAMES, errorData, type CallResult } from '../../src-common/contract/index.ts';
import type { Dispatcher } from './dispatcher.ts';
import { IPC_CONTEXT } from './handlers.ts';

export const CHANNEL_PREFIX = 'grantdesk:';
export const channelFor = (command: string) => `${CHANNEL_PREFIX}${command}`;

export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}
export interface IpcInvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
  readonly sender: { readonly id: number };
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface SenderPolicy {
  /** ids of webContents that belong to our own windows */
  isKnownWebContents(id: number): boolean;
  /** the app's origin, e.g. app://grantdesk */
  appOrigin: string;
}

/** The sender must be the top frame of one of our windows, showing the app's own origin (compared parsed, not by prefix). */
export function isTrustedSender(event: IpcInvokeEventLike, policy: SenderPolicy): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!policy.isKnownWebContents(event.sender.id)) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  const expected = new URL(policy.appOrigin);
  return url.protocol === expected.protocol && url.host === expected.host;
}

export function registerIpc(ipc: IpcMainLike, dispatcher: Dispatcher, policy: SenderPolicy): () => void {
  for (const name of COMMAND_NAMES) {
    ipc.handle(channelFor(name), async (event, ...args): Promise<CallResult<unknown>> => {
      if (!isTrustedSender(event, policy)) {
        return { ok: false, error: errorData('forbidden_sender', 'Call refused: it did not come from the Grantdesk window') };
      }
      if (args.length !== 1) return { ok: false, error: errorData('invalid_input', 'Expected exactly one payload argument') };
      return dispatcher.call(name, args[0], IPC_CONTEXT);
    });
  }
  return () => {
    for (const name of COMMAND_NAMES) ipc.removeHandler(channelFor(name));
  };
}
