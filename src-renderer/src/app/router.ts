// Hash routing (#/settings): deep links work under app:// in Electron and under serve mode alike.
import { useSyncExternalStore } from 'react';

export function routeFromHash(hash: string): string {
  const m = /^#\/([a-z0-9-]+)/.exec(hash);
  return m ? m[1]! : '';
}

export function hrefFor(id: string): string {
  return `#/${id}`;
}

export function navigate(id: string): void {
  if (routeFromHash(window.location.hash) !== id) window.location.hash = `/${id}`;
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): string {
  return useSyncExternalStore(subscribe, () => routeFromHash(window.location.hash));
}

/** the query of a hash route: '#/credentials?workspace=ws_1&key=k_2' -> {workspace: 'ws_1', key: 'k_2'} */
export function routeParams(hash: string): Record<string, string> {
  const i = hash.indexOf('?');
  return i < 0 ? {} : Object.fromEntries(new URLSearchParams(hash.slice(i + 1)));
}

/** the current hash route's query string ('' when none); re-renders on hash changes */
export function useRouteQuery(): string {
  return useSyncExternalStore(subscribe, () => {
    const h = window.location.hash;
    const i = h.indexOf('?');
    return i < 0 ? '' : h.slice(i + 1);
  });
}
