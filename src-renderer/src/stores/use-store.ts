// React access to the vanilla stores: one context holding the stores made by createAppStores, named selectors at the
// call site.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { AppStores } from './app-stores.ts';

export { createAppStores, type AppStores } from './app-stores.ts';

export const StoresContext = createContext<AppStores | null>(null);

export function useStores(): AppStores {
  const s = useContext(StoresContext);
  if (!s) throw new Error('StoresContext missing');
  return s;
}

export function useSelect<S, T>(store: StoreApi<S>, selector: (s: S) => T): T {
  return useStore(store, selector);
}
