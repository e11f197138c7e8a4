// The preload's API, built from the contract with the IPC pieces injected: testable in plain Node with fakes.
// One named method per command (invoking grantdesk:<command> with exactly one payload), one onXxx per event
// (returning an unsubscribe, passing only the payload). No generic invoke/send/on, nothing from process or env.
import { COMMAND_NAMES, EVENT_NAMES, methodName, type CallResult } from '../src-common/contract/index.ts';
import { eventMethodName, type CommandMethods, type EventMethods, type GrantdeskApi } from '../src-common/contract/api.ts';
import { channelFor, eventChannelFor } from '../src-main/electron/channels.ts';

/** The slice of Electron's ipcRenderer the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}
export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export const API_KEY = 'grantdesk';

function commandMethods(ipc: IpcRendererLike): CommandMethods {
  const methods: Record<string, (input: unknown) => Promise<CallResult<unknown>>> = {};
  for (const name of COMMAND_NAMES) {
    const channel = channelFor(name);
    methods[methodName(name)] = (input) => ipc.invoke(channel, input === undefined ? {} : input) as Promise<CallResult<unknown>>;
  }
  return methods as unknown as CommandMethods;
}

function eventMethods(ipc: IpcRendererLike): EventMethods {
  const methods: Record<string, (listener: (payload: unknown) => void) => () => void> = {};
  for (const name of EVENT_NAMES) {
    const channel = eventChannelFor(name);
    methods[eventMethodName(name)] = (listener) => {
      if (typeof listener !== 'function') throw new TypeError(`${eventMethodName(name)} expects a function`);
      // The IpcRendererEvent (with its sender and ports) never reaches the page: only the payload does.
      const wrapped = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(channel, wrapped);
      return () => {
        ipc.removeListener(channel, wrapped);
      };
    };
  }
  return methods as unknown as EventMethods;
}

export function createPreloadApi(ipc: IpcRendererLike): GrantdeskApi {
  const api = { ...commandMethods(ipc), ...eventMethods(ipc) } satisfies GrantdeskApi;
  return Object.freeze(api);
}

/** What src-preload/index.ts runs with the real contextBridge and ipcRenderer. */
export function exposeGrantdeskApi(bridge: ContextBridgeLike, ipc: IpcRendererLike): GrantdeskApi {
  const api = createPreloadApi(ipc);
  bridge.exposeInMainWorld(API_KEY, api);
  return api;
}
