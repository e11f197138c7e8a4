// Status bar: connection, keychain, background tasks (task.progress events), review-mode badge.
import type { Health } from '../../../src-common/contract/index.ts';
import { selectHealth, selectHealthError, selectOnline } from '../stores/health-store.ts';
import { lastFinished, runningTasks, selectTasks, type TaskProgress } from '../stores/tasks-store.ts';
import { useSelect, useStores } from '../stores/use-store.ts';
import { Toaster } from '../components/Toast.tsx';

function keychainText(k: Health['keychain']): string {
  if (k.state === 'ok') return `Keychain ready (${k.backend})`;
  if (k.state === 'session-only') return 'Session-only secrets';
  if (k.state === 'locked') return 'Keychain locked';
  return 'Keychain unavailable';
}

function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min left`;
}

function TaskItem({ running, finished }: { running: TaskProgress[]; finished: TaskProgress | null }) {
  const t = running[0];
  if (!t) {
    if (finished && finished.state !== 'done') {
      return (
        <span className={`status-item task-${finished.state}`} data-testid="status-task" data-state={finished.state}>
          {finished.label}: {finished.state}
          {finished.message !== null ? ` — ${finished.message}` : ''}
        </span>
      );
    }
    return (
      <span className="status-item muted" data-testid="status-task" data-state="idle">
        No background tasks
      </span>
    );
  }
  const pct = t.total ? Math.min(100, Math.round((t.done / t.total) * 100)) : null;
  return (
    <span className="status-item status-task" data-testid="status-task" data-state="running">
      <span className="task-label">{t.label}</span>
      {t.total !== null ? <progress className="task-progress" max={t.total} value={Math.min(t.done, t.total)} aria-label={t.label} /> : <progress className="task-progress" aria-label={t.label} />}
      <span className="task-count" data-testid="status-task-count">
        {t.total !== null ? `${t.done.toLocaleString()} of ${t.total.toLocaleString()}` : t.done > 0 ? t.done.toLocaleString() : (t.message ?? 'starting…')}
        {pct !== null ? ` (${pct}%)` : ''}
        {t.ratePerSecond !== null ? ` · ${t.ratePerSecond.toLocaleString()}/s` : ''}
        {t.etaSeconds !== null ? ` · ${eta(t.etaSeconds)}` : t.total !== null && t.done < t.total ? ' · measuring the rate…' : ''}
      </span>
      {running.length > 1 && <span className="muted">+{running.length - 1} more</span>}
    </span>
  );
}

export function StatusBar({ onShowShortcuts }: { onShowShortcuts(): void }) {
  const { health: healthStore, tasks: tasksStore } = useStores();
  const health = useSelect(healthStore, selectHealth);
  const error = useSelect(healthStore, selectHealthError);
  const online = useSelect(healthStore, selectOnline);
  const tasks = useSelect(tasksStore, selectTasks);
  const running = runningTasks(tasks);
  const onlineState = online === null ? 'unknown' : online ? 'online' : 'offline';
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className={`status-item status-dot-item`} data-testid="status-online" data-state={onlineState}>
        <span className={`status-dot dot-${onlineState}`} aria-hidden="true" />
        {error?.code === 'network_error' ? 'Disconnected from Grantdesk' : online === null ? 'Connecting…' : online ? 'Online' : 'Offline'}
      </span>
      {health && (
        <span className="status-item" data-testid="status-keychain" data-state={health.keychain.state} title={health.keychain.detail}>
          <span className={`status-dot dot-keychain-${health.keychain.state}`} aria-hidden="true" />
          {keychainText(health.keychain)}
        </span>
      )}
      {health?.reviewMode && (
        <span className="badge badge-review" data-testid="status-review-mode">
          Review mode · read-only
        </span>
      )}
      <span className="status-tasks" aria-live="polite">
        <TaskItem running={running} finished={lastFinished(tasks)} />
      </span>
      <span className="status-spacer" />
      {health && (
        <span className="status-item muted" data-testid="status-transport">
          {health.transport === 'serve' ? 'Browser (serve mode)' : health.transport === 'ipc' ? 'Desktop' : health.transport} · v{health.version}
        </span>
      )}
      <button type="button" className="status-button" onClick={onShowShortcuts} data-testid="open-shortcuts">
        Keyboard shortcuts
      </button>
      <Toaster />
    </footer>
  );
}
