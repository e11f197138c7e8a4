// The renderer's one way to main. Picks the transport at start: the preload's named methods in Electron, or the
// loopback HTTP API in serve mode. UI code receives a GrantdeskApi and never knows which.
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import { COMMAND_NAMES, EVENT_NAMES, methodName, errorData, type CallResult, type EventName } from '../../../src-common/contract/index.ts';
import { eventMethodName } from '../../../src-common/contract/api.ts';

declare global {
  interface Window {
    grantdesk?: GrantdeskApi;
  }
}

export function createHttpBridge(base: string = ''): GrantdeskApi {
  const api: Record<string, unknown> = {};
  for (const name of COMMAND_NAMES) {
    api[methodName(name)] = async (input: unknown): Promise<CallResult<unknown>> => {
      try {
        const res = await fetch(`${base}/rpc/${encodeURIComponent(name)}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-Grantdesk': '1' },
          body: JSON.stringify(input ?? {}),
        });
        return (await res.json()) as CallResult<unknown>;
      } catch {
        return { ok: false, error: errorData('network_error', 'Lost the connection to the Grantdesk serve process') };
      }
    };
  }
  let source: EventSource | null = null;
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const ensureSource = () => {
    if (source) return;
    source = new EventSource(`${base}/events`, { withCredentials: true });
    for (const e of EVENT_NAMES) {
      source.addEventListener(e, (msg) => {
        let payload: unknown;
        try {
          payload = JSON.parse((msg as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const l of listeners.get(e) ?? []) l(payload);
      });
    }
  };
  for (const e of EVENT_NAMES) {
    api[eventMethodName(e)] = (listener: (p: unknown) => void) => {
      ensureSource();
      const set = listeners.get(e) ?? new Set();
      set.add(listener);
      listeners.set(e, set);
      return () => set.delete(listener);
    };
  }
  return api as GrantdeskApi;
}

export function pickBridge(): GrantdeskApi {
  return window.grantdesk ?? createHttpBridge();
}
