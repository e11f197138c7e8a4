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

const TOKEN_KEY = 'grantdesk.serveToken';
const FRAGMENT_TOKEN = /^#token=([A-Za-z0-9_-]+)(#.*)?$/;
let memoryToken: string | null = null;

/**
 * Serve mode's token: the printed URL carries it in the fragment (`/#token=…`, optionally followed by a hash route,
 * `#token=…#/settings`), which no browser sends to any server. Read once, kept in this tab's sessionStorage (per
 * origin, port included; survives reloads, not new tabs), and the address bar is put back to the route alone.
 * Never a cookie: a cookie for 127.0.0.1 reaches every web server on 127.0.0.1, whatever its port.
 * Also runs on hashchange: opening the printed URL in a tab already showing the app is a same-document navigation.
 */
export function takeServeToken(): string | null {
  const m = FRAGMENT_TOKEN.exec(window.location.hash);
  if (m) {
    memoryToken = m[1]!;
    try {
      window.sessionStorage.setItem(TOKEN_KEY, memoryToken);
    } catch {
      // storage disabled: the token lives in this page's memory only (a reload then needs the printed URL again)
    }
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${m[2] ?? ''}`);
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY) ?? memoryToken;
  } catch {
    return memoryToken;
  }
}

export interface SseMessage {
  event: string;
  data: string;
}

/** an incremental text/event-stream parser (the subset serve sends: `event:`, `data:`, comments, blank-line ends) */
export function createSseParser(onMessage: (m: SseMessage) => void): (chunk: string) => void {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  return (chunk) => {
    buffer += chunk;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) onMessage({ event: event || 'message', data: data.join('\n') });
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
  };
}

/** the serve process itself is gone (not the platform): its own remedy, not the platform's */
const lostServe = () => ({
  ...errorData('network_error', 'Lost the connection to the Grantdesk serve process.'),
  remedy: 'Check that `grantdesk serve` is still running in its terminal (start it again if not), then open the URL it prints.',
});

export function createHttpBridge(base: string = '', token: () => string | null = () => null): GrantdeskApi {
  const api: Record<string, unknown> = {};
  // the token goes only in this explicit header, to this origin; credentials: 'omit' keeps any cookie out
  const authHeader = (): Record<string, string> => {
    const t = token();
    return t === null ? {} : { Authorization: `Bearer ${t}` };
  };
  for (const name of COMMAND_NAMES) {
    api[methodName(name)] = async (input: unknown): Promise<CallResult<unknown>> => {
      try {
        const res = await fetch(`${base}/rpc/${encodeURIComponent(name)}`, {
          method: 'POST',
          credentials: 'omit',
          headers: { ...authHeader(), 'Content-Type': 'application/json', 'X-Grantdesk': '1' },
          body: JSON.stringify(input ?? {}),
        });
        return (await res.json()) as CallResult<unknown>;
      } catch {
        return { ok: false, error: lostServe() };
      }
    };
  }
  // Serve mode has no file manager to reveal an export in: the tab downloads the export's file instead (GET with the
  // token header, saved through a blob URL). The tab names the export by its history id; main serves the exports folder only.
  api[methodName('audit.openExport')] = async (input: { exportId: string }): Promise<CallResult<unknown>> => {
    try {
      const res = await fetch(`${base}/files/exports/${encodeURIComponent(input.exportId)}`, { credentials: 'omit', cache: 'no-store', headers: authHeader() });
      if (!res.ok) return (await res.json()) as CallResult<unknown>;
      // only the export route answers with an attachment; anything else (an app page, an older serve) is not the file
      const fileName = /^attachment; filename="([^"]+)"$/.exec(res.headers.get('content-disposition') ?? '')?.[1];
      if (!fileName) {
        return {
          ok: false,
          error: {
            ...errorData('invalid_response', 'The serve process did not send the export file, so nothing was saved.'),
            remedy: 'Restart `grantdesk serve` (an older version may be running), open the URL it prints, and download again.',
          },
        };
      }
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return { ok: true, value: { action: 'downloaded', fileName } };
    } catch {
      return { ok: false, error: lostServe() };
    }
  };
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const deliver = (m: SseMessage) => {
    const e = EVENT_NAMES.find((n) => n === m.event);
    if (!e) return;
    let payload: unknown;
    try {
      payload = JSON.parse(m.data);
    } catch {
      return;
    }
    for (const l of listeners.get(e) ?? []) l(payload);
  };
  // Events: the SSE format over a fetch stream (EventSource cannot send a header), reconnecting with backoff like
  // EventSource does; a refusal (401/403/421) is final: retrying cannot fix a missing token.
  let streaming = false;
  const ensureSource = () => {
    if (streaming) return;
    streaming = true;
    void (async () => {
      let delay = 500;
      for (;;) {
        try {
          const res = await fetch(`${base}/events`, { credentials: 'omit', cache: 'no-store', headers: { ...authHeader(), Accept: 'text/event-stream' } });
          if (res.status === 401 || res.status === 403 || res.status === 421) return;
          if (res.ok && res.body) {
            delay = 500;
            const parse = createSseParser(deliver);
            const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              parse(value);
            }
          }
        } catch {
          // connection lost: retry below
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 30_000);
      }
    })();
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
  if (window.grantdesk) return window.grantdesk;
  let token = takeServeToken();
  // registered before the router's listener (the app renders after this), so the route is clean when it reads it
  window.addEventListener('hashchange', () => {
    const next = takeServeToken();
    // a new token: everything loaded so far was asked without it; start over (the URL is already clean)
    if (next !== token) window.location.reload();
    token = next;
  });
  return createHttpBridge('', () => token);
}
