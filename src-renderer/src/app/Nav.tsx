// Left navigation: links to #/<id>, roving tabindex (one Tab stop), Arrow Up/Down, Home/End move focus, Enter opens.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { hrefFor } from './router.ts';
import { modLabel } from './keys.ts';
import { SCREENS } from './screens.ts';

export function Nav({ current }: { current: string }) {
  const refs = useRef<Array<HTMLAnchorElement | null>>([]);
  const currentIndex = Math.max(0, SCREENS.findIndex((s) => s.id === current));
  const [focusIndex, setFocusIndex] = useState(currentIndex);
  useEffect(() => setFocusIndex(currentIndex), [currentIndex]);
  const onKeyDown = (e: KeyboardEvent<HTMLAnchorElement>, i: number) => {
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = (i + 1) % SCREENS.length;
    else if (e.key === 'ArrowUp') next = (i - 1 + SCREENS.length) % SCREENS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = SCREENS.length - 1;
    else if (e.key === ' ') {
      e.preventDefault();
      e.currentTarget.click();
      return;
    }
    if (next === null) return;
    e.preventDefault();
    setFocusIndex(next);
    refs.current[next]?.focus();
  };
  return (
    <nav className="nav" aria-label="Screens">
      <ul className="nav-list">
        {SCREENS.map((s, i) => {
          const active = s.id === current;
          const Icon = s.icon;
          return (
            <li key={s.id}>
              <a
                ref={(el) => {
                  refs.current[i] = el;
                }}
                href={hrefFor(s.id)}
                className="nav-item"
                aria-current={active ? 'page' : undefined}
                tabIndex={i === focusIndex ? 0 : -1}
                onKeyDown={(e) => onKeyDown(e, i)}
                data-testid={`nav-${s.id}`}
                aria-keyshortcuts={`${modLabel === '⌘' ? 'Meta' : 'Control'}+${s.shortcut}`}
              >
                <Icon />
                <span className="nav-label">{s.label}</span>
                <kbd className="nav-kbd" aria-hidden="true">
                  {modLabel}
                  {s.shortcut}
                </kbd>
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
