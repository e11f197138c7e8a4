// The app frame: skip link, left navigation, banners, the current screen, status bar. Hash-routed.
import { useCallback, useEffect, useRef, useState } from 'react';
import { CommandPalette } from '../components/CommandPalette.tsx';
import { ErrorBanner, NoticeBanner } from '../components/ErrorBanner.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { selectHealth, selectHealthError } from '../stores/health-store.ts';
import { selectSettings, selectTheme } from '../stores/settings-store.ts';
import { useSelect, useStores } from '../stores/use-store.ts';
import { modLabel } from './keys.ts';
import { Nav } from './Nav.tsx';
import { ReviewBanner } from './ReviewBanner.tsx';
import { navigate, routeFromHash, useRoute } from './router.ts';
import { DEFAULT_SCREEN, SCREENS, screenById } from './screens.ts';
import { StatusBar } from './StatusBar.tsx';
import { StepUpNotice } from '../components/StepUpNotice.tsx';
import { useThemeSetting } from './theme.ts';

function NotFound({ id }: { id: string }) {
  return (
    <section className="screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          No such screen
        </h1>
      </header>
      <div className="panel placeholder" data-testid="screen-not-found">
        <p className="placeholder-title">There is no screen called “{id}”.</p>
        <p className="muted">
          Pick one from the navigation, or go to <a href={`#/${DEFAULT_SCREEN}`}>Workspaces</a>.
        </p>
      </div>
    </section>
  );
}

function KeychainBanner() {
  const { health: healthStore } = useStores();
  const health = useSelect(healthStore, selectHealth);
  if (!health) return null;
  const k = health.keychain;
  if (k.state === 'session-only') {
    return <NoticeBanner tone="info" testId="session-only-banner" title="Session-only mode: secrets are not saved to the keychain" detail={k.detail} />;
  }
  if (k.state === 'locked' || k.state === 'unavailable') {
    return <NoticeBanner tone="warning" testId="keychain-banner" title={k.state === 'locked' ? 'The keychain is locked.' : 'The keychain is unavailable.'} detail={k.remedy ?? k.detail} />;
  }
  return null;
}

function ShortcutsDialog({ open, onOpenChange }: { open: boolean; onOpenChange(o: boolean): void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Keyboard shortcuts" description="Every screen and control is reachable from the keyboard." testId="shortcuts-dialog">
      <table className="shortcut-table">
        <tbody>
          {SCREENS.map((s) => (
            <tr key={s.id}>
              <td>
                <kbd>
                  {modLabel}
                  {s.shortcut}
                </kbd>
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>↑</kbd> <kbd>↓</kbd> <kbd>Home</kbd> <kbd>End</kbd>
            </td>
            <td>Move within the navigation</td>
          </tr>
          <tr>
            <td>
              <kbd>{modLabel}K</kbd>
            </td>
            <td>Command palette: jump to a screen, workspace or credential, or run an action</td>
          </tr>
          <tr>
            <td>
              <kbd>?</kbd>
            </td>
            <td>Show this list</td>
          </tr>
          <tr>
            <td>
              <kbd>Esc</kbd>
            </td>
            <td>Close a dialog</td>
          </tr>
        </tbody>
      </table>
    </Dialog>
  );
}

function isTypingTarget(t: EventTarget | null): boolean {
  return t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}

export function App() {
  const { health: healthStore, settings: settingsStore, alerts: alertsStore } = useStores();
  // alerts reach a browser tab as notifications on every screen (once allowed); the desktop app notifies from main
  useEffect(() => {
    const off = alertsStore.getState().connect();
    void alertsStore.getState().notifyNew();
    return off;
  }, [alertsStore]);
  const theme = useSelect(settingsStore, selectTheme);
  const health = useSelect(healthStore, selectHealth);
  const settings = useSelect(settingsStore, selectSettings);
  const healthError = useSelect(healthStore, selectHealthError);
  useThemeSetting(theme);
  const route = useRoute() || DEFAULT_SCREEN;
  const screen = screenById(route);
  const mainRef = useRef<HTMLElement>(null);
  const focusMainOnRoute = useRef(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [paletteOpen, setPaletteOpen] = useState(false);

  const focusMain = useCallback(() => {
    const main = mainRef.current;
    if (!main) return;
    const heading = main.querySelector<HTMLElement>('h1');
    // every screen's heading is a focus target, whether or not its author remembered tabIndex
    if (heading && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
    (heading ?? main).focus();
  }, []);

  /** the element a jump should land on once its screen has rendered it (a selector inside main) */
  const focusTarget = useRef<string | null>(null);
  const focusAfterRender = useCallback(() => {
    const selector = focusTarget.current;
    focusTarget.current = null;
    if (!selector) return focusMain();
    // the screen renders its rows after its data arrives: look for the target for up to ~2 s of frames, then the heading
    let frames = 120;
    const look = () => {
      const el = mainRef.current?.querySelector<HTMLElement>(selector);
      if (el) {
        if (!el.hasAttribute('tabindex')) el.tabIndex = -1;
        el.classList.add('jump-target');
        el.addEventListener('blur', () => el.classList.remove('jump-target'), { once: true });
        el.scrollIntoView({ block: 'center' });
        el.focus({ preventScroll: true });
      } else if (--frames > 0) requestAnimationFrame(look);
      else focusMain();
    };
    look();
  }, [focusMain]);

  /** go to a screen (with an optional route query); focus moves to `focus` (a selector) or the screen's heading */
  const go = useCallback(
    (id: string, query?: string, focus?: string) => {
      const target = query ? `/${id}?${query}` : `/${id}`;
      focusTarget.current = focus ?? null;
      if ((routeFromHash(window.location.hash) || DEFAULT_SCREEN) === id) {
        if (window.location.hash !== `#${target}`) window.location.hash = target;
        focusAfterRender();
        return;
      }
      focusMainOnRoute.current = true;
      window.location.hash = target;
    },
    [focusAfterRender],
  );
  const showShortcuts = useCallback(() => setShortcutsOpen(true), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Ctrl/Cmd+K opens the palette from anywhere, inputs included (and closes it again)
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPaletteOpen((o) => !o);
        return;
      }
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
        const target = SCREENS.find((s) => s.shortcut === e.key);
        if (!target) return;
        e.preventDefault();
        if ((routeFromHash(window.location.hash) || DEFAULT_SCREEN) === target.id) {
          navigate(target.id);
          focusMain();
        } else {
          // focus moves to the new screen's heading once it has rendered
          focusMainOnRoute.current = true;
          navigate(target.id);
        }
        return;
      }
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTypingTarget(e.target)) {
        e.preventDefault();
        setShortcutsOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [focusMain]);

  useEffect(() => {
    document.title = `${screen?.label ?? 'Not found'} · Grantdesk`;
    if (focusMainOnRoute.current) {
      focusMainOnRoute.current = false;
      focusAfterRender();
    }
  }, [route, screen, focusAfterRender]);

  const Screen = screen?.component;
  return (
    <div className="app-frame" data-testid="app-frame" data-ready={health !== null && settings !== null ? 'true' : 'false'} data-route={route}>
      <a
        className="skip-link"
        href="#main-content"
        onClick={(e) => {
          e.preventDefault();
          focusMain();
        }}
      >
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            G
          </span>
          <span className="brand-name">Grantdesk</span>
        </div>
        <Nav current={route} />
        <button type="button" className="palette-trigger" onClick={() => setPaletteOpen(true)} aria-keyshortcuts={modLabel === '⌘' ? 'Meta+K' : 'Control+K'} data-testid="open-palette">
          <span>Jump to…</span>
          <kbd>{modLabel}K</kbd>
        </button>
      </aside>
      <div className="main-column">
        <div className="banners">
          <ReviewBanner />
          <KeychainBanner />
          {healthError && <ErrorBanner error={healthError} onDismiss={() => healthStore.getState().dismissError()} testId="health-error-banner" />}
        </div>
        <main id="main-content" className="main" ref={mainRef} tabIndex={-1} data-testid={`screen-${route}`}>
          {Screen ? <Screen /> : <NotFound id={route} />}
        </main>
      </div>
      <StatusBar onShowShortcuts={() => setShortcutsOpen(true)} />
      <StepUpNotice />
      <ShortcutsDialog open={shortcutsOpen} onOpenChange={setShortcutsOpen} />
      <CommandPalette open={paletteOpen} onOpenChange={setPaletteOpen} onGo={go} onShowShortcuts={showShortcuts} />
    </div>
  );
}
