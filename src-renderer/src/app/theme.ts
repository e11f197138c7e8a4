// Applies the theme setting (system/light/dark) as data-theme on <html>; CSS custom properties do the rest.
import { useEffect } from 'react';
import type { Settings } from '../../../src-common/contract/index.ts';

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

export function resolveTheme(theme: Settings['theme']): 'light' | 'dark' {
  if (theme === 'system') return darkQuery().matches ? 'dark' : 'light';
  return theme;
}

export function applyTheme(theme: Settings['theme']): void {
  const root = document.documentElement;
  root.dataset.theme = resolveTheme(theme);
  root.dataset.themeSetting = theme;
}

export function useThemeSetting(theme: Settings['theme']): void {
  useEffect(() => {
    applyTheme(theme);
    if (theme !== 'system') return;
    const q = darkQuery();
    const onChange = () => applyTheme('system');
    q.addEventListener('change', onChange);
    return () => q.removeEventListener('change', onChange);
  }, [theme]);
}
