// React access to the vanilla stores: one context with every store, named selectors at the call site.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import { createHealthStore, type HealthStore } from './health-store.ts';
import { createSettingsStore, type SettingsStore } from './settings-store.ts';
import { createTasksStore, type TasksStore } from './tasks-store.ts';

export interface AppStores {
  api: GrantdeskApi;
  health: HealthStore;
  settings: SettingsStore;
  tasks: TasksStore;
}

export function createAppStores(api: GrantdeskApi): AppStores {
  return { api, health: createHealthStore(api), settings: createSettingsStore(api), tasks: createTasksStore(api) };
}

export const StoresContext = createContext<AppStores | null>(null);

export function useStores(): AppStores {
  const s = useContext(StoresContext);
  if (!s) throw new Error('StoresContext missing');
  return s;
}

export function useSelect<S, T>(store: StoreApi<S>, selector: (s: S) => T): T {
  return useStore(store, selector);
}
