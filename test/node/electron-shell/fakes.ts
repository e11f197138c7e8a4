// Fakes shared by the electron-shell tests: a navigation event, an ipcRenderer, and the CSP the app must send.
import type { NavigationEventLike } from '../../../src-main/electron/security.ts';
import type { IpcRendererLike } from '../../../src-preload/api.ts';

export const REQUIRED_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function fakeEvent(url?: string): NavigationEventLike & { prevented: boolean } {
  const e = {
    prevented: false,
    ...(url === undefined ? {} : { url }),
    preventDefault() {
      e.prevented = true;
    },
  };
  return e;
}

type Listener = (event: unknown, ...args: unknown[]) => void;
export function fakeIpcRenderer(invoke: (channel: string, args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: null })) {
  const listeners = new Map<string, Set<Listener>>();
  const invocations: Array<{ channel: string; args: unknown[] }> = [];
  const ipc: IpcRendererLike = {
    invoke: (channel, ...args) => {
      invocations.push({ channel, args });
      return invoke(channel, args);
    },
    on: (channel, l) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(l);
      listeners.set(channel, set);
    },
    removeListener: (channel, l) => {
      listeners.get(channel)?.delete(l);
    },
  };
  const emit = (channel: string, event: unknown, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l(event, payload);
  };
  return { ipc, listeners, invocations, emit };
}
