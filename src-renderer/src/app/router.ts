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
